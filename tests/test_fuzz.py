"""Random front matter, roster cells and Markdown: a build either succeeds or reports content errors.

Never a traceback, never a hang, never a file written outside the output folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from chamberpress.build.pipeline import build_chamber
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from conftest import CHAMBER_YML, TODAY, write_chamber

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    text,
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)
keys = (
    st.sampled_from(
        ["title", "date", "category", "tags", "author", "source", "summary", "cover", "pin", "draft", "slug"]
    )
    | text
)
front_matter = st.dictionaries(keys, values, max_size=8)

markdown_pieces = (
    st.sampled_from(
        [
            "# 标题",
            "## 第一章　总则",
            "第一条　本会",
            "- 列表",
            "1. 编号",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "<script>alert(1)</script>",
            '<iframe src="https://evil.example/"></iframe>',
            "[链接](../../charter.md)",
            "![图](images/none.png)",
            "[坏](javascript:alert(1))",
            "```\n代码\n```",
            "> 引用",
            "**粗体** *强调*",
            "<!-- more -->",
            "{: #id }",
            "---",
            "\\",
            "&amp;",
            "调解成功",
            "\x00",
            "\t缩进",
        ]
    )
    | text
)
markdown = st.lists(markdown_pieces, max_size=12).map("\n\n".join)


def _dump(meta: dict) -> str:
    try:
        return yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        return "title: x\n"


def files_outside(root: Path, allowed: tuple[Path, ...]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not any(a in p.parents for a in allowed)]


@settings(max_examples=150, **SETTINGS)
@given(meta=front_matter, body=markdown)
def test_random_posts_load_or_report(meta: dict, body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_chamber(content, "fz", files={"news/2026/2026-03-01-fuzz.md": f"---\n{_dump(meta)}---\n\n{body}\n"})
        try:
            load_chamber(content, "fz", today=TODAY)
        except ContentError as exc:
            assert exc.problems and all(p.file.startswith("content/fz/") for p in exc.problems)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)


@settings(max_examples=150, **SETTINGS)
@given(rows=st.lists(st.lists(cells, min_size=6, max_size=6), max_size=6))
def test_random_roster_cells_load_or_report(rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["名称", "职务", "入会日期", "公开", "网址", "手机"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_chamber(content, "fz", files={"members.csv": buffer.getvalue()})
        try:
            load_chamber(content, "fz", today=TODAY)
        except ContentError as exc:
            assert all(p.file == "content/fz/members.csv" for p in exc.problems)
            assert all(p.line is not None for p in exc.problems if "twice" not in p.message)


@settings(max_examples=12, **SETTINGS)
@given(meta=front_matter, body=markdown, page_body=markdown)
def test_random_content_builds_or_reports_and_writes_only_to_out(meta: dict, body: str, page_body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content, out = root / "content", root / "sites"
        write_chamber(
            content,
            "fz",
            chamber_yml=CHAMBER_YML,
            files={
                "news/2026/2026-03-01-fuzz.md": f"---\n{_dump(meta)}---\n\n{body}\n",
                "news/2026/2026-03-02-ok.md": f"---\ntitle: 正常\ndate: 2026-03-02\n---\n\n{body}\n",
                "pages/about.md": f"---\ntitle: 简介\n---\n\n{page_body}\n",
            },
        )
        before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
        signal.alarm(120)  # a hang fails the test instead of stalling the suite
        try:
            build_chamber("fz", content, out, today=TODAY)
        except ContentError as exc:
            assert exc.problems
        else:
            assert (out / "fz/index.html").is_file()
            for page in (out / "fz").rglob("*.html"):
                assert "<script>alert(1)" not in page.read_text(encoding="utf-8")
        finally:
            signal.alarm(0)
        assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
        assert files_outside(root, (content, out, root / ".cache")) == []
        shutil.rmtree(out, ignore_errors=True)


# --- rosters: every format, hostile headers and cells; nothing private published, nothing injected ------------

MOBILE_FORMS = [
    "13966605678",
    "139 6660 5678",
    "139-6660-5678",
    "+86 13966605678",
    "86-139-6660-5678",
    "１３９６６６０５６７８",
]
ID_FORMS = ["330102198706051234", "33010219870605123X", "330102870605123"]
HOSTILE_HTML = [
    '<script>alert("xss")</script>',
    '"><meta http-equiv="refresh" content="0;url=https://evil.example/"><x a="',
    "<img src=x onerror=alert(1)>",
    "A&B <Tech> 有限公司",
    '温州"新世纪"贸易',
    "'单引号'",
    "</textarea><xss-tag>",
    "{{ config }}",
    "{% raw %}",
    "[链接](javascript:alert(1))",
    "**粗体**",
]
HOSTILE_HEADERS = [
    "是否公开（是/否）",
    "对外公开",
    "隐藏",
    "保密？",
    "公开状态",
    "Visibility",
    "公开手机",
    "手机保密",
    "名称",
    "简介",
    "",
    "  ",
    "#",
    "序号",
    "（公开）",
    "e-mail",
    "备注",
    "PUBLIC?",
    "手机号是否公开",
    "不公开",
]
# What must never appear in any output file: the unlisted member, the private column, full mobiles, ID numbers.
UNLISTED_ROW = {
    "名称": "隐身SENTINEL有限公司",
    "联系人": "UNLISTEDCONTACT",
    "行业": "UNLISTEDTRADE",
    "简介": "UNLISTEDINTRO",
    "手机": "13988889999",
}
PRIVATE = "PRIVSENTINEL备注"
NEVER = list(UNLISTED_ROW.values()) + [PRIVATE, "19870605", "870605123"]
# The visibility column in spellings understood (shown, or hidden: yes means not listed) or not understood.
SHOWN = ["公开", "是否公开（是/否）", "对外公开", "Listed?", "ＰＵＢＬＩＣ", "公开与否", "是否对外公开【必填】"]
HIDDEN = ["隐藏", "是否保密", "Hidden (Y/N)", "不公开？"]
UNCLEAR = ["公开状态", "Visibility", "展示给外部", "（公开）", "是否在网站显示"]
FULL_MOBILES = ["6660", "６６６０", "13977718888", "7771"]  # unless a hostile column gave consent


def never(chamber) -> list[str]:
    consent = any(m.publish_mobile for m in chamber.listed_members)
    return NEVER + ([] if consent else FULL_MOBILES)


BASE = ["名称", "联系人", "行业", "简介", "手机"]

plain = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
roster_cell = st.lists(st.sampled_from(MOBILE_FORMS + ID_FORMS + HOSTILE_HTML) | plain, max_size=3).map("；".join)
listed_value = st.sampled_from(["yes"] * 6 + ["", "Y", "1", "也许", '=IF(1=1,"否","是")'])  # mostly clear


@st.composite
def rosters(draw) -> tuple[str, list[str], list[list[str]]]:
    """A roster's format, header and rows: listed members with hostile cells, then one unlisted member."""
    visibility = draw(st.sampled_from(SHOWN + HIDDEN + SHOWN + HIDDEN + UNCLEAR))
    yes, no = ("否", "是") if visibility in HIDDEN else ("是", "否")
    extra = draw(st.lists(st.sampled_from(HOSTILE_HEADERS) | plain, max_size=2))
    header = BASE + [visibility, "备注", "入会日期"] + extra
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(roster_cell) + f"会员{len(rows)}"  # named, and unique: most rosters load
        shown = draw(listed_value).replace("yes", yes)
        rows.append(
            [name, draw(roster_cell), draw(roster_cell), draw(roster_cell), "13977718888", shown, PRIVATE, "2026-08-01"]
            + [draw(roster_cell) for _ in extra]
        )
    rows.append([*UNLISTED_ROW.values(), no, PRIVATE, "2026-08-01"] + [draw(roster_cell) for _ in extra])
    return draw(st.sampled_from(["csv", "xlsx", "yml"])), header, rows


def roster_file(kind: str, header: list[str], rows: list[list[str]]) -> tuple[str, str | bytes]:
    import csv
    import io

    import openpyxl

    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        return "members.csv", buffer.getvalue()
    if kind == "xlsx":
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)  # a cell starting with = is written as a formula without a value
        data = io.BytesIO()
        book.save(data)
        return "members.xlsx", data.getvalue()
    return "members.yml", yaml.safe_dump([dict(zip(header, row)) for row in rows], allow_unicode=True)


ROSTER_NEWS = {
    "newsletters/2026-q3.yml": "number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-12-31\nnew_members: true\n",
    "news/2026/2026-09-10-zoufang.md": "---\ntitle: 会员企业走访\ndate: 2026-09-10\n---\n\n走访。\n",
}


@settings(max_examples=120, **SETTINGS)
@given(roster=rosters())
def test_random_rosters_load_or_report_and_publish_nothing_private(roster) -> None:
    """Every format: only content errors, and the model's published values hold no private sentinel."""
    kind, header, rows = roster
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        name, data = roster_file(kind, header, rows)
        write_chamber(content, "fz", files={"members.csv": None, name: data})
        try:
            chamber = load_chamber(content, "fz", today=TODAY)
        except ContentError as exc:
            assert exc.problems and all(p.file == f"content/fz/{name}" for p in exc.problems)
            return
    for member in chamber.listed_members:
        published = " ".join(member.public_fields().values())
        assert not [s for s in never(chamber) if s in published]


@settings(max_examples=20, **SETTINGS)
@given(roster=rosters())
def test_random_rosters_build_without_a_private_sentinel_in_any_file(roster) -> None:
    """Every file of the site (HTML, XML, JSON, the search index, the newsletter PDF) is free of the unlisted
    member, the private column, full mobiles and ID numbers."""
    from conftest import site_texts

    kind, header, rows = roster
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "sites"
        name, data = roster_file(kind, header, rows)
        write_chamber(content, "fz", files={"members.csv": None, name: data, **ROSTER_NEWS})
        signal.alarm(120)
        try:
            build_chamber("fz", content, out, today=TODAY)
        except ContentError as exc:
            assert exc.problems
            event("content error")
            return
        finally:
            signal.alarm(0)
        event("built")
        secrets = never(load_chamber(content, "fz", today=TODAY))
        texts = site_texts(out / "fz")
        assert any(p.suffix == ".pdf" for p, _ in texts) and any(p.suffix == ".pf_fragment" for p, _ in texts)
        leaks = [
            (p.relative_to(out / "fz").as_posix(), s) for p, t in texts for s in secrets if s in t.replace("\n", "")
        ]
        assert leaks == []


def injected(site: Path) -> list[tuple[str, str]]:
    """Elements and attributes of HOSTILE_HTML that parsed as markup in any page of the site."""
    from lxml import html as lxml_html

    found = []
    for page in site.rglob("*.html"):
        doc = lxml_html.fromstring(page.read_bytes())
        rel = page.relative_to(site).as_posix()
        found += [(rel, e.tag) for e in doc.iter("x", "xss-tag", "tech")]
        found += [(rel, "meta refresh") for e in doc.iter("meta") if (e.get("http-equiv") or "").lower() == "refresh"]
        found += [(rel, "onerror") for e in doc.iter() if isinstance(e.tag, str) and e.get("onerror") is not None]
        found += [(rel, "script") for e in doc.iter("script") if "alert" in (e.text or "")]
    return found


@settings(max_examples=10, **SETTINGS)
@example(roster=("csv", BASE + ["公开"], [[HOSTILE_HTML[1] + "有限公司", "", "", HOSTILE_HTML[0], "", "是"]]))
@given(roster=rosters())
def test_random_rosters_inject_no_element(roster) -> None:
    """Roster cells are text wherever they are placed: no element or attribute of theirs in any page."""
    kind, header, rows = roster
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "sites"
        name, data = roster_file(kind, header, rows)
        write_chamber(content, "fz", files={"members.csv": None, name: data})
        signal.alarm(120)
        try:
            build_chamber("fz", content, out, today=TODAY)
        except ContentError:
            return
        finally:
            signal.alarm(0)
        assert injected(out / "fz") == []


# --- chamber.yml ----------------------------------------------------------------------------------------------


def _chamber_keys() -> dict[str, object]:
    """Every key of chamber.yml (from its one typed definition) with values of any kind, hostile text among
    them; the keys of its lists' and sets' items too."""
    import dataclasses

    from chamberpress.content.chamber import ChamberInfo
    from test_injection import HOSTILE

    hostile = st.sampled_from(HOSTILE) | st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), text)
    anything = values | hostile

    def item(cls) -> st.SearchStrategy:
        keys = [f.name for f in dataclasses.fields(cls)]
        return st.dictionaries(st.sampled_from(keys), anything, max_size=len(keys))

    from chamberpress.content.chamber import Department, DuesRate, Meeting, NewsletterInfo, PlanItem, PublishInfo

    nested = {
        "departments": st.lists(item(Department), max_size=2),
        "meetings": st.lists(item(Meeting), max_size=2),
        "plan": st.lists(item(PlanItem), max_size=2),
        "dues": st.lists(item(DuesRate), max_size=2),
        "newsletter": item(NewsletterInfo),
        "categories": st.lists(hostile | text, max_size=4),
        "positions": st.lists(hostile | text, max_size=4),
        "embed_hosts": st.lists(anything, max_size=2),
        "publish": item(PublishInfo),
    }
    return {f.name: nested.get(f.name, anything) | anything for f in dataclasses.fields(ChamberInfo)}


@st.composite
def chamber_ymls(draw) -> str:
    keys = _chamber_keys()
    chosen = draw(st.sets(st.sampled_from(sorted(keys)), max_size=len(keys)))
    data = {"name": "温州市测试商会", "hometown": "测试省", "address": "测试路1号"}
    data.update({key: draw(keys[key]) for key in sorted(chosen)})
    return _dump(data)


@settings(max_examples=120, **SETTINGS)
@given(chamber_yml=chamber_ymls())
def test_random_chamber_yml_loads_or_reports(chamber_yml: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_chamber(content, "fz", chamber_yml=chamber_yml)
        try:
            load_chamber(content, "fz", today=TODAY)
        except ContentError as exc:
            assert exc.problems and all(p.file.startswith("content/fz/") for p in exc.problems)


@st.composite
def texts_chamber_ymls(draw) -> str:
    """chamber.yml with random (often hostile) text in every text key, of its items too: most of them load."""
    from test_injection import HOSTILE

    words = (
        st.sampled_from(HOSTILE)
        | text.filter(lambda t: t.strip())
        | st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), text)
    )
    say = lambda: draw(words)  # noqa: E731
    data = {
        "name": say(),
        "hometown": say(),
        "address": say(),
        "short_name": say(),
        "city": say(),
        "icp": say(),
        "police_beian": say(),
        "services": say(),
        "phone": say(),
        "departments": [{"name": say(), "head": say(), "duties": say()}],
        "meetings": [{"name": say(), "frequency": say(), "description": say()}],
        "plan": [{"date": "2026-12-01", "title": say(), "description": say()}],
        "dues": [{"position": "会长", "amount": 100}],
        "newsletter": {"title": say(), "frequency": say(), "permit": say()},
        "categories": draw(st.lists(words, min_size=1, max_size=3, unique=True)),
    }
    return _dump(data)


@settings(max_examples=6, **SETTINGS)
@given(chamber_yml=texts_chamber_ymls())
def test_a_random_chamber_yml_that_loads_builds_without_injecting(chamber_yml: str) -> None:
    from conftest import parse
    from test_injection import injected

    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "sites"
        # Only the categories the default posts use stay required: a post's unknown category is not this test.
        write_chamber(
            content,
            "fz",
            chamber_yml=chamber_yml,
            files={"news/2026/2026-05-21-falv-peixun.md": None, "news/2025/2025-12-30-nianhui.md": None},
        )
        try:
            load_chamber(content, "fz", today=TODAY)
        except ContentError:
            return
        signal.alarm(120)
        try:
            build_chamber("fz", content, out, today=TODAY)
        except ContentError as exc:  # checks only the build makes
            assert exc.problems
            return
        finally:
            signal.alarm(0)
        pages = list((out / "fz").rglob("*.html"))
        assert len(pages) > 5
        for page in pages:
            assert injected(parse(page)) == [], page
