"""The newsletter (会刊) and charter.pdf: PDFs read back (pypdf, pdftotext, pdffonts), the archive page parsed.

Each PDF costs about a second, so the PDFs are made once per session: one chamber built with an issue file
(A4, through `chamber build`), and one period issue printed on A5 by `chamber newsletter`.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from chamberpress.print import pdf
from chamberpress.print import cover as cover_module
from chamberpress.print.cover import COVER_WIDTH
from chamberpress.build.pipeline import BuildResult, build_chamber
from chamberpress.cli import main
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from chamberpress.print.newsletter import build_issue, issue_html, load_issues, period_issue
from conftest import CHAMBER_YML, TODAY, calls_recorded, parse, post, text_of, write_chamber

NEWSLETTER_YML = (
    CHAMBER_YML
    + """\
logo: assets/logo.png
site_url: https://test.example.cn/
newsletter:
  title: 测试会讯
  frequency: 季刊
  permit: 浙内准字第2026-099号
  printer: 温州测试印务有限公司
  copies: 500
plan:
  - date: 2026-06-15
    title: 上半年理事会
  - date: 2026-12-20
    title: 2026年度会员大会
    description: 审议年度工作报告
"""
)

ISSUE_YML = """\
number: 2026年第3期
total_number: 18
from: 2026-07-01
to: 2026-12-31
title: 同心协力谋发展
foreword: |
  各位会员：**金秋时节**，本刊与您相约。
lead: news/2026/2026-09-10-lead.md
sections:
  - 商会动态
  - 2026/2026-05-21-falv-peixun.md
  - 维权服务
new_members: true
events: true
back_cover: 欢迎会员投稿。
"""

NEXT_ISSUE = "number: 2027年第1期\nfrom: 2027-01-01\nto: 2027-03-31\n"  # prepared early: nothing to print yet

MEMBERS_CSV = """\
名称,联系人,职务,行业,手机,入会日期,公开,备注
甲公司,张三,会长,商贸,13900000001,2015-06-18,是,
新星科技有限公司,王五,会员,软件,13900000003,2026-08-01,是,欠费待催
隐身贸易有限公司,赵六,会员,贸易,13900000004,2026-08-02,否,
"""


def _png(width: int, height: int, color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def _body(paragraphs: int, marker: str) -> str:
    text = "温州市测试商会认真贯彻会员大会精神，组织会员企业开展交流合作，服务会员发展。"
    return "\n\n".join(f"{marker}第{i + 1}段。{text * 4}" for i in range(paragraphs))


NEWS = {
    "news/2026/2026-09-10-lead.md": post(
        "商会召开会员大会选举新一届理事会",
        "2026-09-10",
        _body(3, "头条正文") + "\n\n![大会现场](images/wide.png)\n\n| 项目 | 数量 |\n| --- | --- |\n| 签约 | 5 |\n",
        category="商会动态",
        author="秘书处",
        source="商会秘书处",
        cover="images/wide.png",
    ),
    "news/2026/2026-08-03-huodong.md": post(
        "会员企业走访活动", "2026-08-03", _body(8, "走访正文"), category="商会动态"
    ),
    "news/2026/2026-08-20-weiquan.md": post(
        "维权服务站调解劳动争议", "2026-08-20", _body(4, "维权正文"), category="维权服务", author="维权部"
    ),
    "news/2026/2026-08-25-zhengce.md": post(
        "解读最新税收政策", "2026-08-25", _body(2, "政策正文") + "\n\n![](images/wide.png)\n", category="政策法规"
    ),
    "news/2026/2026-09-01-caogao.md": post(
        "尚未发布的草稿新闻", "2026-09-01", "草稿正文。", category="商会动态", draft="true"
    ),
    "news/2026/2026-12-01-jihua.md": post("十二月定时发布的新闻", "2026-12-01", "定时正文。", category="商会动态"),
    "news/2026/2026-06-30-qianqi.md": post("六月底的往期新闻", "2026-06-30", "往期正文。", category="商会动态"),
    "news/2026/images/wide.png": _png(1800, 600, "#3366aa"),
    "assets/logo.png": _png(120, 120, "#aa2222"),
    "members.csv": MEMBERS_CSV,
    "newsletters/2026-q3.yml": ISSUE_YML,
}


def pdf_text(path: Path, *pages: int) -> str:
    """The PDF's text (pdftotext), pages counted from 1; whitespace removed, since CJK has none."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    text = subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def outline(reader: PdfReader) -> list:
    """Bookmarks as nested lists of titles."""

    def walk(items: list) -> list:
        out: list = []
        for item in items:
            if isinstance(item, list):
                out.append(walk(item))
            else:
                out.append(item.title)
        return out

    return walk(reader.outline)


@pytest.fixture(scope="session")
def build_result(tmp_path_factory) -> BuildResult:
    """The newsletter chamber built once (issue file → PDF, archive page, charter.pdf)."""
    root = tmp_path_factory.mktemp("newsletter")
    write_chamber(root / "content", chamber_yml=NEWSLETTER_YML, files=NEWS | {"newsletters/2027-q1.yml": NEXT_ISSUE})
    return build_chamber("test", root / "content", root / "sites", today=TODAY)


@pytest.fixture(scope="session")
def built(build_result: BuildResult) -> Path:
    """`<out>/test/` of the newsletter chamber."""
    return build_result.site_dir


@pytest.fixture(scope="session")
def a5_issue(tmp_path_factory) -> Path:
    """A period issue without an issue file, printed on A5 by `chamber newsletter`: its output folder."""
    root = tmp_path_factory.mktemp("newsletter-a5")
    write_chamber(root / "content", chamber_yml=NEWSLETTER_YML, files=NEWS | {"newsletters/2026-q3.yml": None})
    code = main(
        [
            "newsletter",
            "test",
            "--from",
            "2026-08-01",
            "--to",
            "2026/8/31",
            "--paper",
            "a5",
            "--content",
            str(root / "content"),
            "--out",
            str(root / "sites"),
            "--today",
            TODAY.isoformat(),
        ]
    )
    assert code == 0
    return root / "sites" / "_newsletter" / "test"


# --- the issue file printed by `chamber build` --------------------------------------------------


def test_issue_pdf_is_a4_with_metadata(built: Path) -> None:
    reader = PdfReader(built / "newsletter/2026-q3.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert 4 <= len(reader.pages) <= 8  # cover, three pages of text in two columns, back cover
    assert reader.metadata.title == "测试会讯 2026年第3期"
    assert reader.metadata.author == "温州市测试商会"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_cover_masthead_number_and_lead(built: Path) -> None:
    cover = pdf_text(built / "newsletter/2026-q3.pdf", 1)
    for text in ("测试会讯", "温州市测试商会", "2026年第3期", "总第18期", "同心协力谋发展", "2026年12月31日"):
        assert text in cover
    assert "卷首语" not in cover  # the cover page holds nothing else


def test_posts_inside_the_period_only_and_never_drafts(built: Path) -> None:
    text = pdf_text(built / "newsletter/2026-q3.pdf")
    for title in (
        "商会召开会员大会选举新一届理事会",
        "会员企业走访活动",
        "维权服务站调解劳动争议",
        "法律知识培训班开班",
    ):  # the last one is outside the period but named in sections
        assert title in text
    assert "头条正文第3段" in text and "走访正文第8段" in text
    for absent in (
        "尚未发布的草稿新闻",
        "草稿正文",
        "十二月定时发布的新闻",
        "定时正文",
        "六月底的往期新闻",
        "解读最新税收政策",
    ):  # 政策法规 is not among the issue's sections
        assert absent not in text
    assert text.count("维权服务站调解劳动争议") == 3  # a cover line, the contents and the article


def test_sections_in_the_issue_file_order_and_lead_first(built: Path) -> None:
    reader = PdfReader(built / "newsletter/2026-q3.pdf")
    marks = outline(reader)
    top = [m for m in marks if isinstance(m, str)]
    assert top == ["目录", "卷首语", "本期头条", "商会动态", "培训活动", "维权服务", "新会员", "活动预告"]
    # Articles are bookmarked under their section; the lead is not repeated in its category.
    assert marks[marks.index("本期头条") + 1] == ["商会召开会员大会选举新一届理事会"]
    assert marks[marks.index("商会动态") + 1] == ["会员企业走访活动"]
    assert marks[marks.index("培训活动") + 1] == ["法律知识培训班开班"]


def test_contents_page_numbers_point_at_the_articles(built: Path) -> None:
    path = built / "newsletter/2026-q3.pdf"
    reader = PdfReader(path)
    contents = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for title in ("会员企业走访活动", "维权服务站调解劳动争议", "新会员"):
        line = next(line for line in contents.splitlines() if title in line)
        number = int(re.findall(r"(\d+)\s*$", line)[0])
        page_text = re.sub(r"\s+", "", reader.pages[number - 1].extract_text())
        assert title in page_text, (title, number)


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_print_stylesheet_keeps_a_title_with_its_text() -> None:
    """Wherever an article starts, its title and byline are never the last thing on a page."""
    from weasyprint import HTML

    from chamberpress.print.newsletter import PRINT_THEME, _page_css

    css = _page_css("A4", pdf.find_fonts(), None) + (PRINT_THEME / "print.css").read_text(encoding="utf-8")
    article = (
        '<article class="article"><header class="article-head"><h2 class="article-title">新闻标题</h2>'
        '<p class="article-meta">2026年8月1日</p></header>'
        '<div class="cols article-body"><p>正文第一段。正文第一段。</p><p>正文第二段。</p></div></article>'
    )
    stranded, breaks = [], 0
    for filler in range(40, 92, 2):  # the article starts at every height of the page, and past it
        html = (
            f"<html lang='zh-CN'><style>{css}</style><body><section class='section'><div class='cols'>"
            + "<p>填充段落。</p>" * filler
            + "</div>"
            + article
            + "</section></body></html>"
        )
        pages = HTML(string=html).render().pages
        breaks += len(pages) > 1
        for page in pages:
            elements = list(
                dict.fromkeys(
                    box.element
                    for box in _boxes(page._page_box)
                    if box.element is not None and box.element_tag in ("h2", "p")
                )
            )
            if elements and elements[-1].get("class") in ("article-title", "article-meta"):
                stranded.append(filler)
    assert breaks and not stranded


def test_running_header_page_numbers_and_back_page(built: Path) -> None:
    path = built / "newsletter/2026-q3.pdf"
    pages = len(PdfReader(path).pages)
    third = pdf_text(path, 3)
    assert third.startswith("测试会讯2026年第3期") and "—3—" in third
    back = pdf_text(path, pages)
    for text in ("温州市鹿城区测试路1号", "0577-88880000", "office@example.cn", "欢迎会员投稿"):
        assert text in back
    assert "—" + str(pages) + "—" not in back  # no page number on the back page


def test_new_members_events_and_privacy(built: Path) -> None:
    text = pdf_text(built / "newsletter/2026-q3.pdf")
    assert "新星科技有限公司" in text and "软件" in text
    assert "甲公司" not in text  # joined before the period
    for private in ("隐身贸易有限公司", "13900000003", "139****0003", "欠费待催", "王五"):
        assert private not in text
    assert "2026年12月20日2026年度会员大会" in text and "审议年度工作报告" in text
    assert "上半年理事会" not in text  # before the period's end: not upcoming


def test_fonts_cjk_embedded_subset_two_faces(built: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(built / "newsletter/2026-q3.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(listing) == 2, listing  # serif regular for text, sans bold for headings
    for line in listing:
        name, *_rest = line.split()
        assert re.match(r"^[A-Z]{6}\+", name), line  # subset prefix
        assert "CJK" in name or "Hei" in name or "Song" in name, line
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_no_replacement_glyphs_and_text_round_trips(built: Path) -> None:
    for name in ("newsletter/2026-q3.pdf", "charter.pdf"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(built / name), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "\ufffd" not in text and "\u25a1" not in text
    text = pdf_text(built / "newsletter/2026-q3.pdf")
    assert "温州市测试商会认真贯彻会员大会精神，组织会员企业开展交流合作，服务会员发展。" in text


def test_images_printed_from_the_chamber_folder(built: Path) -> None:
    reader = PdfReader(built / "newsletter/2026-q3.pdf")
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 3  # logo, lead picture on the cover, picture in the text


def test_archive_page_lists_the_issue_and_nav_has_it(built: Path) -> None:
    doc = parse(built / "newsletter/index.html")
    tabs = [text_of(a) for a in doc.cssselect(".md-tabs__link")]
    assert "会刊" in tabs
    (card,) = doc.cssselect("article ul.cp-issues > li.cp-issue")
    assert text_of(card.cssselect(".cp-issue__number")[0]) == "2026年第3期"
    assert card.cssselect(".cp-issue__date time")[0].get("datetime") == "2026-12-31"
    assert text_of(card.cssselect(".cp-issue__date time")[0]) == "2026年12月31日"
    assert text_of(card.cssselect(".cp-issue__title")[0]) == "同心协力谋发展"
    (link,) = card.cssselect("a.cp-issue__download")
    assert link.get("href") == "2026-q3.pdf"
    size = (built / "newsletter/2026-q3.pdf").stat().st_size
    assert size < 1048576 and text_of(link) == f"下载 PDF（{round(size / 1024)} KB）"
    # The cover: the PDF's first page as a small PNG, at the size its attributes state, with a Chinese alt.
    (cover,) = card.cssselect("img.cp-issue__cover")
    assert cover.get("src") == "2026-q3.cover.png" and cover.get("alt") == "《测试会讯》2026年第3期封面"
    with Image.open(built / "newsletter/2026-q3.cover.png") as picture:
        assert picture.format == "PNG" and picture.size == (int(cover.get("width")), int(cover.get("height")))
        assert picture.width == COVER_WIDTH and abs(picture.height / picture.width - 297 / 210) < 0.01  # A4
        # The cover itself: its masthead band is the chamber's colour, not a blank page.
        assert len(picture.convert("RGB").getcolors(1 << 16) or []) > 20
    assert not list(built.rglob("*.files"))  # print previews are not published


def test_issue_with_nothing_to_print_yet_is_left_out_with_a_warning(build_result: BuildResult) -> None:
    assert not (build_result.site_dir / "newsletter/2027-q1.pdf").exists()
    (warning,) = [str(w) for w in build_result.warnings if "2027-q1" in w.file]
    assert warning == (
        "content/test/newsletters/2027-q1.yml:2: from: no published post to print in the period "
        "2027年1月1日 — 2027年3月31日; the issue is not printed yet "
        "(widen the period (from/to) or name posts under sections) [warning]"
    )


def test_charter_pdf_linked_from_the_charter_page(built: Path) -> None:
    doc = parse(built / "charter/index.html")
    link = doc.cssselect("a.cp-charter-pdf")[0]
    assert link.get("href") == "../charter.pdf"
    # At the top of the text, before its first chapter, not below many screens of articles.
    (text,) = doc.cssselect(".cp-charter")
    assert text.cssselect("a.cp-charter-pdf, h2").index(link) == 0
    text = pdf_text(built / "charter.pdf")
    assert "测试商会章程" in text and "第一条本会名称为温州市测试商会。" in text
    assert outline(PdfReader(built / "charter.pdf")) == ["第一章　总则"]


# --- a period issue on A5, printed by `chamber newsletter` --------------------------------------


def test_a5_period_issue_groups_by_category_in_chamber_order(a5_issue: Path) -> None:
    path = a5_issue / "2026-08-01_2026-08-31.pdf"
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    top = [m for m in outline(reader) if isinstance(m, str)]
    # The default lead is the newest post (政策法规); the rest follow the chamber's category order.
    assert top == ["目录", "本期头条", "商会动态", "维权服务"]
    text = pdf_text(path)
    assert "解读最新税收政策" in text and "测试会讯" in text
    for absent in ("商会召开会员大会选举新一届理事会", "法律知识培训班开班", "尚未发布的草稿新闻", "新星科技有限公司"):
        assert absent not in text
    assert (a5_issue / "2026-08-01_2026-08-31.html").is_file()
    # The cover stays one page: masthead, lead title and the lead's first picture (no cover set), then contents.
    assert "解读最新税收政策" in pdf_text(path, 1) and len(reader.pages[0].images) == 2
    assert "目录" not in pdf_text(path, 1) and "目录" in pdf_text(path, 2)


def test_print_html_preview_beside_the_pdf(a5_issue: Path) -> None:
    html = (a5_issue / "2026-08-01_2026-08-31.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "size: A5" in html
    images = re.findall(r'src="([^"]+)"', html)
    assert images and all((a5_issue / src).is_file() for src in images if not src.startswith("data:"))
    assert "file:" not in html and 'src="http' not in html  # nothing loaded from elsewhere


def test_images_fit_the_text_width(a5_issue: Path) -> None:
    from weasyprint import HTML

    document = HTML(filename=str(a5_issue / "2026-08-01_2026-08-31.html")).render()
    images = 0
    for page in document.pages:
        text_width = page._page_box.children[0].width  # the page area inside the margins
        for box in _boxes(page._page_box):
            if box.element_tag == "img" and "logo" not in (box.element.get("class") or ""):
                images += 1
                assert box.width <= text_width + 0.01, (box.element.get("src"), box.width, text_width)
    assert images >= 2  # on the cover and in the text (1800 px wide)


def test_cli_issue_without_a_file_or_period_is_a_usage_error(content: Path, out: Path, capsys) -> None:
    write_chamber(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["newsletter", "test", "--issue", "2026-q9", "--content", str(content), "--out", str(out)])
    assert exit_info.value.code == 2
    assert "newsletters/2026-q9.yml" in capsys.readouterr().err


def test_empty_period_is_a_content_error(content: Path, out: Path, capsys) -> None:
    write_chamber(content)
    code = main(
        [
            "newsletter",
            "test",
            "--from",
            "2020-01-01",
            "--to",
            "2020-03-31",
            "--content",
            str(content),
            "--out",
            str(out),
            "--today",
            TODAY.isoformat(),
        ]
    )
    assert code == 1
    assert "no published post to print in the period 2020年1月1日 — 2020年3月31日" in capsys.readouterr().err
    assert not out.exists()


# --- issue files: validation without printing ---------------------------------------------------


def test_issue_file_problems_named_with_line_and_field(content: Path, capsys) -> None:
    bad = (
        "number: 2026年第1期\n"
        "form: 2026-01-01\n"
        "to: 2026-02-30\n"
        "lead: news/2026/2026-09-01-caogao.md\n"
        "sections:\n"
        "  - 商会动太\n"
        "  - 2026/nonexistent.md\n"
        "  - 2026/2026-12-01-jihua.md\n"
        "paper: B5\n"
    )
    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=NEWS | {"newsletters/2026-q1.yml": bad})
    code = main(["check", "test", "--content", str(content), "--today", TODAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 1
    where = "content/test/newsletters/2026-q1.yml"
    assert f"{where}:2: form: unknown key (did you mean 'from'?)" in err
    assert f"{where}:3: to: '2026-02-30' is not a real date" in err
    assert f"{where}:4: lead: 'news/2026/2026-09-01-caogao.md' is a draft" in err
    assert f"{where}:6: sections.0: '商会动太' is neither a category nor a post file (did you mean '商会动态'?)" in err
    assert f"{where}:7: sections.1: no post '2026/nonexistent.md' under news/" in err
    assert f"{where}:8: sections.2: '2026/2026-12-01-jihua.md' is scheduled for 2026年12月1日" in err


def test_issue_file_period_and_paper_rules(content: Path) -> None:
    files = NEWS | {"newsletters/2026-q1.yml": "from: 2026-09-01\nto: 2026-08-01\npaper: B5\n"}
    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=files)
    chamber = load_chamber(content, "test", today=TODAY)
    with pytest.raises(ContentError) as error:
        load_issues(chamber)
    messages = [str(p) for p in error.value.problems]
    assert any(":2: to: the period ends (2026-08-01) before it starts (2026-09-01)" in m for m in messages)
    assert any(":3: paper: unknown paper size 'B5' (A4 or A5)" in m for m in messages)


def test_print_html_escapes_editor_text(content: Path) -> None:
    files = {
        "news/2026/2026-08-01-x.md": post(
            '"<script>alert(1)</script>标题"',
            "2026-08-01",
            '正文<script>alert(2)</script><iframe src="https://evil.example/"></iframe>',
            author='"<b>作者</b>"',
        ),
        "assets/logo.png": NEWS["assets/logo.png"],
    }
    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=files)
    chamber = load_chamber(content, "test", today=TODAY)
    model = build_issue(chamber, period_issue("x", None, TODAY))
    html = issue_html(model, pdf.PrintFonts("Noto Serif CJK SC", "Noto Sans CJK SC"))
    assert "<script>" not in html and "iframe" not in html and "evil.example" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html
    assert "&lt;b&gt;作者&lt;/b&gt;" in html


# --- fonts ---------------------------------------------------------------------------------------


def _face(family: str, style: str = "Regular") -> pdf.FontFace:
    return pdf.FontFace(family, style, f"/fonts/{family.replace(' ', '')}-{style}.otf")


def test_font_choice_prefers_noto_serif_and_sans() -> None:
    faces = [
        _face("Noto Sans Mono CJK SC"),
        _face("Noto Serif CJK JP"),
        _face("Noto Serif CJK SC"),
        _face("Noto Sans CJK SC", "Bold"),
        _face("WenQuanYi Zen Hei"),
    ]
    assert pdf.choose_fonts(faces) == pdf.PrintFonts("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_font_choice_falls_back_to_any_installed_cjk_font() -> None:
    assert pdf.choose_fonts([_face("WenQuanYi Zen Hei")]) == pdf.PrintFonts("WenQuanYi Zen Hei", "WenQuanYi Zen Hei")
    chosen = pdf.choose_fonts([_face("Some Mono CJK SC"), _face("Some Song SC")])
    assert chosen.serif == "Some Song SC"


def test_installed_fonts_found_through_fontconfig() -> None:
    faces = pdf.list_cjk_faces()
    assert any(face.family == "Noto Serif CJK SC" for face in faces)
    assert pdf.find_fonts() == pdf.PrintFonts("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_missing_cjk_font_stops_with_the_package_to_install(built: Path, monkeypatch, capsys) -> None:
    with pytest.raises(pdf.FontMissing, match="apt-get install fonts-noto-cjk"):
        pdf.find_fonts(lister=lambda: [])

    # The command stops before printing anything, and a build leaves the previous site as it was.
    monkeypatch.setattr(pdf, "list_cjk_faces", lambda: [])
    pdf._installed_fonts.cache_clear()
    try:
        content, out = built.parent.parent / "content", built.parent
        before = (built / "newsletter/2026-q3.pdf").read_bytes()
        code = main(
            [
                "newsletter",
                "test",
                "--issue",
                "2026-q3",
                "--content",
                str(content),
                "--out",
                str(out),
                "--today",
                TODAY.isoformat(),
            ]
        )
        assert code == 3
        assert "fonts-noto-cjk" in capsys.readouterr().err
        assert not (out / "_newsletter/test/2026-q3.html").exists()
        code = main(
            ["build", "test", "--force", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]
        )
        assert code == 3
        assert "fonts-noto-cjk" in capsys.readouterr().err
        assert (built / "newsletter/2026-q3.pdf").read_bytes() == before
        assert (built / "index.html").is_file()
    finally:
        pdf._installed_fonts.cache_clear()


def test_demo_chambers_have_an_issue_each(demo_sites: Path) -> None:
    slugs = [p.name for p in demo_sites.iterdir() if (p / "chamber.json").is_file()]
    assert slugs
    for slug in slugs:
        pdfs = sorted((demo_sites / slug / "newsletter").glob("*.pdf"))
        assert pdfs, slug
        doc = parse(demo_sites / slug / "newsletter/index.html")
        assert len(doc.cssselect("article .cp-issue")) == len(pdfs)
        assert len(doc.cssselect("article .cp-issue img.cp-issue__cover[width][height]")) == len(pdfs)
        cover = pdf_text(pdfs[0], 1)
        assert "内部资料，免费交流" in cover and "准印证号" in cover


def test_demo_issues_rendered_for_a_person_to_look_at(demo_sites: Path) -> None:
    """Each demo issue's cover, first double-page spread and back cover rendered into
    test-artifacts/newsletter/ (pdftoppm), so that a person can look at the layout."""
    from pypdf import PdfReader

    from conftest import ROOT

    folder = ROOT / "test-artifacts" / "newsletter"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for issue in sorted(demo_sites.glob("*/newsletter/*.pdf")):
        pages = len(PdfReader(str(issue)).pages)
        name = f"{issue.parent.parent.name}-{issue.stem}"
        for label, first, last in (("cover", 1, 1), ("spread-2-3", 2, 3), ("back-cover", pages, pages)):
            prefix = folder / f"{name}-{label}"
            subprocess.run(
                ["pdftoppm", "-r", "50", "-png", "-f", str(first), "-l", str(last), str(issue), str(prefix)], check=True
            )
            made += sorted(folder.glob(f"{prefix.name}-*.png"))
    assert made and all(path.stat().st_size > 5_000 for path in made)


def test_the_same_issue_prints_the_same_bytes(build_result: BuildResult, tmp_path: Path) -> None:
    """The print shop gets the same file for the same issue, whichever build printed it: nothing of the
    build's own temporary folders reaches the PDF (WeasyPrint names images after their address)."""
    content = build_result.site_dir.parent.parent / "content"
    code = main(
        [
            "newsletter",
            "test",
            "--issue",
            "2026-q3",
            "--content",
            str(content),
            "--out",
            str(tmp_path),
            "--today",
            TODAY.isoformat(),
        ]
    )
    assert code == 0
    again = tmp_path / "_newsletter/test/2026-q3.pdf"
    assert len(PdfReader(again).pages[0].images) >= 2
    assert again.read_bytes() == (build_result.site_dir / "newsletter/2026-q3.pdf").read_bytes()


def test_pdfs_are_printed_again_only_when_what_they_are_made_from_changes(tmp_path: Path, monkeypatch) -> None:
    """A PDF printed before from the same HTML, images, fonts and engine is taken from .cache/print/
    instead of printed again; a change to the charter prints the charter, and only it."""
    import weasyprint

    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=NEWS)
    printed: list[str] = []
    render = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        printed.append(self.base_url)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    covers = calls_recorded(monkeypatch, cover_module, "render_first_page")
    build_chamber("test", content, out, today=TODAY, workers=1)  # printed in this process: counted
    assert len(printed) == 3  # the issue, the charter and the application form
    assert len(covers) == 1  # the issue's cover picture
    names = ("charter.pdf", "newsletter/2026-q3.pdf", "join.pdf")
    first = {name: (out / "test" / name).read_bytes() for name in names}
    kept = tmp_path / ".cache/print/test"
    assert len(list(kept.glob("*.pdf"))) == 3

    printed.clear()
    build_chamber("test", content, tmp_path / "again", today=TODAY, workers=1)
    assert printed == [] and len(covers) == 1  # the cover picture too is taken from the cache
    names += ("newsletter/2026-q3.cover.png",)
    first["newsletter/2026-q3.cover.png"] = (out / "test/newsletter/2026-q3.cover.png").read_bytes()
    assert {name: (tmp_path / "again/test" / name).read_bytes() for name in first} == first

    charter = content / "test/charter.md"
    charter.write_text(
        charter.read_text(encoding="utf-8").replace("温州市测试商会。", "温州市测试商会（简称测试商会）。"),
        encoding="utf-8",
    )
    build_chamber("test", content, out, today=TODAY, workers=1)
    assert len(printed) == 1 and printed[0].endswith("charter.html")
    assert "简称测试商会" in pdf_text(out / "test/charter.pdf")
    assert (out / "test/newsletter/2026-q3.pdf").read_bytes() == first["newsletter/2026-q3.pdf"]
    assert (out / "test/join.pdf").read_bytes() == first["join.pdf"]
    # PDFs, their facts and the issue's cover picture; the old charter's are gone.
    assert len(list(kept.glob("*.pdf"))) == 3 and len(list(kept.iterdir())) == 7

    # A kept PDF that is not as recorded (cut short, changed by hand) is printed again, not copied.
    printed.clear()
    for path in kept.glob("*.pdf"):
        path.write_bytes(path.read_bytes()[:100])
    build_chamber("test", content, tmp_path / "third", today=TODAY, workers=1)
    assert len(printed) == 3
    assert PdfReader(tmp_path / "third/test/newsletter/2026-q3.pdf").pages


def _issue_problems(content: Path, issue: str, files: dict | None = None) -> list[str]:
    write_chamber(
        content, files={"newsletters/2026-q2.yml": issue, "assets/logo.png": _png(8, 8, "#aa2222"), **(files or {})}
    )
    chamber = load_chamber(content, "test", today=TODAY)
    with pytest.raises(ContentError) as caught:
        load_issues(chamber)
    return [str(p) for p in caught.value.problems]


def test_links_in_the_foreword_and_back_cover_are_checked_as_a_post_s(content: Path) -> None:
    issue = (
        "from: 2026-01-01\n"
        "foreword: |\n"
        "  卷首语。![标志](assets/logo.png)\n"
        "  名录见[这里](members.csv)。\n"
        '  <a href="file:///etc/passwd">x</a> 与 [上级](../other/members.csv)\n'
        "back_cover: '![a](/etc/passwd) [表](assets/list.xlsx)'\n"
    )
    errors = _issue_problems(content, issue, {"assets/list.xlsx": b"PK\x03\x04"})
    where = "content/test/newsletters/2026-q2.yml"
    expected = [
        f"{where}:4: link 'members.csv' is not a file that can be published",
        f"{where}:5: link 'file:///etc/passwd' is an absolute path",
        f"{where}:5: link '../other/members.csv' points outside the chamber folder",
        f"{where}:6: image '/etc/passwd' is an absolute path",
        f"{where}:6: link 'assets/list.xlsx' is a spreadsheet",
    ]
    for start in expected:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert len(errors) == len(expected), errors


@pytest.mark.parametrize("value", ["-1", "0", "1.5", "abc", "总第-3期"])
def test_total_number_must_be_a_positive_whole_number(content: Path, value: str) -> None:
    errors = _issue_problems(content, f"from: 2026-01-01\ntotal_number: {value}\n")
    assert len(errors) == 1 and errors[0].startswith("content/test/newsletters/2026-q2.yml:2: total_number: "), errors
    assert "is not a positive whole number" in errors[0]


@pytest.mark.parametrize("value", ["18", "总第18期", "'7'"])
def test_a_positive_total_number_is_accepted(content: Path, value: str) -> None:
    write_chamber(content, files={"newsletters/2026-q2.yml": f"from: 2026-01-01\ntotal_number: {value}\n"})
    assert [i.definition.total_number for i in load_issues(load_chamber(content, "test", today=TODAY))] in (
        ["18"],
        ["总第18期"],
        ["7"],
    )


# --- the magazine: layout, cover, imprint, print-shop output (issue #25) -------------------------

LONG_TITLE = "温州市测试商会第四届会员大会胜利召开，张三连任会长"
PRINT_ISSUE = ISSUE_YML.replace("title: 同心协力谋发展\n", f"title: {LONG_TITLE}\n") + "print_date: 2026-10-08\n"
SMALL_PICTURE = "news/2026/images/small.png"  # 300 px across a column of 86 mm: about 90 dpi


@pytest.fixture(scope="session")
def print_shop(tmp_path_factory) -> tuple[Path, str]:
    """`chamber newsletter --bleed --booklet` of an issue with a long headline and a picture too small for
    print: the PDF, and what the command said."""
    root = tmp_path_factory.mktemp("newsletter-print")
    news = NEWS | {
        "newsletters/2026-q3.yml": PRINT_ISSUE,
        SMALL_PICTURE: _png(300, 200, "#228844"),
        "news/2026/2026-08-03-huodong.md": NEWS["news/2026/2026-08-03-huodong.md"].replace(
            "走访正文第2段", "![走访现场](images/small.png)\n\n走访正文第2段"
        ),
    }
    write_chamber(root / "content", chamber_yml=NEWSLETTER_YML, files=news)
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
        code = main(
            ["newsletter", "test", "--issue", "2026-q3", "--bleed", "--booklet"]
            + ["--content", str(root / "content"), "--out", str(root / "sites"), "--today", TODAY.isoformat()]
        )
    assert code == 0, said.getvalue()
    return root / "sites/_newsletter/test/2026-q3.pdf", said.getvalue()


def text_lines(path: Path, page: int) -> list[tuple[float, str]]:
    """The lines of a page as the PDF places them (pdftotext -bbox-layout): (top in pt, text)."""
    from lxml import etree

    xml = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout
    tree = etree.fromstring(xml, etree.XMLParser(recover=True))
    lines = []
    for line in tree.iter("{*}line"):
        words = "".join(w.text or "" for w in line.iter("{*}word"))
        lines.append((float(line.get("yMin")), words))
    return lines


def page_fill(path: Path, margins_mm: tuple[float, float, float], columns: int) -> list[float]:
    """How far down each page's text area (inside the margins: top, sides, bottom) is covered by text and
    pictures, read from a rendering: for each column the lowest inked row over the area's height, averaged
    over the columns (1.0: full)."""
    import tempfile

    top, side, bottom = margins_mm
    mm = 30 / 25.4  # pixels per millimetre at 30 dpi
    fills = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(path), f"{folder}/p"], check=True)
        for png in sorted(Path(folder).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            image = Image.open(png).convert("L")
            box = (round(side * mm), round(top * mm), image.width - round(side * mm), image.height - round(bottom * mm))
            area = image.crop(box)
            width = area.width // columns
            extents = []
            for column in range(columns):
                part = area.crop((column * width, 0, (column + 1) * width, area.height))
                inked = [y for y in range(part.height) if min(part.crop((0, y, part.width, y + 1)).tobytes()) < 140]
                extents.append((max(inked) + 1) / part.height if inked else 0.0)
            fills.append(sum(extents) / columns)
    return fills


def test_cover_carries_the_permit_and_the_free_notice_in_full(built: Path) -> None:
    cover = pdf_text(built / "newsletter/2026-q3.pdf", 1)
    assert "准印证号：浙内准字第2026-099号" in cover
    assert "内部资料，免费交流" in cover
    # Two or three cover lines: the other stories of the issue.
    assert "会员企业走访活动" in cover and "法律知识培训班开班" in cover


def test_an_issue_printed_with_the_days_date_is_printed_again_on_a_later_day(tmp_path: Path, capsys) -> None:
    """Without its own print date an issue is printed with the build's day (印刷日期): a build on a later
    day is not skipped as unchanged, and its PDF says that day, as a plain build would."""
    content = tmp_path / "content"
    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=NEWS)
    args = ["build", "test", "--content", str(content), "--out", str(tmp_path / "sites")]
    assert main([*args, "--today", "2026-11-25"]) == 0 and "✓ test" in capsys.readouterr().out
    assert main([*args, "--today", "2026-11-25"]) == 0 and "✓ test" not in capsys.readouterr().out  # skipped
    assert main([*args, "--today", "2026-11-26"]) == 0 and "✓ test" in capsys.readouterr().out
    back = pdf_text(tmp_path / "sites/test/newsletter/2026-q3.pdf")
    assert "印刷日期：2026年11月26日" in back and "2026年11月25日" not in back


def test_imprint_holds_every_required_field_and_the_contact_block_once(built: Path) -> None:
    path = built / "newsletter/2026-q3.pdf"
    back = pdf_text(path, len(PdfReader(path).pages))
    for field in (
        "期号：2026年第3期（总第18期）",
        "编印单位：温州市测试商会",
        "发送对象：本会会员",
        "印刷单位：温州测试印务有限公司",
        f"印刷日期：{TODAY.year}年{TODAY.month}月{TODAY.day}日",  # default: the day it is printed
        "印数：500册",
        "准印证号：浙内准字第2026-099号",
        "内部资料，免费交流",
        "网址：https://test.example.cn/",
        "商会网站",  # the QR code's caption
    ):
        assert field in back, field
    assert pdf_text(path).count("温州市鹿城区测试路1号") == 1


def test_site_qr_code_is_drawn_from_the_site_address(content: Path) -> None:
    import segno

    write_chamber(content, chamber_yml=NEWSLETTER_YML, files=NEWS)
    chamber = load_chamber(content, "test", today=TODAY)
    html = issue_html(build_issue(chamber, load_issues(chamber)[0]), pdf.find_fonts())
    uri = re.search(r'<figure class="qr"><img src="(data:image/svg\+xml[^"]+)"', html).group(1)
    assert uri == segno.make("https://test.example.cn/", error="m").svg_data_uri(border=0, dark="#111111")


def test_headline_is_set_in_balanced_lines_measured_on_the_cover(print_shop: tuple[Path, str]) -> None:
    path, _ = print_shop
    page = [text for _, text in sorted(text_lines(path, 1))]
    # The consecutive lines that make up the headline, as the page places them.
    lines = next(
        page[start:end]
        for start in range(len(page))
        for end in range(start + 1, len(page) + 1)
        if "".join(page[start:end]) == LONG_TITLE
    )
    assert len(lines) >= 2, lines
    assert all(len(line) >= 3 for line in lines), lines
    assert max(map(len, lines)) - min(map(len, lines)) <= 6, lines


def test_balanced_lines_never_leave_a_word_alone() -> None:
    from chamberpress.print.newsletter import balanced_lines

    title = "温州市安徽商会第四届会员大会胜利召开，陶国庆连任会长"
    lines = balanced_lines(title, 18)
    assert "".join(lines) == title and len(lines) == 2
    assert all(len(line) >= 6 for line in lines) and not lines[-1].startswith("长")
    assert balanced_lines("商会召开年会", 18) == ["商会召开年会"]
    for line in balanced_lines("南昌（温州）招商项目推介会举行，会员企业签约项目总投资9.3亿元", 18):
        assert not line.startswith(("，", "）")) and not line.endswith("（")


def test_pages_are_at_least_half_filled(built: Path, a5_issue: Path, demo_sites: Path) -> None:
    """Every page but the cover, the last page of text and the back cover: the text area is covered at
    least half way down (both columns on A4)."""
    issues = [(built / "newsletter/2026-q3.pdf", (20, 16, 18), 2)]
    issues += [(a5_issue / "2026-08-01_2026-08-31.pdf", (16, 12, 15), 1)]
    issues += [(path, (20, 16, 18), 2) for path in sorted(demo_sites.glob("*/newsletter/*.pdf"))]
    for path, margins, columns in issues:
        fills = page_fill(path, margins, columns)
        inner = fills[1:-2]  # not the cover, the last page of text, the back cover
        assert inner and all(fill >= 0.5 for fill in inner), (path.name, [round(f, 2) for f in fills])


def test_pictures_have_captions_from_their_alt_text(built: Path) -> None:
    text = pdf_text(built / "newsletter/2026-q3.pdf")
    assert "大会现场" in text  # ![大会现场](images/wide.png) in the lead story


def test_paragraph_ends_are_kept_together_and_figures_captioned(tmp_path: Path) -> None:
    from chamberpress.print.newsletter import _Files, markdown_html

    (tmp_path / "a.png").write_bytes(_png(10, 10, "#000000"))
    html = markdown_html("第一段文字很长很长很长。\n\n![现场照片](a.png)\n\n短段。", tmp_path, _Files("x", tmp_path))
    assert '第一段文字很长很<span class="nobr">长很长。</span></p>' in html
    assert re.search(
        r'<figure><img alt="现场照片" src="x.files/001.png"\s*/?><figcaption>现场照片</figcaption></figure>', html
    )
    assert "<p>短段。</p>" in html  # too short to need it


def test_contents_use_one_leader_style(built: Path) -> None:
    contents = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(built / "newsletter/2026-q3.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    numbered = [line for line in contents.splitlines() if re.search(r"\d+\s*$", line) and "." in line]
    assert len(numbered) >= 6
    assert "…" not in contents and "·" not in contents


def test_print_shop_copy_has_bleed_crop_marks_and_booklet_pages(print_shop: tuple[Path, str]) -> None:
    path, _ = print_shop
    reader = PdfReader(path)
    mm = 25.4 / 72
    for page in reader.pages:
        assert (round(float(page.mediabox.width) * mm), round(float(page.mediabox.height) * mm)) == (216, 303)
        assert (round(float(page.trimbox.width) * mm), round(float(page.trimbox.height) * mm)) == (210, 297)
    assert len(reader.pages) % 4 == 0
    assert "内部资料，免费交流" in pdf_text(path, len(reader.pages))  # the back cover stays last
    # The site's copy of the same issue has neither bleed nor blank pages.


def test_a_picture_too_coarse_for_print_is_named(print_shop: tuple[Path, str]) -> None:
    _, said = print_shop
    (warning,) = [line for line in said.splitlines() if line.startswith(f"content/test/{SMALL_PICTURE}:")]
    assert warning.startswith(f"content/test/{SMALL_PICTURE}: this picture prints at ")
    assert "in the newsletter 2026-q3" in warning and warning.endswith("[warning]")
    assert int(re.search(r"at (\d+) dpi", warning).group(1)) < 150


def test_check_warns_citing_the_rule(content: Path, capsys) -> None:
    chamber_yml = CHAMBER_YML + "newsletter:\n  title: 测试商会会刊\n  printed: 是\n"
    issue = "number: 2026年第3期\nfrom: 2026-07-01\nforeword: 本报讯。\n"
    files = {
        "newsletters/2026-q3.yml": issue,
        "news/2026/2026-08-01-x.md": post("一篇新闻", "2026-08-01", "第一段。\n\n欢迎向本刊投稿，刊号另行公布。"),
        "news/2026/2026-08-02-y.md": post("另一篇", "2026-08-02", "本刊以外的稿件"),  # fine: the same rule
    }
    write_chamber(content, chamber_yml=chamber_yml, files=files)
    code = main(["check", "test", "--content", str(content), "--today", TODAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 0  # warnings only
    rule = "《内部资料性出版物管理办法》第十四条"
    assert "content/test/chamber.yml:13: newsletter.title: the newsletter's name '测试商会会刊' ends in '刊'" in err
    assert "content/test/news/2026/2026-08-01-x.md:8: '本刊' is printed in the newsletter" in err
    assert "content/test/news/2026/2026-08-01-x.md:8: '刊号' is printed in the newsletter" in err
    assert "content/test/newsletters/2026-q3.yml:3: foreword: '本报' is printed in the newsletter" in err
    for key in ("permit", "printer", "copies"):
        assert f"newsletter.{key}: newsletter.{key} (" in err and "is missing" in err
    assert err.count(rule) == 1 + 3 + 3 + 1, err
