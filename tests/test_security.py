"""Untrusted text is escaped, raw HTML in Markdown sanitized, links limited to safe schemes."""

from __future__ import annotations

from pathlib import Path

from generator.build import build_chamber
from conftest import CHAMBER_YML, TODAY, parse, post, write_chamber

EVIL_BODY = """\
正文开始。<script>alert('x')</script>

<p onclick="steal()">点击</p> <a href="javascript:alert(1)">坏链接</a> <a href="https://example.cn/">好链接</a>

<img src="images/none.png" onerror="alert(2)" alt="图">

<iframe src="https://player.example-video.cn/embed/1"></iframe>
<iframe src="https://evil.example.com/embed/2"></iframe>

| 左 | 右 |
|:---|---:|
| a | b |
"""


def test_raw_html_in_posts_and_pages_is_sanitized(content: Path, out: Path) -> None:
    write_chamber(content, "sec", chamber_yml=CHAMBER_YML + "embed_hosts: [player.example-video.cn]\n", files={
        "news/2026/2026-06-01-evil.md": post("安全测试", "2026-06-01", EVIL_BODY),
        "pages/about.md": "---\ntitle: 商会简介\n---\n\n" + EVIL_BODY,
    })
    build_chamber("sec", content, out, today=TODAY)
    for page in (out / "sec/news/2026/06/01/evil/index.html", out / "sec/about/index.html"):
        doc = parse(page)
        article = doc.cssselect("article")[0]
        assert not article.cssselect("script")
        assert not [e for e in article.iter() if any(a.startswith("on") for a in e.attrib)]
        hrefs = [a.get("href") for a in article.cssselect("a") if a.get("href")]
        assert "https://example.cn/" in hrefs
        assert not [h for h in hrefs if h.lower().startswith("javascript:")]
        frames = [f.get("src") for f in article.cssselect("iframe")]
        assert frames == ["https://player.example-video.cn/embed/1", None]
        assert [c.get("style") for c in article.cssselect("td")] == ["text-align:left", "text-align:right"]
        assert "alert('x')" not in page.read_text(encoding="utf-8")


def test_front_matter_text_is_escaped(content: Path, out: Path) -> None:
    title = '<img src=x onerror="alert(1)">标题*强调*[链接](javascript:alert(1))'
    write_chamber(content, "esc", chamber_yml=CHAMBER_YML.replace("温州市测试商会", "温州市<b>测试</b>商会"),
                  files={"news/2026/2026-06-02-esc.md": post("'" + title.replace("'", "''") + "'", "2026-06-02")})
    build_chamber("esc", content, out, today=TODAY)
    home = parse(out / "esc/index.html")
    assert not home.cssselect("img[onerror]")
    assert not home.cssselect(".cp-hero b, .cp-footer b")
    assert "温州市<b>测试</b>商会" in home.cssselect(".cp-hero__name")[0].text_content()
    post_doc = parse(out / "esc/news/2026/06/02/esc/index.html")
    assert not post_doc.cssselect("img[onerror]")
    assert not [a for a in post_doc.cssselect("a") if (a.get("href") or "").startswith("javascript:")]
