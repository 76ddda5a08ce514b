"""Hostile and unusual text from editors: every value reaches HTML as text, URLs are rebuilt, YAML is read
strictly, regexes run in bounded time, and every problem of a file is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from conftest import CHAMBER_YML, TODAY, post, write_chamber


def problems_of(content: Path, slug: str) -> list[str]:
    """The error lines `chamber check` would print for the chamber ([] when it loads)."""
    try:
        load_chamber(content, slug, today=TODAY)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


# --- duplicate keys (case 15) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel, text, where",
    [
        (
            "chamber.yml",
            CHAMBER_YML + "name: 第二个名字\n",
            "content/dup/chamber.yml:12: name: the key 'name' is given twice, on lines 1 and 12",
        ),
        (
            "chamber.yml",
            CHAMBER_YML + "newsletter:\n  title: 甲\n  frequency: 季刊\n  title: 乙\n",
            "content/dup/chamber.yml:15: newsletter.title: the key 'title' is given twice, on lines 13 and 15",
        ),
        (
            "news/2026/2026-06-01-dup.md",
            "---\ntitle: 一\ndate: 2026-06-01\ntitle: 二\n---\n\n正文。\n",
            "content/dup/news/2026/2026-06-01-dup.md:4: title: the key 'title' is given twice, on lines 2 and 4",
        ),
        (
            "pages/about.md",
            "---\ntitle: 一\n\ntitle: 二\n---\n\n正文。\n",
            "content/dup/pages/about.md:4: title: the key 'title' is given twice, on lines 2 and 4",
        ),
        ("members.csv", None, None),
    ],
)
def test_a_key_given_twice_is_an_error_naming_both_lines(
    content: Path, rel: str, text: str | None, where: str | None
) -> None:
    if text is None:  # the roster as YAML: a key twice in one member
        rel, text = "members.yml", "- 名称: 甲公司\n  职务: 会长\n- 名称: 乙公司\n  职务: 会员\n  名称: 丙公司\n"
        where = "content/dup/members.yml:5: 1.名称: the key '名称' is given twice, on lines 3 and 5"
        files: dict[str, str | None] = {"members.csv": None, rel: text}
    else:
        files = {rel: text}
    if rel == "chamber.yml":
        write_chamber(content, "dup", chamber_yml=text)
    else:
        write_chamber(content, "dup", files=files)
    found = problems_of(content, "dup")
    assert [p for p in found if p.startswith(where)], found


def test_a_key_twice_in_a_newsletter_issue_is_an_error(content: Path) -> None:
    write_chamber(
        content,
        "dup",
        files={"newsletters/2026-q3.yml": "number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-12-31\nnumber: 第4期\n"},
    )
    from chamberpress.print.newsletter import load_issues

    with pytest.raises(ContentError) as caught:
        load_issues(load_chamber(content, "dup", today=TODAY))
    found = [str(p) for p in caught.value.problems]
    assert any(
        p.startswith("content/dup/newsletters/2026-q3.yml:4: number: the key 'number' is given twice, on lines 1 and 4")
        for p in found
    ), found


def test_the_same_key_in_different_mappings_is_fine(content: Path) -> None:
    write_chamber(
        content,
        "ok",
        chamber_yml=CHAMBER_YML
        + ("departments:\n  - name: 秘书处\n    head: 张三\n  - name: 财务部\n    head: 李四\n"),
    )
    assert problems_of(content, "ok") == []


# --- addresses from data are parsed and rebuilt (case 9) -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        'https://ok.example.cn/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "https://ok.example.cn/' onmouseover='x",
        "https://ok.example.cn/<x>",
        "https://ok.example.cn/ x",
        "javascript:alert(1)//https://ok.example.cn/",
        "https://admin:secret@ok.example.cn/",
        "ftp://ok.example.cn/",
        "https://ok..example.cn/",
        "https://ok.example.cn:99999/",
        "https://ok.example.cn/?q=1",
        "https://-bad-.cn/",
        "https:///path-only",
        "https://ok.example.cn\\@evil.example/",
    ],
)
def test_a_site_url_that_is_not_a_plain_web_address_is_an_error_naming_the_key(content: Path, url: str) -> None:
    write_chamber(content, "url", chamber_yml=CHAMBER_YML + f"site_url: '{url.replace(chr(39), chr(39) * 2)}'\n")
    found = problems_of(content, "url")
    assert [
        p for p in found if p.startswith("content/url/chamber.yml:12: site_url: ") and "is not a web address" in p
    ], found


def test_the_rebuilt_site_url_is_the_one_used(content: Path, out: Path) -> None:
    from chamberpress.build.pipeline import build_chamber
    from conftest import parse

    write_chamber(content, "url", chamber_yml=CHAMBER_YML + "site_url: HTTPS://Ok.Example.cn/站点\n")
    build_chamber("url", content, out, today=TODAY)
    links = parse(out / "url/about/index.html").cssselect('link[rel="canonical"]')
    assert [link.get("href") for link in links] == ["https://ok.example.cn/%E7%AB%99%E7%82%B9/about/"]
    feed = (out / "url/feed.xml").read_text(encoding="utf-8")
    assert 'href="https://ok.example.cn/%E7%AB%99%E7%82%B9/feed.xml"' in feed


def test_embed_hosts_must_be_host_names(content: Path) -> None:
    write_chamber(
        content,
        "emb",
        chamber_yml=CHAMBER_YML
        + ("embed_hosts:\n  - player.example-video.cn\n  - 'evil.example; script-src *'\n  - 'x\"><b>'\n"),
    )
    found = problems_of(content, "emb")
    assert [p.split(": ", 2)[:2] for p in found] == [
        ["content/emb/chamber.yml:14", "embed_hosts"],
        ["content/emb/chamber.yml:15", "embed_hosts"],
    ], found


@pytest.mark.parametrize(
    "website",
    [
        'https://a.cn/"><script>x-evil</script>',
        "https://a.cn/' onclick='x",
        "javascript:alert(1)",
        "https://u:p@a.cn/",
        "https://a.cn/<b>",
    ],
)
def test_a_member_website_that_is_not_a_web_address_is_left_out_with_a_warning(content: Path, website: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["名称", "职务", "网址"], ["甲公司", "会长", website], ["乙公司", "会员", "www.b.cn/页"]]
    )
    write_chamber(content, "web", files={"members.csv": buffer.getvalue()})
    chamber = load_chamber(content, "web", today=TODAY)
    assert [m.website for m in chamber.members] == ["", "http://www.b.cn/%E9%A1%B5"]
    assert [w for w in chamber.warnings if "content/web/members.csv:2" in str(w) and "column 网址" in str(w)], [
        str(w) for w in chamber.warnings
    ]


# --- every value reaches every page as text (case 8) ------------------------------------------------------
# Each string would add an element or attribute marked x-evil (or a redirect, a handler, a tag <tech>) if
# it were placed in HTML or XML without escaping for its context, or were run as a template.
HOSTILE = [
    '"><meta http-equiv="refresh" content="0;url=https://evil.example/"><b x-evil="1">',
    "' onmouseover='x-evil",
    "</title><script>x-evil</script>",
    "A&B <Tech> 有限公司",
    "{{ 7*7 }}{% raw %}",
    "javascript:alert(1)",
    ']]><b x-evil="2">',
    '--!><b x-evil="3">',
]
PLACES = ("chamber.yml", "front matter", "roster")


def _q(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def hostile_chamber(content: Path, slug: str, evil: str) -> None:
    """A chamber whose every editor-written value holds `evil` (with a word after it where names must differ)."""
    import csv
    import io

    e = _q(evil)
    chamber_yml = f"""\
name: {_q(evil + "商会")}
short_name: {e}
hometown: {e}
city: {e}
founded: 2015-06-18
address: {e}
phone: {_q("0577-88880000 " + evil)}
email: office@example.cn
site_url: https://ok.example.cn/
icp: {e}
police_beian: {e}
departments:
  - name: {_q(evil + "秘书处")}
    head: {e}
    duties: {e}
meetings:
  - name: {e}
    frequency: {e}
    description: {e}
plan:
  - date: 2026-12-20
    title: {e}
    description: {e}
services: {e}
dues:
  - position: {_q(evil + "会长")}
    amount: 1000
newsletter:
  title: {e}
  frequency: {e}
  permit: {e}
categories: [{_q("甲" + evil)}, {_q("乙" + evil)}]
positions: [{_q(evil + "会长")}, 会员]
"""
    meta = (
        f"title: {e}\nsummary: {e}\nauthor: {e}\nsource: {e}\ntags: [{e}, {_q(evil + '2')}]\n"
        f"category: {_q('乙' + evil)}\ncover: images/cover.png\n"
    )
    body = f"正文 {evil}\n\n![{evil}](images/cover.png)\n"
    roster = io.StringIO()
    csv.writer(roster).writerows(
        [
            ["名称", "联系人", "职务", "行业", "籍贯", "地址", "电话", "手机", "公开手机", "网址", "简介", "入会日期"],
            [
                evil + "有限公司",
                evil,
                evil + "会长",
                evil,
                evil,
                evil,
                "0577-1234567 " + evil,
                "13900000001",
                "是",
                "https://a.example.cn/",
                evil + "\n" + evil,
                "2026-09-01",
            ],
            [evil + "贸易", evil, "会员", evil, evil, evil, evil, "", "", evil, evil, "2026-09-02"],
            # More profiles than profile_pages.CHECKED: the rest are drawn from the shell.
            *(
                [evil + name, evil, "会员", evil, evil, evil, "", "", "", "", evil, ""]
                for name in ("科技", "物流", "餐饮")
            ),
        ]
    )
    write_chamber(
        content,
        slug,
        chamber_yml=chamber_yml,
        files={
            "news/2026/2026-09-10-evil.md": f"---\n{meta}slug: evil\ndate: 2026-09-10\n---\n\n{body}",
            "news/2026/2026-09-11-next.md": f"---\ntitle: {_q(evil + '二')}\ndate: 2026-09-11\nslug: next\n---\n\n{evil}\n",
            "news/2026/images/cover.png": _png(),
            "news/2026/2026-05-21-falv-peixun.md": None,
            "news/2025/2025-12-30-nianhui.md": None,
            "pages/about.md": f"---\ntitle: {e}\n---\n\n{evil}\n",
            "charter.md": f"---\ntitle: {_q(evil + '章程')}\n---\n\n## 第一章　总则\n\n第一条　{evil}\n",
            "members.csv": roster.getvalue(),
            "newsletters/2026-q3.yml": f"number: {e}\nfrom: 2026-07-01\nto: 2026-12-31\ntitle: {e}\n"
            f"foreword: {e}\nback_cover: {e}\nnew_members: true\nevents: true\n",
        },
    )


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def injected(doc) -> list[str]:
    """What in a parsed page no template of ours writes: marked elements and attributes, handlers,
    redirects, script URLs, scripts holding editor text."""
    found = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in ("tech", "x") or "x-evil" in tag:
            found.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            if "x-evil" in name or name.lower().startswith("on") or name == "a":
                found.append(f"attribute {name} on <{tag}>")
            if (
                name in ("href", "src", "action", "formaction", "poster")
                and "javascript:" in value.replace(" ", "").lower()
            ):
                found.append(f"{name}={value!r} on <{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("a refresh")
        if tag == "script" and "x-evil" in (element.text or ""):
            found.append("a script with editor text")
    return found


def head_shape(doc) -> list[tuple]:
    """The <head>'s elements as (tag, attribute names), in order."""
    head = doc.find("head")
    return [(e.tag, tuple(sorted(e.attrib))) for e in head.iter() if isinstance(e.tag, str) and e is not head]


@pytest.fixture(scope="module")
def benign_site(tmp_path_factory) -> Path:
    """The same chamber with a harmless string of about the same length in every place."""
    from chamberpress.build.pipeline import build_chamber

    root = tmp_path_factory.mktemp("benign")
    hostile_chamber(root / "content", "ok", "普通文字甲乙丙")
    build_chamber("ok", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "ok"


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_text_in_every_field_reaches_every_page_as_text(tmp_path: Path, benign_site: Path, evil: str) -> None:
    import json

    from lxml import etree

    from chamberpress.build.pipeline import build_chamber
    from chamberpress.build.portal import write_portal
    from conftest import parse

    content, out = tmp_path / "content", tmp_path / "sites"
    hostile_chamber(content, "evil", evil)
    build_chamber("evil", content, out, today=TODAY)
    write_portal(out)
    site = out / "evil"
    pages = sorted(site.rglob("*.html"))
    kinds = {
        "index.html",
        "news/index.html",
        "news/2026/09/10/evil/index.html",
        "news/archive/2026/index.html",
        "members/index.html",
        "organization/index.html",
        "charter/index.html",
        "newsletter/index.html",
        "search/index.html",
        "404.html",
        "about/index.html",
    }
    rels = {p.relative_to(site).as_posix() for p in pages}
    assert kinds <= rels, sorted(rels)
    assert [r for r in rels if r.startswith("news/category/")], sorted(rels)
    profiles = [r for r in rels if r.startswith("members/") and r.count("/") == 2]
    assert len(profiles) == 5, sorted(rels)
    benign_heads = {tuple(head_shape(parse(p))) for p in benign_site.rglob("*.html")}
    for page in [*pages, out / "index.html"]:
        doc = parse(page)
        assert injected(doc) == [], page
        if page.parent != out:
            assert tuple(head_shape(doc)) in benign_heads, page
        text = "".join(doc.xpath("//text()[not(ancestor::style)]"))  # 404.html's inlined CSS has numbers
        assert "49" not in text.replace("2026-09", "") or "7*7" in text, page
    # The text is there as text, as written, where our own templates print it.
    post_doc = parse(site / "news/2026/09/10/evil/index.html")
    assert post_doc.cssselect(".cp-post__header h1")[0].text_content() == evil
    assert evil in post_doc.cssselect(".cp-post__author")[0].text_content()
    assert [t.text_content() for t in post_doc.cssselect(".cp-post__tags li")] == [evil, evil + "2"]
    home = parse(site / "index.html")
    assert home.cssselect(".cp-hero__name")[0].text_content() == evil + "商会"
    names = {h.text_content().rstrip("¶").strip() for p in profiles for h in parse(site / p).cssselect("article h1")}
    assert names == {evil + name for name in ("有限公司", "贸易", "科技", "物流", "餐饮")}
    # XML and JSON read back with the text in them.
    feed = etree.parse(str(site / "feed.xml"))
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert evil in titles and evil + "商会 · 新闻动态" in titles
    sitemap = etree.parse(str(site / "sitemap.xml"))
    assert len(sitemap.getroot()) >= len(kinds)
    summary = json.loads((site / "chamber.json").read_text(encoding="utf-8"))
    assert summary["name"] == evil + "商会"
    # The newsletter's print HTML (the PDF's source).
    from chamberpress.print.newsletter import build_issue, issue_html, load_issues
    from chamberpress.print.pdf import find_fonts

    chamber = load_chamber(content, "evil", today=TODAY)
    printed = issue_html(build_issue(chamber, load_issues(chamber)[0]), find_fonts())
    print_doc = etree.fromstring(printed.encode("utf-8"), etree.HTMLParser())
    assert injected(print_doc) == [] and evil in "".join(print_doc.itertext())


# --- bounded work on any text (case 12) ----------------------------------------------------------------------
N = 200_000


def _pathological() -> dict[str, str]:
    """Texts that make a backtracking pattern quadratic or worse: long runs of what patterns open with and
    never close, nested openers, numbers and spaces without their end."""
    runs = [
        "[",
        "(",
        "![",
        "](",
        "*",
        "_",
        "`",
        "<",
        "{",
        "第",
        "1",
        " ",
        "\n",
        "#",
        "~",
        "-",
        "|",
        ">",
        "!",
        "\u3000",
        "《",
        "条",
        "：",
        "\\",
        '"',
    ]
    texts = {f"{run!r}*": run * (N // len(run)) for run in runs}
    pairs = [
        "[a",
        "[](",
        "![a](",
        "](x",
        "<a",
        "<img ",
        "<script",
        "``a",
        "`a``",
        "第一条",
        "第1",
        "1 ",
        "1-",
        "# ",
        "\n \n",
        " \n",
        "**第",
        "[[",
        "((",
        "<!--",
        "{:",
        "本章程第",
        "条例第一条",
        "至二条",
        "http://",
        "a@b.",
        "[a](<",
        "<a href='",
        "***_",
        '[a](b "',
        "[a](b (",
        "`` `",
        "~~~\n",
        "<a href=",
        "<script>",
        "第一条《",
    ]
    texts |= {f"{pair!r}*": pair * (N // len(pair)) for pair in pairs}
    texts |= {
        "heading then #": "# " + "#" * N + "x",
        "a long numeral": "第" + "1" * N + "条",
        "a long Chinese numeral": "第" + "一" * N + "条",
        "heading then spaces": "# " + " " * N + "x",
        "nested brackets": "[" * (N // 2) + "]" * (N // 2),
        "nested parens": "[a](" + "(" * N,
        "fence unclosed": "```\n" + "`` ``\n" * (N // 6),
        "fences": "```\n```` \n" * (N // 10),
        "2 MB of [": "[" * (2 * 1024 * 1024 - 1),
        "2 MB of text": ("商会动态 **加粗** [链接](a.md) `code` <b>x</b> 第十条\n\n" * 40000)[: 2 * 1024 * 1024 // 3],
    }
    return texts


def _functions() -> dict[str, object]:
    """Every function of the project that runs a regular expression over text an editor wrote."""
    from chamberpress import chinese, markup
    from chamberpress.content import charter, links, members, news, sources
    from chamberpress.site import directory

    def charter_all(text: str) -> object:
        parsed = charter.parse_charter(text)
        return charter.charter_markdown(parsed), [charter.passage_references(p) for p in charter._passages(parsed)]

    def date(text: str) -> object:
        try:
            return chinese.parse_date(text)
        except ValueError:
            return None

    return {
        "news.first_paragraph": news.first_paragraph,
        "links.find_links": lambda text: links._links_in.__wrapped__(text),
        "charter.line_references": lambda text: charter.line_references(text, 1),
        "charter.parse_charter/markdown/references": charter_all,
        "markup.md_text": markup.md_text,
        "markup.read_front_matter": markup.read_front_matter,
        "markup.web_url": markup.web_url,
        "sources.FRONT_MATTER": lambda text: sources.FRONT_MATTER.match("---\n" + text),
        "directory.phone_links": directory._phone_links,
        "members.mask_mobile": members.mask_mobile,
        "members.website": members._website,
        "chinese.parse_date": date,
        "chinese.reading_minutes": chinese.reading_minutes,
    }


class TooLong(Exception):
    pass


@pytest.fixture
def guard():
    """A limit of a few seconds on what runs inside: it fails instead of hanging (regular expressions check
    for signals as they run). A guard, not a benchmark: linear work on 2 MB is far below it."""
    import signal

    def stop(signum, frame):
        raise TooLong()

    previous = signal.signal(signal.SIGALRM, stop)
    yield lambda seconds: signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(_functions()))
def test_every_pattern_on_editor_text_runs_in_bounded_time(name: str, guard) -> None:
    function = _functions()[name]
    slow = []
    for label, text in _pathological().items():
        guard(5)
        try:
            function(text)
        except TooLong:
            slow.append(label)
        finally:
            guard(0)
    assert slow == [], f"{name} takes more than 5 s on: {slow}"


MB2 = 2 * 1024 * 1024 - 4096  # just under the 2 MB limit of a text file


def _slow_markdown() -> dict[str, str]:
    """~2 MB of each construct that Python-Markdown (with the project's extensions) converts in quadratic time
    or worse: refused at load time by generator/content/markdown_limits.py."""

    def fill(unit: str) -> str:
        return unit * (MB2 // len(unit.encode()))

    return {
        "<a ": fill("<a "),
        "<div": fill("<div"),
        "<a per paragraph": fill("<a \n\n"),
        "*a": fill("*a"),
        "~~a": fill("~~a"),
        "**a": fill("**a"),
        "`a": fill("`a"),
        "[a": fill("[a"),
        "![a": fill("!["),
        "[a](": fill("[a]("),
        "[": "[" * (MB2 - 1),
        "abbreviations": "".join(f"*[A{i}]: x\n" for i in range(200)) + "\n" + fill("A1 "),
        "abbreviation uses": "*[A]: x\n\n" + fill("A "),
        "footnotes": fill("[^1] "),
        "headings": fill("# h\n\n"),
    }


def _just_under_limits() -> str:
    """One post with every construct just under its limit: it must convert in a few seconds."""
    from chamberpress.content import markdown_limits as lim

    return "\n\n".join(
        [
            "<a " * lim.MAX_UNCLOSED_TAGS,
            "".join(f"*[A{i}]: x\n" for i in range(lim.MAX_ABBREVIATIONS)),
            " ".join(f"A{i % lim.MAX_ABBREVIATIONS}" for i in range(lim.MAX_ABBREVIATION_USES)),
            "*a" * (lim.MAX_EMPHASIS_MARKERS // 2),
            "*a" * lim.MAX_EMPHASIS_MARKERS,
            "~~a" * (lim.MAX_EMPHASIS_MARKERS // 2),
            "[a" * lim.MAX_LINK_OPENERS,
            "[a](" * lim.MAX_LINK_TARGETS,
            " ".join(f"[^{i}]" for i in range(lim.MAX_FOOTNOTES)),
            "\n\n".join("# h" for _ in range(lim.MAX_HEADINGS - 10)),
        ]
    )


@pytest.mark.parametrize("name", list(_slow_markdown()))
def test_markdown_too_slow_to_convert_is_an_error_naming_the_file_and_line(content: Path, name: str, guard) -> None:
    body = _slow_markdown()[name]
    write_chamber(
        content,
        "slow",
        files={
            "news/2026/2026-06-01-slow.md": post("长文", "2026-06-01", "正文。\n\n" + body),
            "pages/about.md": "---\ntitle: 简介\n---\n\n" + body,
            "charter.md": "# 章程\n\n" + body,
        },
    )
    guard(30)
    try:
        found = problems_of(content, "slow")
    except TooLong:
        pytest.fail("loading took more than 30 s")
    finally:
        guard(0)
    for rel, line in [("news/2026/2026-06-01-slow.md", 8), ("pages/about.md", 5), ("charter.md", 3)]:
        assert [
            p
            for p in found
            if p.startswith(f"content/slow/{rel}:") and "too slow to convert" in p and int(p.split(":")[1]) >= line
        ], (rel, found)


@pytest.mark.parametrize("body", ["<" * N, "第一条" * (N // 3), "x <!--" * (N // 6), _just_under_limits()])
def test_a_post_of_pathological_markdown_builds_in_bounded_time(content: Path, out: Path, guard, body: str) -> None:
    """Through everything a build runs on a post: loading, summary, links, Python-Markdown with the
    project's extensions, sanitizing, search."""
    from chamberpress.build.pipeline import build_chamber

    write_chamber(
        content,
        "big",
        files={
            "news/2026/2026-06-01-big.md": post("长文", "2026-06-01", body),
            "pages/about.md": "---\ntitle: 简介\n---\n\n" + body,
        },
    )
    assert problems_of(content, "big") == []
    guard(60)
    try:
        build_chamber("big", content, out, today=TODAY)
    except TooLong:
        pytest.fail("the build took more than 60 s")
    finally:
        guard(0)
    assert (out / "big/news/2026/06/01/big/index.html").is_file()


# --- categories read alike (case 16) -------------------------------------------------------------------------


@pytest.mark.parametrize("names", [["培训", "陪训"], ["商会动态", "商会 动态"], ["News", "news"], ["通知", "通知!"]])
def test_categories_that_would_share_a_page_are_an_error_naming_both(content: Path, names: list[str]) -> None:
    listed = ", ".join(_q(n) for n in ["通知公告", *names])
    write_chamber(
        content,
        "cat",
        chamber_yml=CHAMBER_YML + f"categories: [{listed}]\n",
        files={"news/2026/2026-05-21-falv-peixun.md": post("培训", "2026-05-21", category=names[0])},
    )
    found = problems_of(content, "cat")
    assert [
        p
        for p in found
        if p.startswith("content/cat/chamber.yml:12: categories: ")
        and f"{names[0]!r} and {names[1]!r} read alike in pinyin" in p
    ], found


# --- every problem of a post at once (case 18) ----------------------------------------------------------------


def test_every_problem_of_one_post_is_reported_at_once(content: Path) -> None:
    write_chamber(
        content,
        "many",
        files={
            "news/2026/2026-06-01-many.md": (
                "---\ntitle: 多处错误\ndate: 2026-02-30\ncategory: 不存在的栏目\nslug: Bad_Slug\ncover: images/none.jpg\n"
                "tags: {a: 1}\n---\n\n正文。\n\n![图](images/missing.jpg)\n"
            )
        },
    )
    found = [p for p in problems_of(content, "many") if "2026-06-01-many.md" in p]
    fields = sorted(p.split(": ")[1] for p in found)
    assert fields == ["broken image", "category", "cover", "date", "slug", "tags"], found
    assert "content/many/news/2026/2026-06-01-many.md:12: broken image: 'images/missing.jpg' not found" in "\n".join(
        found
    )


def test_a_post_whose_title_is_not_text_still_has_its_category_checked(content: Path) -> None:
    write_chamber(
        content,
        "many",
        files={
            "news/2026/2026-06-01-many.md": (
                "---\ntitle: [列表]\ndate: 2026-06-01\ncategory: 不存在的栏目\n---\n\n正文。\n"
            )
        },
    )
    found = [p for p in problems_of(content, "many") if "2026-06-01-many.md" in p]
    assert sorted(p.split(": ")[1] for p in found) == ["category", "title"], found


def test_an_empty_list_of_categories_is_an_error_not_a_crash(content: Path) -> None:
    """Found by fuzzing chamber.yml (tests/test_fuzz.py)."""
    write_chamber(content, "cat", chamber_yml=CHAMBER_YML + "categories: []\n")
    assert problems_of(content, "cat") == [
        "content/cat/chamber.yml:12: categories: no category is listed (at least one, e.g. [商会动态, 通知公告], "
        "or leave categories out for the default ones)"
    ]


@pytest.mark.parametrize("name", ['assets/lo"go onerror=alert(1) x.png', "assets/标 志.png", "pages/logo.png"])
def test_a_logo_of_any_file_name_reaches_the_head_and_header_as_an_address(content: Path, out: Path, name: str) -> None:
    """Material prints the logo's address into `src` and `href` as it is: one not made of plain URL
    characters is published as assets/logo.<ext>."""
    import io

    from PIL import Image

    from chamberpress.build.pipeline import build_chamber
    from conftest import parse

    png = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(png, "PNG")
    write_chamber(content, "logo", chamber_yml=CHAMBER_YML + f"logo: '{name}'\n", files={name: png.getvalue()})
    build_chamber("logo", content, out, today=TODAY)
    doc = parse(out / "logo/index.html")
    logos = [img.get("src") for img in doc.cssselect("header img, .md-nav__title img")]
    icons = [link.get("href") for link in doc.cssselect("link[rel=icon]")]
    expected = "assets/logo.png" if '"' in name or " " in name or not name.startswith("assets/") else name
    # The header and the tab show copies at their size, under plain names (site/icons.py); the original is
    # published too (the home page's).
    assert logos and set(logos) == {"assets/logo-48.png"} and icons == ["assets/favicon-32.png"]
    assert not [e for e in doc.iter() if isinstance(e.tag, str) and e.get("onerror") is not None]
    assert (out / "logo" / expected).is_file()


def test_the_default_categories_have_pages_of_their_own_and_need_no_dictionary_to_check(content: Path) -> None:
    """The check leaves the default categories alone: they are known apart (here), and a chamber that keeps
    them is checked and printed without loading pypinyin's dictionary (tens of MB)."""
    import subprocess
    import sys

    from chamberpress.content.chamber import DEFAULT_CATEGORIES, category_slug

    assert len({category_slug(name) for name in DEFAULT_CATEGORIES}) == len(DEFAULT_CATEGORIES)
    write_chamber(content, "plain")
    script = (
        "import sys, datetime as dt\n"
        "from chamberpress.content.load import load_chamber\n"
        f"chamber = load_chamber(__import__('pathlib').Path({str(content)!r}), 'plain', today=dt.date(2026, 11, 25))\n"
        "assert chamber.info.categories and 'pypinyin' not in sys.modules, sorted(sys.modules)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
