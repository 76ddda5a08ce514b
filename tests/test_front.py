"""The site as an institution's site: the home page as a front page (lead story, 新闻动态 beside 通知公告, quick
entries, leadership and contacts, WeChat QR code, 友情链接), and every page below it without documentation
chrome (当前位置 breadcrumbs, the current tab and category marked, no one-item sidebar, no previous/next
footer between sections). Checked on the demo chambers' built HTML, and in chromium at 390 and 1280 px."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
import yaml

from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from conftest import CHAMBER_YML, ROOT, TODAY, parse, serving, text_of, write_chamber

ARTIFACTS = ROOT / "test-artifacts"
CRUMBS = 'nav[aria-label="当前位置"]'


def chamber_yml(slug: str) -> dict:
    return yaml.safe_load((ROOT / "content" / slug / "chamber.yml").read_text(encoding="utf-8"))


def target(site: Path, page: str, href: str) -> Path:
    """The file a relative link of `page` (a path inside the site) leads to."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    found = site / path
    return found / "index.html" if found.is_dir() or href.endswith("/") else found


def crumbs(doc) -> list[str]:
    navs = doc.cssselect(CRUMBS)
    assert len(navs) == 1, "one 当前位置 per page"
    return [text_of(li) for li in navs[0].cssselect("ol > li")]


def active_tab(doc) -> list[str]:
    return [text_of(li) for li in doc.cssselect(".md-tabs__item--active")]


# --- the front page ---------------------------------------------------------------------------------------


def test_front_page_lead_story_is_the_newest_post_with_a_cover_when_no_pinned_post_has_one(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    doc = parse(site / "index.html")
    lead = doc.cssselect(".cp-lead")
    assert len(lead) == 1
    assert text_of(lead[0].cssselect(".cp-lead__title")[0]).startswith("温州市安徽商会第四届会员大会胜利召开")
    picture = lead[0].cssselect(".cp-lead__picture img")[0].get("src")
    assert target(site, "index.html", picture).is_file()
    href = lead[0].cssselect(".cp-lead__title a")[0].get("href")
    assert target(site, "index.html", href).is_file()


def test_front_page_lead_story_is_the_pinned_post_with_its_picture(demo_sites: Path) -> None:
    site = demo_sites / "jiangxi"
    lead = parse(site / "index.html").cssselect(".cp-lead")[0]
    assert text_of(lead.cssselect(".cp-lead__title")[0]) == "饶志勇会长2026年新春致辞"
    assert text_of(lead.cssselect(".cp-lead__kicker")[0]) == "置顶"
    assert target(site, "index.html", lead.cssselect("img")[0].get("src")).is_file()
    # The lead is not listed again below it.
    titles = [text_of(a) for a in parse(site / "index.html").cssselect(".cp-front__entry a")]
    assert not any("新春致辞" in title for title in titles)


@pytest.mark.parametrize("slug", ["anhui", "jiangxi", "sichuan"])
def test_front_page_news_beside_notices_with_dates_in_their_own_column(demo_sites: Path, slug: str) -> None:
    site = demo_sites / slug
    doc = parse(site / "index.html")
    news = doc.cssselect(".cp-front__column--news")
    notices = doc.cssselect(".cp-front__column--notices")
    assert len(news) == len(notices) == 1
    assert text_of(notices[0].cssselect("h2 > span")[0]) == "通知公告"
    for column, is_notice in ((news[0], False), (notices[0], True)):
        entries = column.cssselect("li.cp-front__entry")
        assert entries
        for entry in entries:
            date = entry.cssselect("time")[0]
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text_of(date)) and date.get("datetime") == text_of(date)
            linked = parse(target(site, "index.html", entry.cssselect("a")[0].get("href")))
            category = text_of(linked.cssselect(".cp-post__category a")[0])
            assert (category == "通知公告") is is_notice, (text_of(entry), category)
    more = notices[0].cssselect("a.cp-front__more")[0].get("href")
    assert "通知公告" in text_of(parse(target(site, "index.html", more)).cssselect("h1")[0])


def test_front_page_quick_entries_as_tiles_that_lead_to_pages(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    tiles = parse(site / "index.html").cssselect("nav.cp-tiles a.cp-tile")
    names = [text_of(tile) for tile in tiles]
    assert names[:4] == ["新闻动态", "通知公告", "商会章程", "会员名录"] and "入会指南" in names and "会刊" in names
    for tile in tiles:
        assert tile.cssselect("svg"), "each tile has its icon"
        assert target(site, "index.html", tile.get("href")).is_file(), tile.get("href")


def test_front_page_leadership_contacts_and_qr_code(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    doc = parse(site / "index.html")
    office = doc.cssselect(".cp-office")[0]
    leaders = {text_of(div.cssselect("dt")[0]): div for div in office.cssselect(".cp-office__leader")}
    assert set(leaders) == {"会长", "秘书长"}
    president = leaders["会长"]
    assert text_of(president.cssselect("strong")[0]) == "陶国庆"
    assert "浙江徽鼎电气有限公司" in text_of(president)
    profile = parse(target(site, "index.html", president.cssselect("a")[0].get("href")))
    assert text_of(profile.cssselect("h1")[0]).rstrip("¶") == "浙江徽鼎电气有限公司"
    contact = text_of(office.cssselect(".cp-office__contact")[0])
    assert "孙晓燕" in contact and "0577-88881502" in contact and "车站大道688号" in contact
    qr = office.cssselect(".cp-office__qr img")[0]
    assert qr.get("alt") == "温州市安徽商会微信公众号二维码"
    assert target(site, "index.html", qr.get("src")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("slug", ["anhui", "jiangxi", "sichuan"])
def test_front_page_links_as_chamber_yml_lists_them(demo_sites: Path, slug: str) -> None:
    links = parse(demo_sites / slug / "index.html").cssselect("nav.cp-links a")
    expected = [(link["name"], link["url"]) for link in chamber_yml(slug)["links"]]
    assert [(text_of(a), a.get("href")) for a in links] == expected
    assert all(a.get("rel") == "noopener" for a in links)
    assert parse(demo_sites / slug / "index.html").cssselect(".cp-office__qr img")


def test_front_page_shows_logo_name_and_contacts_once(demo_sites: Path) -> None:
    doc = parse(demo_sites / "anhui" / "index.html")
    # (The phone's menu, a screen of its own, has the logo at its top.)
    logos = [img for img in doc.cssselect("body img") if img.get("src", "").endswith("assets/logo.png")]
    logos = [img for img in logos if not any("md-nav" in (a.get("class") or "") for a in img.iterancestors())]
    assert len(logos) == 1 and logos[0].get("alt") == "温州市安徽商会会徽"
    assert not doc.cssselect(".md-header .md-logo, .md-header__topic"), "the bar does not repeat the masthead"
    assert [text_of(h) for h in doc.cssselect("h1")] == ["温州市安徽商会"]
    body = text_of(doc.cssselect("body")[0])
    for value in ("车站大道688号汇商大厦", "0577-88881502", "office@anhui.example.cn"):
        assert body.count(value) == 1, value
    # Below the home page, the footer holds the contacts, and the bar the logo and name.
    about = parse(demo_sites / "anhui" / "about/index.html")
    assert "0577-88881502" in text_of(about.cssselect(".cp-footer")[0])
    assert about.cssselect(".md-header .md-logo") and not about.cssselect(".cp-hero")


def test_front_page_without_notices_category_has_one_column(content: Path, out: Path) -> None:
    from chamberpress.build.pipeline import build_chamber

    write_chamber(content, chamber_yml=CHAMBER_YML + "categories: [商会动态, 培训活动]\n")
    build_chamber("test", content, out, today=TODAY)
    doc = parse(out / "test" / "index.html")
    assert doc.cssselect(".cp-front__columns--one") and not doc.cssselect(".cp-front__column--notices")
    assert not doc.cssselect(".cp-lead"), "no post with a cover: no lead story"
    assert not doc.cssselect(".cp-links, .cp-office__qr")


# --- pages below the home page ----------------------------------------------------------------------------

PAGES = {
    # page: (breadcrumbs, current tab)
    "news/index.html": (["首页", "新闻动态"], "新闻动态"),
    "news/2026/08/12/huanjie-dahui/index.html": (
        ["首页", "新闻动态", "2026年新闻", "温州市安徽商会第四届会员大会胜利召开，陶国庆连任会长"],
        "新闻动态",
    ),
    "news/category/tong-zhi-gong-gao/index.html": (["首页", "新闻动态", "通知公告"], "新闻动态"),
    "news/archive/2025/index.html": (["首页", "新闻动态", "2025年新闻"], "新闻动态"),
    "members/index.html": (["首页", "会员名录"], "会员名录"),
    "members/zhejiang-huiding-dianqi/index.html": (["首页", "会员名录", "浙江徽鼎电气有限公司"], "会员名录"),
    "about/index.html": (["首页", "商会简介"], "商会简介"),
    "charter/index.html": (["首页", "章程"], "章程"),
    "organization/index.html": (["首页", "组织架构"], "组织架构"),
    "newsletter/index.html": (["首页", "会刊"], "会刊"),
    "events/index.html": (["首页", "活动日程"], "活动日程"),
    "projects/2026-10-dianqi-peitao/index.html": (["首页", "项目合作", "智能配电设备配套企业合作需求"], "项目合作"),
}


@pytest.mark.parametrize("page", PAGES)
def test_breadcrumbs_and_current_tab_on_every_kind_of_page(demo_sites: Path, page: str) -> None:
    site = demo_sites / "anhui"
    expected_crumbs, tab = PAGES[page]
    doc = parse(site / page)
    assert crumbs(doc) == expected_crumbs
    nav = doc.cssselect(CRUMBS)[0]
    assert nav.cssselect("ol") and nav.cssselect("ol > li:last-child [aria-current=page]")
    for link in nav.cssselect("a"):
        assert target(site, page, link.get("href")).is_file(), link.get("href")
    assert text_of(nav.cssselect("a")[0]) == "首页" and target(site, page, nav.cssselect("a")[0].get("href")) == (
        site / "index.html"
    )
    assert active_tab(doc) == [tab]


def test_home_page_has_no_breadcrumbs(demo_sites: Path) -> None:
    assert not parse(demo_sites / "anhui" / "index.html").cssselect(CRUMBS)


def test_current_category_and_year_marked_and_archive_titled(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    category = parse(site / "news/category/tong-zhi-gong-gao/index.html")
    assert [text_of(a) for a in category.cssselect('.cp-sections a[aria-current="page"]')] == ["通知公告"]
    archive = parse(site / "news/archive/2025/index.html")
    assert [text_of(a) for a in archive.cssselect('.cp-sections a[aria-current="page"]')] == ["2025年新闻"]
    assert text_of(archive.cssselect("h1")[0]).rstrip("¶") == "2025年新闻"
    assert archive.findtext(".//title").startswith("2025年新闻 - ")
    assert not parse(site / "news/index.html").cssselect('.cp-sections a[aria-current="page"]')
    # A list has no table of contents: no empty column beside it.
    for doc in (category, archive):
        assert doc.cssselect(".md-sidebar--secondary")[0].get("hidden") is not None


@pytest.mark.parametrize("slug", ["anhui", "sichuan"])
def test_no_sidebar_and_no_previous_next_between_sections(demo_sites: Path, slug: str) -> None:
    site = demo_sites / slug
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts]
    assert len(pages) > 40
    for path in pages:
        doc = parse(path)
        sidebar = doc.cssselect(".md-sidebar--primary")
        assert sidebar and sidebar[0].get("hidden") is not None, path  # still the menu of a phone
        assert not doc.cssselect(".md-footer__link, .md-footer__inner a"), path
    posts = [p for p in pages if re.search(r"news/\d{4}/\d{2}/\d{2}/", p.as_posix())]
    assert posts and all(parse(p).cssselect(".cp-post__nav a[rel]") for p in posts)


# --- chamber.yml: the new keys checked ----------------------------------------------------------------------


def problems_of(content: Path, extra: str, files: dict | None = None) -> list[str]:
    write_chamber(content, chamber_yml=CHAMBER_YML + extra, files=files)
    with pytest.raises(ContentError) as raised:
        load_chamber(content, "test", today=TODAY)
    return [str(problem) for problem in raised.value.problems]


def test_bad_links_are_named_by_file_line_and_field(content: Path) -> None:
    extra = (
        "links:\n"
        "  - name: 温州市工商联\n"
        "    url: javascript:alert(1)\n"
        "  - name: 好的\n"
        "    url: https://www.wenzhou.gov.cn/\n"
        "  - name: 数据\n"
        '    url: "https://ok.example.cn/\\"><script>"\n'
    )
    start = CHAMBER_YML.count("\n") + 1
    found = problems_of(content, extra)
    assert f"content/test/chamber.yml:{start + 2}: links.0.url: 'javascript:alert(1)' is not a web address" in " ".join(
        found
    )
    assert any(p.startswith(f"content/test/chamber.yml:{start + 6}: links.2.url:") for p in found), found
    assert len(found) == 2, found
    nameless = problems_of(content, "links:\n  - url: https://www.acfic.org.cn/\n")
    assert any(f"chamber.yml:{start + 1}: links.0.name: is required" in p for p in nameless), nameless


def test_bad_wechat_qr_and_notices_category_are_named(content: Path) -> None:
    start = CHAMBER_YML.count("\n") + 1
    found = problems_of(content, "wechat_qr: assets/missing.png\nnotices_category: 公告\n")
    assert any(
        p.startswith(f"content/test/chamber.yml:{start}: wechat_qr: 'assets/missing.png' is not a file inside")
        for p in found
    ), found
    assert any(
        p.startswith(f"content/test/chamber.yml:{start + 1}: notices_category: '公告' is not one of the categories")
        for p in found
    ), found
    outside = problems_of(content, "wechat_qr: ../../etc/hostname\n")
    assert any("wechat_qr: '../../etc/hostname' is not a file inside the chamber folder" in p for p in outside)
    not_picture = problems_of(content, "wechat_qr: assets/qr.png\n", {"assets/qr.png": "不是图片"})
    assert any(p.startswith(f"content/test/chamber.yml:{start}: wechat_qr: 'assets/qr.png'") for p in not_picture)


def test_scaffold_has_the_front_page_keys_and_builds(tmp_path: Path) -> None:
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.content.scaffold import scaffold

    content = tmp_path / "content"
    scaffold(content, "demo", name="温州市示例商会", today=TODAY)
    text = (content / "demo" / "chamber.yml").read_text(encoding="utf-8")
    assert "notices_category:" in text and "links:" in text and "wechat_qr:" in text
    chamber = load_chamber(content, "demo", today=TODAY)
    assert chamber.info.links and chamber.info.notices_category == "通知公告"
    build_chamber("demo", content, tmp_path / "sites", today=TODAY)
    doc = parse(tmp_path / "sites" / "demo" / "index.html")
    assert [text_of(a) for a in doc.cssselect("nav.cp-links a")] == [link.name for link in chamber.info.links]
    assert doc.cssselect(".cp-front__column--notices") and doc.cssselect("a.cp-tile")


# --- in a browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(demo_sites: Path):
    with serving(demo_sites) as base:
        yield base


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_front_page_in_a_browser(browser, served: str, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(served + "anhui/", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") == width
        news = page.locator(".cp-front__column--news").bounding_box()
        notices = page.locator(".cp-front__column--notices").bounding_box()
        if width >= 1000:
            assert abs(news["y"] - notices["y"]) < 2 and notices["x"] >= news["x"] + news["width"]
        else:
            assert notices["y"] >= news["y"] + news["height"]
        decorations = page.eval_on_selector_all(
            "a.cp-tile, .cp-front__entry a", "els => els.map(e => getComputedStyle(e).textDecorationLine)"
        )
        assert decorations and set(decorations) == {"none"}
        visible_logos = page.eval_on_selector_all(
            "img",
            "els => els.filter(e => e.src.endsWith('/assets/logo.png') && e.offsetWidth > 0 && !e.closest('.md-nav')).length",
        )
        assert visible_logos == 1
        assert page.locator(".cp-office__qr img").evaluate("img => img.complete && img.naturalWidth > 0")
        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"front-home-{width}.png"), full_page=True)
    finally:
        context.close()


def test_breadcrumbs_fit_a_phone(browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(served + "anhui/news/2026/08/12/huanjie-dahui/", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        assert page.locator(CRUMBS).is_visible()
        page.screenshot(path=str(ARTIFACTS / "front-post-390.png"))
    finally:
        context.close()
