"""The demo chambers in a real browser: Playwright driving Debian's chromium, the built sites served on
localhost from their own sub-paths (/anhui/, /sichuan/). One browser and one server for the session.

Every page is opened in a context that records every request and lets none leave localhost, and collects
console errors. Screenshots (desktop and phone) go to test-artifacts/. Accessibility: axe-core (npm, see
package.json) runs inside each page; serious and critical violations fail.
"""

from __future__ import annotations

import json
import re

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from conftest import ROOT, read_search_fragment, serving

AXE = ROOT / "node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# The four pages every check visits, in the anhui demo chamber (the one with an Excel roster).
PAGES = {
    "home": "anhui/",
    "post": "anhui/news/2026/09/24/hetong-jiufen-tiaojie/",
    "directory": "anhui/members/",
    "charter": "anhui/charter/",
    "news": "anhui/news/",
    "organization": "anhui/organization/",
    "newsletter": "anhui/newsletter/",
    "projects": "anhui/projects/",
}


@pytest.fixture(scope="session")
def server(demo_sites: Path):
    """The built demo sites on http://127.0.0.1:<port>/ — each chamber at its own sub-path."""
    with serving(demo_sites) as base:
        yield base


@dataclass
class Visit:
    page: object
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, server):
    """Open a page of the served sites in a fresh context; nothing may leave localhost (blocked and noted)."""
    contexts = []

    def open_page(path: str, viewport: dict = DESKTOP, *, init_script: str | None = None) -> Visit:
        context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        seen = Visit(page)

        def route(r) -> None:
            url = r.request.url
            seen.requests.append(url)
            if urlparse(url).hostname in {"127.0.0.1", "localhost"} or url.startswith("data:"):
                r.continue_()
            else:
                seen.foreign.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        response = page.goto(server + path, wait_until="load")
        assert response is not None and response.ok, (path, response and response.status)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")


# --- home, footer, typography -------------------------------------------------------------------------


def test_home_renders_without_console_errors_and_centres_the_filing_numbers(visit) -> None:
    seen = visit(PAGES["home"])
    page = seen.page
    _settle(page)
    assert seen.errors == []
    assert seen.foreign == []
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".cp-hero").is_visible()
    icp = page.locator(".cp-footer a.cp-icp")
    assert icp.is_visible() and icp.get_attribute("href") == "https://beian.miit.gov.cn/"
    assert page.locator(".cp-footer .cp-police").is_visible()
    # Centred: the filing line's middle is the page's middle, and it sits below the content.
    box = page.locator(".cp-footer__beian").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    text_box = page.evaluate("""() => {
        const r = document.createRange(); r.selectNodeContents(document.querySelector('.cp-footer__beian'));
        const b = r.getBoundingClientRect(); return {x: b.x, width: b.width}; }""")
    assert abs(text_box["x"] + text_box["width"] / 2 - width / 2) < 24, (text_box, width)
    assert box["y"] > page.locator(".md-content").bounding_box()["y"]


def test_an_older_browser_fetches_no_polyfill_from_a_cdn(visit) -> None:
    # Without ResizeObserver (iOS 12 and the like) Material would load a polyfill from unpkg.com.
    seen = visit(PAGES["post"], PHONE, init_script="delete window.ResizeObserver;")
    page = seen.page
    _settle(page)
    assert page.evaluate("typeof ResizeObserver") == "function"
    assert seen.foreign == [] and seen.errors == []
    assert page.locator("article h1").is_visible()


def test_chinese_typography(visit) -> None:
    page = visit(PAGES["post"]).page
    style = page.evaluate("""() => {
        const p = document.querySelector('article.md-typeset p, .md-content .md-typeset p');
        const em = document.createElement('em'); em.textContent = '重点'; p.appendChild(em);
        const s = getComputedStyle(p), e = getComputedStyle(em);
        return {family: s.fontFamily, line: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
                emStyle: e.fontStyle, emWeight: parseInt(e.fontWeight),
                emDots: e.textEmphasisStyle || e.webkitTextEmphasisStyle || 'none'}; }""")
    assert style["family"].startswith('"PingFang SC"'), style
    assert 1.65 <= style["line"] <= 1.85, style
    assert style["emStyle"] == "normal", style  # no synthetic italics for CJK
    assert style["emWeight"] >= 600 or style["emDots"] not in ("", "none"), style
    text = page.locator("article").inner_text()
    assert "，" in text and "。" in text  # full-width punctuation kept


# --- the features of other pages ----------------------------------------------------------------------


def test_member_filter_narrows_the_list(visit) -> None:
    seen = visit(PAGES["directory"])
    page = seen.page
    box = page.locator("input#member-filter[type=search]")
    assert box.count() == 1, "the directory has no <input id=member-filter type=search>"
    entries = page.locator(".cp-member[data-search]")
    total = entries.count()
    assert total > 3, "the directory has no .cp-member[data-search] entries"
    # A word of the last entry's own data (its name), which the others do not all share.
    name = page.evaluate("""() => { const all = [...document.querySelectorAll('.cp-member[data-search]')];
        return all[all.length - 1].getAttribute('data-search').split(/\\s+/).filter(Boolean)[0]; }""")
    box.fill(name)
    page.wait_for_function("() => document.querySelectorAll('.cp-member[hidden]').length > 0")
    shown = page.evaluate(
        """(q) => [...document.querySelectorAll('.cp-member[data-search]')]
        .filter(e => !e.hidden).map(e => e.getAttribute('data-search').toLowerCase().includes(q.toLowerCase()))""",
        name,
    )
    assert 1 <= len(shown) < total and all(shown)
    assert page.locator(".cp-member[hidden]").count() == total - len(shown)
    assert page.locator(".cp-member:not([hidden])").first.is_visible()
    box.fill("")
    page.wait_for_function("() => document.querySelectorAll('.cp-member[hidden]').length === 0")
    assert seen.errors == [] and seen.foreign == []


def test_the_events_month_view_marks_the_readers_today(visit) -> None:
    """The site is built on 2026-11-25 and read on the 27th: the 27th is marked, by the reader's clock."""
    fixed_clock = """(() => { const fixed = new Date(2026, 10, 27, 10, 0).getTime(); const Real = Date;
        class Fixed extends Real { constructor(...a) { super(...(a.length ? a : [fixed])); }
          static now() { return fixed; } }
        window.Date = Fixed; })();"""
    seen = visit("anhui/events/", init_script=fixed_clock)
    page = seen.page
    page.wait_for_selector("#m202611 td.cp-month__today")
    marked = page.evaluate(
        """() => [...document.querySelectorAll('td.cp-month__today')].map(
            td => [td.closest('table').id, td.querySelector('.cp-month__day').textContent, td.getAttribute('aria-current')])"""
    )
    assert marked == [["m202611", "27", "date"]]
    assert seen.errors == [] and seen.foreign == []


def test_charter_cross_reference_jumps_to_its_article(visit) -> None:
    seen = visit(PAGES["charter"])
    page = seen.page
    assert page.locator("[id^=chapter-]").count() > 1, "the charter has no chapter-N headings"
    xref = page.locator("a.cp-xref[href^='#article-']").first
    assert xref.count() == 1, "the charter has no a.cp-xref cross-reference link"
    target = xref.get_attribute("href")
    article = page.locator(f"{target}.cp-article")
    assert article.count() == 1, f"no .cp-article with id {target[1:]}"
    xref.scroll_into_view_if_needed()
    xref.click()
    page.wait_for_function("(h) => location.hash === h", arg=target)
    page.wait_for_function(
        """(h) => { const r = document.querySelector(h).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight / 2; }""",
        arg=target,
    )
    assert seen.errors == [] and seen.foreign == []


# --- search ---------------------------------------------------------------------------------------------


def _search(visit, chamber: str, query: str) -> tuple[Visit, list[dict]]:
    seen = visit(f"{chamber}/search/?q={quote(query)}")
    page = seen.page
    page.wait_for_selector(".cp-search__result, .cp-search__status:has-text('没有找到')")
    results = page.evaluate("""() => [...document.querySelectorAll('.cp-search__result')].map(li => ({
        title: li.querySelector('.cp-search__title').textContent, href: li.querySelector('a').href,
        marks: [...li.querySelectorAll('.cp-search__excerpt mark')].map(m => m.textContent)}))""")
    return seen, results


def test_chinese_search_finds_a_word_in_the_middle_of_a_post(visit, server) -> None:
    seen, results = _search(visit, "anhui", "调解")
    hit = [r for r in results if r["title"] == "两家会员企业合同纠纷握手言和"]  # 调解 is not in its title
    assert hit, [r["title"] for r in results]
    assert "调解" in hit[0]["marks"]
    assert hit[0]["href"] == server + PAGES["post"]
    assert seen.errors == [] and seen.foreign == []
    # Following the hit opens the post.
    seen.page.locator(".cp-search__title", has_text="两家会员企业合同纠纷握手言和").click()
    seen.page.wait_for_url(server + PAGES["post"])


def test_header_search_box_leads_to_the_results(visit) -> None:
    seen = visit("sichuan/")
    page = seen.page
    page.locator("form.cp-header-search input[name=q]").fill("光伏")
    page.locator("form.cp-header-search input[name=q]").press("Enter")
    page.wait_for_selector(".cp-search__result")
    titles = page.locator(".cp-search__title").all_inner_texts()
    assert "会员企业携手推进工商业屋顶光伏项目" in titles
    assert "光伏" in page.locator(".cp-search__excerpt mark").all_inner_texts()
    assert "/sichuan/search/" in page.url and seen.foreign == []


def test_search_finds_a_member_intro_in_the_directory(visit, demo_sites: Path) -> None:
    assert json.loads((demo_sites / "sichuan/pagefind/bundles.json").read_text(encoding="utf-8"))["merge"]
    # A phrase that only a member's intro holds: the directory must show (and so index) the intros.
    seen, results = _search(visit, "sichuan", "守合同重信用")
    assert [r for r in results if "/sichuan/members/" in r["href"] and r["marks"]], results
    # sichuan's index comes in bundles (search/index.py; conftest.demo_sites), merged in the browser: hits
    # from the first bundle and from merged ones, in one list.
    seen, results = _search(visit, "sichuan", "诚信")
    assert [r for r in results if re.search(r"/sichuan/members/[^/]+/$", r["href"])], results
    assert [r for r in results if "/sichuan/news/" in r["href"]], results
    folders = _bundle_folders(demo_sites / "sichuan")
    found = {folders[urlparse(r["href"]).path.removeprefix("/sichuan")] for r in results}
    assert "" in found and len(found - {""}) >= 2, (found, results)
    assert seen.errors == [] and seen.foreign == []
    seen, results = _search(visit, "sichuan", "会员大会")
    assert [r for r in results if r["href"].endswith("/sichuan/charter/")], results


def _bundle_folders(site: Path) -> dict[str, str]:
    """Each indexed page's URL in the site → the folder of pagefind/ its bundle is in ("" for the first)."""
    merged = json.loads((site / "pagefind/bundles.json").read_text(encoding="utf-8"))["merge"]
    return {
        read_search_fragment(p)["url"]: folder
        for folder in ["", *merged]
        for p in (site / "pagefind" / folder / "fragment").glob("*.pf_fragment")
    }


def _indexed_pages_holding(site: Path, word: str) -> set[str]:
    """The pages of a built site whose indexed title or text holds `word` as typed, read from Pagefind's
    own fragments (gzip, after its signature): what the search page must list, every one."""
    import gzip

    found = set()
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        text = (record["meta"].get("title", "") + record["content"]).replace("\u200b", "")
        if word in text:
            found.add(record["url"])
    return found


def test_search_reaches_every_hit_with_date_and_category(visit, server, demo_sites: Path) -> None:
    expected = _indexed_pages_holding(demo_sites / "anhui", "商会")
    assert len(expected) > 20
    seen, results = _search(visit, "anhui", "商会")
    page = seen.page
    assert len(results) == 20 and page.locator(".cp-search__more").is_visible()
    while page.locator(".cp-search__more").is_visible():
        count = page.locator(".cp-search__result").count()
        page.locator(".cp-search__more").click()
        page.wait_for_function("(n) => document.querySelectorAll('.cp-search__result').length > n", arg=count)
        page.wait_for_function("() => !document.querySelector('.cp-search__more').disabled")
    hrefs = page.eval_on_selector_all(".cp-search__title", "links => links.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted("/anhui" + url for url in expected)
    assert page.locator(".cp-search__status").inner_text() == f"“商会”共找到 {len(expected)} 个结果"
    hits = page.evaluate("""() => [...document.querySelectorAll('.cp-search__result')].map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        date: (li.querySelector('.cp-search__date') || {}).textContent,
        category: (li.querySelector('.cp-search__category') || {}).textContent,
        excerpt: li.querySelector('.cp-search__excerpt').textContent}))""")
    posts = [hit for hit in hits if "/news/20" in hit["href"]]
    assert posts and all(re.fullmatch(r"20\d\d年\d{1,2}月\d{1,2}日", hit["date"]) for hit in posts), posts
    assert all(hit["category"] for hit in posts), posts
    sections = {hit["category"] for hit in hits if hit not in posts}  # a page's part of the site, if not itself
    assert {"章程", "会员名录"} <= sections and "商会简介" not in sections, sections
    hit = next(hit for hit in hits if hit["href"].endswith("/hetong-jiufen-tiaojie/"))
    assert (hit["date"], hit["category"]) == ("2026年9月24日", "维权服务")
    for hit in hits:  # the text only: not the post's metadata line, no Western ". " joins, no title again
        assert "栏目：" not in hit["excerpt"] and "作者：" not in hit["excerpt"], hit
        assert not re.search(r"[\u4e00-\u9fff]\. ", hit["excerpt"]), hit
    assert seen.errors == [] and seen.foreign == []
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)


def test_a_word_absent_from_the_site_says_so(visit, demo_sites: Path) -> None:
    # 调解员 is not on the site, though 调解 is: Pagefind alone would list pages of 调解 for it.
    assert not _indexed_pages_holding(demo_sites / "anhui", "调解员")
    assert _indexed_pages_holding(demo_sites / "anhui", "调解")
    for word in ("调解员", "区块链"):
        seen, results = _search(visit, "anhui", word)
        assert results == []
        assert seen.page.locator(".cp-search__status").inner_text() == f"没有找到与“{word}”相关的内容"
        assert not seen.page.locator(".cp-search__more").is_visible()
        assert seen.errors == [] and seen.foreign == []


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory) -> Path:
    """A generated chamber of 200 posts whose text holds 会员 and 服务 everywhere, 会员服务 in three posts
    only: Pagefind lists every post for it (the words, apart), three hold it."""
    import shutil

    from bench.corpus import write_chamber as write_corpus
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY

    root = tmp_path_factory.mktemp("wide-search")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", root / "theme")
    write_corpus(root, "wide", seed=7, posts=200, members=0)
    for number in (17, 98, 181):
        post = root / "content/wide/news" / f"post-{number:05d}.md"
        post.write_text(post.read_text(encoding="utf-8") + "\n秘书处将继续做好会员服务工作。\n", encoding="utf-8")
    build_chamber("wide", root / "content", root / "sites", today=TODAY)
    return root / "sites"


def test_words_the_site_has_apart_are_read_a_few_results_at_a_time(browser, wide_site: Path) -> None:
    """A look at the results reads at most 80 of them (a fragment each), not the thousands a large site
    lists for words typed together that its pages hold apart; 更多结果 goes on, and reaches every hit."""
    expected = _indexed_pages_holding(wide_site / "wide", "会员服务")
    assert len(expected) == 3
    with serving(wide_site) as base:
        context = browser.new_context(locale="zh-CN", service_workers="block")
        page = context.new_page()
        fragments: list[str] = []
        page.on("request", lambda r: fragments.append(r.url) if r.url.endswith(".pf_fragment") else None)
        page.goto(base + "wide/search/")
        listed = page.evaluate(
            "async (q) => (await (await import('../pagefind/pagefind.js')).search(q)).results.length", "会员服务"
        )
        assert listed > 160  # Pagefind lists (nearly) every post
        fragments.clear()
        for word, found in (("会员服务", expected), ("温州商会", set())):
            page.goto(base + f"wide/search/?q={quote(word)}")
            status = page.locator(".cp-search__status")
            more = page.locator(".cp-search__more")
            looks = 0
            while True:
                page.wait_for_function(
                    "() => !/正在搜索/.test(document.querySelector('.cp-search__status').textContent)"
                    " && !document.querySelector('.cp-search__more').disabled"
                )
                page.wait_for_load_state("networkidle")
                looks += 1
                assert len(fragments) <= 80 * looks, (word, looks, len(fragments))
                if not more.is_visible():
                    break
                if looks == 1 and not page.locator(".cp-search__result").count():
                    assert re.fullmatch(
                        rf"最相关的 \d+ 个页面中没有“{word}”，点击“更多结果”继续查找", status.inner_text()
                    )
                more.click()
            assert looks >= 2 and len(fragments) <= listed + 1, (word, looks, len(fragments))
            hrefs = page.eval_on_selector_all(".cp-search__title", "links => links.map(a => a.getAttribute('href'))")
            assert sorted(hrefs) == sorted("/wide" + url for url in found)
            assert status.inner_text() == (f"“{word}”共找到 3 个结果" if found else f"没有找到与“{word}”相关的内容")
            fragments.clear()
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_typing_in_the_header_box_shows_suggestions(visit, viewport: dict) -> None:
    seen = visit(PAGES["post"], viewport)
    page = seen.page
    box = page.locator("form.cp-header-search input[name=q]")
    box.press_sequentially("调解", delay=30)
    page.wait_for_selector(".cp-suggest:not([hidden]) .cp-suggest__link")
    titles = page.locator(".cp-suggest__title").all_inner_texts()
    assert "两家会员企业合同纠纷握手言和" in titles and len(titles) <= 6
    assert (
        page.locator(".cp-suggest__link", has_text="两家会员企业合同纠纷握手言和")
        .locator(".cp-search__date")
        .inner_text()
        == "2026年9月24日"
    )
    suggestions = page.locator(".cp-suggest").bounding_box()
    assert suggestions["x"] >= 0 and suggestions["x"] + suggestions["width"] <= viewport["width"]
    label = "desktop" if viewport is DESKTOP else "phone"
    page.screenshot(path=str(ARTIFACTS / f"search-suggestions-{label}.png"))
    assert page.locator(".cp-suggest__all").get_attribute("href").endswith("/search/?q=%E8%B0%83%E8%A7%A3")
    box.fill("区块链")
    page.wait_for_selector(".cp-suggest__none")
    assert page.locator(".cp-suggest__none").inner_text() == "没有找到与“区块链”相关的内容"
    box.press("Escape")
    assert page.locator(".cp-suggest").is_hidden()
    assert seen.errors == [] and seen.foreign == []


def test_newsletter_page_cards_on_a_phone_and_a_desktop(visit) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, viewport in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 900})):
        seen = visit(PAGES["newsletter"], viewport)
        page = seen.page
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"newsletter-{label}-{viewport['width']}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        cards = page.locator(".cp-issue")
        assert cards.count() >= 2
        for index in range(cards.count()):
            card = cards.nth(index)
            box = card.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (label, box)
            cover = card.locator("img.cp-issue__cover")
            assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
            button = card.locator(".cp-issue__download").bounding_box()
            assert button["x"] + button["width"] <= box["x"] + box["width"]  # nothing cut off
            number = card.locator(".cp-issue__number")
            # 期号 on one line: "2026年第3期", never "2026年第3/期".
            assert number.evaluate("h => h.getClientRects().length === 1 && h.scrollWidth <= h.clientWidth")
            assert (
                number.evaluate(
                    "h => { const r = document.createRange(); r.selectNodeContents(h); return r.getClientRects().length; }"
                )
                == 1
            )
        if label == "phone":  # stacked: one card below the other
            first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
            assert second["y"] >= first["y"] + first["height"]
        assert seen.errors == [] and seen.foreign == []


def test_no_justified_text_beside_thumbnails_nor_stretched_labels(visit) -> None:
    for path, viewport in (
        ("anhui/news/", PHONE),
        ("anhui/news/", DESKTOP),
        ("anhui/news/category/wei-quan-fu-wu/", PHONE),
    ):
        page = visit(path, viewport).page
        aligns = page.evaluate("""() => [...document.querySelectorAll(
            '.cp-item__summary, .cp-sections p, .md-content .md-typeset p')].map(p => [p.className || p.parentNode.className, getComputedStyle(p).textAlign])""")
        aligns = [a for a in aligns if a[1] == "justify"]
        assert aligns == [], (path, viewport, aligns)


def test_post_with_a_captioned_picture(visit) -> None:
    seen = visit("anhui/news/2026/08/12/huanjie-dahui/", {"width": 390, "height": 844})
    page = seen.page
    figure = page.locator("article figure:has(figcaption)").first
    assert figure.locator("figcaption").inner_text() == "大会现场"
    image = figure.locator("img")
    assert image.get_attribute("width") and image.get_attribute("height")
    figure.scroll_into_view_if_needed()
    _settle(page)
    assert (
        figure.locator("figcaption").bounding_box()["y"] >= image.bounding_box()["y"] + image.bounding_box()["height"]
    )
    figure.screenshot(path=str(ARTIFACTS / "post-captioned-picture.png"))
    assert seen.errors == [] and seen.foreign == []


# --- every page: no foreign request, phone width, screenshots, accessibility -----------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_page_on_desktop_and_phone(visit, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        seen = visit(PAGES[name], viewport)
        page = seen.page
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        assert seen.foreign == [], seen.foreign
        assert seen.errors == [], seen.errors
        assert all(urlparse(u).hostname == "127.0.0.1" for u in seen.requests if not u.startswith("data:"))
        if label == "phone":
            widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1] == PHONE["width"], f"{name} scrolls sideways on a phone: {widths}"


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(visit, name: str) -> None:
    assert AXE.is_file(), "axe-core is missing: run `make setup-test` (npm install)"
    page = visit(PAGES[name]).page
    # Evaluated through the browser's debugging protocol: the site's CSP (no inline script) stays on.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))""")
    assert violations == [], violations
