"""Untrusted text is escaped, raw HTML in Markdown sanitized, links limited to safe schemes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from chamberpress.build.pipeline import build_chamber
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


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_raw_html_in_posts_and_pages_is_sanitized(content: Path, out: Path) -> None:
    # The image exists: a missing one is a content error of its own (tests/test_news.py).
    write_chamber(
        content,
        "sec",
        chamber_yml=CHAMBER_YML + "embed_hosts: [player.example-video.cn]\n",
        files={
            "news/2026/2026-06-01-evil.md": post("安全测试", "2026-06-01", EVIL_BODY),
            "news/2026/images/none.png": _png(),
            "pages/about.md": "---\ntitle: 商会简介\n---\n\n" + EVIL_BODY,
            "pages/images/none.png": _png(),
        },
    )
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


def test_cleaned_html_is_kept_with_the_page_and_cleaned_again_when_the_hosts_change(
    content: Path, out: Path, monkeypatch
) -> None:
    """Editors' HTML is cleaned once: the result is kept with the converted page (render_cache) for the
    hosts allowed to embed then, and cleaned again when those change."""
    import chamberpress.site.plugin as plugin

    chamber_yml = CHAMBER_YML + "embed_hosts: [player.example-video.cn]\n"
    write_chamber(
        content,
        "keep",
        chamber_yml=chamber_yml,
        files={
            "news/2026/2026-06-01-evil.md": post("安全测试", "2026-06-01", EVIL_BODY),
            "news/2026/images/none.png": _png(),
        },
    )
    build_chamber("keep", content, out, today=TODAY)
    page = out / "keep/news/2026/06/01/evil/index.html"
    first = page.read_bytes()
    cleaned: list[str] = []
    clean = plugin.sanitize_html
    monkeypatch.setattr(plugin, "sanitize_html", lambda html, hosts: cleaned.append(html) or clean(html, hosts))
    build_chamber("keep", content, out.parent / "again", today=TODAY)
    assert cleaned == [] and (out.parent / "again/keep/news/2026/06/01/evil/index.html").read_bytes() == first
    write_chamber(content, "keep", chamber_yml=CHAMBER_YML, default_files=False)  # no host allowed now
    build_chamber("keep", content, out, today=TODAY)
    assert any("安全测试" in html or "正文开始" in html for html in cleaned)
    frames = [f.get("src") for f in parse(page).cssselect("article iframe")]
    assert frames == [None, None]


def test_front_matter_text_is_escaped(content: Path, out: Path) -> None:
    title = '<img src=x onerror="alert(1)">标题*强调*[链接](javascript:alert(1))'
    write_chamber(
        content,
        "esc",
        chamber_yml=CHAMBER_YML.replace("温州市测试商会", "温州市<b>测试</b>商会"),
        files={"news/2026/2026-06-02-esc.md": post("'" + title.replace("'", "''") + "'", "2026-06-02")},
    )
    build_chamber("esc", content, out, today=TODAY)
    home = parse(out / "esc/index.html")
    assert not home.cssselect("img[onerror]")
    assert not home.cssselect(".cp-hero b, .cp-footer b")
    assert "温州市<b>测试</b>商会" in home.cssselect(".cp-hero__name")[0].text_content()
    post_doc = parse(out / "esc/news/2026/06/02/esc/index.html")
    assert not post_doc.cssselect("img[onerror]")
    assert not [a for a in post_doc.cssselect("a") if (a.get("href") or "").startswith("javascript:")]


def test_generated_front_matter_reads_back_as_written() -> None:
    """Titles and roster cells go into front matter as JSON values: YAML must read back exactly those
    values, whatever the text (its syntax, line breaks YAML folds, characters it refuses)."""
    import datetime as dt

    from chamberpress.markup import FrontMatterLoader, front_matter, read_front_matter

    nasty = [
        "a: b",
        "---",
        "\"q\" 's'",
        "line\nbreak",
        "x\u2028y\u2029z",
        "n\x85el",
        "del\x7f\x9f",
        "bom\ufeff",
        "😀",
        "# not a comment",
        "&anchor *alias !tag",
        "{flow}",
        "[list]",
        "null",
        "yes",
        "2026-01-01",
        "",
        "~",
        "- item",
        "%YAML",
        "\t tab",
    ]
    meta = {
        "title": nasty[0],
        "date": dt.date(2026, 5, 21),
        "pin": False,
        "readtime": 3,
        "cover": None,
        "all": nasty,
        "nested": {"summary": nasty, "tags": []},
    }
    text = front_matter(meta)
    assert text.startswith("---\n") and text.endswith("---\n\n") and text.count("\n---\n") == 1
    block = text.split("---\n")[1]
    for loader in (yaml.SafeLoader, yaml.CSafeLoader, FrontMatterLoader):
        assert yaml.load(block, Loader=loader) == meta
    assert read_front_matter(block) == meta  # read without YAML


@pytest.mark.parametrize(
    "block",
    [
        "title: 标题\n",
        "x: 1e3\n",
        "x: 1.5\n",
        "yes: 1\n",
        "on: 标题\n",
        'a: "b" # c\n',
        "a:\n  - b\n",
        'a: "\\ud83d\\ude00"\n',
        "d: 2026-02-30\n",
        "a: [1, 2.5]\n",
        "Title: x\n",
        "a: 'b'\n",
        "\n",
        "d: 2026-05-21T10:00:00+08:00\n",
        'a: "x\u2028y"\n',
        "a: ~\n",
        "a: 0x1A\n",
    ],
)
def test_front_matter_not_written_by_us_is_read_by_yaml(block: str) -> None:
    """Editors' own YAML, and JSON that YAML reads differently (exponents, raw line breaks YAML folds,
    keys it reads as booleans), is left to YAML: the loader gives what YAML gives."""
    from chamberpress.markup import FrontMatterLoader, read_front_matter

    assert read_front_matter(block) is None
    try:
        expected = yaml.load(block, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError) as exc:
        with pytest.raises(type(exc)):
            yaml.load(block, Loader=FrontMatterLoader)
    else:
        assert yaml.load(block, Loader=FrontMatterLoader) == expected


def test_every_page_has_a_csp_its_inline_scripts_satisfy(test_site: Path) -> None:
    import base64
    import hashlib

    pages = list(test_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        doc = parse(page)
        metas = doc.cssselect('meta[http-equiv="Content-Security-Policy"]')
        assert len(metas) == 1, page
        directives = dict(d.strip().split(" ", 1) for d in metas[0].get("content").split(";"))
        script_src = directives["script-src"].split()
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'"
        assert directives["frame-src"] == "'none'"  # the test chamber lists no embed hosts
        # The policy comes before any script, and every inline script is allowed by its hash.
        head = list(doc.head)
        assert head.index(metas[0]) < min((head.index(s) for s in doc.head.cssselect("script")), default=999)
        for script in doc.cssselect("script:not([src])"):
            if (script.get("type") or "").lower() == "application/json":
                continue
            digest = base64.b64encode(hashlib.sha256((script.text or "").encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src, page


def test_csp_allows_iframes_only_from_embed_hosts(content: Path, out: Path) -> None:
    write_chamber(content, "emb", chamber_yml=CHAMBER_YML + "embed_hosts: [player.example-video.cn]\n")
    build_chamber("emb", content, out, today=TODAY)
    meta = parse(out / "emb/index.html").cssselect('meta[http-equiv="Content-Security-Policy"]')[0]
    assert "frame-src https://player.example-video.cn;" in meta.get("content")
