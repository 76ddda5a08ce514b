"""Project cooperation (项目合作): loading and its errors, the pages, expiry, the feed, the newsletter section,
the audit figures, and the list's filters in a real browser."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import TODAY, parse, read_search_fragment, text_of, write_chamber
from chamberpress.audit.report import audit_chamber
from chamberpress.build.pipeline import build_chamber, build_many
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError

ROSTER = "名称,联系人,职务,行业,手机,公开\n甲公司,张三,会长,商贸,13900000001,是\n乙公司,李四,会员,物流,13900000002,是\n丙公司,王五,会员,物流,13900000003,否\n"


def project(title: str, date: str, until: str, *, kind: str = "招商项目", status: str = "洽谈中", **more: str) -> str:
    meta = {
        "title": title,
        "kind": kind,
        "industry": "商贸",
        "region": "安徽省合肥市",
        "amount": "5000万元",
        "member": "甲公司",
        "contact": "张先生 0577-88880001",
        "date": date,
        "valid_until": until,
        "status": status,
        **more,
    }
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in meta.items()) + "---\n\n" + f"{title}的介绍。\n"


PROJECTS = {
    "members.csv": ROSTER,
    "projects/wuliu.md": project("物流园招商", "2026-10-01", "2026-12-31", industry="物流"),
    "projects/xieye.md": project("鞋业基地投资", "2026-03-01", "2026-06-30", kind="投资意向", status="已签约"),
    "projects/ended.md": project("配套需求", "2026-09-01", "2027-06-30", kind="合作需求", status="已结束"),
    "projects/draft.md": project("草稿项目", "2026-09-01", "2027-06-30", draft="true"),
    "projects/later.md": project("未来项目", "2026-12-20", "2027-06-30"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("projects")
    write_chamber(root / "content", files=PROJECTS)
    return build_chamber("test", root / "content", root / "sites", today=TODAY).site_dir


def _titles(section) -> list[str]:
    return [text_of(a) for a in section.xpath(".//a[@class='cp-project__title']")]


# --- loading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "why"), [("丁公司", "is not in the roster"), ("丙公司", "is not listed in the roster")]
)
def test_an_unknown_or_unlisted_member_is_an_error_naming_its_line(content: Path, member: str, why: str) -> None:
    write_chamber(
        content,
        files={"members.csv": ROSTER, "projects/x.md": project("项目", "2026-10-01", "2026-12-31", member=member)},
    )
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "test", today=TODAY)
    (problem,) = caught.value.problems
    assert problem.file.endswith("projects/x.md")
    assert str(problem).startswith("test/projects/x.md:7: member: ") or ":7:" in str(problem)
    assert problem.line == 7  # the member: line of the front matter
    assert problem.field == "member"
    assert f"member {member!r} {why}" in problem.message


def test_kind_and_status_are_checked_and_a_chamber_may_add_kinds(content: Path) -> None:
    write_chamber(
        content,
        files={
            "members.csv": ROSTER,
            "projects/x.md": project("项目", "2026-10-01", "2026-12-31", kind="产业对接", status="进行中"),
        },
    )
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "test", today=TODAY)
    messages = sorted(p.message for p in caught.value.problems)
    assert messages == ["unknown kind '产业对接'", "unknown status '进行中'"]
    from conftest import CHAMBER_YML

    write_chamber(
        content,
        chamber_yml=CHAMBER_YML + "project_kinds: [招商项目, 产业对接]\n",
        files={"projects/x.md": project("项目", "2026-10-01", "2026-12-31", kind="产业对接")},
    )
    assert [p.meta.kind for p in load_chamber(content, "test", today=TODAY).projects] == ["产业对接"]


def test_a_project_may_not_take_the_list_s_url_name(content: Path) -> None:
    write_chamber(
        content, files={"members.csv": ROSTER, "projects/index.md": project("项目", "2026-10-01", "2026-12-31")}
    )
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "test", today=TODAY)
    assert [p.message for p in caught.value.problems] == ["'index' is the project list's URL name"]


# --- the site ---------------------------------------------------------------------------------------


def test_list_has_current_projects_first_then_past_ones(site: Path) -> None:
    page = parse(site / "projects/index.html")
    current, past = page.xpath("//section[contains(@class, 'cp-projects')]")
    assert _titles(current) == ["物流园招商"]
    assert _titles(past) == ["配套需求", "鞋业基地投资"]  # ended, and expired on 2026-06-30
    assert text_of(past.xpath("h2")[0]) == "往期项目"
    # Drafts and scheduled ones are nowhere.
    text = (site / "projects/index.html").read_text()
    assert "草稿项目" not in text and "未来项目" not in text
    assert sorted(p.name for p in (site / "projects").iterdir() if p.is_dir()) == ["ended", "wuliu", "xieye"]
    options = {s.get("name"): [o.get("value") for o in s.xpath("option")] for s in page.xpath("//select")}
    assert options == {
        "kind": ["", "合作需求", "投资意向", "招商项目"],
        "industry": ["", "商贸", "物流"],
        "region": ["", "安徽省合肥市"],
        "status": ["", "已签约", "已结束", "洽谈中"],
    }


def test_project_page_links_the_member_profile_and_shows_the_contact(site: Path) -> None:
    page = parse(site / "projects/wuliu/index.html")
    rows = {text_of(tr[0]): tr[1] for tr in page.xpath("//article//table/tbody/tr")}
    assert text_of(rows["联系方式"]) == "张先生 0577-88880001"
    assert text_of(rows["投资额"]) == "5000万元"
    (link,) = rows["发布会员"].xpath("a")
    assert link.get("href") == "../../members/jia/"
    assert (site / "members/jia/index.html").is_file()
    assert "（往期项目）" in text_of(parse(site / "projects/xieye/index.html").xpath("//article//table")[0])


def test_home_block_nav_and_feed(site: Path) -> None:
    home = parse(site / "index.html")
    (block,) = home.xpath("//section[@class='cp-home-projects']")
    assert [text_of(a) for a in block.xpath(".//li/a")] == ["物流园招商"]
    assert "项目合作" in [text_of(a) for a in home.xpath("//nav//a")]
    feed = (site / "feed.xml").read_text()
    assert feed.count('term="项目合作"') == 3
    assert "projects/wuliu/" in feed and "草稿项目" not in feed


def test_projects_are_in_the_search_index(site: Path) -> None:
    fragments = {f["url"]: f["content"] for f in map(read_search_fragment, (site / "pagefind").rglob("*.pf_fragment"))}
    projects = {url: text for url, text in fragments.items() if "/projects/" in url}
    assert sorted(url.rsplit("/projects/", 1)[1] for url in projects) == ["", "ended/", "wuliu/", "xieye/"]
    assert any("物流园招商的介绍" in text.replace("\u200b", "") for text in projects.values())  # words split by ZWSP


def test_no_block_without_current_projects(content: Path, out: Path) -> None:
    write_chamber(
        content, files={"members.csv": ROSTER, "projects/old.md": project("旧项目", "2026-01-01", "2026-02-01")}
    )
    site = build_chamber("test", content, out, today=TODAY).site_dir
    assert not parse(site / "index.html").xpath("//section[@class='cp-home-projects']")
    assert _titles(
        parse(site / "projects/index.html").xpath("//section[contains(@class, 'cp-projects--past')]")[0]
    ) == ["旧项目"]


def test_expiry_moves_a_project_to_the_past_on_the_first_build_after_its_date(content: Path, out: Path) -> None:
    write_chamber(
        content, files={"members.csv": ROSTER, "projects/p.md": project("限期项目", "2026-10-01", TODAY.isoformat())}
    )

    def sections(site: Path) -> list[list[str]]:
        return [
            _titles(s) for s in parse(site / "projects/index.html").xpath("//section[contains(@class, 'cp-projects')]")
        ]

    def build(day: dt.date):  # as `chamber build --all`: a chamber whose inputs did not change is skipped
        ((_, result),) = build_many(["test"], content, out, today=day)
        return result

    first = build(TODAY)
    assert sections(first.site_dir) == [["限期项目"]]  # current through its valid_until
    assert build(TODAY).skipped  # nothing changed that day
    after = build(TODAY + dt.timedelta(days=1))
    assert not after.skipped
    assert sections(after.site_dir) == [[], ["限期项目"]]


# --- newsletter and audit ---------------------------------------------------------------------------

ISSUE = "number: 2026年第4期\nfrom: 2026-09-01\nto: 2026-11-25\nsections: [商会动态]\nprojects: true\n"


def test_newsletter_prints_the_projects_of_its_period(content: Path, out: Path) -> None:
    news = {"news/2026/2026-10-08-huiyi.md": "---\ntitle: 理事会召开\ndate: 2026-10-08\n---\n\n理事会召开。\n"}
    write_chamber(content, files=PROJECTS | news | {"newsletters/2026-q4.yml": ISSUE})
    site = build_chamber("test", content, out, today=TODAY).site_dir
    raw = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(site / "newsletter/2026-q4.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = re.sub(r"\s+", "", raw)
    assert "本期发布项目2个" in text
    assert "物流园招商" in text and "配套需求" in text
    assert "鞋业基地投资" not in text  # dated before the period
    assert "草稿项目" not in text and "未来项目" not in text
    assert "发布会员：甲公司联系方式：张先生0577-88880001" in text


def test_audit_counts_projects_and_signed_ones_of_the_year(content: Path) -> None:
    files = {
        "members.csv": ROSTER,
        "projects/a.md": project("甲", "2026-02-01", "2026-12-31", status="已签约"),
        "projects/b.md": project("乙", "2026-05-01", "2026-12-31", status="已签约"),
        "projects/c.md": project("丙", "2026-06-01", "2026-12-31"),
        "projects/d.md": project("丁", "2025-06-01", "2026-12-31", status="已签约"),  # another year
        "projects/e.md": project("戊", "2026-04-01", "2026-12-31", status="已签约", draft="true"),  # never counts
        "projects/f.md": project("己", "2026-12-01", "2026-12-31", status="已签约"),  # not yet published
    }
    write_chamber(content, files=files)
    chamber = load_chamber(content, "test", today=TODAY)
    figures = audit_chamber(chamber, 2026, []).to_json()
    assert (figures["projects"], figures["projects_signed"]) == (3, 2)
    later = audit_chamber(load_chamber(content, "test", today=dt.date(2027, 1, 5)), 2026, []).to_json()
    assert (later["projects"], later["projects_signed"]) == (4, 3)
    assert json.loads(json.dumps(later))["projects_signed"] == 3


# --- the filters in a real browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.parent))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/test/"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


def test_filters_narrow_the_list_in_the_browser(browser, served: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(served + "projects/")
    visible = "Array.from(document.querySelectorAll('.cp-project')).filter(e => !e.hidden).map(e => e.querySelector('a').textContent)"
    page.wait_for_selector(".cp-project-filter[data-ready]")
    assert page.evaluate(visible) == ["物流园招商", "配套需求", "鞋业基地投资"]
    page.select_option("select[name=kind]", "投资意向")
    assert page.evaluate(visible) == ["鞋业基地投资"]
    assert page.text_content(".cp-project-filter__status") == "找到 1 个项目"
    assert page.is_hidden(".cp-projects--current .cp-project-items")
    page.select_option("select[name=kind]", "")
    page.select_option("select[name=industry]", "商贸")
    page.select_option("select[name=status]", "已结束")
    assert page.evaluate(visible) == ["配套需求"]
    page.select_option("select[name=region]", "安徽省合肥市")
    page.select_option("select[name=status]", "洽谈中")
    assert page.evaluate(visible) == []
    assert page.text_content(".cp-project-filter__status") == "没有符合条件的项目"
    assert not errors
    page.close()
