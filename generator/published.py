"""Which files of a chamber's folder may be copied into its site, and in what form.

Deny by default: a file is published only when it is of an allowed kind, decided by its content as well as its
name. Pictures (by content) go out as web copies without metadata (images.py), SVG drawings as a sanitized copy
(svg.py), PDFs and office documents as they are, after a look inside that they are what their name says.
Never published: spreadsheets and data files, whatever they are named (a roster's copy is one), backups and
temporary files, and files whose name or text looks like the member roster.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from .errors import Problems
from .images import Photo, is_photo, photo_problem
from .members import ROSTER_NAMES, header_field
from .personal import find_numbers
from .paths import real_path
from .sources import editor_files, is_ignored_name
from .svg import SVG_SUFFIXES, svg_problem

# What an editor links on purpose besides pictures: documents and media. Everything else is refused.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".ppt", ".pptx", ".pps", ".ppsx", ".wps", ".dps",
                               ".odt", ".odp", ".rtf", ".txt"})
MEDIA_SUFFIXES = frozenset({".mp4", ".webm", ".mp3", ".m4a", ".ogg", ".wav"})
# Named here only to say clearly why they are refused (they are not allowed anyway).
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".xlk", ".xlt", ".xltx", ".xltm", ".et",
                                  ".ett", ".ods", ".numbers", ".csv", ".tsv"})
BACKUP_SUFFIXES = frozenset({".bak", ".tmp", ".temp", ".old", ".orig", ".swp", ".backup", ".wbk", ".asd"})
ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".mhtml", ".mht", ".svgz", ".xml",
                             ".xsl", ".js", ".mjs", ".swf"})
# A roster under another name: 会员名录.pdf, 通讯录2025.docx, members-2025.txt, roster.doc.
_ROSTER_NAME = re.compile(r"名录|名单|通讯录|花名册|联系方式|^members?(?![a-z])|^roster|^contacts?(?![a-z])")
_BACKUP_NAME = re.compile(r"^(backup|copy) of |^副本|的副本|备份")
# In text: a mainland mobile number (any spacing, +86) or a resident ID number is personal data.
_CELL_SEPARATORS = re.compile(r"[,，\t;；|]")
TEXT_PEEK = 1024 * 1024          # how much of a document is looked at for personal data
OLE_PEEK = 16 * 1024 * 1024      # how much of an old-format office file is looked at for a workbook

# Verdicts by path, size and modification time: a chamber's pages link the same files at every build.
_VERDICTS: dict[tuple[str, int, int], str | None] = {}


def refusal(path: Path) -> str | None:
    """Why the file may not be published (to follow its name in a message: "is a spreadsheet …"), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return "cannot be read"
    key = (os.fspath(path), info.st_size, info.st_mtime_ns)
    if key not in _VERDICTS:
        _VERDICTS[key] = _refusal(path)
    return _VERDICTS[key]


def _refusal(path: Path) -> str | None:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if path.name in ROSTER_NAMES or suffix in SPREADSHEET_SUFFIXES:
        return "is a spreadsheet, which is never published (rosters and their copies stay private)"
    if is_ignored_name(path.name) or suffix in BACKUP_SUFFIXES or _BACKUP_NAME.search(name):
        return "is a backup or temporary file, which is never published"
    if is_photo(path):
        return photo_problem(path)
    if suffix in SVG_SUFFIXES:
        return svg_problem(path)
    if suffix in ACTIVE_SUFFIXES:
        return f"is a web page or script ({suffix}), which would run from the chamber's own address"
    if suffix not in DOCUMENT_SUFFIXES | MEDIA_SUFFIXES:
        return f"is not a kind of file that is published ({suffix or 'no extension'})"
    if _ROSTER_NAME.search(name):
        return "has a name that looks like the member roster, which is never published"
    return _content_problem(path, suffix)


def _content_problem(path: Path, suffix: str) -> str | None:
    """A document whose inside is a spreadsheet, or whose text holds personal numbers or roster headers."""
    with open(path, "rb") as handle:
        head = handle.read(TEXT_PEEK)
    if head.startswith(b"PK\x03\x04"):
        return "is a spreadsheet saved under another name" if _zip_is_spreadsheet(path) else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):       # Word/Excel 97-2003, WPS
        return "is a spreadsheet saved under another name" if _ole_is_spreadsheet(path) else None
    if suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        return "is not a PDF (its content is something else)"
    if suffix in MEDIA_SUFFIXES or b"\x00" in head[:8192]:
        return None
    return _text_problem(_decoded(head))


def _zip_is_spreadsheet(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return (any(n.startswith("xl/") for n in names) or b"spreadsheet" in mimetype
            or any(n.startswith("Index/Tables") for n in names))


def _ole_is_spreadsheet(path: Path) -> bool:
    # The stream names of an Excel or WPS 表格 file, as the compound file's directory spells them (UTF-16);
    # the directory sits in the first sectors of a file of office size.
    with open(path, "rb") as handle:
        data = handle.read(OLE_PEEK)
    return any(name.encode("utf-16-le") in data for name in ("Workbook", "Book\x00", "WpsBook"))


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")      # cut inside a character, or mixed


def _text_problem(text: str) -> str | None:
    if find_numbers(text):
        return "holds a mobile or ID number, which is never published in a file"
    for line in text.splitlines()[:200]:
        fields = {header_field(cell) for cell in _CELL_SEPARATORS.split(line)} - {None}
        if len(fields) >= 2:
            return f"looks like the member roster (a line of its column names: {line.strip()[:60]!r})"
    return None


def published_copy(path: Path) -> Path | Photo | str:
    """What goes into the site for a file `refusal` allows: a photo's web copy, a sanitized SVG's text, or the
    file itself."""
    if is_photo(path):
        return Photo(path)
    if path.suffix.lower() in SVG_SUFFIXES:
        from .svg import sanitized_svg

        return sanitized_svg(path)
    return path


def image_problem(path: Path) -> str | None:
    """Why the file cannot be published as an image (a logo, a cover): a picture or an SVG drawing by its
    content, or None."""
    if not (is_photo(path) or path.suffix.lower() in SVG_SUFFIXES):
        return "is not an image (a picture or an SVG drawing)"
    return refusal(path)


def published_assets(folder: Path, linked: set[Path], problems: Problems) -> list[Path]:
    """The files of assets/ that go into the site. Each other one is left out with a warning naming it, unless
    a page links it (that is an error of the page's line already)."""
    kept = []
    for path in editor_files(folder, "assets", problems):
        why = refusal(path)
        if why is None:
            kept.append(path)
        elif real_path(path) not in linked:
            problems.warning(path, f"{why}: left out of the site",
                             expected="assets/ is for pictures, PDFs, office documents, audio and video")
    return kept
