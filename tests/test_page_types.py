"""Every page type of a chamber's site, and the portal, in a real browser at a phone's, a tablet's and a
desktop's width: nothing scrolls sideways, no text lies on other text, nothing is fetched from another
host, axe-core finds no serious or critical violation. A screenshot of each is written to
test-artifacts/site/<page>-<width>.png for a person to look at.

The demo sites are served once, each chamber at its own sub-path (/anhui/) as a host would serve them:
a missing address gets the chamber's 404.html with status 404 — so the 404 page is seen below a sub-path
and several folders deep, where its addresses cannot be relative.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from conftest import ROOT, QuietHandler, serving

AXE = ROOT / "node_modules/axe-core/axe.min.js"
SHOTS = ROOT / "test-artifacts" / "site"
WIDTHS = (390, 768, 1280)
HEIGHT = 844

# One page per type (anhui: the demo chamber with the most of everything); the profile is found at run time.
PAGES = {
    "home": "anhui/",
    "news": "anhui/news/",
    "post": "anhui/news/2026/09/24/hetong-jiufen-tiaojie/",
    "category": "anhui/news/category/wei-quan-fu-wu/",
    "archive": "anhui/news/archive/2025/",
    "members": "anhui/members/",
    "profile": None,
    "organization": "anhui/organization/",
    "charter": "anhui/charter/",
    "newsletter": "anhui/newsletter/",
    "search": "anhui/search/?q=" + quote("调解"),
    "404": "anhui/no/such/page/below/the/site/",
    "portal": "",
}

# Back at the top, a few frames for the scroll handlers, then every running transition finished.
SETTLED = """async () => {
  window.scrollTo(0, 0);
  for (let i = 0; i < 3; i++) await new Promise((done) => requestAnimationFrame(done));
  await Promise.all(document.getAnimations().map((a) => a.finished));
}"""

# Visible text-bearing pieces (the boxes of each text node's lines) that overlap one another's text.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT });
  let id = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template, [hidden], [aria-hidden="true"]')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const own = el.getBoundingClientRect();
    if (own.width <= 1 && own.height <= 1) continue;  // visually hidden text for screen readers (clipped to 1 px)
    const range = document.createRange(); range.selectNodeContents(node);
    id += 1;
    for (const r of range.getClientRects()) {
      if (r.width < 2 || r.height < 2) continue;
      boxes.push({id, text: node.nodeValue.trim().slice(0, 30), tag: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''),
                  x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height});
    }
  }
  boxes.sort((a, b) => a.y - b.y);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].y < a.y + a.h; j++) {
      const b = boxes[j];
      if (a.id === b.id) continue;
      const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      // More than a sliver: glyph boxes of adjacent lines may touch where line-height is tight.
      if (w > 2 && h > 0.4 * Math.min(a.h, b.h)) found.push(`"${a.text}" (${a.tag}) × "${b.text}" (${b.tag})`);
    }
  }
  return found.slice(0, 10);
}"""

AXE_SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)"""


class _Handler(QuietHandler):
    """Static files; a missing address below /<slug>/ gets that site's 404.html with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        slug = self.path.lstrip("/").split("/")[0]
        page = Path(self.directory) / slug / "404.html"
        if code != 404 or not slug or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def host(demo_sites: Path):
    with serving(demo_sites, _Handler) as base:
        yield base


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per width for the module; nothing may leave localhost (blocked and noted)."""
    made = {}
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": HEIGHT}, locale="zh-CN", service_workers="block"
        )
        foreign: list[str] = []

        def route(r, foreign=foreign) -> None:
            url = r.request.url
            if url.startswith("data:") or urlparse(url).hostname in {"127.0.0.1", "localhost"}:
                r.continue_()
            else:
                foreign.append(url)
                r.abort()

        context.route("**/*", route)
        made[width] = (context, foreign)
    yield made
    for context, _ in made.values():
        context.close()


def _profile(demo_sites: Path) -> str:
    first = sorted(p for p in (demo_sites / "anhui/members").iterdir() if (p / "index.html").is_file())[0]
    return f"anhui/members/{first.name}/"


def _problems(page) -> list[str]:
    problems = []
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if widths[0] > widths[1]:
        problems.append(f"scrolls sideways: content {widths[0]} px wide in a {widths[1]} px viewport")
    problems += [f"text over text: {o}" for o in page.evaluate(OVERLAPS)]
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugging protocol: the CSP stays on
    problems += [f"axe: {v}" for v in page.evaluate(AXE_SERIOUS)]
    return problems


@pytest.mark.parametrize("name", list(PAGES))
def test_page_type_at_every_width(contexts, host: str, demo_sites: Path, name: str) -> None:
    assert AXE.is_file(), "axe-core is missing: run `make setup-test` (npm ci)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = PAGES[name] if PAGES[name] is not None else _profile(demo_sites)
    problems: list[str] = []
    for width in WIDTHS:
        context, foreign = contexts[width]
        foreign.clear()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            response = page.goto(host + path, wait_until="load")
            assert response is not None
            assert response.status == (404 if name == "404" else 200), (path, response.status)
            page.wait_for_load_state("networkidle")
            if name == "search":
                page.wait_for_selector(".cp-search__result")
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            # Material fades its tabs out and in as the page scrolls (the full-page screenshot scrolls it):
            # measure the page as it rests, not half-faded.
            page.evaluate(SETTLED)
            found = _problems(page) + [f"script error: {e}" for e in errors]
            found += [f"request to another host: {url}" for url in foreign]
        finally:
            page.close()
        problems += [f"{width} px: {p}" for p in found]
    assert problems == [], "\n".join(problems)


def test_404_below_a_sub_path_is_styled(contexts, host: str) -> None:
    context, _ = contexts[390]
    page = context.new_page()
    try:
        page.goto(host + PAGES["404"], wait_until="load")
        style = page.evaluate("""() => {
            const icon = document.querySelector('.md-header svg, .md-header__button svg');
            const header = getComputedStyle(document.querySelector('.md-header'));
            return {icon: icon ? icon.getBoundingClientRect().width : null, position: header.position,
                    background: header.backgroundColor, footer: !!document.querySelector('.cp-footer')}; }""")
    finally:
        page.close()
    assert style["icon"] is not None and style["icon"] <= 32, style  # not the raw page's huge icons
    assert style["position"] == "sticky" and style["background"] != "rgba(0, 0, 0, 0)", style


def test_the_checks_see_sideways_scrolling_overlapping_text_and_axe_violations(contexts) -> None:
    context, _ = contexts[390]
    page = context.new_page()
    try:
        page.set_content(
            """<!doctype html><html lang="zh-CN"><title>检查</title><body>
            <p style="width: 600px">这一段比手机屏幕宽。</p>
            <p style="position: relative">商会新闻<span style="position: absolute; left: 0; top: 0">会员名录</span></p>
            <p style="color: #eee">对比度太低的文字</p></body></html>"""
        )
        problems = _problems(page)
    finally:
        page.close()
    assert any(p.startswith("scrolls sideways: content 6") for p in problems), problems
    assert any(p.startswith('text over text: "商会新闻"') and "会员名录" in p for p in problems), problems
    assert any(p.startswith("axe: color-contrast (serious)") for p in problems), problems
    assert len([p for p in problems if p.startswith("text over text")]) == 1, problems


def test_large_type_switch_enlarges_every_page_and_is_remembered(contexts, host: str) -> None:
    context, _ = contexts[390]
    page = context.new_page()
    try:
        page.goto(host + PAGES["post"], wait_until="load")
        size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
        normal = page.evaluate(size)
        toggle = page.locator("button.cp-large-type-toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        assert page.evaluate(size) >= 1.2 * normal
        page.goto(host + PAGES["news"], wait_until="load")  # another page: still large, from its first paint
        assert page.evaluate(size) >= 1.2 * normal
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / "news-390-large-type.png"), full_page=True)
        assert _problems(page) == []
        page.locator("button.cp-large-type-toggle").click()
        assert page.evaluate(size) == normal
        assert page.evaluate("localStorage.getItem('cp-large-type')") is None
    finally:
        page.close()
