"""What is read from a chamber's folder and what is copied out of it: only files meant to be published, never
through a link out of the chamber, photos without their metadata, no script from the chamber's address."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from conftest import TODAY, post, write_chamber
from chamberpress.build.pipeline import build_chamber
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError


def problems_of(content: Path, slug: str = "t") -> list[str]:
    """Every error of loading the chamber (the load must fail)."""
    with pytest.raises(ContentError) as caught:
        load_chamber(content, slug, today=TODAY)
    return [str(p) for p in caught.value.problems]


def site_names(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


# --- Case 17: which files are posts and pages -----------------------------------------------------------


def test_a_post_ending_in_md_in_any_case_is_a_post(content: Path, out: Path) -> None:
    write_chamber(
        content,
        "t",
        files={
            "news/2026/2026-03-01-upper.MD": post("大写后缀", "2026-03-01"),
            "news/2026/2026-03-02-mixed.Md": post("混合后缀", "2026-03-02"),
        },
    )
    build_chamber("t", content, out, today=TODAY)
    for url in ("news/2026/03/01/upper/index.html", "news/2026/03/02/mixed/index.html"):
        assert (out / "t" / url).is_file(), url
    assert "大写后缀" in (out / "t/feed.xml").read_text(encoding="utf-8")


HIDDEN = {
    "news/2026/.draft.md": post("隐藏草稿", "2026-03-01"),
    "news/2026/.#2026-03-02-lock.md": post("锁定文件", "2026-03-02"),
    "news/2026/~$2026-03-03-office.md": post("临时文件", "2026-03-03"),
    "news/2026/#2026-03-04-autosave.md#": post("自动保存", "2026-03-04"),
    "news/2026/2026-03-05-backup.md~": post("备份文件", "2026-03-05"),
    "news/.hidden/2026-03-06-in-hidden.md": post("隐藏文件夹", "2026-03-06"),
    "pages/.secret.md": "---\ntitle: 隐藏页面\n---\n\n不应出现。\n",
}


def test_hidden_and_editor_lock_files_are_never_posts_or_pages(content: Path, out: Path) -> None:
    write_chamber(content, "t", files=HIDDEN)
    chamber = load_chamber(content, "t", today=TODAY)
    assert {p.title for p in chamber.posts} == {"法律知识培训班开班", "商会召开2025年年会"}
    assert {p.name for p in chamber.pages} == {"about", "join"}
    build_chamber("t", content, out, today=TODAY)
    site = out / "t"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            for title in ("隐藏草稿", "锁定文件", "临时文件", "自动保存", "备份文件", "隐藏文件夹", "隐藏页面"):
                assert title not in text, (path, title)


# --- Case 6: no link out of the chamber -----------------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    (outside / "ext").mkdir(parents=True)
    (outside / "charter.md").write_text(
        "---\ntitle: 外部章程\n---\n\n## 第一章　总则\n\n第一条　SECRET。\n", encoding="utf-8"
    )
    (outside / "post.md").write_text(post("外部新闻", "2026-01-02", "SECRET"), encoding="utf-8")
    (outside / "ext/2026-01-03-p.md").write_text(post("外部文件夹", "2026-01-03", "SECRET"), encoding="utf-8")
    (outside / "page.md").write_text("---\ntitle: 外部页面\n---\n\nSECRET\n", encoding="utf-8")
    (outside / "issue.yml").write_text("title: 外部会刊\n", encoding="utf-8")
    (outside / "members.csv").write_text("名称,职务\n外部公司,会长\n", encoding="utf-8")
    (outside / "chamber.yml").write_text("name: 外部商会\nhometown: 某省\naddress: 某路\n", encoding="utf-8")
    return outside


@pytest.mark.parametrize(
    "link, target",
    [
        ("charter.md", "charter.md"),
        ("news/2026/2026-01-02-out.md", "post.md"),
        ("news/ext", "ext"),
        ("pages/outpage.md", "page.md"),
        ("members.csv", "members.csv"),
        ("chamber.yml", "chamber.yml"),
    ],
)
def test_content_files_linked_from_outside_the_chamber_are_refused(
    content: Path, tmp_path: Path, link: str, target: str
) -> None:
    outside = _outside(tmp_path)
    folder = write_chamber(content, "t", files={link: None})
    os.symlink(outside / target, folder / link)
    errors = problems_of(content)
    assert (
        f"content/t/{link}: is a link to a place outside the chamber folder (copy the file into the "
        "chamber folder instead of linking to it)" in errors
    ), errors


def test_a_folder_on_the_way_that_links_out_is_refused(content: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    folder = write_chamber(content, "t")
    os.symlink(outside, folder / "news/2027")  # news/2027/post.md would be read through it
    errors = problems_of(content)
    assert any(e.startswith("content/t/news/2027: is a link to a place outside") for e in errors), errors


def test_newsletter_files_linked_from_outside_are_refused(content: Path, tmp_path: Path) -> None:
    from chamberpress.print.newsletter import load_issues

    outside = _outside(tmp_path)
    folder = write_chamber(content, "t")
    (folder / "newsletters").mkdir()
    os.symlink(outside / "issue.yml", folder / "newsletters/2026-q1.yml")
    chamber = load_chamber(content, "t", today=TODAY)
    with pytest.raises(ContentError) as caught:
        load_issues(chamber)
    assert "content/t/newsletters/2026-q1.yml: is a link to a place outside" in str(caught.value)


def test_links_inside_the_chamber_are_followed(content: Path) -> None:
    folder = write_chamber(
        content,
        "t",
        files={
            "drafts/2026-03-01-shared.md": post("共享稿件", "2026-03-01"),
            "archive/2024/2024-03-01-old.md": post("旧稿件", "2024-03-01"),
            "drafts/about-text.md": "---\ntitle: 关于我们\n---\n\n本会简介。\n",
        },
    )
    os.symlink(folder / "drafts/2026-03-01-shared.md", folder / "news/2026/2026-03-01-shared.md")
    os.symlink(folder / "archive/2024", folder / "news/2024")
    os.symlink(folder / "news", folder / "news/2024/loop")  # a loop inside: each folder read once
    os.symlink("../drafts/about-text.md", folder / "pages/more.md")
    chamber = load_chamber(content, "t", today=TODAY)
    assert {"共享稿件", "旧稿件"} <= {p.title for p in chamber.posts}
    assert "more" in {p.name for p in chamber.pages}


# --- Case 14: page names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("chamber.json", "'chamber.json' is not a page name"),
        ("feed.xml", "'feed.xml' is not a page name"),
        ("About", "'About' is not a page name"),
        ("about us", "'about us' is not a page name"),
        (
            "关于我们",
            "'关于我们' is not a page name (lower-case letters a-z, digits and -: rename the file, "
            "e.g. guan-yu-wo-men.md)",
        ),
        ("news", "the page name 'news' is used by the site itself"),
        ("404", "the page name '404' is used by the site itself"),
        ("pagefind", "the page name 'pagefind' is used by the site itself"),
        ("sitemap", "the page name 'sitemap' is used by the site itself"),
    ],
)
def test_page_names_that_are_not_plain_or_collide_with_the_site_are_refused(
    content: Path, name: str, message: str
) -> None:
    write_chamber(content, "t", files={f"pages/{name}.md": "---\ntitle: 页面\n---\n\n正文。\n"})
    errors = problems_of(content)
    assert any(e.startswith(f"content/t/pages/{name}.md: {message}") for e in errors), errors


def test_every_name_a_site_uses_at_its_top_is_reserved(test_site: Path) -> None:
    """The oracle for RESERVED_NAMES: what a built site holds at its top, but the chamber's own pages."""
    from chamberpress.content.pages import RESERVED_NAMES

    own = {"about", "join"}
    used = {p.name.split(".")[0] for p in test_site.iterdir()} - own
    assert used <= RESERVED_NAMES, used - RESERVED_NAMES


# --- Case 5: only what is meant to be published is copied ----------------------------------------------

ROSTER_TEXT = "名称,联系人,职务,手机\n甲公司,张三,会长,13900000001\n"
ROSTER_COPIES = {
    "assets/members.tsv": ROSTER_TEXT.replace(",", "\t"),
    "assets/backup.xlsb": ROSTER_TEXT,
    "assets/Backup of members.xlk": ROSTER_TEXT,
    "assets/members.csv.bak": ROSTER_TEXT,
    "assets/members-2025.yml": "- 名称: 甲公司\n  手机: 13900000001\n",
    "assets/data/export.json": '{"mobile": "13900000001"}',
    "assets/old.zip": b"PK\x03\x04" + b"\x00" * 30,
    "assets/会员名录2025.pdf": b"%PDF-1.4\n%%EOF\n",
    "assets/通讯录.docx": b"PK\x03\x04" + b"\x00" * 30,
    "assets/notes.txt": "秘书处联系人 139 0000 0002，请勿外传。\n",  # a mobile, spaced
    "assets/list.txt": "单位名称\t联系人\t职务\n甲公司\t张三\t会长\n",  # the roster's header names
    "assets/report.pdf": ROSTER_TEXT,  # a CSV named .pdf
    "assets/idcards.txt": "330302199001011234\n",
}


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["名称", "手机"])
    book.active.append(["甲公司", "13900000001"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_copies_of_the_roster_and_data_in_assets_are_left_out_with_a_warning(content: Path, out: Path) -> None:
    files = {
        **ROSTER_COPIES,
        "assets/slides.pptx": _xlsx_bytes(),
        "assets/guide.pdf": b"%PDF-1.4\n%%EOF\n",
        "assets/入会申请表.docx": b"PK\x03\x04" + b"\x00" * 30,
        "assets/photo.png": png_bytes(),
    }
    write_chamber(content, "t", files=files)
    chamber = load_chamber(content, "t", today=TODAY)
    warned = {w.file.removeprefix("content/t/") for w in chamber.warnings if "left out of the site" in w.message}
    assert warned == set(ROSTER_COPIES) | {"assets/slides.pptx"}, warned
    result = build_chamber("t", content, out, today=TODAY)
    names = site_names(out / "t")
    assert {"assets/guide.pdf", "assets/入会申请表.docx", "assets/photo.png"} <= names
    assert not {
        f
        for f in names
        if f.startswith("assets/")
        and f.endswith(
            (".tsv", ".xlsb", ".xlk", ".bak", ".yml", ".json", ".zip", ".txt", ".pptx", "名录2025.pdf", "report.pdf")
        )
    }
    for path in (out / "t").rglob("*"):
        if path.is_file():
            assert b"13900000001" not in path.read_bytes(), path
    assert result is not None


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("members.xlsx", "x", "is a spreadsheet, which is never published"),
        ("table.CSV", ROSTER_TEXT, "is a spreadsheet, which is never published"),
        ("dump.sql", "select 1;", "is not a kind of file that is published (.sql)"),
        ("copy.pdf.bak", b"%PDF-1.4", "is a backup or temporary file"),
        ("名单.pdf", b"%PDF-1.4", "has a name that looks like the member roster"),
        ("notice.txt", "会员手机 +86 139-0000-0001", "holds a mobile or ID number"),
        ("export.pdf", ROSTER_TEXT, "is not a PDF"),
    ],
)
def test_a_link_to_a_file_that_is_not_published_is_an_error_naming_the_line(
    content: Path, name: str, data: str | bytes, message: str
) -> None:
    write_chamber(
        content,
        "t",
        files={
            f"news/2026/files/{name}": data,
            "news/2026/2026-03-01-a.md": post("附件", "2026-03-01", f"正文。\n\n[下载](files/{name})"),
        },
    )
    errors = problems_of(content)
    assert any(e.startswith(f"content/t/news/2026/2026-03-01-a.md:8: link 'files/{name}' {message}") for e in errors), (
        errors
    )


def test_a_spreadsheet_saved_as_an_office_document_is_refused(content: Path) -> None:
    write_chamber(
        content,
        "t",
        files={
            "pages/files/plan.docx": _xlsx_bytes(),
            "pages/about.md": "---\ntitle: 商会简介\n---\n\n[计划](files/plan.docx)\n",
        },
    )
    errors = problems_of(content)
    assert any(
        e.startswith("content/t/pages/about.md:5: link 'files/plan.docx' is a spreadsheet saved under another name")
        for e in errors
    ), errors


@pytest.mark.parametrize(
    "logo, message",
    [
        ("members.csv", "'members.csv' is not an image (a picture or an SVG drawing)"),
        ("assets/fake.png", "'assets/fake.png' is not a picture that can be read"),
    ],
)
def test_the_logo_must_be_an_image_by_content(content: Path, logo: str, message: str) -> None:
    from conftest import CHAMBER_YML

    write_chamber(content, "t", chamber_yml=CHAMBER_YML + f"logo: {logo}\n", files={"assets/fake.png": "名称,手机\n"})
    errors = problems_of(content)
    assert any(e.startswith(f"content/t/chamber.yml:12: logo: {message}") for e in errors), errors


def test_a_member_logo_that_is_not_an_image_is_left_out(content: Path, out: Path) -> None:
    write_chamber(
        content,
        "t",
        files={
            "members.csv": "名称,职务,标志\n甲公司,会长,members.csv\n乙公司,会员,assets/b.png\n",
            "assets/b.png": png_bytes(),
        },
    )
    chamber = load_chamber(content, "t", today=TODAY)
    assert any(
        w.line == 2 and "标志" in (w.field or "") and "'members.csv' is not an image" in w.message
        for w in chamber.warnings
    )
    build_chamber("t", content, out, today=TODAY)
    assert not [n for n in site_names(out / "t") if n.endswith(".csv")]


# --- Case 7: every photo re-encoded without its metadata, decided by its content ------------------------


def jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 0.0, 0.0), 3: "E", 4: (120.0, 0.0, 0.0)}  # GPS position
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_with_text_and_exif() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 30N 120E")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(buffer, "PNG", pnginfo=info, exif=exif.tobytes())
    return buffer.getvalue()


PHOTOS = {
    "a.jfif": jpeg_with_gps(),
    "b.jpe": jpeg_with_gps(),
    "c.JPG": jpeg_with_gps(),
    "d.png": png_with_text_and_exif(),
    "e.png": jpeg_with_gps(),
}  # e: a JPEG named .png


def test_photos_of_any_extension_are_published_without_metadata(content: Path, out: Path) -> None:
    from PIL import Image

    assert Image.open(io.BytesIO(PHOTOS["a.jfif"])).getexif().get_ifd(0x8825)  # the sample has GPS
    body = "\n\n".join(f"![图](images/{name})" for name in PHOTOS)
    write_chamber(
        content,
        "t",
        files={
            **{f"news/2026/images/{name}": data for name, data in PHOTOS.items()},
            **{f"assets/{name}": data for name, data in PHOTOS.items()},
            "news/2026/2026-03-01-a.md": post("照片", "2026-03-01", body, cover="images/a.jfif"),
        },
    )
    for build in (1, 2):  # the second from the image cache
        build_chamber("t", content, out, today=TODAY)
        site = out / "t"
        published = [site / "news/2026/images" / n for n in PHOTOS] + [site / "assets" / n for n in PHOTOS]
        published.append(site / "news/2026/images/a.thumb.jfif")
        for path in published:
            data = path.read_bytes()
            assert b"CameraMaker" not in data and b"GPS" not in data, (build, path)
            with Image.open(path) as image:
                assert not image.getexif(), (build, path)
                assert "exif" not in image.info and "Comment" not in image.info, (build, path)
                assert image.format == ("PNG" if path.suffix == ".png" else "JPEG"), (build, path)


@pytest.mark.parametrize(
    "name, fmt", [("scan.tif", "TIFF"), ("scan.bmp", "BMP"), ("photo.dat", "JPEG"), ("photo.pdf", "JPEG")]
)
def test_a_picture_browsers_do_not_show_under_its_name_is_refused(content: Path, name: str, fmt: str) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, fmt)
    write_chamber(
        content,
        "t",
        files={
            f"news/2026/files/{name}": buffer.getvalue(),
            "news/2026/2026-03-01-a.md": post("附件", "2026-03-01", f"[下载](files/{name})"),
        },
    )
    errors = problems_of(content)
    assert any(
        e.startswith(
            f"content/t/news/2026/2026-03-01-a.md:6: link 'files/{name}' is a {fmt} picture "
            f"named {Path(name).suffix}, which browsers do not show"
        )
        for e in errors
    ), errors


# --- Case 10: no script from the chamber's own address --------------------------------------------------

EVIL_SVG = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
     onload="alert(1)">
  <script>alert(2)</script>
  <rect width="10" height="10" fill="url(#g)" onclick="alert(3)" style="fill:url(https://evil.example/x)"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml" onmouseover="alert(4)">x</div></foreignObject>
  <image xlink:href="https://evil.example/track.png"/>
  <a href="javascript:alert(5)"><circle r="3"/></a>
  <set attributeName="href" to="javascript:alert(6)"/>
  <style>@import url(https://evil.example/x.css);</style>
  <circle r="2" fill="red"/>
</svg>
"""


def test_svg_files_are_published_sanitized(content: Path, out: Path) -> None:
    from lxml import etree

    write_chamber(
        content,
        "t",
        files={
            "news/2026/images/evil.svg": EVIL_SVG,
            "assets/evil.svg": EVIL_SVG,
            "news/2026/2026-03-01-a.md": post("图形", "2026-03-01", "![图](images/evil.svg)"),
        },
    )
    build_chamber("t", content, out, today=TODAY)
    first = site_names(out / "t")
    build_chamber("t", content, out, today=TODAY)  # the second with every cache warm: the same copies
    assert site_names(out / "t") == first
    for path in (out / "t/news/2026/images/evil.svg", out / "t/assets/evil.svg"):
        text = path.read_text(encoding="utf-8")
        root = etree.fromstring(text.encode())
        tags = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
        assert tags == {"svg", "rect", "image", "circle"}, (path, tags)
        attributes = [(name, value) for e in root.iter() for name, value in e.attrib.items()]
        assert not [a for a in attributes if a[0].lower().startswith("on") or "evil" in a[1] or "javascript" in a[1]], (
            attributes
        )
        assert ("fill", "url(#g)") in attributes and ("fill", "red") in attributes  # the drawing stays


@pytest.mark.parametrize(
    "name", ["notice.html", "notice.XHTML", "page.htm", "inc.shtml", "logo.svgz", "data.xml", "app.js"]
)
def test_web_pages_and_scripts_linked_from_a_post_are_refused(content: Path, name: str) -> None:
    write_chamber(
        content,
        "t",
        files={
            f"news/2026/files/{name}": "<html><script>alert(1)</script></html>",
            "news/2026/2026-03-01-a.md": post("附件", "2026-03-01", f"正文。\n\n见[通知](files/{name})。"),
        },
    )
    errors = problems_of(content)
    assert any(
        e.startswith(f"content/t/news/2026/2026-03-01-a.md:8: link 'files/{name}' is a web page or script")
        for e in errors
    ), errors


def test_an_svg_that_is_not_well_formed_is_refused(content: Path) -> None:
    write_chamber(
        content,
        "t",
        files={
            "news/2026/images/bad.svg": "<svg><script>alert(1)</scr",
            "news/2026/2026-03-01-a.md": post("图形", "2026-03-01", "![图](images/bad.svg)"),
        },
    )
    errors = problems_of(content)
    assert any("image 'images/bad.svg' is not an SVG drawing that can be read" in e for e in errors), errors


# --- Case 11: absolute paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "![a](/etc/passwd)",
        "[a](file:///etc/passwd)",
        "![a](FILE:/etc/hosts)",
        r"[a](\\server\share\x.pdf)",
        '<img src="/etc/passwd">',
        "[新闻](/news/)",
        "[a]: /etc/passwd",
    ],
)
def test_absolute_paths_and_file_urls_are_errors_naming_the_line(content: Path, written: str) -> None:
    write_chamber(
        content,
        "t",
        files={
            "news/2026/2026-03-01-a.md": post("路径", "2026-03-01", f"正文。\n\n{written}\n"),
        },
    )
    errors = problems_of(content)
    assert any(
        e.startswith("content/t/news/2026/2026-03-01-a.md:8: ") and "is an absolute path" in e for e in errors
    ), errors


def test_links_to_other_sites_are_not_paths(content: Path) -> None:
    write_chamber(
        content,
        "t",
        files={
            "news/2026/2026-03-01-a.md": post(
                "链接", "2026-03-01", "[a](https://example.cn/) [b](//cdn.example.cn/x) [c](mailto:a@b.cn)"
            ),
        },
    )
    assert load_chamber(content, "t", today=TODAY).posts


def test_photos_printed_in_a_newsletter_carry_no_metadata(content: Path, out: Path) -> None:
    """WeasyPrint embeds a JPEG as it is: the print gets the clean copy, not the camera's file."""
    photo = PHOTOS["a.jfif"]
    assert b"Exif" in photo and b"CameraMaker" in photo
    write_chamber(
        content,
        "t",
        files={
            "news/2026/images/a.jpg": photo,
            "news/2026/2026-03-01-a.md": post("照片", "2026-03-01", "![现场](images/a.jpg)"),
            "newsletters/2026-q1.yml": "from: 2026-01-01\nto: 2026-03-31\n",
        },
    )
    build_chamber("t", content, out, today=TODAY)
    pdf = (out / "t/newsletter/2026-q1.pdf").read_bytes()
    assert b"/DCTDecode" in pdf  # the photo is in the print
    assert b"Exif" not in pdf and b"CameraMaker" not in pdf


# --- Text in any encoding, RTF as read, audio and video by their content -------------------------------------

NOTE = "秘书处联系人 139 2222 5506，请勿外传。\n"
HEADER = "名称,联系人,职务\n甲公司,张三,会长\n"


def _rtf(body: bytes, *, data: bool = False) -> bytes:
    """An RTF document as Word or WPS writes it; `data`: with a picture and a theme, hex that holds digit runs."""
    hex_data = rb"{\*\themedata 1390000000100}{\pict\pngblip 89504e47 13900000001 0d0a}" if data else b""
    return rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}" + hex_data + body + b"}"


@pytest.mark.parametrize(
    "name, data",
    [
        ("notes16.txt", NOTE.encode("utf-16")),  # Notepad's "Unicode": BOM, LE
        ("notes16be.txt", b"\xfe\xff" + NOTE.encode("utf-16-be")),
        ("notes16nobom.txt", NOTE.encode("utf-16-le")),  # told by its NULs
        ("list16.txt", HEADER.encode("utf-16-le")),
        ("notes32.txt", NOTE.encode("utf-32")),
        ("list32be.txt", HEADER.encode("utf-32-be")),
        ("ctc.rtf", _rtf(rb"\pard\f0 \'c1\'aa\'cf\'b5\'c8\'cb 139\~2222\~5506\par")),  # 联系人, RTF spaces
        ("hex.rtf", _rtf(rb"\'d5\'c5\'d7\'dc {\b 139}-{\i 2222}-5506\par")),
        ("uni.rtf", _rtf(rb"\uc1\u21517?\u31216?,\u32852?\u31995?\u20154?,\u32844?\u21153?\par")),  # 名称,联系人,职务
        ("clip.mp4", ROSTER_TEXT),  # the roster renamed
        ("song.mp3", b"\x00" * 64),
        ("talk.m4a", b"RIFF\x00\x00\x00\x00WAVE"),
        ("film.webm", b"OggS" + b"\x00" * 60),
        ("sound.ogg", ROSTER_TEXT.encode("utf-16")),
        ("voice.wav", b"RIFF\x00\x00\x00\x00AVI "),
    ],
)
def test_text_in_any_encoding_rtf_and_media_are_judged_by_their_content(
    content: Path, out: Path, name: str, data: bytes | str
) -> None:
    write_chamber(content, "t", files={f"assets/{name}": data})
    chamber = load_chamber(content, "t", today=TODAY)
    warned = [w.message for w in chamber.warnings if w.file == f"content/t/assets/{name}"]
    assert len(warned) == 1 and warned[0].endswith(": left out of the site"), warned
    assert (
        ("is not an" in warned[0] or "is not a " in warned[0])
        if name.endswith((".mp4", ".mp3", ".m4a", ".webm", ".ogg", ".wav"))
        else "mobile" in warned[0] or "roster" in warned[0]
    )


MEDIA = {
    "clip.mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64,
    "talk.m4a": b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 64,
    "film.webm": b"\x1a\x45\xdf\xa3" + b"\x00" * 64,
    "song.mp3": b"ID3\x04\x00" + b"\x00" * 64,
    "frame.mp3": b"\xff\xfb\x90\x64" + b"\x00" * 64,
    "sound.ogg": b"OggS\x00\x02" + b"\x00" * 64,
    "voice.wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64,
    "plain.rtf": _rtf(rb"\pard \'c9\'cc\'bb\'e1\'bc\'f2\'bd\'e9 0577-88880000\par", data=True),  # 商会简介, a landline
    "hello16.txt": "商会简介：本会成立于2015年，电话0577-88880000。\n".encode("utf-16"),
}


def test_real_audio_video_and_harmless_text_in_any_encoding_are_published(content: Path, out: Path) -> None:
    write_chamber(content, "t", files={f"assets/{name}": data for name, data in MEDIA.items()})
    chamber = load_chamber(content, "t", today=TODAY)
    assert [w.message for w in chamber.warnings if w.file.startswith("content/t/assets/")] == []
    build_chamber("t", content, out, today=TODAY)
    assert {f"assets/{name}" for name in MEDIA} <= site_names(out / "t")


def test_rtf_text_is_read_as_a_reader_sees_it() -> None:
    from chamberpress.content.published import rtf_text

    text = rtf_text(_rtf(rb"\'c3\'fb\'b3\'c6 139\~2222\~5506\par\u32852?\u31995?\u20154?\cell x\_y\-z"))
    assert text.split() == ["名称", "139", "2222", "5506", "联系人", "x-yz"]
