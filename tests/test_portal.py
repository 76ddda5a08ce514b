"""The city-wide portal (`sites/index.html`, `sites/feed.xml`): the demo chambers built once, the portal read
back as HTML, as a feed and in a real browser; `content/portal.yml` checked like other editor YAML."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

import feedparser
import pytest
from PIL import Image

from chamberpress.build import portal_record
from chamberpress.build.portal import load_portal_info, render_portal, write_portal
from chamberpress.build.portal_record import portal_current
from chamberpress.content.load import chamber_slugs, load_chamber
from chamberpress.cli import main
from chamberpress.errors import ContentError
from chamberpress.site.icons import PORTAL_LOGO
from conftest import ROOT, TODAY, parse, serving, text_of, write_chamber

PORTAL_FILES = ("index.html", "feed.xml", "portal-search.js", "favicon.svg")


def summaries(sites: Path) -> dict[str, dict]:
    return {
        slug: json.loads((sites / slug / "chamber.json").read_text("utf-8")) for slug in chamber_slugs(ROOT / "content")
    }


def test_portal_takes_its_name_intro_and_filing_numbers_from_portal_yml(demo_sites: Path) -> None:
    page = parse(demo_sites / "index.html")
    assert text_of(page.find(".//header/h1")) == "温州市在温异地商会"
    assert page.find(".//title").text == "温州市在温异地商会"
    assert "一站查阅" in text_of(page.cssselect("header .intro")[0])
    description = page.cssselect('meta[name="description"]')[0].get("content")
    assert description.startswith("在温异地商会")
    icon = page.cssselect('link[rel="icon"]')[0].get("href")
    assert (demo_sites / icon).is_file()
    assert text_of(page.cssselect("footer .icp")[0]) == "浙ICP备2026030001号-1"
    assert text_of(page.cssselect("footer .police")[0]) == "浙公网安备 33030202000001号"
    # A card per chamber: logo, name, members as published, latest post.
    facts = summaries(demo_sites)
    cards = {li.get("data-slug"): li for li in page.cssselect("li.chamber")}
    assert set(cards) == set(facts)
    for slug, card in cards.items():
        assert text_of(card.cssselect(".name")[0]) == facts[slug]["name"]
        assert text_of(card.cssselect(".members")[0]) == f"{facts[slug]['members']} 家"
        logo = demo_sites / card.cssselect("h2 img")[0].get("src")
        with Image.open(logo) as small:  # a copy at twice the size shown, not the site's full logo
            assert logo.name == "logo-72.png" and small.width == PORTAL_LOGO[1], (logo, small.size)
        assert card.cssselect(".latest a")[0].get("href") == f"{slug}/{facts[slug]['latest_posts'][0]['url']}"


def test_portal_lists_the_latest_news_of_all_chambers_in_date_order(demo_sites: Path) -> None:
    page = parse(demo_sites / "index.html")
    items = page.cssselect("section.latest-news ol.news li")
    dates = [li.cssselect("time")[0].get("datetime") for li in items]
    assert len(items) == 20 and dates == sorted(dates, reverse=True)
    facts = summaries(demo_sites)
    newest = sorted((p["date"] for f in facts.values() for p in f["latest_posts"]), reverse=True)
    assert dates == newest[:20]  # the newest of all chambers, none left out
    assert {li.get("data-slug") for li in items} == set(facts)
    for li in items:
        slug = li.get("data-slug")
        named = text_of(li.cssselect(".chamber-name")[0])
        assert named == facts[slug]["short_name"]  # each item names its chamber
        href = li.cssselect("a")[0].get("href")
        assert href.startswith(f"{slug}/") and (demo_sites / href / "index.html").is_file()


def test_portal_lists_the_upcoming_activities_of_all_chambers_soonest_first(demo_sites: Path) -> None:
    page = parse(demo_sites / "index.html")
    items = page.cssselect("section.upcoming li")
    dates = [li.cssselect("time")[0].get("datetime") for li in items]
    assert items and dates == sorted(dates) and min(dates) >= TODAY.isoformat()
    planned = {
        (slug, item.date.isoformat(), item.title)
        for slug in chamber_slugs(ROOT / "content")
        for item in load_chamber(ROOT / "content", slug, today=TODAY).info.plan
        if item.date >= TODAY
    }
    shown = {(li.get("data-slug"), d, text_of(li.cssselect(".title")[0])) for li, d in zip(items, dates)}
    assert shown == planned


def test_an_activity_shows_its_time_and_place_when_the_plan_gives_them() -> None:
    entry = {"slug": "a", "name": "甲商会", "short_name": "甲商会", "members": 1, "color": None, "logo": None}
    entry |= {"hometown": "甲", "founded_zh": None, "latest_news": None, "latest_posts": []}
    entry["upcoming"] = [
        {"date": "2026-12-02", "date_zh": "2026年12月2日", "title": "年会", "time": "14:30", "place": "商会会议室"},
        {"date": "2026-11-01", "date_zh": "2026年11月1日", "title": "已过的活动"},
    ]
    html = render_portal([entry], today=TODAY)
    assert "2026年12月2日 14:30" in html and "（商会会议室）" in html and "已过的活动" not in html


def test_the_merged_feed_parses_with_items_of_each_chamber(demo_sites: Path) -> None:
    feed = feedparser.parse((demo_sites / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "温州市在温异地商会 · 新闻动态"
    facts = summaries(demo_sites)
    by_chamber = {slug: [e for e in feed.entries if e.tags[0].term == slug] for slug in facts}
    assert all(by_chamber.values()), {s: len(e) for s, e in by_chamber.items()}
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    for slug, entries in by_chamber.items():
        for entry in entries:
            assert entry.author == facts[slug]["name"] and entry.title.endswith(f"（{facts[slug]['name']}）")
            assert (demo_sites / entry.link / "index.html").is_file()
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_nothing_private_nor_internal_in_the_portal(demo_sites: Path) -> None:
    """No private roster value, nothing of _audit/, _newsletter/, _wechat/, no resource from another host."""
    secrets: set[str] = set()
    for slug in chamber_slugs(ROOT / "content"):
        for m in load_chamber(ROOT / "content", slug, today=TODAY).members:
            secrets |= {v for v in m.private.values() if len(v) >= 4} | {m.email} - {""}
            if m.mobile and not (m.listed and m.publish_mobile):
                secrets.add(m.mobile)
            if not m.listed:
                secrets |= {v for v in (m.name, m.intro, m.address) if v}
    assert secrets
    # The portal's files, and the summaries it reads from each site.
    for name in (*PORTAL_FILES, *(f"{slug}/chamber.json" for slug in chamber_slugs(ROOT / "content"))):
        text = (demo_sites / name).read_text("utf-8")
        assert [s for s in secrets if s in text] == [], name
        assert not any(folder in text for folder in ("_audit", "_newsletter", "_wechat")), name
    page = parse(demo_sites / "index.html")
    for element in page.iter():
        for attr in ("src", "href"):
            link = element.get(attr)
            if not link or element.tag == "a" and link.startswith("https://beian.miit.gov.cn/"):
                continue
            assert not urlparse(link).scheme and not link.startswith("//"), link
            assert (demo_sites / link.split("?")[0]).exists(), link


def test_a_bad_portal_yml_is_an_error_naming_its_line_and_field(content: Path, out: Path) -> None:
    (content / "portal.yml").write_text("# 门户\nintro: 简介\nicp:\n  - 浙ICP备1号\nofice: 办公室\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        write_portal(out, content)
    problems = {(p.file, p.line, p.field) for p in caught.value.problems}
    assert problems == {
        ("content/portal.yml", 3, "icp"),  # a list where text belongs
        ("content/portal.yml", 5, "ofice"),  # a misspelt key
        ("content/portal.yml", None, "name"),  # missing: no line to name
    }
    assert "did you mean 'office'" in str(caught.value)
    assert not (out / "index.html").exists()
    (content / "portal.yml").write_text("name: 测试门户\n  intro: 缩进错误\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_portal_info(content)
    assert [(p.file, p.line) for p in caught.value.problems] == [("content/portal.yml", 2)]


def test_check_and_build_report_a_bad_portal_yml(content: Path, out: Path, capsys) -> None:
    write_chamber(content)
    (content / "portal.yml").write_text("name: 测试门户\nintro: [一, 二]\n", encoding="utf-8")
    assert main(["check", "--content", str(content), "--today", "2026-11-25"]) == 1
    assert "content/portal.yml:2" in capsys.readouterr().err
    assert main(["build", "--all", "--content", str(content), "--out", str(out), "--today", "2026-11-25"]) == 1
    assert "content/portal.yml:2" in capsys.readouterr().err
    assert (out / "test" / "index.html").is_file() and not (out / "index.html").exists()
    (content / "portal.yml").write_text("name: 测试门户\n", encoding="utf-8")
    assert main(["check", "--content", str(content), "--today", "2026-11-25"]) == 0
    assert "portal.yml: no errors" in capsys.readouterr().err


def test_without_portal_yml_the_portal_is_named_by_its_city(content: Path, out: Path) -> None:
    assert load_portal_info(content) is None
    write_portal(out, content, today=TODAY)
    assert text_of(parse(out / "index.html").find(".//h1")) == "异地商会"


def test_the_portal_is_current_until_what_it_shows_or_a_file_written_changes(
    test_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`chamber build` with nothing to build leaves the portal as it is while its record says it is the one
    its inputs give (build/portal_record.py): each input, and each file written, counts; other folders do not."""
    content, out = tmp_path / "content", tmp_path / "sites"
    content.mkdir()
    templates = tmp_path / "portal-theme"
    shutil.copytree(portal_record.TEMPLATE_DIR, templates)
    monkeypatch.setattr(portal_record, "TEMPLATE_DIR", templates)
    summary = json.loads((test_site / "chamber.json").read_text("utf-8"))

    def publish(slug: str, **changed: str) -> None:
        (out / slug).mkdir(parents=True, exist_ok=True)
        text = json.dumps(summary | {"slug": slug} | changed, ensure_ascii=False)
        (out / slug / "chamber.json").write_text(text, encoding="utf-8")

    def search_index(slug: str) -> None:
        (out / slug / "pagefind").mkdir()
        (out / slug / "pagefind" / "pagefind.js").write_text("", encoding="utf-8")

    publish("anhui")
    publish("fujian")
    assert not portal_current(out, content, TODAY)  # never written
    write_portal(out, content, today=TODAY)
    assert portal_current(out, content, TODAY)
    assert not portal_current(out, content, TODAY + dt.timedelta(days=1))  # the activities to come, the date
    (out / "_audit").mkdir()  # the office's report, not a site
    (out / "fujian" / "news").mkdir()  # a site's own pages: its summary says what the portal shows
    assert portal_current(out, content, TODAY)
    changes = {
        "a summary": lambda: publish("fujian", name="温州市福建商会"),
        "a site added": lambda: publish("hunan"),
        "a search index": lambda: search_index("anhui"),
        "a site removed": lambda: shutil.rmtree(out / "hunan"),
        "portal.yml added": lambda: (content / "portal.yml").write_text("name: 测试门户\n", encoding="utf-8"),
        "portal.yml edited": lambda: (content / "portal.yml").write_text("name: 测试门户二\n", encoding="utf-8"),
        "a template": lambda: (templates / "index.html").write_text(
            (templates / "index.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"
        ),
        "the feed deleted": lambda: (out / "feed.xml").unlink(),
        "the page replaced": lambda: (out / "index.html").write_text("<p>", encoding="utf-8"),
        "an icon replaced": lambda: (out / "favicon.svg").write_text("<svg/>", encoding="utf-8"),
    }
    for what, change in changes.items():
        change()
        assert not portal_current(out, content, TODAY), what
        write_portal(out, content, today=TODAY)
        assert portal_current(out, content, TODAY), what
    # A search index written again (an edit to one post) changes nothing the portal shows; removed, it does.
    (out / "anhui/pagefind/pagefind.js").write_text("// 另一版索引\n", encoding="utf-8")
    assert portal_current(out, content, TODAY)
    shutil.rmtree(out / "anhui/pagefind")
    assert not portal_current(out, content, TODAY)


# --- in a real browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal_server(demo_sites: Path):
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with serving(demo_sites) as base:
        yield base


def test_the_portal_search_finds_a_post_of_each_chamber(browser, portal_server: str, demo_sites: Path) -> None:
    """Every chamber's index (the sichuan demo's in bundles) merged into one search, from this host only."""
    context = browser.new_context(locale="zh-CN", service_workers="block")
    foreign: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        if urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for slug, facts in summaries(demo_sites).items():
            post = facts["latest_posts"][-1]  # an older post (sichuan's: in the bundle its path picks)
            page.goto(portal_server + "?q=" + quote(post["title"][:8]), wait_until="load")
            page.wait_for_selector(".search .results li", timeout=20_000)
            links = [urljoin(page.url, a.get_attribute("href")) for a in page.locator(".search .results a").all()]
            assert portal_server + f"{slug}/{post['url']}" in links, (slug, post["title"], links)
            hit = page.locator(".search .results li").nth(links.index(portal_server + f"{slug}/{post['url']}"))
            assert hit.locator(".chamber-name").inner_text() == facts["short_name"]  # the hit names its chamber
        assert foreign == [] and errors == []
        page.screenshot(path=str(ROOT / "test-artifacts" / "portal-search.png"))
    finally:
        context.close()


def test_the_portal_is_accessible_and_fits_a_phone(browser, portal_server: str) -> None:
    """axe-core finds no serious or critical violation; on a phone nothing is wider than the screen."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", service_workers="block")
    try:
        page = context.new_page()
        page.goto(portal_server, wait_until="load")
        page.evaluate((ROOT / "node_modules/axe-core/axe.min.js").read_text(encoding="utf-8"))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))""")
        assert violations == [], violations
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Nothing in the page's body reaches into its margin.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"
        )
        margin = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).paddingRight)")
        assert widest <= 375 - margin, widest
        page.screenshot(path=str(ROOT / "test-artifacts" / "portal-phone.png"), full_page=True)
    finally:
        context.close()


def test_portal_written_twice_is_the_same(demo_sites: Path) -> None:
    before = {name: (demo_sites / name).read_bytes() for name in PORTAL_FILES}
    write_portal(demo_sites, ROOT / "content", today=TODAY)
    assert {name: (demo_sites / name).read_bytes() for name in PORTAL_FILES} == before
