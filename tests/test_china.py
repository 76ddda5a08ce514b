"""China-ready output, read from the built files: nothing loaded from another host, zh-CN pages with Chinese
UI strings, relative links (any sub-path), sitemap and feed on site_url, and the Pagefind search index
(what it holds and what it must never hold)."""

from __future__ import annotations

import fnmatch
import gzip
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lxml import etree

from conftest import TODAY, in_bundles, parse, post, read_search_fragment, site_files, text_of, write_chamber
from chamberpress.build.pipeline import build_chamber
from chamberpress.search.index import (
    INDEX_DIR,
    INDEXERS,
    MARKER,
    BegunBundle,
    SearchIndexError,
    begin_bundle,
    bundle_names,
    bundle_of,
    bundles_to_index,
    index_site,
    indexed_part,
    mark_indexed,
    plan_bundles,
    Split,
    bundle_split,
    save_record,
)

# --- the scanner of resource loads --------------------------------------------------------------------

# Link relations whose href the browser fetches by itself; any other <link> (canonical, alternate …) and
# every <a href> is a plain link.
LOADING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "preconnect",
    "dns-prefetch",
    "mask-icon",
}
SRC_ATTRS = {"src", "data", "poster", "background"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
# A URL that starts a JS string literal: in code, not in comments (which never start with a quote).
JS_URL = re.compile(r"""[`'"]((?:https?:)?//([A-Za-z0-9.-]+)[^`'"\s]*)""")

# URL literals in the scripts we ship that are never fetched by our sites: (script, host) → why.
XML_NAMESPACES = {"www.w3.org"}
INERT_JS_URLS = {
    ("pagefind/*.js", "example.com"): "Pagefind parses result URLs against this dummy base",
    ("pagefind/*.js", "p"): "Pagefind's UI scripts (not loaded by our pages) parse URLs against this dummy base",
    (
        "assets/javascripts/bundle.*.min.js",
        "api.github.com",
    ): "Material asks it for repository facts only when repo_url is set (checked below: never)",
    (
        "assets/javascripts/bundle.*.min.js",
        "unpkg.com",
    ): "Material loads mermaid from it only for <pre class=mermaid> (the sanitizer drops that class; checked "
    "below: none), and a ResizeObserver polyfill only where the browser has none, which main.html then "
    "defines first (test_browser: an older browser fetches no polyfill)",
}


def _inert_hosts(rel: str) -> set[str]:
    return XML_NAMESPACES | {host for (pattern, host) in INERT_JS_URLS if fnmatch.fnmatch(rel, pattern)}


def _is_external(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlparse(url).scheme.lower()
    return scheme in {"http", "https", "ftp", "ws", "wss"}


def _css_loads(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]


def html_loads(text: str) -> list[str]:
    """Every URL an HTML document makes the browser fetch by itself (not the links a reader may follow)."""
    doc = etree.HTML(text.encode("utf-8")) if text.strip() else None
    if doc is None:
        return []
    urls: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        for attr in SRC_ATTRS & set(el.attrib):
            if not (tag == "object" and attr != "data"):
                urls.append(el.get(attr))
        if el.get("srcset"):
            urls += [part.split()[0] for part in el.get("srcset").split(",") if part.strip()]
        if tag == "link" and LOADING_RELS & set((el.get("rel") or "").lower().split()):
            urls.append(el.get("href") or "")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            urls.append((el.get("content") or "").partition("url=")[2])
        if el.get("style"):
            urls += _css_loads(el.get("style"))
        if tag == "style":
            urls += _css_loads(el.text or "")
        if tag == "script" and not el.get("src"):
            urls += js_loads(el.text or "")
    return [u for u in urls if u]


def js_loads(js: str, inert: set[str] = XML_NAMESPACES) -> list[str]:
    """URL literals in script code (not comments) that point to another host, but for the `inert` hosts."""
    found = []
    for match in JS_URL.finditer(js):
        url, host = match.group(1), match.group(2).lower()
        if not any(host == h or host.endswith("." + h) for h in inert):
            found.append(url)
    return found


def external_loads(path: Path, site: Path) -> list[str]:
    """The resources from other hosts that this built file of `site` would load."""
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".html":
        urls = html_loads(text)
    elif suffix == ".css":
        urls = _css_loads(text)
    elif suffix in {".js", ".mjs"}:
        return js_loads(text, _inert_hosts(path.relative_to(site).as_posix()))
    elif suffix in {".json", ".webmanifest"}:
        # Our JSON (chamber.json, the index entry) holds relative paths only; any absolute URL is suspect.
        urls = re.findall(r'"((?:https?:)?//[^"]+)"', text)
    else:
        return []
    return [u for u in urls if _is_external(u)]


def test_scanner_tells_loads_from_links() -> None:
    page = """<html><head>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto+Sans">
      <link rel="canonical" href="https://anhui.example.cn/"><link rel="icon" href="//cdn.example.com/i.png">
      <style>body { background: url("https://cdn.example.com/bg.png") }</style>
      <script src="https://www.googletagmanager.com/gtag/js"></script>
      <script>fetch("https://api.github.com/repos/x/y")</script></head>
      <body><a href="https://beian.miit.gov.cn/">备案</a><img src="images/a.jpg" srcset="b.jpg 2x, https://x.cn/c.jpg 3x">
      <div style="background-image:url(https://x.cn/d.png)"></div><iframe src="https://player.example.com/v"></iframe>
      </body></html>"""
    assert sorted(html_loads(page)) == sorted(
        [
            "https://fonts.googleapis.com/css?family=Noto+Sans",
            "//cdn.example.com/i.png",
            "https://cdn.example.com/bg.png",
            "https://www.googletagmanager.com/gtag/js",
            "https://api.github.com/repos/x/y",
            "images/a.jpg",
            "b.jpg",
            "https://x.cn/c.jpg",
            "https://x.cn/d.png",
            "https://player.example.com/v",
        ]
    )
    css = '@import "https://fonts.googleapis.com/x.css"; a { background: url(data:image/png;base64,AA) } b { c: url(../x.png) }'
    assert _css_loads(css) == ["https://fonts.googleapis.com/x.css", "data:image/png;base64,AA", "../x.png"]
    js = '// see https://github.com/a/b\n/* https://example.org/doc */ var s = "https://hm.baidu.com/hm.js"; fetch(`//cdn.x.cn/${a}`)'
    assert js_loads(js) == ["https://hm.baidu.com/hm.js", "//cdn.x.cn/${a}"]
    bundle = 'var a="https://unpkg.com/mermaid@11/dist/mermaid.min.js",b="http://www.w3.org/2000/svg";'
    assert js_loads(bundle) == ["https://unpkg.com/mermaid@11/dist/mermaid.min.js"]  # only Material's own
    assert js_loads(bundle, _inert_hosts("assets/javascripts/bundle.0123abcd.min.js")) == []


def _built_files(site: Path) -> list[Path]:
    return [
        p
        for p in site.rglob("*")
        if p.is_file() and p.suffix.lower() in {".html", ".css", ".js", ".mjs", ".json", ".webmanifest"}
    ]


def test_no_built_file_loads_anything_from_another_host(demo_sites: Path, test_site: Path) -> None:
    sites = [p for p in demo_sites.iterdir() if (p / "index.html").is_file()] + [test_site]
    assert len(sites) >= 2
    offenders = {}
    scanned = 0
    for site in sites:
        for path in _built_files(site):
            scanned += 1
            loads = external_loads(path, site)
            if loads:
                offenders[str(path.relative_to(site.parent))] = loads
    assert scanned > 100
    assert offenders == {}
    assert not external_loads(demo_sites / "index.html", demo_sites)  # the portal too


def test_conditional_loads_of_material_never_trigger(test_site: Path) -> None:
    # The URL literals allowed in Material's bundle load only on conditions our sites never meet.
    for page in test_site.rglob("*.html"):
        doc = parse(page)
        assert not doc.cssselect(".md-source, [data-md-component=source]"), page  # no repo_url
        assert not doc.cssselect(".mermaid, pre.mermaid"), page
        config = doc.cssselect("#__config")
        if config:
            assert "repo" not in json.loads(config[0].text), page


def test_every_page_is_zh_cn(test_site: Path) -> None:
    for page in test_site.rglob("*.html"):
        assert parse(page).get("lang") == "zh-CN", page


def _material_english_strings() -> set[str]:
    """Material's English interface strings that its Chinese strings replace."""
    import material

    folder = Path(material.__file__).parent / "templates/partials/languages"

    def strings(name: str) -> dict[str, str]:
        return dict(re.findall(r'^\s*"([^"]+)": "(.*)",?$', (folder / name).read_text(encoding="utf-8"), re.M))

    english, chinese = strings("en.html"), strings("zh.html")
    return {
        v
        for k, v in english.items()
        if chinese.get(k, v) != v
        and re.search(r"[A-Za-z]{4,}", v)
        and not k.startswith("search.config")
        and "#" not in v
    }


def test_interface_strings_are_chinese(test_site: Path) -> None:
    english = _material_english_strings()
    assert {"Skip to content", "Back to top"} <= english  # the list is real
    for page in test_site.rglob("*.html"):
        doc = parse(page)
        shown = {" ".join(t.split()) for t in doc.xpath("//body//text()[not(ancestor::script)]")}
        shown |= {v for attr in ("aria-label", "title", "placeholder", "alt") for v in doc.xpath(f"//@{attr}")}
        assert not shown & english, (page, shown & english)
    not_found = parse(test_site / "404.html")
    assert text_of(not_found.cssselect("article h1")[0]) == "页面不存在"
    search = parse(test_site / "search/index.html")
    assert search.cssselect("form.cp-header-search input[name=q]")[0].get("placeholder") == "搜索本站"


def test_links_are_relative_so_the_site_opens_from_any_sub_path(test_site: Path) -> None:
    for page in test_site.rglob("*.html"):
        if page.name == "404.html":  # served at any depth: MkDocs makes its links absolute from site_url
            continue
        doc = parse(page)
        for el in doc.xpath("//*[@href or @src or @action]"):
            url = el.get("href") or el.get("src") or el.get("action")
            assert not (url.startswith("/") and not url.startswith("//")), (page, url)


def test_sitemap_and_feed_use_site_url(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    site_url = "https://anhui.example.cn/"
    locs = etree.parse(str(site / "sitemap.xml")).findall(".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    assert len(locs) > 10 and all(loc.text.startswith(site_url) for loc in locs)
    feeds = parse(site / "index.html").xpath(
        '//head/link[@rel="alternate"][@type="application/atom+xml" or @type="application/rss+xml"]'
    )
    assert feeds, "the home page advertises no news feed"
    for link in feeds:
        feed = etree.parse(str(site / link.get("href")))
        hrefs = feed.xpath("//*[local-name()='link']/@href") + feed.xpath(
            "//*[local-name()='link' and not(@href)]/text()"
        )
        assert hrefs and all(h.startswith(site_url) for h in hrefs), hrefs


def test_material_search_is_gone(test_site: Path) -> None:
    assert not (test_site / "search/search_index.json").exists()
    assert not (test_site / "assets/javascripts/lunr").exists()
    assert not list((test_site / "assets/javascripts").glob("workers/search.*"))


# --- the search index ----------------------------------------------------------------------------------

MEMBERS_CSV = (
    "名称,联系人,职务,行业,手机,公开手机,会费缴至,身份证号,简介,公开\n"
    "甲光能公司,张三,会长,新能源,13900000001,否,2027-12-31,330302198001010011,专注分布式光伏电站的建设与运维,是\n"
    "乙物流公司,李四,会员,物流,13900000002,是,2026-12-31,,冷链运输,是\n"
    "丙秘密公司,王五,会员,商贸,13900000003,否,,,不公开的会员简介隐秘词,否\n"
)


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search-site")
    write_chamber(
        root / "content",
        "sousuo",
        files={
            "news/2026/2026-09-24-jiufen.md": post(
                "两家会员企业握手言和",
                "2026-09-24",
                body="九月下旬，商会维权部成功调解了一起合同纠纷，涉案金额六十二万元。",
            ),
            "news/2026/2026-10-01-draft.md": post(
                "草稿不应出现", "2026-10-01", body="草稿里的保密词汇。", draft="true"
            ),
            "news/2026/2026-12-30-future.md": post("定时发布的新闻", "2026-12-30", body="尚未发布的预告词汇。"),
            "members.csv": MEMBERS_CSV,
        },
    )
    build_chamber("sousuo", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "sousuo"


def index_fragments(site: Path) -> dict[str, dict]:
    """The pages in the Pagefind index: URL → fragment (gzip JSON behind Pagefind's signature)."""
    fragments = [read_search_fragment(p) for p in (site / "pagefind").rglob("*.pf_fragment")]
    return {fragment["url"]: fragment for fragment in fragments}


def test_index_holds_posts_pages_charter_and_members(search_site: Path) -> None:
    entry = json.loads((search_site / "pagefind/pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["zh"]
    fragments = index_fragments(search_site)
    assert {
        "/news/2026/09/24/jiufen/",
        "/news/2026/05/21/falv-peixun/",
        "/news/2025/12/30/nianhui/",
        "/about/",
        "/join/",
        "/charter/",
        "/members/",
    } <= set(fragments)
    # Not the home page, the search page or the news listings (their text is the posts' own, found there).
    assert not {
        url
        for url in fragments
        if url in {"/", "/search/", "/news/"} or url.startswith(("/news/page/", "/news/archive/", "/news/category/"))
    }
    for url in fragments:
        assert (search_site / url.strip("/") / "index.html").is_file(), url
    # The words are segmented: 调解 is a word of its own in the middle of the text.
    post_words = fragments["/news/2026/09/24/jiufen/"]["content"].split("\u200b")
    assert "调解" in post_words
    assert fragments["/news/2026/09/24/jiufen/"]["meta"]["title"] == "两家会员企业握手言和"
    # A post's links to the previous and next posts (their titles) and its 当前位置 trail, a profile's back
    # to the directory, are not text of the page: a search for a title finds that post alone, and "返回"
    # not every profile.
    page = (search_site / "news/2026/09/24/jiufen/index.html").read_text(encoding="utf-8")
    assert "上一篇" in page and "当前位置" in page
    texts = {url: fragment["content"].replace("\u200b", "") for url, fragment in fragments.items()}
    assert not [url for url, text in texts.items() if "上一篇" in text or "下一篇" in text or "当前位置" in text]
    assert not [url for url, text in texts.items() if "返回会员名录" in text]
    assert [url for url, text in texts.items() if "两家会员企业握手言和" in text] == ["/news/2026/09/24/jiufen/"]
    assert "¶" not in "".join(f["content"] for f in fragments.values())


def test_member_intros_are_indexed_for_the_directory(search_site: Path) -> None:
    # Needs the directory (its page or the members' own pages under members/) to show the public intros.
    fragments = index_fragments(search_site)
    directory = "".join(f["content"] for url, f in fragments.items() if url.startswith("/members/"))
    assert "专注分布式光伏电站的建设与运维" in directory.replace("\u200b", "")


def test_index_never_holds_drafts_scheduled_or_private_fields(search_site: Path) -> None:
    everything = "".join(json.dumps(f, ensure_ascii=False) for f in index_fragments(search_site).values())
    everything = everything.replace("\u200b", "")
    assert "商会维权部成功调解" in everything  # the check reads the real text
    for secret in (
        "草稿",
        "保密词汇",
        "定时发布",
        "预告词汇",
        "丙秘密公司",
        "隐秘词",
        "13900000001",
        "13900000003",
        "330302198001010011",
        "2027-12-31",
    ):
        assert secret not in everything, secret
    # Nothing outside the index dir was searchable by accident: the raw index files hold no secret either.
    for path in (search_site / "pagefind").rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            for secret in ("保密词汇", "隐秘词", "13900000001", "330302198001010011"):
                assert secret.encode() not in raw, (path, secret)


def test_search_page_and_header_form(search_site: Path) -> None:
    doc = parse(search_site / "news/2026/09/24/jiufen/index.html")
    form = doc.cssselect("form.cp-header-search")[0]
    assert form.get("action") == "../../../../../search/" and form.get("method") == "get"
    page = parse(search_site / "search/index.html")
    script = page.cssselect('script[src$="chamber-search.js"]')[0]  # on every page: the header's suggestions
    assert (search_site / "search" / script.get("src")).is_file()
    assert doc.cssselect('script[src$="chamber-search.js"]')
    # The script finds the site's root from the header form's address (search/ at the root).
    assert page.cssselect("form.cp-header-search")[0].get("action") == "./"
    assert page.cssselect("form.cp-search__form")[0].get("action") == "./"  # never an empty action
    assert (search_site / "pagefind/pagefind.js").is_file()
    assert not page.cssselect("[data-pagefind-body]")  # the search page is not indexed
    assert not parse(search_site / "index.html").cssselect("[data-pagefind-body]")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_editors_cannot_load_from_other_hosts(tmp_path: Path) -> None:
    body = (
        "正文。\n\n![外站图片](https://img.example.com/a.jpg)\n\n![本站图片](images/a.png)\n\n"
        '<video src="//cdn.example.com/v.mp4" poster="https://cdn.example.com/p.jpg" controls></video>\n\n'
        '<pre class="mermaid">graph TD; A-->B</pre>\n\n[外站链接](https://www.example.com/)\n'
    )
    write_chamber(
        tmp_path / "content",
        files={
            "news/2026/2026-06-01-waizhan.md": post("外站资源", "2026-06-01", body=body),
            "news/2026/images/a.png": _png(),
        },
    )
    build_chamber("test", tmp_path / "content", tmp_path / "sites", today=TODAY)
    page = tmp_path / "sites/test/news/2026/06/01/waizhan/index.html"
    doc = parse(page)
    article = doc.cssselect("article")[0]
    assert article.cssselect('img[alt="外站图片"]') and not article.cssselect('img[alt="外站图片"][src]')
    assert article.cssselect('img[alt="本站图片"][src]')
    assert not article.cssselect("video[src], video[poster]")
    assert not doc.cssselect(".mermaid")
    assert article.cssselect('a[href="https://www.example.com/"]')  # links to other sites stay
    assert external_loads(page, page.parent) == []


def test_only_the_pages_own_article_is_marked_for_the_index() -> None:
    page = '<nav>菜单</nav><article class="md-content__inner md-typeset"><h1>标题</h1></article>'
    listing = '<div class="md-content__inner"><article class="md-post md-post--excerpt">摘要</article></div>'
    assert mark_indexed(page, homepage=False, meta={}).count("data-pagefind-body") == 1
    assert '<article data-pagefind-body class="md-content__inner md-typeset">' in mark_indexed(
        page, homepage=False, meta={}
    )
    assert mark_indexed(page, homepage=True, meta={}) == page
    assert mark_indexed(page, homepage=False, meta={"search": {"exclude": True}}) == page
    assert mark_indexed(listing, homepage=False, meta={}) == listing


def test_the_indexer_reads_only_the_article_with_the_title_and_language() -> None:
    page = (
        b'<!doctype html><html lang="zh" class="no-js"><head><meta charset="utf-8"><title>\xe6\xa0\x87\xe9\xa2\x98 - '
        b'\xe5\x95\x86\xe4\xbc\x9a</title><link rel="stylesheet" href="x.css"></head><body><nav>menu</nav>'
        b'<article data-pagefind-body class="md-content__inner"><h1>T</h1><article class="inner">quoted</article>'
        b"<p>text</p></article><footer>foot</footer><article>after</article></body></html>"
    )
    assert indexed_part(page) == (
        b'<!doctype html><html lang="zh" class="no-js"><head><meta charset="utf-8"><title>\xe6\xa0\x87\xe9\xa2\x98 - '
        b'\xe5\x95\x86\xe4\xbc\x9a</title></head><body><article data-pagefind-body class="md-content__inner"><h1>T</h1>'
        b'<article class="inner">quoted</article><p>text</p></article></body></html>'
    )
    assert indexed_part(page.replace(b" data-pagefind-body", b"")) is None  # not marked: not indexed
    unclosed = page.split(b"<p>text</p>")[0]
    assert indexed_part(unclosed) == unclosed  # its end not found: whole


def test_the_index_is_the_one_made_of_the_whole_pages(search_site: Path, tmp_path: Path, monkeypatch) -> None:
    """The indexer is handed the article of each page only: the index is the same, byte for byte, as the one
    it makes of the built pages as they are (menus, header, footer and all)."""
    pages = tmp_path / "pages"
    shutil.copytree(search_site, pages, ignore=lambda folder, names: [INDEX_DIR] if Path(folder) == search_site else [])
    index_site(pages, index_dir=tmp_path / "articles")
    monkeypatch.setattr("chamberpress.search.index.indexed_part", lambda page: page if MARKER in page else None)
    index_site(pages, index_dir=tmp_path / "whole")
    articles = site_files(tmp_path / "articles")
    assert len([name for name in articles if name.startswith("fragment/")]) >= 10
    assert articles == site_files(tmp_path / "whole")


def _write_pages(bundle, folder: Path) -> Path:
    """A folder holding what the indexer reads of each page of the bundle, as `pagefind --site` reads it."""
    for rel, document in zip(bundle.pages, bundle.documents):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document)
    return folder


def test_the_indexer_process_makes_the_index_the_command_line_makes(search_site: Path, tmp_path: Path) -> None:
    """One Pagefind process for several bundles (its service mode), handed the pages one by one, gives the
    pages `pagefind --site` gives (their fragments byte for byte) in an index of the same shape; and the same
    index for the same pages, again and again, whatever the order a file system would list them in."""
    import subprocess

    from chamberpress.search.indexer import Indexer
    from chamberpress.search.index import EXCLUDE_SELECTORS, _executable

    [bundle] = plan_bundles(search_site)
    pages = list(zip(bundle.pages, bundle.documents))
    with Indexer(_executable(), language="zh", exclude_selectors=[EXCLUDE_SELECTORS]) as indexer:
        count, made = indexer.index_pages(pages)
        again = indexer.index_pages(pages)  # a second index by the same process
        reordered = indexer.index_pages(pages[::-1])
    subprocess.run(
        [
            str(_executable()),
            "--site",
            str(_write_pages(bundle, tmp_path / "pages")),
            "--output-path",
            str(tmp_path / "command"),
            "--force-language",
            "zh",
            "--exclude-selectors",
            EXCLUDE_SELECTORS,
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    command = site_files(tmp_path / "command")
    assert count == len(bundle.pages) and any(name.startswith("fragment/") for name in made)
    assert again == (count, made)
    assert {k: v for k, v in made.items() if k.startswith("fragment/")} == {
        k: v for k, v in command.items() if k.startswith("fragment/")
    }
    shape = lambda files: sorted((k.rpartition("/")[0], k.rsplit(".", 1)[-1]) for k in files)  # noqa: E731
    assert shape(made) == shape(command) and shape(reordered[1]) == shape(made)
    # Pagefind numbers pages in the order it reads them: that order is fixed here, not left to a folder.
    assert reordered[1] != made


def test_indexer_processes_are_kept_for_the_next_index(search_site: Path, tmp_path: Path) -> None:
    """`--all` makes an index per chamber in one process: the indexer processes are kept between them (no
    start, no dictionary loaded again), give the same index, and one that stopped meanwhile is replaced."""
    from chamberpress.search import indexer

    def kept() -> dict[int, object]:
        return {i._process.pid: i for idle in indexer._kept.values() for i in idle}

    index_site(search_site, index_dir=tmp_path / "one")
    first = kept()
    assert first and all(i.running() for i in first.values())
    index_site(search_site, index_dir=tmp_path / "two")
    assert kept().keys() == first.keys()
    for process in [i._process for i in first.values()]:
        process.kill()
        process.wait()
    index_site(search_site, index_dir=tmp_path / "three")
    assert kept() and not kept().keys() & first.keys()
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two") == site_files(tmp_path / "three")


def test_indexers_warmed_up_ahead_are_lent_and_none_started_while_one_loads(
    search_site: Path, tmp_path: Path, monkeypatch
) -> None:
    """A build starts the index's processes ahead (indexer.warm_up, while it leaves a core idle): the index
    takes those, waiting for one still loading its dictionary rather than starting another, and a second
    warm-up meanwhile starts none."""
    import threading

    from conftest import calls_recorded
    from chamberpress.search import indexer
    from chamberpress.search.index import EXCLUDE_SELECTORS, _executable

    settings = {"language": "zh", "exclude_selectors": [EXCLUDE_SELECTORS, ".warm-up-test"]}  # a pool of its own
    started = calls_recorded(monkeypatch, indexer.Indexer, "__init__")
    loading, release = threading.Event(), threading.Event()
    load = indexer.Indexer.load_dictionary

    def slow_load(self) -> None:
        loading.set()
        release.wait(30)
        load(self)

    monkeypatch.setattr(indexer.Indexer, "load_dictionary", slow_load)
    [bundle] = plan_bundles(search_site)
    indexer.warm_up(_executable(), count=1, **settings)
    assert loading.wait(30)
    indexer.warm_up(_executable(), count=1, **settings)
    threading.Timer(0.3, release.set).start()
    try:
        with indexer.lent_indexer(_executable(), **settings) as lent:
            assert release.is_set()  # it waited for the one loading
            count, _ = lent.index_pages(list(zip(bundle.pages, bundle.documents)))
        assert count == len(bundle.pages)
        assert [warmed for warmed, _ in started] == [lent] and lent.running()
    finally:
        for kept in indexer._kept.pop((str(_executable()), "zh", tuple(settings["exclude_selectors"])), []):
            kept.close()


def test_a_failed_index_is_an_error(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(SearchIndexError, match="no page of .* is marked for the index"):
        index_site(tmp_path)  # nothing to index
    page = tmp_path / "site/about/index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html lang="zh"><body><article data-pagefind-body class="md-content__inner">关于</article></body></html>',
        encoding="utf-8",
    )
    monkeypatch.setattr("chamberpress.search.index._executable", lambda: Path("/bin/false"))
    with pytest.raises(SearchIndexError, match=r"search indexing failed \(1\)"):
        index_site(tmp_path / "site")


def test_an_indexer_that_refuses_or_talks_nonsense_is_an_error(tmp_path: Path, monkeypatch) -> None:
    import base64
    import stat

    page = tmp_path / "site/about/index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html lang="zh"><body><article data-pagefind-body class="md-content__inner">关于</article></body></html>',
        encoding="utf-8",
    )
    refusal = base64.b64encode(
        json.dumps({"message_id": 1, "payload": {"type": "Error", "message": "Invalid config supplied"}}).encode()
    ).decode()

    def answers(*payloads: dict) -> str:
        return "".join(
            base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode()).decode() + ","
            for number, payload in enumerate(payloads, start=1)
        )

    escape = answers(
        {"type": "NewIndex", "index_id": 0},
        {"type": "IndexedDir", "page_count": 1},
        {"type": "GetFiles", "files": [{"path": "../../index.html", "content": ""}]},
        {"type": "DeleteIndex"},
    )
    for name, answer, expected in [
        ("refuses", refusal + ",", r"search indexing failed \(NewIndex refused\): Invalid config supplied"),
        ("nonsense", "Note: not an answer,", r"search indexing failed \(an answer that is not its protocol's\)"),
        ("escapes", escape, r"search indexing failed \(an index file outside the index folder\): '../../index.html'"),
    ]:
        fake = tmp_path / name
        fake.write_text(f"#!/bin/sh\nprintf '%s' '{answer}'\ncat > /dev/null\n", encoding="utf-8")
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setattr("chamberpress.search.index._executable", lambda fake=fake: fake)
        with pytest.raises(SearchIndexError, match=expected):
            index_site(tmp_path / "site")


def test_a_page_refused_while_more_are_being_sent_stops_the_sending(tmp_path: Path) -> None:
    """Pages go to the indexer in batches, written by another thread while the answers are read: a page
    refused halfway is an error at once, not a wait for a service that no longer reads what is sent (here
    one that reads nothing more, as Pagefind would once its answers are no longer read)."""
    import base64
    import stat
    import time

    from chamberpress.search.indexer import Indexer, IndexerError

    answers = "".join(
        base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode()).decode() + ","
        for number, payload in enumerate(
            [{"type": "NewIndex", "index_id": 0}, {"type": "Error", "message": "the page is refused"}], start=1
        )
    )
    fake = tmp_path / "refuses-then-reads-nothing"
    fake.write_text(f"#!/bin/sh\nprintf '%s' '{answers}'\nexec sleep 120\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    pages = [(f"news/{n}/index.html", ("<p>" + "商会" * 2000 + "</p>").encode()) for n in range(50)]  # ~600 KB
    indexer = Indexer(fake, language="zh", exclude_selectors=[])
    started = time.monotonic()
    try:
        index_id = indexer.new_index()
        with pytest.raises(IndexerError, match="AddFile refused"):
            indexer.add_pages(index_id, pages)
    finally:
        indexer.close()
    assert time.monotonic() - started < 60  # not the service's two minutes


def test_bundles_by_kind_and_a_digest_of_the_path_their_numbers_powers_of_two(monkeypatch) -> None:
    monkeypatch.setattr("chamberpress.search.index.BUNDLE_PAGES", 100)
    monkeypatch.setattr("chamberpress.search.index.POST_BUNDLE_PAGES", 50)
    posts = [f"news/20{10 + n % 16}/{1 + n % 12:02d}/{1 + n % 28:02d}/p{n}/index.html" for n in range(4000)]
    others = [f"members/m{n}/index.html" for n in range(4000)] + ["charter/index.html"]

    def split(post_pages: int, other_pages: int) -> Split:
        return bundle_split(posts[:post_pages] + others[:other_pages])

    monkeypatch.setattr("chamberpress.search.index.MOST_OTHER_BUNDLES", 32)
    assert split(500, 499) == Split()  # under SPLIT_FROM pages: one bundle
    assert split(500, 500) == Split(posts=8, others=4)
    assert split(799, 1600) == Split(posts=8, others=16)
    assert split(800, 3199) == Split(posts=16, others=16)
    assert split(0, 3200) == Split(posts=0, others=32)
    # At most so many of each kind (a reader's first search fetches a chunk per word from each).
    assert split(3200, 4000) == Split(posts=16, others=32)
    monkeypatch.setattr("chamberpress.search.index.MOST_OTHER_BUNDLES", 4)
    assert split(1600, 3200) == Split(posts=16, others=4)
    assert bundle_names(Split()) == ["site"]
    assert bundle_names(Split(posts=16, others=2)) == ["part-0", "part-1", *(f"news-{n:02d}" for n in range(16))]
    assert bundle_names(Split(posts=0, others=128))[0] == "part-000"
    page = "news/2026/09/24/jiufen/index.html"
    assert bundle_of(page, Split()) == "site"
    # The same page, the same bundle (a digest: no process's hash seed); pages spread over all of their kind.
    assert bundle_of(page, Split(16, 4)) == bundle_of(page, Split(16, 4)) == "news-05"
    assert {bundle_of(page, Split(16, 4)) for page in posts[:400]} == set(bundle_names(Split(16, 0)))
    assert {bundle_of(page, Split(16, 4)) for page in others[:400]} == set(bundle_names(Split(0, 4)))
    # A page of a kind the site has no bundle of (a changed page: bundles_to_index) goes to the other kind.
    assert bundle_of(page, Split(0, 4)).startswith("part-") and bundle_of(others[0], Split(8, 0)).startswith("news-")


def _plan_sizes(site: Path, pages: list[str]) -> list[int]:
    """The pages of each bundle of a site of these (tiny) marked pages."""
    for rel in pages:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"<html><body><article data-pagefind-body>x</article></body></html>")
    bundles = plan_bundles(site)
    assert sum(len(b.pages) for b in bundles) == len(pages)
    return [len(b.pages) for b in bundles]


@pytest.mark.parametrize(
    "shape",
    [
        [f"news/2026/{1 + n % 12:02d}/{1 + n % 28:02d}/p{n}/index.html" for n in range(1500)],  # all in one year
        [f"news/{2007 + n % 20}/{1 + n % 12:02d}/01/p{n}/index.html" for n in range(1500)],  # over 20 years
        [f"members/m{n}/index.html" for n in range(3000)] + ["charter/index.html", "about/index.html"],  # no posts
        [f"news/2026/{1 + n % 12:02d}/01/p{n}/index.html" for n in range(1500)]
        + [f"members/m{n}/index.html" for n in range(3000)],  # both kinds, each in bundles of its own
    ],
    ids=["one-year", "twenty-years", "members-only", "posts-and-members"],
)
def test_bundles_stay_bounded_whatever_the_shape_of_the_site(tmp_path: Path, monkeypatch, shape: list[str]) -> None:
    in_bundles(monkeypatch, 64)
    sizes = _plan_sizes(tmp_path / "site", shape)
    assert len(sizes) == len(bundle_names(bundle_split(shape))) >= 16
    assert 64 <= len(shape) / len(sizes) < 128  # on average between BUNDLE_PAGES and twice as many
    assert 32 <= min(sizes) and max(sizes) <= 2 * 64, sizes  # and each near that


def _post_page(site: Path, month: str, n: int, text: str = "正文") -> str:
    """Post number `n` of that month as a built page marked for the index (its path in the site)."""
    rel = f"news/{month}/{n + 1:02d}/p{n}/index.html"
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(
        f'<html lang="zh"><body><article data-pagefind-body class="md-content__inner">'
        f"<h1>第{n}篇</h1><p>第{n}篇{text}。</p></article></body></html>",
        encoding="utf-8",
    )
    return rel


def test_the_bundles_to_index_again_are_those_of_the_pages_that_changed(tmp_path: Path, monkeypatch) -> None:
    """bundles_to_index names, from the pages a build rewrote, added or removed, exactly the bundles the
    index then makes again (the others left in place, as their record says), or all of them when their
    number changes (one may then happen to hold the same pages as before: left in place) or there is no
    index."""
    in_bundles(monkeypatch, 2)
    site, record = tmp_path / "site", tmp_path / "record.json"

    def write(n: int) -> str:
        return _post_page(site, "2026/03", n)

    def indexed_again(changed: list[str], exactly: bool = True) -> list[str]:
        named = bundles_to_index(site, changed)
        made = index_site(site, spare_record=record)
        save_record(record, made)
        assert list(made.indexed) == named if exactly else set(made.indexed) <= set(named), (made, named)
        assert set(named) <= set(made.record)
        if not exactly:  # every bundle (but any that holds no page)
            assert named == list(made.record) and named[-1] == "news-7" and len(named) >= 6
        return named

    pages = [write(n) for n in range(10)]
    assert indexed_again(pages) == ["news-0", "news-1", "news-2", "news-3"]  # no record: all
    (site / pages[3]).write_text((site / pages[3]).read_text(encoding="utf-8").replace("正文", "新正文"))
    four = Split(posts=4)
    assert indexed_again([pages[3]]) == [bundle_of(pages[3], four)]
    added = write(10)
    (site / pages[4]).unlink()
    assert indexed_again([added, pages[4]]) == sorted({bundle_of(added, four), bundle_of(pages[4], four)})
    assert indexed_again(["images/a.jpg"]) == []  # not a page
    # Six pages more: twice as many bundles, every one of them made again.
    more = [write(n) for n in range(11, 17)]
    every = indexed_again(more[:1], exactly=False)
    assert bundles_to_index(site, []) == []
    shutil.rmtree(site / INDEX_DIR)  # no index: every bundle
    assert bundles_to_index(site, []) == every


def test_a_build_warms_up_the_indexers_its_index_takes(tmp_path: Path, monkeypatch) -> None:
    """With two processes a build starts an indexer while it reads the content, and the others its index
    takes while it reads the pages: every indexer on a first build, one after an edit (which indexes one
    bundle again); with one process, none."""
    warmed: list[int] = []
    monkeypatch.setattr("chamberpress.build.pipeline.warm_up_indexers", warmed.append)
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "yure")
    build_chamber("yure", content, out, today=TODAY, workers=2)
    write_chamber(
        content,
        "yure",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", body="培训班新增了知识产权保护专题。"
            )
        },
    )
    build_chamber("yure", content, out, today=TODAY, workers=2)
    build_chamber("yure", content, tmp_path / "one", today=TODAY, workers=1)
    assert warmed == [1, INDEXERS, 1, 1]


def test_a_small_site_is_indexed_in_one_bundle(search_site: Path) -> None:
    assert json.loads((search_site / "pagefind/bundles.json").read_text(encoding="utf-8")) == {"merge": []}
    assert not [p for p in (search_site / "pagefind").iterdir() if p.is_dir() and p.name not in {"fragment", "index"}]


def _folders_of_urls(index: Path) -> dict[str, str]:
    """Each indexed page's URL → the folder of pagefind/ that holds its bundle ("" for the first)."""
    merged = json.loads((index / "bundles.json").read_text(encoding="utf-8"))["merge"]
    return {
        read_search_fragment(p)["url"]: folder
        for folder in ["", *merged]
        for p in (index / folder / "fragment").glob("*.pf_fragment")
    }


def _bundle(url: str, split: Split) -> str:
    """The bundle of the page at this URL of a site indexed in these bundles."""
    return bundle_of(url.strip("/") + "/index.html", split)


def test_an_edit_indexes_again_only_the_bundle_it_touches(tmp_path: Path, monkeypatch) -> None:
    in_bundles(monkeypatch, 1)  # bundles of both kinds, as for a large site
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "bianji")
    first = build_chamber("bianji", content, out, today=TODAY)
    names = list(first.search.record)
    assert len(names) >= 3 and first.search.indexed == tuple(names) and first.search.reused == ()
    assert names == [n for n in bundle_names(first.search.split) if n in names]
    assert first.search.split.posts >= 2 and first.search.split.others >= 2
    # The first bundle at the top of pagefind/, where the search page loads it; the others merged into it,
    # each page in the bundle its path picks.
    index = out / "bianji/pagefind"
    merged = json.loads((index / "bundles.json").read_text(encoding="utf-8"))["merge"]
    assert merged == names[1:]
    folders = _folders_of_urls(index)
    assert {"/charter/", "/about/", "/members/", "/members/jia/", "/news/2026/05/21/falv-peixun/"} <= set(folders)
    assert {url: folders[url] or names[0] for url in folders} == {
        url: _bundle(url, first.search.split) for url in folders
    }
    # A merged bundle is read by the first one's search code: it holds only its index, not another copy.
    for folder in merged:
        assert sorted(p.name for p in (index / folder).iterdir() if p.is_file())[0] == "pagefind-entry.json"
        assert not list((index / folder).glob("*.js")) and not list((index / folder).glob("wasm.*"))
    assert (index / "pagefind.js").is_file() and list(index.glob("wasm.*"))

    write_chamber(
        content,
        "bianji",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", body="培训班新增了知识产权保护专题。", category="培训活动"
            )
        },
    )
    second = build_chamber("bianji", content, out, today=TODAY)
    edited = _bundle("/news/2026/05/21/falv-peixun/", second.search.split)
    assert second.search.indexed == (edited,) and second.search.reused == tuple(n for n in names if n != edited)
    text = "".join(f["content"] for f in index_fragments(out / "bianji").values()).replace("\u200b", "")
    assert "知识产权保护专题" in text
    # The same index as a build from nothing.
    fresh = build_chamber("bianji", content, tmp_path / "fresh", today=TODAY)
    assert fresh.search.reused == ()
    assert site_files(out / "bianji/pagefind") == site_files(tmp_path / "fresh/bianji/pagefind")
    # A published bundle changed by hand is indexed again, never copied as it is.
    for fragment in (out / "bianji/pagefind/fragment").iterdir():
        fragment.write_bytes(b"")
    write_chamber(
        content,
        "bianji",
        default_files=False,
        files={
            "news/2025/2025-12-30-nianhui.md": post("商会召开2025年年会", "2025-12-30", body="年会表彰了优秀会员企业。")
        },
    )
    third = build_chamber("bianji", content, out, today=TODAY)
    redone = {names[0], _bundle("/news/2025/12/30/nianhui/", third.search.split)}
    assert set(third.search.indexed) == redone and set(third.search.reused) == set(names) - redone
    assert all(p.stat().st_size for p in (out / "bianji/pagefind/fragment").iterdir())
    # The record is only ever a hint: one that points outside the published index is not followed.
    from chamberpress.build.cache_layout import search_record

    record = search_record(content, out, "bianji")
    saved = json.loads(record.read_text(encoding="utf-8"))
    joined = _bundle("/join/", third.search.split)
    moved, unlisted = [n for n in names[1:] if n != joined][:2]
    saved[moved]["folder"] = "../../../content"
    saved[unlisted]["files"] = {"/etc/hostname": 1}
    record.write_text(json.dumps(saved), encoding="utf-8")
    write_chamber(
        content, "bianji", default_files=False, files={"pages/join.md": "---\ntitle: 入会指南\n---\n\n欢迎。\n"}
    )
    fourth = build_chamber("bianji", content, out, today=TODAY)
    assert joined in fourth.search.indexed and not {moved, unlisted} & set(fourth.search.reused)
    assert set(fourth.search.indexed + fourth.search.kept + fourth.search.reused) == set(names)
    fresh = build_chamber("bianji", content, tmp_path / "fresh2", today=TODAY)
    assert site_files(out / "bianji/pagefind") == site_files(tmp_path / "fresh2/bianji/pagefind")


def test_an_edited_an_added_and_a_deleted_post_each_index_one_bundle_again(tmp_path: Path, monkeypatch) -> None:
    """A post's links to the previous and next posts are left out of what the indexer reads: adding or
    deleting a post changes its own page's bundle only, not its neighbours'."""
    in_bundles(monkeypatch, 2)
    content, out = tmp_path / "content", tmp_path / "sites"
    posts = {
        f"news/2024/2024-0{m}-10-p{m}.md": post(f"第{m}篇", f"2024-0{m}-10", body=f"第{m}篇正文。") for m in range(1, 9)
    }
    write_chamber(content, "bianji", files=posts)
    first = build_chamber("bianji", content, out, today=TODAY)
    names, split = list(first.search.record), first.search.split
    assert len(names) >= 4 and split.posts >= 2

    def rebuilt(url: str) -> None:
        built = build_chamber("bianji", content, out, today=TODAY).search
        assert built.split == split  # a post more or less: as many bundles
        assert built.indexed == (_bundle(url, split),), (url, built)
        assert set(built.reused + built.kept) == set(built.record) - set(built.indexed)

    write_chamber(
        content,
        "bianji",
        default_files=False,
        files={"news/2024/2024-03-10-p3.md": post("第3篇", "2024-03-10", body="改过的正文。")},
    )
    rebuilt("/news/2024/03/10/p3/")
    write_chamber(
        content,
        "bianji",
        default_files=False,
        files={"news/2024/2024-05-20-new.md": post("新增", "2024-05-20", body="新增正文。")},
    )
    rebuilt("/news/2024/05/20/new/")
    # A post whose bundle holds other pages (one whose last page goes is no longer a bundle).
    folders = _folders_of_urls(out / "bianji/pagefind")
    gone = next(
        m
        for m in range(1, 9)
        if [u for u in folders if folders[u] == folders[f"/news/2024/0{m}/10/p{m}/"]][1:] and m != 3
    )
    (content / f"bianji/news/2024/2024-0{gone}-10-p{gone}.md").unlink()
    rebuilt(f"/news/2024/0{gone}/10/p{gone}/")
    build_chamber("bianji", content, tmp_path / "fresh", today=TODAY)
    assert site_files(out / "bianji/pagefind") == site_files(tmp_path / "fresh/bianji/pagefind")


def test_search_bundles_the_spare_site_holds_stay_in_place_only_as_recorded(tmp_path: Path, monkeypatch) -> None:
    """Built in memory and written onto the spare copy of the site (the one before last), a bundle the
    spare holds already is neither copied nor read; one changed there is taken from the published site; the
    index is always the one a build from nothing makes."""
    from conftest import needs_memory_builds
    from chamberpress.build.cache_layout import search_record, spare_dir

    in_bundles(monkeypatch, 2, posts_apart=False)  # one kind of bundle: what is reused does not depend on it
    content, out = tmp_path / "content", tmp_path / "sites"
    needs_memory_builds(out)
    # Three posts whose paths pick three merged bundles of the four (the chamber's pages: twelve in all).
    posts = {n: f"news/2026/2026-03-0{n}-p{n}.md" for n in (1, 2, 3)}
    write_chamber(content, "bianji", files={rel: post(f"第{n}篇", f"2026-03-0{n}") for n, rel in posts.items()})
    first = build_chamber("bianji", content, out, today=TODAY).search
    assert list(first.record) == ["part-0", "part-1", "part-2", "part-3"]
    assert [_bundle(f"/news/2026/03/0{n}/p{n}/", first.split) for n in posts] == ["part-1", "part-2", "part-3"]

    def edit(rel: str, text: str):
        write_chamber(content, "bianji", default_files=False, files={rel: text})
        built = build_chamber("bianji", content, out, today=TODAY)
        fresh = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
        build_chamber("bianji", content, fresh, today=TODAY)
        assert site_files(out / "bianji/pagefind") == site_files(fresh / "bianji/pagefind")
        return built.search

    spare_index = spare_dir(content, out, "bianji") / INDEX_DIR
    second = edit(posts[1], post("第1篇", "2026-03-01", body="新增专题。"))
    assert second.indexed == ("part-1",) and second.kept == ()  # written into a fresh folder: no spare yet
    assert not search_record(content, out, "bianji", spare=True).exists()
    third = edit(posts[2], post("第2篇", "2026-03-02", body="表彰会员。"))
    assert third.indexed == ("part-2",) and third.reused == ("part-0", "part-1", "part-3") and third.kept == ()
    assert search_record(content, out, "bianji", spare=True).exists()  # the second site is the spare now
    fourth = edit(posts[3], post("第3篇", "2026-03-03", body="欢迎。"))
    assert fourth.indexed == ("part-3",) and fourth.reused == ("part-2",) and fourth.kept == ("part-0", "part-1")
    # A bundle of the spare changed by hand: not kept, but copied. (A build cut short removes the record.)
    fifth_spare = spare_index / "part-2" / "pagefind-entry.json"
    assert fifth_spare.is_file()
    write_chamber(
        content, "bianji", default_files=False, files={posts[3]: post("第3篇", "2026-03-03", body="请联系秘书处。")}
    )
    fifth_spare.write_text("{}", encoding="utf-8")
    for fragment in (spare_index / "part-1" / "fragment").iterdir():
        fragment.unlink()
    built = build_chamber("bianji", content, out, today=TODAY)
    assert built.search.indexed == ("part-3",) and built.search.kept == ("part-0",)
    assert built.search.reused == ("part-1", "part-2")
    build_chamber("bianji", content, tmp_path / "fresh-last", today=TODAY)
    assert site_files(out / "bianji/pagefind") == site_files(tmp_path / "fresh-last/bianji/pagefind")
    # The spare's record is only a hint too: one pointing outside the index is not followed.
    record = search_record(content, out, "bianji", spare=True)
    saved = json.loads(record.read_text(encoding="utf-8"))
    saved["part-1"]["folder"] = "../../../content"
    outside = content / "bianji/chamber.yml"  # a file that is there, of the size given
    saved["part-2"]["files"] = {"../../../../../../content/bianji/chamber.yml": outside.stat().st_size}
    assert (spare_index / "part-2/../../../../../../content/bianji/chamber.yml").resolve() == outside.resolve()
    record.write_text(json.dumps(saved), encoding="utf-8")
    write_chamber(
        content, "bianji", default_files=False, files={posts[3]: post("第3篇", "2026-03-03", body="欢迎来电。")}
    )
    built = build_chamber("bianji", content, out, today=TODAY)
    assert not {"part-1", "part-2"} & set(built.search.kept) and built.search.reused == ("part-1", "part-2")


def test_a_bundle_begun_ahead_gives_the_index_made_at_once(tmp_path: Path, monkeypatch) -> None:
    """begin_bundle hands the pages of a bundle before the first about to change to an indexer (while those
    are drawn), and the rest once they are (`finish`): the same index as one made at once. One whose pages
    are no longer those planned, or read otherwise than planned, is forgotten, and the bundle indexed as any
    other."""
    in_bundles(monkeypatch, 2)
    site = tmp_path / "site"

    def write(n: int, text: str = "正文") -> str:
        return _post_page(site, "2026/04", n, text)

    pages = [write(n) for n in range(12)]
    record = tmp_path / "record.json"  # which bundles the index folder holds: those not begun stay in place
    first = index_site(site, index_dir=tmp_path / "index", spare_record=record)
    save_record(record, first)
    taken: list[object] = []
    take = BegunBundle.take
    monkeypatch.setattr(BegunBundle, "take", lambda self, bundle: taken.append(take(self, bundle)) or taken[-1])

    def edited(page: str, begun: BegunBundle, known: dict) -> None:
        write(pages.index(page), "改过的正文")
        begun.finish({page: indexed_part((site / page).read_bytes())})
        made = index_site(
            site,
            index_dir=tmp_path / "index",
            known={k: v for k, v in known.items() if k != page},
            pages=list(known),
            begun=begun,
            spare_record=record,
        )
        save_record(record, made)
        assert made.indexed == (begun.name,)
        fresh = index_site(site, index_dir=tmp_path / f"fresh-{len(taken)}")
        assert site_files(tmp_path / "index") == site_files(tmp_path / f"fresh-{len(taken)}")
        assert {name: entry["files"] for name, entry in fresh.record.items()} == {
            name: entry["files"] for name, entry in made.record.items()
        }

    # A page that is not the first of its bundle: the pages before it handed over ahead.
    split = first.split
    in_bundle = {name: [p for p in pages if bundle_of(p, split) == name] for name in bundle_names(split)}
    page = next(p for held in in_bundle.values() for p in held[1:])
    begun = begin_bundle(site, first.digests, [page])
    assert begun is not None and begun.name == bundle_of(page, split)
    assert begun.pages == tuple(in_bundle[begun.name]) and begun.ahead == in_bundle[begun.name].index(page) > 0
    edited(page, begun, first.digests)
    assert taken[-1] is not None  # the begun index taken
    # The first page of its bundle, or pages in two bundles: nothing to begin.
    assert begin_bundle(site, first.digests, [in_bundle[begun.name][0]]) is None
    assert begin_bundle(site, first.digests, [held[-1] for held in in_bundle.values()][:2]) is None
    # Handed other text than the page reads once written: not taken.
    begun = begin_bundle(site, first.digests, [page])
    write(pages.index(page), "又改过的正文")
    begun.finish({page: b"<html><body><article data-pagefind-body>?</article></body></html>"})
    made = index_site(
        site,
        index_dir=tmp_path / "index",
        known={k: v for k, v in first.digests.items() if k != page},
        pages=list(first.digests),
        begun=begun,
        spare_record=record,
    )
    save_record(record, made)
    assert taken[-1] is None and made.indexed == (begun.name,)
    index_site(site, index_dir=tmp_path / "fresh-other-text")
    assert site_files(tmp_path / "index") == site_files(tmp_path / "fresh-other-text")
    # A page of the bundle gone once it was begun: its pages are not those planned; not taken either.
    begun = begin_bundle(site, first.digests, [page])
    other = next(p for p in in_bundle[begun.name] if p != page)
    (site / other).unlink()
    edited(page, begun, {k: v for k, v in first.digests.items() if k != other})
    assert taken[-1] is None


def test_a_merged_bundle_that_comes_first_is_indexed_with_the_search_code(tmp_path: Path, monkeypatch) -> None:
    """Merged bundles keep only their index: one that becomes the first (where the search page loads the
    search code from) is indexed again, not copied, though its pages are unchanged."""
    in_bundles(monkeypatch, 1, posts_apart=False)  # five pages, four bundles: c alone in the first
    site, published, record = tmp_path / "site", tmp_path / "published", tmp_path / "record.json"
    for rel, text in {
        "news/2024/01/01/c/index.html": "关于本会",
        "news/2025/12/30/b/index.html": "年会召开",
        "news/2024/03/03/e/index.html": "理事会召开",
        "news/2026/05/21/a/index.html": "培训班开班",
        "news/2024/02/02/d/index.html": "会员大会",
    }.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(
            f'<html lang="zh"><body><article data-pagefind-body class="md-content__inner">'
            f"<h1>{text}</h1><p>{text}。</p></article></body></html>",
            encoding="utf-8",
        )
    first = index_site(site, index_dir=published, record=record)
    save_record(record, first)
    assert first.indexed == ("part-0", "part-1", "part-3")
    assert not list((published / "part-1").glob("*.js"))
    (site / "news/2024/01/01/c/index.html").unlink()
    second = index_site(site, index_dir=tmp_path / "new", published=published, record=record)
    assert second.indexed == ("part-1",) and second.reused == ("part-3",)
    assert (tmp_path / "new/pagefind.js").is_file() and list((tmp_path / "new").glob("wasm.*"))
    assert json.loads((tmp_path / "new/bundles.json").read_text(encoding="utf-8")) == {"merge": ["part-3"]}


def test_the_index_plans_from_what_the_drawing_processes_read_of_each_page(tmp_path: Path, monkeypatch) -> None:
    """The processes that draw the pages say what the index reads of each (search.page_digest) as they
    write it; the plan then reads no page again whose size is the one they gave, and is the plan made by
    reading every page."""
    from chamberpress.search import index as search

    in_bundles(monkeypatch, 2)  # bundles, as for a large site
    handed: list[dict] = []
    index = search.index_site

    def recording(site_dir, **kwargs):
        handed.append(dict(kwargs["known"]))
        return index(site_dir, **kwargs)

    monkeypatch.setattr("chamberpress.build.pipeline.index_site", recording)
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(
        content,
        "huizhi",
        files={
            f"news/2026/2026-03-0{day}-hui{day}.md": post(
                f"第{day}次理事会", f"2026-03-0{day}", body=f"理事会第{day}次会议。"
            )
            for day in range(1, 5)
        },
    )
    build_chamber("huizhi", content, out, today=TODAY, workers=2)
    [known] = handed
    site = out / "huizhi"
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if INDEX_DIR not in p.parts}
    # Every page but the theme's own (404.html, drawn outside the page loop), by both processes, as written.
    assert set(known) == pages - {"404.html"}
    assert {rel: search.page_digest(str(site / rel)) for rel in known} == known
    planned, *rest = search._plan(site, "zh", known)
    assert (planned, *rest) == search._plan(site, "zh")
    # Given what it knows, the plan reads only the pages it does not (and those whose size differs).
    read: list[str] = []
    digest = search.page_digest
    monkeypatch.setattr("chamberpress.search.index.page_digest", lambda path: read.append(path) or digest(path))
    changed = "about/index.html"
    search._plan(site, "zh", known | {changed: (known[changed][0] + 1, "0" * 32, 1)})
    assert sorted(Path(p).relative_to(site).as_posix() for p in read) == ["404.html", changed]
    # The bundles to index read their pages then: the same documents as a plan that read them all.
    assert [search.read_documents(b).documents for b in planned] == [b.documents for b in search.plan_bundles(site)]
    # After an edit, the posts and lists copied from the published site are not read back: their record
    # says what the index read of them. What is handed to the index is still what the pages hold.
    monkeypatch.undo()
    in_bundles(monkeypatch, 2)
    monkeypatch.setattr("chamberpress.build.pipeline.index_site", recording)
    monkeypatch.setattr("chamberpress.site.kept_pages.CHECKED", 0)  # copies trusted after the first of each kind
    read_back: list[str] = []
    monkeypatch.setattr(
        "chamberpress.site.mkdocs_adapter.page_digest", lambda path: read_back.append(path) or digest(path)
    )
    # (With a heading: an edit to the text alone would not go through MkDocs at all, build/text_edit.py.)
    (content / "huizhi/news/2026/2026-03-04-hui4.md").write_text(
        post("第4次理事会", "2026-03-04", body="理事会第4次会议。\n\n## 增补\n\n会议增补了理事。"), encoding="utf-8"
    )
    build_chamber("huizhi", content, out, today=TODAY, workers=1)
    known = handed[-1]
    assert {rel: search.page_digest(str(site / rel)) for rel in known} == known
    posts = [rel for rel in known if rel.startswith("news/") and rel.count("/") > 2]
    read_posts = [rel for rel in posts if any(path.endswith("/" + rel) for path in read_back)]
    assert len(read_back) < len(known) and len(read_posts) < len(posts), (posts, read_posts)
