"""`chamber wechat`: a post as a paste-ready WeChat article, on a page with the values for WeChat's form; and
the Open Graph meta of the site's posts (a shared link shows title, summary, picture).

The article is checked by parsing the page the command writes: only elements WeChat's editor keeps, every
style inline (no class, id, <style> or <script>), pictures by their absolute published address, links as
numbered notes. It is looked at in chromium at a phone's width (test-artifacts/wechat-article-390.png), its
pictures served from the chamber's folder in place of the published site.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from chamberpress.build.pipeline import build_chamber
from chamberpress.cli import main
from chamberpress.wechat.article import KEPT_TAGS
from conftest import CHAMBER_YML, ROOT, TODAY, parse, post, text_of, write_chamber

SITE = "https://test.example.cn/"
POST_FILE = "news/2026/2026-08-12-huanjie-dahui.md"
ARTIFACTS = ROOT / "test-artifacts"

BODY = """\
各会员单位：

温州市测试商会第三届会员大会暨换届大会于8月12日召开，<b>一百二十家</b>会员单位参加，选举产生了新一届理事会。大会还审议通过了商会章程修正案和今后五年的工作规划，全体会员对新班子寄予厚望。

![大会现场，会员代表举手表决](images/dahui.png)

## 一、大会议程

1. 会长作工作报告；
2. 审议[章程修正案](../../charter.md)；
3. 选举新一届理事会。

大会地点和报名方式：

- 会场：温州市鹿城区测试路1号
- 报名：[office@example.cn](mailto:office@example.cn)

> 商会是会员之家。新一届理事会将把服务会员放在首位。

### 表决结果

| 事项 | 赞成 | 反对 |
| --- | ---: | ---: |
| 工作报告 | 118 | 0 |
| 章程修正案 | 117 | 1 |

会员系统的导出命令：

```
chamber export --format csv
    --since 2026-01-01
```

详见[温州市人民政府网站](https://www.wenzhou.gov.cn/art/2026/8/12/x.html)与[政策原文](https://www.wenzhou.gov.cn/art/2026/8/12/x.html)，
往届情况见[去年的年会报道](../2025/2025-12-30-nianhui.md)，公众号文章见[上一期推送](https://mp.weixin.qq.com/s/abcDEF)。

<div class="evil" id="x" style="position:fixed" onclick="alert(1)">会后合影<script>alert(1)</script></div>
<a href="javascript:alert(1)">危险链接</a>
<iframe src="https://player.example.com/v/1"></iframe>
"""


def _picture(width: int = 800, height: int = 450) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (31, 95, 168))
    draw = ImageDraw.Draw(image)
    for row in range(0, height, 30):
        draw.rectangle([0, row, width, row + 14], fill=(60 + row // 3, 120, 190))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _chamber(content: Path, *, site_url: str | None = SITE, title: str = "第三届会员大会暨换届大会召开") -> Path:
    yml = CHAMBER_YML + (f"site_url: {site_url}\n" if site_url else "")
    return write_chamber(
        content,
        chamber_yml=yml,
        files={
            POST_FILE: post(title, "2026-08-12", BODY, category="商会动态", author="秘书处", cover="images/dahui.png"),
            "news/2026/images/dahui.png": _picture(),
        },
    )


def _wechat(content: Path, out: Path, *args: str) -> int:
    return main(["wechat", "test", *args, "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()])


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The page `chamber wechat` writes for the post above."""
    root = tmp_path_factory.mktemp("wechat")
    _chamber(root / "content")
    assert _wechat(root / "content", root / "sites", POST_FILE) == 0
    page = root / "sites" / "_wechat" / "test" / "2026-08-12-huanjie-dahui.html"
    assert page.is_file()
    return page


def _article(page: Path):
    """The article: the one element inside the page's #article (what 复制正文 copies)."""
    frame = lxml_html.fromstring(page.read_bytes()).get_element_by_id("article")
    assert len(frame) == 1 and not (frame.text or "").strip()
    return frame[0]


def test_the_article_has_no_class_id_style_element_or_script(written: Path) -> None:
    article = _article(written)
    assert article.tag == "section"
    tags = {element.tag for element in article.iter()}
    assert tags <= KEPT_TAGS, tags - KEPT_TAGS
    assert not tags & {"style", "script", "link", "div", "iframe", "input"}
    for element in article.iter():
        assert not {"class", "id"} & set(element.attrib), lxml_html.tostring(element)[:200]
        assert not any(name.startswith("on") for name in element.attrib)
    source = lxml_html.tostring(article, encoding="unicode")
    assert "javascript:" not in source and "alert(1)" not in source and "position:fixed" not in source
    # Every element styled inline: the root carries the phone reading type, headings the chamber's colour.
    root_style = article.get("style")
    assert "font-size: 16px" in root_style and "line-height: 1.75" in root_style
    headings = article.xpath(".//h2|.//h3")
    assert headings and all("color: #1565c0" in h.get("style") for h in headings)
    assert all(p.get("style") for p in article.iter("p"))
    # The untrusted div's text stays (as a section), its script does not.
    assert "会后合影" in text_of(article)
    assert "危险链接" in text_of(article) and not article.xpath(".//a[contains(., '危险链接')]")
    assert "请点「阅读原文」观看" in text_of(article)


def test_every_picture_is_absolute_https_with_its_caption(written: Path) -> None:
    article = _article(written)
    pictures = article.xpath(".//img")
    assert pictures
    for image in pictures:
        assert image.get("src").startswith("https://"), image.get("src")
    assert [image.get("src") for image in pictures] == [SITE + "news/2026/images/dahui.png"]
    figure = pictures[0].getparent()
    assert figure.tag == "figure"
    assert text_of(figure.find("figcaption")) == "大会现场，会员代表举手表决"


def test_code_keeps_its_lines_and_indent(written: Path) -> None:
    """WeChat's editor folds white space: lines are kept by <br>, spaces by no-break spaces."""
    (block,) = _article(written).iter("pre")
    (code,) = block
    assert code.tag == "code" and [child.tag for child in code] == ["br"]
    assert code.text == "chamber\u00a0export\u00a0--format\u00a0csv"
    assert code[0].tail == "\u00a0" * 4 + "--since\u00a02026-01-01"


def test_links_become_note_marks_with_the_notes_at_the_end(written: Path) -> None:
    article = _article(written)
    # Only a link to another WeChat article stays a link.
    assert [a.get("href") for a in article.iter("a")] == ["https://mp.weixin.qq.com/s/abcDEF"]
    marks = [text_of(sup) for sup in article.iter("sup")]
    assert marks == ["[1]", "[2]", "[2]", "[3]"]  # one note per address: the second link to it shares [2]
    notes = article[-1]
    assert text_of(notes[0]) == "引用链接"
    assert [text_of(line) for line in notes[1:]] == [
        "[1] 章程修正案：" + SITE + "charter/",
        "[2] 温州市人民政府网站：https://www.wenzhou.gov.cn/art/2026/8/12/x.html",
        "[3] 去年的年会报道：" + SITE + "news/2025/12/30/nianhui/",
    ]
    # The text of a link stays where it was, followed by its mark; a mail link that shows its address
    # needs no note.
    assert "温州市人民政府网站[2]与政策原文[2]" in text_of(article)
    assert "报名：office@example.cn" in text_of(article)


def test_the_page_holds_the_values_for_wechats_form(written: Path) -> None:
    page = lxml_html.fromstring(written.read_bytes())

    def value(key: str) -> str:
        return page.get_element_by_id(f"value-{key}").text_content()

    assert value("title") == "第三届会员大会暨换届大会召开"
    assert value("author") == "秘书处"
    summary = value("summary")
    assert summary.startswith("温州市测试商会第三届会员大会") and "<b>" not in summary
    assert len(summary) <= 120
    assert value("source") == SITE + "news/2026/08/12/huanjie-dahui/"
    assert value("cover") == SITE + "news/2026/images/dahui.png"
    # What could not come along is said on the page: the player of another site.
    assert [text_of(n) for n in page.find_class("notice")] == [
        "没有放进正文（不在本会网站上，或是视频、嵌入内容）：视频或嵌入内容"
    ]
    buttons = page.xpath("//button[@data-copy='article']")
    assert [text_of(b) for b in buttons] == ["复制正文"]
    # One script, the page's own, allowed by its hash; no other source of anything.
    assert len(page.xpath("//script")) == 1 and not page.xpath("//script[@src]|//link[@href]")
    policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "script-src 'sha256-" in policy and "default-src 'none'" in policy


def test_the_sites_other_markdown_comes_out_as_kept_elements(tmp_path: Path) -> None:
    """Admonitions, definition lists, task lists and <details> (the site's extensions) in elements WeChat keeps."""
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content)
    body = (
        '!!! note "提示"\n    请带好邀请函。\n\n- [x] 已报名\n- [ ] 已缴费\n\n会费\n:   每年一次\n\n'
        '<details><summary>展开</summary>议程全文</details>\n\n见<a href="//www.example.cn/x">外站</a>。\n'
    )
    (content / "test/news/2026/2026-09-01-more.md").write_text(post("更多", "2026-09-01", body), encoding="utf-8")
    assert _wechat(content, out, "news/2026/2026-09-01-more.md") == 0
    article = _article(out / "_wechat/test/2026-09-01-more.html")
    assert {element.tag for element in article.iter()} <= KEPT_TAGS
    assert [text_of(li) for li in article.iter("li")] == ["☑ 已报名", "☐ 已缴费"]
    text = text_of(article)
    assert "提示 请带好邀请函。" in text and "会费 每年一次" in text and "展开议程全文" in text
    assert {"提示", "会费", "展开"} <= {text_of(p) for p in article.iter("p")}  # titles and terms: lines of their own
    assert text.endswith("[1] 外站：https://www.example.cn/x")


def test_a_long_summary_is_cut_to_120_characters(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content)
    (content / "test" / "news/2026/2026-09-01-long.md").write_text(
        post("长文", "2026-09-01", "会" * 300), encoding="utf-8"
    )
    assert _wechat(content, out, "news/2026/2026-09-01-long.md") == 0
    page = lxml_html.fromstring((out / "_wechat/test/2026-09-01-long.html").read_bytes())
    summary = page.get_element_by_id("value-summary").text_content()
    assert len(summary) == 120 and summary.endswith("…")


def test_an_untrusted_title_is_escaped(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content, title="'\"<script>alert(1)</script>大会'")
    assert _wechat(content, out, POST_FILE) == 0
    text = (out / "_wechat/test/2026-08-12-huanjie-dahui.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert text.count("<script") == 1
    page = lxml_html.fromstring(text.encode("utf-8"))
    assert page.get_element_by_id("value-title").text_content() == '"<script>alert(1)</script>大会'
    assert page.xpath("//title")[0].text_content() == '公众号文章："<script>alert(1)</script>大会'


def test_latest_n_writes_the_newest_published_posts(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content)
    assert _wechat(content, out, "--latest", "2") == 0
    names = sorted(p.name for p in (out / "_wechat" / "test").iterdir())
    assert names == ["2026-05-21-falv-peixun.html", "2026-08-12-huanjie-dahui.html"]
    # Nothing was written into the content folder or a site.
    assert not (out / "test").exists()


def test_without_site_url_a_clear_error_names_the_key(tmp_path: Path, capsys) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content, site_url=None)
    assert _wechat(content, out, POST_FILE) == 1
    error = capsys.readouterr().err
    assert "content/test/chamber.yml: site_url: site_url is required" in error
    assert not (out / "_wechat").exists()


def test_a_path_that_is_not_a_post_of_the_chamber_is_refused(tmp_path: Path, capsys) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    _chamber(content)
    outside = tmp_path / "elsewhere.md"
    outside.write_text(post("外部", "2026-01-01"), encoding="utf-8")
    for given in ("../../elsewhere.md", str(outside), "charter.md", "news/2026/none.md"):
        with pytest.raises(SystemExit) as stop:
            _wechat(content, out, given)
        assert stop.value.code == 2
        assert "is not a post of test" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _wechat(content, out)  # neither a post nor --latest
    assert not (out / "_wechat").exists()


# --- in a browser, at a phone's width ------------------------------------------------------------------


def test_the_article_reads_well_on_a_phone(written: Path, browser) -> None:
    """Looked at in chromium at 390 px: nothing wider than the screen, the table and code scroll inside
    their own boxes, the picture loaded; 复制正文 puts the article on the clipboard as rich text."""
    from playwright.sync_api import expect

    chamber = written.parents[3] / "content" / "test"
    ARTIFACTS.mkdir(exist_ok=True)

    def serve(route) -> None:
        # The published site stands in for itself: its pictures come from the chamber's folder.
        url = route.request.url
        if url.startswith(SITE):
            path = chamber / unquote(urlsplit(url).path.lstrip("/"))
            if path.is_file():
                route.fulfill(path=str(path))
                return
        if url.startswith("file://"):
            route.continue_()
            return
        route.abort()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.route("**/*", serve)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(written.as_uri(), wait_until="load")
    page.locator("#article").screenshot(path=str(ARTIFACTS / "wechat-article-390.png"))
    page.screenshot(path=str(ARTIFACTS / "wechat-page-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('#article img').naturalWidth") == 800
    size = page.evaluate("getComputedStyle(document.querySelector('#article p')).fontSize")
    assert size == "16px"
    page.click("button[data-copy='article']")
    # Waited for by Playwright's own selector engine: a predicate given as text is evaluated by `eval`,
    # which the page's Content-Security-Policy rightly refuses.
    expect(page.locator("#copy-status")).to_contain_text("已复制")
    copied = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            return await (await item.getType('text/html')).text();
        }"""
    )
    assert errors == []
    context.close()
    assert "第三届会员大会" in copied or "一百二十家" in copied
    assert re.search(r"<h2 style=\"[^\"]*color: #1565c0", copied)
    assert "class=" not in copied.split("<section", 1)[1]


# --- Open Graph on the site's posts ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def og_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("og")
    _chamber(root / "content")
    build_chamber("test", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "test"


def _meta(page, name: str) -> list[str]:
    return page.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")


def test_a_post_page_has_open_graph_and_description_meta(og_site: Path) -> None:
    page = parse(og_site / "news/2026/08/12/huanjie-dahui/index.html")
    assert _meta(page, "og:type") == ["article"]
    assert _meta(page, "og:title") == ["第三届会员大会暨换届大会召开"]
    assert _meta(page, "og:site_name") == ["温州市测试商会"]
    description = _meta(page, "og:description")
    assert len(description) == 1 and description[0].startswith("温州市测试商会第三届会员大会")
    assert _meta(page, "description") and _meta(page, "description")[0].startswith("温州市测试商会第三届")
    assert _meta(page, "og:url") == [SITE + "news/2026/08/12/huanjie-dahui/"]
    assert _meta(page, "og:image") == [SITE + "news/2026/images/dahui.png"]
    # The picture is there at that address in the built site.
    assert (og_site / "news/2026/images/dahui.png").is_file()


def test_without_site_url_there_is_no_absolute_picture_or_address(test_site: Path) -> None:
    page = parse(test_site / "news/2026/05/21/falv-peixun/index.html")
    assert _meta(page, "og:title") == ["法律知识培训班开班"]
    assert _meta(page, "og:description") == ["正文第一段。"]
    assert _meta(page, "og:image") == [] and _meta(page, "og:url") == []
