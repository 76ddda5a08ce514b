"""Files as Windows editors save them: CRLF line ends, UTF-8 with a byte-order mark, GB18030 from older
Notepad and Excel, Chinese file names, backslashes and drive letters in paths, names in other capitals."""

from __future__ import annotations

import codecs
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from chamberpress import paths, platform_support
from chamberpress.cli import main
from chamberpress.content.members import READERS
from chamberpress.content.sources import decode_text
from chamberpress.errors import Problems
from conftest import CHAMBER_YML, TODAY, parse, post, site_files, write_chamber

TEXT_SUFFIXES = (".md", ".yml", ".yaml", ".csv")


def jpeg(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(data, "JPEG")
    return data.getvalue()


def as_windows_saves(folder: Path) -> None:
    """Every text file of the folder with CRLF line ends and a UTF-8 byte-order mark, as Notepad saves it."""
    for path in folder.rglob("*"):
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
            path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))


def build(content: Path, out: Path, slug: str = "test") -> int:
    return main(["build", slug, "--content", str(content), "--out", str(out), "--today", str(TODAY)])


WINDOWS_FILES = {
    # A Chinese file name: the URL is the name's pinyin, as for any post (news._slug_for).
    "news/2026/2026-05-01-商会年会.md": post(
        "商会年会", "2026-05-01", body="![合影](images/合影.jpg)\n\n见[去年年会](../2025/2025-12-30-nianhui.md)。\n"
    ),
    # A backslash, as a Windows editor may write a path: read as images/a.jpg.
    "news/2026/2026-05-02-fanxiegang.md": post(
        "反斜杠", "2026-05-02", body="![会场](images\\a.jpg)\n\n见[年会](2026-05-01-商会年会.md)。\n"
    ),
    "news/2026/images/合影.jpg": jpeg(),
    "news/2026/images/a.jpg": jpeg((30, 30, 200)),
    "members.yml": "- 名称: 甲公司\n  联系人: 张三\n  职务: 会长\n  行业: 商贸\n  手机: '13900000001'\n",
    "members.csv": None,
}


@pytest.fixture(scope="module")
def windows_sites(tmp_path_factory) -> tuple[Path, Path]:
    """The same chamber built as written on Linux (LF, no mark) and as saved on Windows (CRLF, BOM)."""
    root = tmp_path_factory.mktemp("windows")
    write_chamber(root / "lf", files=WINDOWS_FILES)
    shutil.copytree(root / "lf", root / "crlf")
    as_windows_saves(root / "crlf")
    assert (root / "crlf" / "test" / "chamber.yml").read_bytes().startswith(codecs.BOM_UTF8 + b"name:")
    assert b"\r\n" in (root / "crlf" / "test" / "members.yml").read_bytes()
    assert build(root / "lf", root / "lf-sites") == 0
    assert build(root / "crlf", root / "crlf-sites") == 0
    return root / "lf-sites" / "test", root / "crlf-sites" / "test"


def test_crlf_and_byte_order_mark_build_the_same_site(windows_sites) -> None:
    lf, crlf = windows_sites
    assert site_files(crlf) == site_files(lf)


def test_chinese_file_names_build_and_their_links_work(windows_sites) -> None:
    site, _ = windows_sites
    page = site / "news/2026/05/01/shang-hui-nian-hui/index.html"
    image = parse(page).xpath("//article//img")[0].get("src")
    assert image == "../../../images/%E5%90%88%E5%BD%B1.jpg"  # 合影.jpg, as a URL
    assert (site / "news/2026/images/合影.jpg").is_file()
    other = site / "news/2026/05/02/fanxiegang/index.html"
    links = parse(other).xpath("//article//a/@href")
    assert "../../01/shang-hui-nian-hui/" in links
    assert ((other.parent / "../../01/shang-hui-nian-hui/index.html").resolve()).is_file()


def test_backslash_in_an_image_path_is_read_as_a_slash(windows_sites) -> None:
    site, _ = windows_sites
    page = site / "news/2026/05/02/fanxiegang/index.html"
    assert parse(page).xpath("//article//img")[0].get("src") == "../../../images/a.jpg"


def test_yaml_roster_with_mark_and_crlf_reads_as_without(tmp_path: Path) -> None:
    plain, windows = tmp_path / "members.yml", tmp_path / "w" / "members.yml"
    windows.parent.mkdir()
    text = "- 名称: 甲公司\n  联系人: 张三\n  职务: 会长\n"
    plain.write_text(text, encoding="utf-8")
    windows.write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"))
    problems_plain, problems_windows = Problems(tmp_path), Problems(tmp_path)
    assert READERS[".yml"](windows, problems_windows) == READERS[".yml"](plain, problems_plain)
    assert problems_windows.items == problems_plain.items == []


def check(content: Path, capsys) -> tuple[int, str]:
    code = main(["check", "test", "--content", str(content)])
    return code, capsys.readouterr().err


def test_gb18030_files_are_read_with_a_warning_naming_each(content: Path, capsys) -> None:
    write_chamber(
        content,
        files={
            "news/2026/2026-05-02-jiu-bianma.md": post("旧编码的新闻", "2026-05-02").encode("gb18030"),
            "members.csv": "名称,联系人,职务,行业,手机\n甲公司,张三,会长,商贸,13900000001\n".encode("gb18030"),
            "charter.md": "---\ntitle: 测试商会章程\n---\n\n第一条　本会名称为温州市测试商会。\n".encode("gbk"),
        },
    )
    code, err = check(content, capsys)
    assert code == 0, err
    for rel in ("news/2026/2026-05-02-jiu-bianma.md", "members.csv", "charter.md"):
        assert f"test/{rel}: the file is saved in the older Chinese Windows encoding (GB18030/GBK)" in err
    assert err.count("UTF-8") >= 3
    from chamberpress.content.load import load_chamber

    chamber = load_chamber(content, "test", today=TODAY)
    assert "旧编码的新闻" in {p.meta.title for p in chamber.posts}


def test_text_in_no_known_encoding_is_an_error_saying_how_to_save(content: Path, capsys) -> None:
    write_chamber(content, files={"news/2026/2026-05-03-c.md": b"---\ntitle: \xff\xfe\xfd\n---\n"})
    code, err = check(content, capsys)
    assert code == 1
    assert "test/news/2026/2026-05-03-c.md: the text encoding is not recognised" in err
    assert "save the file as UTF-8: in Notepad, File > Save As, Encoding UTF-8" in err


def test_decoding_prefers_utf8_then_utf16_mark_then_gb18030() -> None:
    assert decode_text("商会".encode("utf-8")) == ("商会", "utf-8-sig")
    assert decode_text(codecs.BOM_UTF8 + "商会".encode("utf-8")) == ("商会", "utf-8-sig")
    assert decode_text("商会".encode("utf-16")) == ("商会", "utf-16")
    assert decode_text("商会".encode("gbk")) == ("商会", "gb18030")
    assert decode_text(b"\xfe\xfd") is None  # a user-defined character: not Chinese text
    assert decode_text(b"\x80abc") is None


def test_drive_letter_paths_are_refused_clearly(content: Path, capsys) -> None:
    write_chamber(
        content,
        chamber_yml=CHAMBER_YML + "logo: C:\\Users\\me\\logo.png\n",
        files={"news/2026/2026-05-01-a.md": post("甲", "2026-05-01", body="![合影](C:\\Users\\me\\a.jpg)\n")},
    )
    code, err = check(content, capsys)
    assert code == 1
    assert "test/news/2026/2026-05-01-a.md:6: image 'C:\\\\Users\\\\me\\\\a.jpg' is an absolute path" in err
    assert "test/chamber.yml:12: logo: 'C:\\\\Users\\\\me\\\\logo.png' is not a file inside the chamber folder" in err


# Names in other capitals: one file on Windows and macOS, none on the web server.


def test_a_name_in_other_capitals_is_an_error_naming_the_file(content: Path, capsys) -> None:
    write_chamber(
        content,
        files={
            "news/2026/2026-05-01-a.md": post("甲", "2026-05-01", body="![乙](Images/A.jpg)\n"),
            "news/2026/images/a.jpg": jpeg(),
        },
    )
    code, err = check(content, capsys)
    assert code == 1
    assert "image 'Images/A.jpg' is written in other capitals than the file's name (news/2026/images/a.jpg)" in err


def test_spelled_on_disk_finds_the_real_capitals(tmp_path: Path) -> None:
    (tmp_path / "news" / "images").mkdir(parents=True)
    (tmp_path / "news" / "images" / "a.JPG").write_bytes(b"x")
    assert paths.spelled_on_disk(tmp_path / "News" / "IMAGES" / "a.jpg", tmp_path) == "news/images/a.JPG"
    assert paths.spelled_on_disk(tmp_path / "news" / "images" / "a.JPG", tmp_path) is None  # as on disk
    assert paths.spelled_on_disk(tmp_path / "news" / "images" / "b.jpg", tmp_path) is None  # no such file


def test_containment_compares_names_as_a_case_insensitive_system_does(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "content" / "a").mkdir(parents=True)
    assert not paths.is_inside(tmp_path / "Content" / "a" / "x.md", tmp_path / "content")
    monkeypatch.setattr(platform_support, "case_insensitive", lambda folder: True)
    assert paths.is_inside(tmp_path / "Content" / "a" / "x.md", tmp_path / "content")
    assert not paths.is_inside(tmp_path / "Contents" / "x.md", tmp_path / "content")


def test_case_insensitivity_is_detected_from_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Content"
    folder.mkdir()
    assert platform_support.case_insensitive(folder) is False  # Linux's file systems tell capitals apart
    assert platform_support.name_key("News/A.md", folder) == "News/A.md"


def test_the_roster_in_other_capitals_is_never_published(tmp_path: Path) -> None:
    from chamberpress.content.published import refusal

    roster = tmp_path / "Members.yml"  # as members.yml on Windows and macOS
    roster.write_text("- 名称: 甲公司\n", encoding="utf-8")
    assert refusal(roster) is not None and "never published" in refusal(roster)


def test_names_compare_as_windows_compares_them(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(platform_support.sys, "platform", "win32")
    assert platform_support.name_key("C:\\Chamber\\News\\A.md") == platform_support.name_key("c:/chamber/news/a.md")
    assert platform_support.case_insensitive(tmp_path) is True
