"""News: post pages, lists, pinning, pagination, categories, archive, feed, images, links, drafts and schedule."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from chamberpress.content.images import THUMB_WIDTH

from chamberpress.build.pipeline import build_chamber
from chamberpress.cli import main
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from chamberpress.content.links import find_links
from conftest import CHAMBER_YML, TODAY, parse, post, read_search_fragment, site_texts, text_of, write_chamber

SITE_URL = "https://test.example.cn/"
CATEGORIES = ["商会动态", "通知公告", "培训活动", "会员风采"]
NEWS_YML = CHAMBER_YML + f"site_url: {SITE_URL}\ncategories: [{', '.join(CATEGORIES)}]\n"

LONG_BODY = "商会组织会员企业学习法律知识，提升依法经营能力。" * 50  # 1,150 CJK characters → 3 minutes


def photo(width: int, height: int, *, orientation: int | None = None, gps: bool = False) -> bytes:
    """A JPEG as a phone saves it: EXIF with camera, orientation and GPS position."""
    image = Image.new("RGB", (width, height), (180, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (28.0, 1.0, 12.0), 3: "E", 4: (120.0, 39.0, 5.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_with_metadata() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13900000001")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (28.0, 1.0, 12.0)}
    buffer = io.BytesIO()
    Image.new("RGBA", (2000, 500), (0, 0, 255, 128)).save(buffer, format="PNG", pnginfo=info, exif=exif.tobytes())
    return buffer.getvalue()


BIG_PHOTO = photo(3200, 2400, orientation=6, gps=True)  # shot in portrait: 2400 × 3200 once turned
SMALL_PHOTO = photo(800, 600, gps=True)

NEWS_FILES: dict[str, str | bytes] = {
    # Pinned, older: still listed first.
    "news/2025/2025-12-30-nianhui.md": post(
        "商会召开2025年年会", "2025-12-30", "年会第一段。\n\n年会第二段不在列表中。", pin="true"
    ),
    "news/2026/2026-05-21-falv-peixun.md": post(
        "法律知识培训班开班",
        "2026-05-21",
        "![培训现场](images/peixun.jpg)\n\n" + LONG_BODY + "\n\n详见[年会报道](../2025/2025-12-30-nianhui.md)"
        "和[商会章程](../../charter.md#zong-ze)。\n\n附件：[报名表](files/baoming.pdf)\n",
        category="培训活动",
        author="秘书处",
        source="温州日报",
        tags="[培训, 法律]",
        cover="images/peixun.jpg",
        summary="一句话摘要：培训班开班。",
    ),
    "news/2026/images/peixun.jpg": BIG_PHOTO,
    "news/2026/images/small.jpg": SMALL_PHOTO,
    "news/2026/images/chart.png": png_with_metadata(),
    "news/2026/files/baoming.pdf": b"%PDF-1.4 test\n",
    "news/2026/2026-03-01-春季理事会.md": post(
        "春季理事会召开",
        "2026-03-01",
        '理事会![合影](images/small.jpg)召开。<img src="images/chart.png" alt="图表">',
        slug="spring-meeting",
        category="通知公告",
    ),
    "news/2026/2026-02-02-春节联欢.md": post(
        "春节联欢会", "2026-02-02", "联欢会第一段。", category="会员风采", cover="images/small.jpg"
    ),
    # Never published: a draft (with its own photo) and a post scheduled after TODAY.
    "news/2026/2026-06-01-caogao.md": post(
        "草稿标题不应出现", "2026-06-01", "草稿正文 ![](images/draft-only.jpg)", draft="true", slug="caogao-secret"
    ),
    "news/2026/images/draft-only.jpg": photo(400, 300),
    "news/2026/2026-12-24-shengdan.md": post("尚未发布的预告", "2026-12-24", "预告正文。", slug="future-post"),
    "news/2026/2026-11-25-jintian.md": post("今天发布的消息", "2026-11-25", "今天的正文。"),
    "news/2023/2023-01-01-teshu.md": post("'关于<年会>&\"通知\"'", "2023-01-01", '<b>加粗</b>的"第一段"。'),
    "pages/about.md": "---\ntitle: 商会简介\n---\n\n见[培训报道](../news/2026/2026-05-21-falv-peixun.md)。\n",
}
# Eleven older posts, so that the news index has two pages of ten.
for day in range(1, 12):
    NEWS_FILES[f"news/2024/2024-03-{day:02d}-huodong-{day}.md"] = post(
        f"2024年活动第{day}期", f"2024-03-{day:02d}", f"活动第{day}期的内容。"
    )

PUBLISHED_TITLES = 6 + 11  # every non-draft post dated on or before TODAY


@pytest.fixture(scope="session")
def news_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("news")
    write_chamber(root / "content", "news", chamber_yml=NEWS_YML, files=NEWS_FILES)
    return root


@pytest.fixture(scope="session")
def site(news_root: Path) -> Path:
    build_chamber("news", news_root / "content", news_root / "sites", today=TODAY)
    return news_root / "sites" / "news"


def readable(path: Path) -> str:
    """A built file's text; JSON and the search index's pages with their \\uXXXX escapes decoded and the
    zero-width spaces between segmented words removed, so that a title is found whole."""
    if path.suffix == ".pf_fragment":
        return json.dumps(read_search_fragment(path), ensure_ascii=False).replace("\u200b", "")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        text = json.dumps(json.loads(text), ensure_ascii=False).replace("\u200b", "")
    return text


def h1(doc) -> str:
    """The page's h1 without the permalink sign."""
    heading = doc.cssselect(".md-content h1")[0]
    for link in heading.cssselect(".headerlink"):
        link.drop_tree()
    return text_of(heading)


def items(doc) -> list[str]:
    return [text_of(a) for a in doc.cssselect(".cp-item__title a")]


# --- URLs ----------------------------------------------------------------------------------------------------


def test_post_urls_from_file_name_slug_or_pinyin(site: Path) -> None:
    assert (site / "news/2026/05/21/falv-peixun/index.html").is_file()
    assert (site / "news/2026/03/01/spring-meeting/index.html").is_file()  # slug in the front matter
    assert (site / "news/2026/02/02/chun-jie-lian-huan/index.html").is_file()  # Chinese file name → pinyin
    for page in site.rglob("*"):
        assert re.fullmatch(r"[a-z0-9./_-]+", page.relative_to(site).as_posix()), page
    for page in site.rglob("*.html"):
        for link in parse(page).cssselect("a[href]"):
            assert "%E" not in link.get("href").upper(), (page, link.get("href"))


def test_two_posts_with_one_url_name_both_files(content: Path) -> None:
    write_chamber(
        content, files={"news/2026/2026-05-21-falv-peixun-2.md": post("另一篇", "2026-05-21", slug="falv-peixun")}
    )
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "test", today=TODAY)
    message = str(caught.value)
    assert "news/2026/2026-05-21-falv-peixun-2.md" in message
    assert "news/2026/2026-05-21-falv-peixun.md" in message and "news/2026/05/21/falv-peixun/" in message


# --- Lists ---------------------------------------------------------------------------------------------------


def test_news_index_pinned_first_newest_next_ten_per_page(site: Path) -> None:
    first = parse(site / "news/index.html")
    titles = items(first)
    assert titles == [
        "商会召开2025年年会",
        "今天发布的消息",
        "法律知识培训班开班",
        "春季理事会召开",
        "春节联欢会",
        "2024年活动第11期",
        "2024年活动第10期",
        "2024年活动第9期",
        "2024年活动第8期",
        "2024年活动第7期",
    ]
    assert first.cssselect(".cp-item--pinned .cp-pin")
    second = parse(site / "news/page/2/index.html")
    assert items(second) == [f"2024年活动第{n}期" for n in range(6, 0, -1)] + ['关于<年会>&"通知"']
    assert second.cssselect(".md-pagination a[href]")


def test_list_items_show_date_category_summary_and_thumbnail_not_the_body(site: Path) -> None:
    doc = parse(site / "news/index.html")
    item = next(i for i in doc.cssselect(".cp-item") if "法律知识培训班开班" in text_of(i))
    assert text_of(item.cssselect(".cp-item__date")[0]) == "2026年5月21日"
    assert item.cssselect(".cp-item__date")[0].get("datetime") == "2026-05-21"
    category = item.cssselect(".cp-item__category")[0]
    assert text_of(category) == "培训活动" and category.get("href") == "category/pei-xun-huo-dong/"
    assert text_of(item.cssselect(".cp-item__summary")[0]) == "一句话摘要：培训班开班。"
    thumb = item.cssselect(".cp-item__thumb img")[0].get("src")
    assert thumb == "2026/images/peixun.thumb.jpg"  # a small copy for the list
    with Image.open(site / "news" / thumb) as small:
        assert small.size == (THUMB_WIDTH, THUMB_WIDTH * 4 // 3) and not small.getexif()  # 2× the 180 px shown
    pinned = doc.cssselect(".cp-item")[0]
    assert text_of(pinned.cssselect(".cp-item__summary")[0]) == "年会第一段。"  # first paragraph
    page = doc.cssselect(".md-content")[0].text_content()
    assert "年会第二段" not in page and "依法经营能力" not in page  # no post body in lists


def test_category_pages_in_chamber_order_with_name_as_h1(site: Path) -> None:
    doc = parse(site / "news/category/pei-xun-huo-dong/index.html")
    assert h1(doc) == "培训活动"
    assert items(doc) == ["法律知识培训班开班"]
    links = [text_of(a) for a in parse(site / "news/index.html").cssselect(".cp-sections__categories a")]
    assert links == ["商会动态", "通知公告", "培训活动", "会员风采"]  # chamber.yml order
    assert (site / "news/category/hui-yuan-feng-cai/index.html").is_file()


def test_archive_pages_per_year_with_year_as_h1(site: Path) -> None:
    for year in (2024, 2025, 2026):
        doc = parse(site / f"news/archive/{year}/index.html")
        assert h1(doc) == f"{year}年新闻"
    assert items(parse(site / "news/archive/2025/index.html")) == ["商会召开2025年年会"]
    links = [text_of(a) for a in parse(site / "news/index.html").cssselect(".cp-sections__archive a")]
    assert links == ["2026年新闻", "2025年新闻", "2024年新闻", "2023年新闻"]


def test_dates_are_chinese_long_form_everywhere(site: Path) -> None:
    months = re.compile(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|"
        r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    )
    for page in site.rglob("*.html"):
        doc = parse(page)
        for shown in doc.cssselect(".md-content time"):
            # The home page's lists of titles set their dates in a column of their own, as 2026-05-21.
            form = (
                r"\d{4}-\d{2}-\d{2}"
                if shown.getparent().get("class") == "cp-front__entry"
                else r"\d{4}年\d{1,2}月\d{1,2}日"
            )
            assert re.fullmatch(form, text_of(shown)), (page, text_of(shown))
        assert not months.search(text_of(doc.cssselect("body")[0])), page


# --- Post page -----------------------------------------------------------------------------------------------


def test_post_page_has_everything(site: Path) -> None:
    doc = parse(site / "news/2026/05/21/falv-peixun/index.html")
    article = doc.cssselect("article.cp-post")[0]
    assert [text_of(h) for h in article.cssselect("h1")] == ["法律知识培训班开班"]
    assert text_of(article.cssselect(".cp-post__date time")[0]) == "2026年5月21日"
    assert text_of(article.cssselect(".cp-post__category")[0]) == "栏目：培训活动"
    assert article.cssselect(".cp-post__category a")[0].get("href") == "../../../../category/pei-xun-huo-dong/"
    assert text_of(article.cssselect(".cp-post__author")[0]) == "作者：秘书处"
    assert text_of(article.cssselect(".cp-post__source")[0]) == "来源：温州日报"
    assert text_of(article.cssselect(".cp-post__readtime")[0]) == "阅读约 3 分钟"
    assert [text_of(t) for t in article.cssselect(".cp-post__tags li")] == ["培训", "法律"]
    assert not article.cssselect(".cp-post__cover")  # the cover is the body's first photo: shown once
    assert [img.get("src") for img in article.cssselect("img")] == ["../../../images/peixun.jpg"]
    assert "依法经营能力" in text_of(article)
    # Previous/next by date, whatever is pinned.
    previous = article.cssselect(".cp-post__prev")[0]
    assert "春季理事会召开" in text_of(previous) and previous.get("href") == "../../../03/01/spring-meeting/"
    assert "今天发布的消息" in text_of(article.cssselect(".cp-post__next")[0])
    oldest = parse(site / "news/2023/01/01/teshu/index.html")
    assert not oldest.cssselect(".cp-post__prev") and oldest.cssselect(".cp-post__next")


def test_post_cover_shown_above_the_body(site: Path) -> None:
    doc = parse(site / "news/2026/02/02/chun-jie-lian-huan/index.html")
    cover = doc.cssselect("article .cp-post__cover img")[0]
    assert cover.get("src") == "../../../images/small.jpg" and cover.get("alt") == "春节联欢会"
    with Image.open(site / "news/2026/images/small.jpg") as published:
        assert (int(cover.get("width")), int(cover.get("height"))) == published.size


def test_picture_alone_in_its_paragraph_gets_its_alt_text_as_caption_and_every_picture_its_size(site: Path) -> None:
    doc = parse(site / "news/2026/05/21/falv-peixun/index.html")
    (figure,) = doc.cssselect("article figure")
    assert [text_of(c) for c in figure.cssselect("figcaption")] == ["培训现场"]
    image = figure.cssselect("img")[0]
    with Image.open(site / "news/2026/images/peixun.jpg") as published:  # the web copy, 1600 px wide
        assert (int(image.get("width")), int(image.get("height"))) == published.size == (1600, 2133)
    # A picture in a line of text is no figure, and has its size too.
    spring = parse(site / "news/2026/03/01/spring-meeting/index.html").cssselect("article")[0]
    assert not spring.cssselect("figure, figcaption")
    sizes = {img.get("alt"): (img.get("width"), img.get("height")) for img in spring.cssselect(".md-typeset p img")}
    assert sizes["合影"] == ("800", "600"), sizes


def test_caption_rules_in_markdown() -> None:
    import markdown

    md = markdown.Markdown(extensions=["chamberpress.content.figures"])
    assert (
        md.convert("![说明](a.jpg)") == '<figure><img alt="说明" src="a.jpg" /><figcaption>说明</figcaption></figure>'
    )
    assert (
        md.reset().convert("[![说明](a.jpg)](b.html)") == '<p><a href="b.html"><img alt="说明" src="a.jpg" /></a></p>'
    )
    assert md.reset().convert("文字![说明](a.jpg)") == '<p>文字<img alt="说明" src="a.jpg" /></p>'
    assert md.reset().convert("![](a.jpg)") == '<figure><img alt="" src="a.jpg" /></figure>'
    assert md.reset().convert("> ![引用中](a.jpg)").count("<figcaption>引用中</figcaption>") == 1


def test_reading_time_counts_chinese_characters(site: Path) -> None:
    short = parse(site / "news/2026/02/02/chun-jie-lian-huan/index.html")
    assert text_of(short.cssselect(".cp-post__readtime")[0]) == "阅读约 1 分钟"


def test_reading_time_is_characters_and_latin_words_at_400_a_minute() -> None:
    from chamberpress.chinese import reading_minutes

    assert reading_minutes("商会，会员。" * 100) == 1  # 400 characters, punctuation not
    assert reading_minutes("温州商会" * 250 + " WTO 2026" * 300) == 4  # 1,000 characters, 600 words
    assert reading_minutes("㐀" * 1000 + "，" + "中" * 1000) == 5  # extension A counts too
    assert reading_minutes("") == 1


def test_links_between_posts_pages_and_charter_resolve(site: Path) -> None:
    doc = parse(site / "news/2026/05/21/falv-peixun/index.html")
    hrefs = {text_of(a): a.get("href") for a in doc.cssselect("article a")}
    assert hrefs["年会报道"] == "../../../../2025/12/30/nianhui/"
    assert hrefs["商会章程"] == "../../../../../charter/#zong-ze"
    assert hrefs["报名表"] == "../../../files/baoming.pdf"
    assert (site / "news/2026/files/baoming.pdf").is_file()
    about = parse(site / "about/index.html")
    assert about.cssselect("article a")[0].get("href") == "../news/2026/05/21/falv-peixun/"


def test_titles_and_summaries_with_markup_characters_are_text(site: Path) -> None:
    from chamberpress.markup import plain_title

    raw_title, raw_summary = '关于<年会>&"通知"', '加粗的"第一段"。'
    page = site / "news/2023/01/01/teshu/index.html"
    doc = parse(page)
    assert h1(doc) == raw_title  # our own templates escape it: shown as written
    # Material prints titles unescaped (<title>, header, navigation): there, inert full-width forms.
    assert doc.findtext(".//title") == f"{plain_title(raw_title)} - 温州市测试商会"
    assert doc.cssselect('meta[name="description"]')[0].get("content") == plain_title(raw_summary)
    assert not doc.cssselect("title b, head b, h1 b")
    item = parse(site / "news/archive/2023/index.html").cssselect(".cp-item")[0]
    assert items(item) == [raw_title]
    assert text_of(item.cssselect(".cp-item__summary")[0]) == raw_summary
    entry = feedparser.parse((site / "feed.xml").read_bytes()).entries[-1]
    assert entry.title == raw_title and entry.summary == raw_summary


# --- Home ----------------------------------------------------------------------------------------------------


def test_home_has_name_lead_story_news_notices_tiles_and_contact(site: Path, news_root: Path) -> None:
    doc = parse(site / "index.html")
    assert text_of(doc.cssselect(".cp-hero h1")[0]) == "温州市测试商会"
    # The pinned post has no cover: the newest post with one is the lead story; the pinned one heads the news.
    assert text_of(doc.cssselect(".cp-lead__title")[0]) == "法律知识培训班开班"
    news = [text_of(a) for a in doc.cssselect(".cp-front__column--news .cp-front__entry a")]
    assert news[:3] == ["置顶商会召开2025年年会", "今天发布的消息", "春节联欢会"] and len(news) == 8
    notices = [text_of(a) for a in doc.cssselect(".cp-front__column--notices .cp-front__entry a")]
    assert notices == ["春季理事会召开"]
    quick = {text_of(a): a.get("href") for a in doc.cssselect("a.cp-tile")}
    assert quick["商会章程"] == "charter/" and quick["会员名录"] == "members/" and quick["入会指南"] == "join/"
    assert "会刊" not in quick  # this chamber has no newsletter page
    contact = doc.cssselect(".cp-office__contact")[0]
    assert "温州市鹿城区测试路1号" in text_of(contact)
    assert contact.cssselect('a[href="tel:057788880000"]') and contact.cssselect('a[href="mailto:office@example.cn"]')


def test_home_links_the_newsletter_when_there_is_one(content: Path) -> None:
    from chamberpress.site.front import tiles

    write_chamber(content)
    chamber = load_chamber(content, "test", today=TODAY)
    assert ("会刊", "newsletter/") in [(t.title, t.url) for t in tiles(chamber, has_newsletter=True)]
    assert "会刊" not in [t.title for t in tiles(chamber, has_newsletter=False)]


# --- Feed ----------------------------------------------------------------------------------------------------


def test_atom_feed_latest_posts_by_date_with_absolute_links(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "温州市测试商会 · 新闻动态"
    titles = [e.title for e in feed.entries]
    assert titles[:4] == ["今天发布的消息", "法律知识培训班开班", "春季理事会召开", "春节联欢会"]
    assert len(titles) == PUBLISHED_TITLES
    entry = feed.entries[1]
    assert entry.link == SITE_URL + "news/2026/05/21/falv-peixun/"
    assert entry.summary == "一句话摘要：培训班开班。"
    assert entry.published.startswith("2026-05-21") and entry.published_parsed[:3] == (2026, 5, 20)  # +08:00
    assert entry.tags[0].term == "培训活动" and entry.author == "秘书处"
    assert feed.feed.updated.startswith("2026-11-25")


def test_feed_is_announced_in_every_page_head(site: Path) -> None:
    for page in site.rglob("*.html"):
        doc = parse(page)
        links = doc.cssselect('head link[rel="alternate"][type="application/atom+xml"]')
        assert len(links) == 1, page
        target = (page.parent / links[0].get("href")).resolve()
        if page.name != "404.html":
            assert target == (site / "feed.xml").resolve(), page


def test_feed_links_are_relative_without_site_url(test_site: Path) -> None:
    feed = feedparser.parse((test_site / "feed.xml").read_bytes())
    assert [e.link for e in feed.entries] == ["news/2026/05/21/falv-peixun/", "news/2025/12/30/nianhui/"]


# --- Drafts, scheduled posts, sitemap -------------------------------------------------------------------------


def test_drafts_and_scheduled_posts_appear_nowhere(site: Path) -> None:
    secrets = [
        "草稿标题不应出现",
        "草稿正文",
        "caogao",
        "draft-only",
        "尚未发布的预告",
        "预告正文",
        "future-post",
        "shengdan",
    ]
    checked = 0
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".txt", ".js", ".pf_fragment"}:
            text = readable(path)
            for secret in secrets:
                assert secret not in text, (secret, path)
            checked += 1
        assert "draft-only" not in path.name and "caogao" not in path.as_posix()
    assert checked > 20
    assert (site / "news/2026/11/25/jintian/index.html").is_file()  # dated today: published
    index = "".join(readable(p) for p in (site / "pagefind").rglob("*.pf_fragment"))
    assert "法律知识培训班开班" in index  # the scan reads the search index


def test_sitemap_lists_every_published_page(site: Path) -> None:
    from lxml import etree

    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.findall(".//s:loc", ns)]
    assert all(loc.startswith(SITE_URL) for loc in locs)
    listed = {loc[len(SITE_URL) :] for loc in locs}
    pages = {p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")}
    pages = {"" if p == "./" else p for p in pages}
    assert listed == pages
    post_entry = tree.xpath("//s:url[s:loc='%snews/2026/05/21/falv-peixun/']/s:lastmod" % SITE_URL, namespaces=ns)
    assert post_entry[0].text == "2026-05-21"


# --- Images --------------------------------------------------------------------------------------------------


def test_photos_scaled_turned_and_stripped_originals_untouched(site: Path, news_root: Path) -> None:
    published = Image.open(site / "news/2026/images/peixun.jpg")
    assert published.size == (1600, round(3200 * 1600 / 2400))  # turned upright, then scaled
    assert not published.getexif()  # no EXIF at all: no GPS, no camera
    assert "exif" not in published.info
    small = Image.open(site / "news/2026/images/small.jpg")
    assert small.size == (800, 600) and not small.getexif()
    chart = Image.open(site / "news/2026/images/chart.png")
    assert chart.size == (1600, 400) and chart.mode == "RGBA"
    assert not chart.getexif() and "Author" not in chart.info and not getattr(chart, "text", {})
    original = news_root / "content/news/news/2026/images/peixun.jpg"
    assert original.read_bytes() == BIG_PHOTO
    assert Image.open(original).getexif().get_ifd(0x8825)  # the original keeps its GPS position
    cached = list((news_root / ".cache/images").rglob("*.*"))
    assert len(cached) == 3 + 2  # 3 photos, 2 cover thumbnails; not the draft's photo


def test_rebuild_reuses_processed_photos(news_root: Path, site: Path, tmp_path: Path) -> None:
    cache = news_root / ".cache/images"
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.jpg")}
    build_chamber("news", news_root / "content", tmp_path / "again", today=TODAY)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.jpg")} == before
    assert (
        hashlib.sha256((tmp_path / "again/news/news/2026/images/peixun.jpg").read_bytes()).digest()
        == hashlib.sha256((site / "news/2026/images/peixun.jpg").read_bytes()).digest()
    )


# --- Content errors ------------------------------------------------------------------------------------------


def problems_of(content: Path, files: dict) -> list[str]:
    write_chamber(content, files=files)
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "test", today=TODAY)
    return [str(p) for p in caught.value.problems]


def test_broken_link_and_missing_image_name_file_and_line(content: Path) -> None:
    body = "第一段。\n\n见[旧闻](../2025/2025-01-01-meiyou.md)。\n\n![照片](images/meiyou.jpg)\n"
    problems = problems_of(
        content,
        {
            "news/2026/2026-07-01-cuowu.md": post("有错的新闻", "2026-07-01", body),
            "pages/about.md": "---\ntitle: 简介\n---\n\n[章程](../zhangcheng.md)\n",
        },
    )
    assert (
        "content/test/news/2026/2026-07-01-cuowu.md:8: broken link: '../2025/2025-01-01-meiyou.md' not found"
    ) in "\n".join(problems)
    assert any(
        p.startswith("content/test/news/2026/2026-07-01-cuowu.md:10: broken image: 'images/meiyou.jpg'")
        for p in problems
    )
    assert any(p.startswith("content/test/pages/about.md:5: broken link: '../zhangcheng.md'") for p in problems)


def test_link_to_a_draft_or_private_file_is_an_error(content: Path) -> None:
    problems = problems_of(
        content,
        {
            "news/2026/2026-07-01-caogao.md": post("草稿", "2026-07-01", draft="true"),
            "news/2026/2026-07-02-yinyong.md": post(
                "引用",
                "2026-07-02",
                "[草稿](2026-07-01-caogao.md)\n\n[名录](../../members.csv)\n\n[外部](../../../other/x.md)",
            ),
        },
    )
    text = "\n".join(problems)
    assert "2026-07-02-yinyong.md:6: link '2026-07-01-caogao.md' points to a draft" in text
    assert "2026-07-02-yinyong.md:8: link '../../members.csv' is not a file that can be published" in text
    assert "2026-07-02-yinyong.md:10: link '../../../other/x.md' points outside the chamber folder" in text


def test_damaged_photo_is_a_content_error_not_a_crash(content: Path) -> None:
    problems = problems_of(
        content,
        {
            "news/2026/2026-07-01-a.md": post("甲", "2026-07-01", cover="images/bad.jpg"),
            "news/2026/2026-07-02-b.md": post("乙", "2026-07-02", "![图](images/bad.jpg)"),
            "news/2026/images/bad.jpg": b"this is not a JPEG",
        },
    )
    assert any(
        p.startswith(
            "content/test/news/2026/2026-07-01-a.md:4: cover: cover image 'images/bad.jpg' is not "
            "a picture that can be read"
        )
        for p in problems
    )
    assert any(
        p.startswith("content/test/news/2026/2026-07-02-b.md:6: image 'images/bad.jpg' is not a picture")
        for p in problems
    )


def test_photo_replaced_by_a_damaged_one_is_checked_again(content: Path) -> None:
    # Photos are checked once per version of the file (path, size, time): a new file is a new check.
    files = {
        "news/2026/2026-07-02-b.md": post("乙", "2026-07-02", "![图](images/p.jpg)"),
        "news/2026/images/p.jpg": SMALL_PHOTO,
    }
    write_chamber(content, files=files)
    load_chamber(content, "test", today=TODAY)
    problems = problems_of(content, files | {"news/2026/images/p.jpg": b"this is not a JPEG"})
    assert any("image 'images/p.jpg' is not a picture that can be read" in p for p in problems)


def test_damaged_unused_photo_in_assets_is_left_out(content: Path, out: Path) -> None:
    write_chamber(content, files={"assets/bad.jpg": b"not a JPEG", "assets/good.jpg": SMALL_PHOTO})
    result = build_chamber("test", content, out, today=TODAY)
    assert not (out / "test/assets/bad.jpg").exists()
    assert not Image.open(out / "test/assets/good.jpg").getexif()
    assert [str(w) for w in result.warnings if "bad.jpg" in str(w)] == [
        "content/test/assets/bad.jpg: is not a picture that can be read (a damaged file, or another format "
        "renamed): left out of the site (assets/ is for pictures, PDFs, office documents, audio and video) "
        "[warning]"
    ]


def test_unknown_category_names_the_allowed_values(content: Path) -> None:
    problems = problems_of(content, {"news/2026/2026-07-01-x.md": post("新闻", "2026-07-01", category="杂谈")})
    assert problems == [
        "content/test/news/2026/2026-07-01-x.md:4: category: unknown category '杂谈' (one of: "
        "商会动态, 通知公告, 会员风采, 项目合作, 维权服务, 政策法规, 培训活动)"
    ]


def test_cover_must_exist_in_a_published_folder(content: Path) -> None:
    problems = problems_of(
        content,
        {
            "news/2026/2026-07-01-a.md": post("甲", "2026-07-01", cover="images/none.jpg"),
            "news/2026/2026-07-02-b.md": post("乙", "2026-07-02", cover="../../members.csv"),
        },
    )
    assert any(
        p.startswith("content/test/news/2026/2026-07-01-a.md:4: cover: cover image 'images/none.jpg' not found")
        for p in problems
    )
    assert any(
        p.startswith(
            "content/test/news/2026/2026-07-02-b.md:4: cover: cover image '../../members.csv' is "
            "not in a folder that is published"
        )
        for p in problems
    )


def test_summary_is_the_first_paragraph_of_running_text() -> None:
    from chamberpress.content.news import first_paragraph

    body = "![图](a.jpg)\n\n## 小标题\n\n各会员单位：\n\n根据**理事会**决定，[年会](x.md)定于12月举行。\n\n第二段。"
    assert first_paragraph(body) == "根据理事会决定，年会定于12月举行。"
    assert first_paragraph("长" * 200).endswith("…") and len(first_paragraph("长" * 200)) == 161


def test_check_command_reports_broken_image_and_exits_1(content: Path, capsys) -> None:
    write_chamber(content, files={"news/2026/2026-07-01-x.md": post("新闻", "2026-07-01", "![图](no.png)")})
    assert main(["check", "test", "--content", str(content)]) == 1
    assert "news/2026/2026-07-01-x.md:6: broken image: 'no.png' not found" in capsys.readouterr().err


def test_links_in_code_are_not_links() -> None:
    body = "```\n[例子](no.md)\n```\n\n`[行内](no2.md)` [真](yes.md) <img src='a.png'>\n\n[ref]: <b.md>\n"
    assert [(link.target, link.line, link.image) for link in find_links(body, 5)] == [
        ("yes.md", 9, False),
        ("a.png", 9, True),
        ("b.md", 11, False),
    ]
    # Images by the "!" right before their brackets, nested brackets in a link's text, a tilde fence.
    body = '开头!![图](p.jpg)与[[方括号]](a.md)、![封面 ](<c d.png> "题")\n\n~~~\n![不是](x.png)\n~~~\n[尾](e.md#锚)'
    assert [(link.target, link.line, link.image) for link in find_links(body)] == [
        ("p.jpg", 1, True),
        ("a.md", 1, False),
        ("c d.png", 1, True),
        ("e.md#锚", 6, False),
    ]
    assert find_links("没有链接的正文。\n\n第二段。") == ()


# --- Demo chambers -------------------------------------------------------------------------------------------


def test_demo_chambers_news_feed_photos_and_unpublished_posts(demo_sites: Path) -> None:
    from conftest import ROOT
    from chamberpress.content.load import chamber_slugs

    for slug in chamber_slugs(ROOT / "content"):
        chamber = load_chamber(ROOT / "content", slug, today=TODAY)
        site = demo_sites / slug
        feed = feedparser.parse((site / "feed.xml").read_bytes())
        # Projects (项目合作) are entries of the feed too.
        items = len(chamber.published_posts) + len(chamber.published_projects)
        assert not feed.bozo and len(feed.entries) == min(20, items)
        base = chamber.info.site_url.rstrip("/")
        assert all(e.link.startswith((base + "/news/", base + "/projects/")) for e in feed.entries)
        for image in (site / "news").rglob("*.*"):
            if image.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"}:
                with Image.open(image) as published:
                    assert published.width <= 1600 and not published.getexif(), image
        logo = parse(site / "index.html").cssselect(".cp-hero__logo")[0].get("src")
        assert (site / logo).is_file()
        hidden = [p for p in chamber.posts if not p.is_published(TODAY)]
        assert hidden, slug  # the demo keeps a draft or a scheduled post
        texts = [readable(p) for p in site.rglob("*") if p.suffix in {".html", ".xml", ".json"}]
        for post_ in hidden:
            assert not any(post_.title in text for text in texts), (slug, post_.title)
            assert not (site / post_.url).exists()


def test_blog_plugin_is_handed_only_its_posts_and_views() -> None:
    # Its on_page_markdown does nothing to other pages but compare each with every view first.
    from types import SimpleNamespace

    import material.plugins.blog.plugin as blog_plugin_module
    from material.plugins.blog.structure import View

    from chamberpress.site import blog

    handed = []

    def on_page_markdown(self, markdown, *, page, config, files):
        handed.append(page)
        return "# 新闻动态"

    wrapped = blog._posts_and_views_only(on_page_markdown)
    post, view, profile = object(), View.__new__(View), object()
    owner = SimpleNamespace(blog=SimpleNamespace(posts=blog.PostList([post])))
    results = [wrapped(owner, "正文", page=page, config=None, files=None) for page in (post, view, profile)]
    assert handed == [post, view] and results == ["# 新闻动态", "# 新闻动态", None]
    # In place in the plugin for a build (not a plain one), at the plugin's own priority (MkDocs orders the
    # handlers by it).
    [(patched, installed)] = [
        (where, value) for where, name, value in blog.patches(shortcuts=True) if name == "on_page_markdown"
    ]
    assert patched is blog_plugin_module.BlogPlugin
    assert installed.posts_and_views_only and installed.mkdocs_priority == -50
    assert not [name for _, name, _ in blog.patches(shortcuts=False) if name == "on_page_markdown"]


# --- HTML comments are the editor's notes: never published ------------------------------------------

COMMENTED = {
    "news/2026/2026-06-01-block.md": post(
        "注释在前的新闻", "2026-06-01", "<!--\n内部备注\n\n注释秘密甲 张总手机13933336601\n-->\n\n正文第一段甲。"
    ),
    "news/2026/2026-06-02-inline.md": post(
        "行内注释的新闻", "2026-06-02", "正文乙 <!-- 注释秘密乙 a > b 13933336602 --> 继续乙。"
    ),
    "news/2026/2026-06-03-open.md": post(
        "未闭合注释的新闻", "2026-06-03", "正文丙开头。\n\n前文丙 <!-- 注释秘密丙 13933336603\n\n注释秘密丁。"
    ),
    "pages/about.md": "---\ntitle: 商会简介\n---\n\n本会成立于2015年。<!-- 注释秘密戊 -->\n",
    "charter.md": "---\ntitle: 测试商会章程\n---\n\n<!-- 注释秘密己 -->\n\n## 第一章　总则\n\n"
    "第一条　本会名称为温州市测试商会。<!-- 注释秘密庚\n",
    "newsletters/2026-q2.yml": "from: 2026-05-01\nto: 2026-06-30\n"
    'foreword: "卷首语。<!-- 注释秘密辛 -->\\n\\n<!--\\n注释秘密壬\\n-->\\n\\n末段。"\n'
    'back_cover: "封底。<!-- 注释秘密癸"\n',
}


def test_html_comments_never_reach_a_summary_the_feed_the_search_or_a_print(content: Path, out: Path) -> None:
    write_chamber(content, files=COMMENTED)
    site = build_chamber("test", content, out, today=TODAY).site_dir
    leaks = [
        (path.relative_to(site).as_posix(), text[max(0, text.find("注释秘密") - 40) :][:80])
        for path, text in site_texts(site)
        if "注释秘密" in text or "1393333660" in text
    ]
    assert leaks == []
    feed = {e.title: e.summary for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    assert feed["注释在前的新闻"] == "正文第一段甲。"
    assert feed["行内注释的新闻"] == "正文乙 继续乙。"
    assert feed["未闭合注释的新闻"] == "正文丙开头。"
    page = parse(site / "news/2026/06/01/block/index.html")
    assert page.cssselect('meta[name="description"]')[0].get("content") == "正文第一段甲。"
    assert "末段" in dict((p.name, t) for p, t in site_texts(site))["2026-q2.pdf"]


def test_summary_skips_comments_in_bounded_time() -> None:
    from chamberpress.content.news import first_paragraph
    from chamberpress.content.sources import without_comments

    assert first_paragraph("<!-- a -->\n\n<!-- b\n\nc -->\n\n第一段。") == "第一段。"
    assert first_paragraph("甲 <!-- x --> 乙 <!-- y") == "甲 乙"
    assert without_comments("a<!--b-->c<!--d") == "ac"
    assert without_comments("a<!---->b<!-- -- -->c") == "abc"
    # 2 MB of openers: a pattern that searched for each one's end from each would not come back (a guard
    # against a hang, not a timing).
    start = time.perf_counter()
    assert first_paragraph("x <!--" * 350_000) == "x"
    assert without_comments("<!-- -->a" * 200_000) == "a" * 200_000
    assert time.perf_counter() - start < 30


def test_footnotes_are_not_taken_for_links(content: Path, out: Path) -> None:
    """`[^1]: text` is a footnote (mkdocs.yml's footnotes extension), not a reference link to a file: the
    post builds and shows it; a reference link beside it is still checked."""
    body = "商会召开年会[^1]，会上表彰了优秀会员[^note]。\n\n[^1]: 年会于温州召开。\n[^note]: 名单见附件。\n"
    write_chamber(content, "fn", files={"news/2026/2026-06-01-nianhui.md": post("年会", "2026-06-01", body=body)})
    build_chamber("fn", content, out, today=TODAY)
    page = parse(out / "fn/news/2026/06/01/nianhui/index.html")
    notes = [" ".join(li.text_content().split()) for li in page.cssselect("div.footnote li")]
    assert len(notes) == 2 and notes[0].startswith("年会于温州召开") and notes[1].startswith("名单见附件")
    assert find_links(body) == ()
    broken = body + "\n参见[附件][a]。\n\n[a]: files/none.pdf\n"
    write_chamber(content, "fn", files={"news/2026/2026-06-01-nianhui.md": post("年会", "2026-06-01", body=broken)})
    with pytest.raises(ContentError, match="none.pdf"):
        load_chamber(content, "fn", today=TODAY)


def test_picture_sizes_only_for_the_sites_own_files(tmp_path: Path) -> None:
    from chamberpress.site.image_sizes import site_file_path, with_sizes

    photo_file = tmp_path / "a.jpg"
    Image.new("RGB", (64, 48)).save(photo_file)
    assert site_file_path("../../images/%E5%90%88%E5%BD%B1.jpg", "news/2026/05/21/x/") == "news/2026/05/images/合影.jpg"
    for offsite in ("https://img.example.com/a.jpg", "//cdn.example.com/a.jpg", "data:image/png;base64,AA", "/a.jpg"):
        assert site_file_path(offsite, "news/") is None
    files = {"news/images/a.jpg": photo_file}
    html = '<p><img alt="甲" src="images/a.jpg"><img src="images/a.jpg" width="10"><img src="images/b.jpg"></p>'
    assert with_sizes(html, "news/", files) == (
        '<p><img alt="甲" src="images/a.jpg" width="64" height="48"><img src="images/a.jpg" width="10">'
        '<img src="images/b.jpg"></p>'
    )
