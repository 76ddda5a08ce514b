"""What every site and the portal carry besides their pages: favicons and the header's logo made from the
chamber's logo at the size shown, a 404 page whole in itself, robots.txt, the sitemap's lastmod, and markup
the Nu Html Checker (vnu, npm's vnu-jar) finds no error in."""

from __future__ import annotations

import gzip
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from chamberpress.build.pipeline import build_chamber
from conftest import CHAMBER_YML, ROOT, TODAY, parse, post, text_of, write_chamber

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
SVG_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#c00"/></svg>'


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory) -> Path:
    """A chamber published under a sub-path (site_url https://example.cn/test/), with an SVG logo."""
    root = tmp_path_factory.mktemp("sub-path")
    chamber_yml = CHAMBER_YML + "site_url: https://example.cn/test/\nlogo: assets/logo.svg\n"
    corrected = post("关于年会时间的更正", "2026-06-01", updated="2026-06-10")
    files = {"assets/logo.svg": SVG_LOGO, "news/2026/2026-06-01-gengzheng.md": corrected}
    write_chamber(root / "content", chamber_yml=chamber_yml, files=files)
    build_chamber("test", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "test"


def _icon_links(doc) -> dict[str, str]:
    return {
        link.get("rel"): link.get("href") for link in doc.cssselect('link[rel="icon"], link[rel="apple-touch-icon"]')
    }


# --- favicons and logos ----------------------------------------------------------------------------------


def test_favicons_and_header_logo_are_made_from_a_picture_logo_at_the_size_shown(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    for page in ("index.html", "news/2026/09/24/hetong-jiufen-tiaojie/index.html", "members/index.html"):
        doc = parse(site / page)
        links = _icon_links(doc)
        base = (site / page).parent
        with Image.open(base / links["icon"]) as icon:
            assert (icon.format, icon.size) == ("PNG", (32, 32)), page
        with Image.open(base / links["apple-touch-icon"]) as touch:
            assert touch.size == (180, 180) and touch.mode == "RGB", page  # opaque: iOS paints black otherwise
        if page == "index.html":  # the home page's masthead shows the logo: the bar does not repeat it
            assert not doc.cssselect(".md-header .md-logo")
            continue
        logo = doc.cssselect(".md-header .md-logo img")[0]
        assert logo.get("alt") == "温州市安徽商会"  # the chamber's name, in Chinese: not "logo"
        assert (logo.get("width"), logo.get("height")) == ("24", "24")
        with Image.open(base / logo.get("src")) as shown:
            assert shown.size == (48, 48)  # twice the 24 px shown, for high-density screens
        assert (base / logo.get("src")).stat().st_size < 8 * 1024, "the header logo is not the 43 KiB original"


def test_an_svg_logo_is_its_own_favicon_and_a_site_without_logo_gets_the_neutral_mark(
    sub_path_site: Path, test_site: Path
) -> None:
    doc = parse(sub_path_site / "news/index.html")
    assert _icon_links(doc) == {"icon": "../assets/logo.svg"}
    assert doc.cssselect(".md-header .md-logo img")[0].get("src") == "../assets/logo.svg"
    assert not (sub_path_site / "favicon.ico").exists()
    doc = parse(test_site / "news/index.html")
    links = _icon_links(doc)
    assert links["icon"] == "../assets/favicon.svg"
    assert "商" in (test_site / "assets/favicon.svg").read_text(encoding="utf-8")
    with Image.open(test_site / "favicon.ico") as ico:
        assert ico.format == "ICO"
    assert (test_site / "news" / links["apple-touch-icon"]).is_file()


def test_portal_has_favicons_and_its_logos_at_the_size_shown(demo_sites: Path) -> None:
    doc = parse(demo_sites / "index.html")
    assert doc.get("lang") == "zh-CN"
    assert doc.cssselect('meta[name="description"]')[0].get("content")
    hrefs = [link.get("href") for link in doc.cssselect('link[rel="icon"], link[rel="apple-touch-icon"]')]
    assert {"favicon.svg", "favicon-32.png", "apple-touch-icon.png"} <= set(hrefs)
    assert all((demo_sites / href).is_file() for href in hrefs)
    assert (demo_sites / "favicon.ico").is_file()  # asked for by browsers at the root
    logos = doc.cssselect(".chamber h2 img")
    assert len(logos) == 3
    for img in logos:
        assert (img.get("width"), img.get("height")) == ("36", "36")
        with Image.open(demo_sites / img.get("src")) as shown:
            assert shown.size == (72, 72), img.get("src")


# --- the 404 page ----------------------------------------------------------------------------------------


def test_404_page_carries_its_styles_and_pictures_and_links_from_site_urls_path(sub_path_site: Path) -> None:
    doc = parse(sub_path_site / "404.html")
    assert text_of(doc.cssselect("article h1")[0]) == "页面不存在"
    assert doc.cssselect('link[rel="stylesheet"]') == [] and doc.cssselect("script[src]") == []
    styles = "".join(s.text or "" for s in doc.cssselect("style"))
    assert ".md-header" in styles and ".cp-footer" in styles  # Material's and ours
    assert all(img.get("src").startswith("data:image/svg+xml;base64,") for img in doc.cssselect("img"))
    # Links lead into the site wherever site_url says it is: https://example.cn/test/.
    links = [
        a.get("href") for a in doc.xpath("//a[@href]") if not a.get("href").startswith(("http", "#", "tel:", "mailto:"))
    ]
    assert links and all(href.startswith("/test/") for href in links), links
    assert doc.cssselect("form.cp-header-search")[0].get("action") == "/test/search/"
    fetched = doc.xpath("//img/@src | //link[@rel!='alternate' and @rel!='apple-touch-icon']/@href | //script/@src")
    assert fetched and not [url for url in fetched if not url.startswith("data:")], fetched


# --- robots.txt and the sitemap --------------------------------------------------------------------------


def test_robots_txt_names_the_sitemap_only_where_site_url_is_set(sub_path_site: Path, test_site: Path) -> None:
    robots = (sub_path_site / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines()[:2] == ["User-agent: *", "Allow: /"]
    assert "Sitemap: https://example.cn/test/sitemap.xml" in robots.splitlines()
    assert "Sitemap" not in (test_site / "robots.txt").read_text(encoding="utf-8")


def test_a_corrected_posts_lastmod_is_its_updated_day(sub_path_site: Path) -> None:
    tree = etree.parse(str(sub_path_site / "sitemap.xml"))
    days = tree.xpath(
        "//s:url[s:loc='https://example.cn/test/news/2026/06/01/gengzheng/']/s:lastmod", namespaces=SITEMAP_NS
    )
    assert [d.text for d in days] == ["2026-06-10"]
    days = tree.xpath("//s:url[s:loc='https://example.cn/test/news/']/s:lastmod", namespaces=SITEMAP_NS)
    assert [d.text for d in days] == ["2026-06-01"]  # the list changes when a post is added, not corrected


def test_sitemap_has_lastmod_wherever_a_date_is_known(demo_sites: Path) -> None:
    site = demo_sites / "anhui"
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        data = (site / name).read_bytes()
        tree = etree.fromstring(gzip.decompress(data) if name.endswith(".gz") else data)
        lastmod = {
            u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
            for u in tree.findall("s:url", SITEMAP_NS)
        }
        base = "https://anhui.example.cn/"
        posts = {loc: day for loc, day in lastmod.items() if re.match(base + r"news/\d{4}/\d\d/\d\d/", loc)}
        assert posts and all(day == loc[len(base) + 5 : len(base) + 15].replace("/", "-") for loc, day in posts.items())
        newest = max(posts.values())
        assert lastmod[base] == lastmod[base + "news/"] == lastmod[base + "news/page/2/"] == newest
        assert lastmod[base + "news/archive/2025/"].startswith("2025-")
        assert lastmod[base + "charter/"] and lastmod[base + "news/category/wei-quan-fu-wu/"]
        projects = [day for loc, day in lastmod.items() if "/projects/20" in loc]
        assert projects and all(projects)
        assert lastmod[base + "members/"] is None  # no date known: none made up


def test_the_packed_sitemap_is_the_same_whatever_the_day_it_is_built(demo_sites: Path) -> None:
    # MkDocs stamps the build's day into the gzip header: a site built after midnight differed from the
    # same site built before it (and a fast build from the plain one that followed it).
    for slug in ("anhui", "jiangxi"):
        data = (demo_sites / slug / "sitemap.xml.gz").read_bytes()
        assert data[:3] == b"\x1f\x8b\x08" and int.from_bytes(data[4:8], "little") == 0  # no time in its header
        assert gzip.decompress(data) == (demo_sites / slug / "sitemap.xml").read_bytes()


# --- markup validity -------------------------------------------------------------------------------------

# One page of each kind, in the anhui demo chamber, and the portal.
VALIDATED = {
    "home": "anhui/index.html",
    "post": "anhui/news/2026/09/24/hetong-jiufen-tiaojie/index.html",
    "news": "anhui/news/index.html",
    "category": "anhui/news/category/wei-quan-fu-wu/index.html",
    "archive": "anhui/news/archive/2025/index.html",
    "directory": "anhui/members/index.html",
    "charter": "anhui/charter/index.html",
    "organization": "anhui/organization/index.html",
    "newsletter": "anhui/newsletter/index.html",
    "search": "anhui/search/index.html",
    "projects": "anhui/projects/index.html",
    "404": "anhui/404.html",
    "portal": "index.html",
}


def vnu_errors(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors in `files`, one line each (file:line.column: message): one Java start for
    all of them."""
    java = shutil.which("java")
    assert java, "java is missing: run `make setup-test` (apt-get install default-jre-headless)"
    assert VNU.is_file(), "vnu.jar is missing: run `make setup-test` (npm ci: vnu-jar)"
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [line for line in run.stderr.splitlines() if line.strip()]


def test_nu_html_checker_finds_no_error(demo_sites: Path) -> None:
    profile = next(p for p in sorted((demo_sites / "anhui/members").glob("*/index.html")))
    files = [demo_sites / rel for rel in VALIDATED.values()] + [profile]
    errors = vnu_errors(files)
    assert errors == [], "\n".join(e.replace(str(demo_sites) + "/", "") for e in errors)


def test_the_markup_check_sees_errors(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="zh-CN"><title>x</title><form action=""></form>', encoding="utf-8")
    errors = vnu_errors([page])
    assert len(errors) == 1 and "action" in errors[0], errors


def test_icon_copies_keep_a_wide_logo_undistorted(tmp_path: Path) -> None:
    from chamberpress.content.images import Icon, icon_image

    wide = tmp_path / "wide.png"
    Image.new("RGB", (200, 100), "#c00000").save(wide)
    with Image.open(icon_image(Icon(wide, 32), tmp_path / "cache")) as icon:
        assert icon.size == (32, 32)
        assert icon.getpixel((16, 2))[3] == 0 and icon.getpixel((16, 16))[:3] == (192, 0, 0)  # padded, centred
    with Image.open(
        io.BytesIO(icon_image(Icon(wide, 180, background="#ffffff"), tmp_path / "cache").read_bytes())
    ) as touch:
        assert touch.mode == "RGB" and touch.getpixel((90, 5)) == (255, 255, 255)
