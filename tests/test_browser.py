"""The demo chambers in a real browser: Playwright driving Debian's chromium, the built sites served on
localhost from their own sub-paths (/anhui/, /sichuan/). One browser and one server for the session.

Every page is opened in a context that records every request and lets none leave localhost, and collects
console errors. Screenshots (desktop and phone) go to test-artifacts/. Accessibility: axe-core (npm, see
package.json) runs inside each page; serious and critical violations fail.
"""

from __future__ import annotations

import json
import re

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from conftest import ROOT

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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def server(demo_sites: Path):
    """The built demo sites on http://127.0.0.1:<port>/ — each chamber at its own sub-path."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(demo_sites))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


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
    # sichuan's index comes in bundles (search.py; conftest.demo_sites), merged in the browser: hits from
    # the first bundle (the chamber's pages and members) and from a year of posts, in one list.
    assert [r for r in results if re.search(r"/sichuan/members/[^/]+/$", r["href"])], results
    assert [r for r in results if "/sichuan/news/2025/" in r["href"]], results
    assert seen.errors == [] and seen.foreign == []
    seen, results = _search(visit, "sichuan", "会员代表大会")
    assert [r for r in results if r["href"].endswith("/sichuan/charter/")], results


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
