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
from collections.abc import Callable
from pathlib import Path

from chamberpress.errors import Problems
from chamberpress.content.images import Photo, is_photo, photo_problem
from chamberpress.content.roster_headers import ROSTER_NAMES, header_field
from chamberpress.content.personal import find_numbers
from chamberpress.paths import real_path
from chamberpress.content.sources import editor_files, is_ignored_name
from chamberpress.content.svg import SVG_SUFFIXES, svg_problem
from chamberpress.i18n import N_, _, language

# What an editor links on purpose besides pictures: documents and media. Everything else is refused.
DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".doc", ".docx", ".ppt", ".pptx", ".pps", ".ppsx", ".wps", ".dps", ".odt", ".odp", ".rtf", ".txt"}
)
MEDIA_SUFFIXES = frozenset({".mp4", ".webm", ".mp3", ".m4a", ".ogg", ".wav"})
# Named here only to say clearly why they are refused (they are not allowed anyway).
SPREADSHEET_SUFFIXES = frozenset(
    {
        ".xlsx",
        ".xlsm",
        ".xlsb",
        ".xls",
        ".xlk",
        ".xlt",
        ".xltx",
        ".xltm",
        ".et",
        ".ett",
        ".ods",
        ".numbers",
        ".csv",
        ".tsv",
    }
)
BACKUP_SUFFIXES = frozenset({".bak", ".tmp", ".temp", ".old", ".orig", ".swp", ".backup", ".wbk", ".asd"})
ACTIVE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".mhtml", ".mht", ".svgz", ".xml", ".xsl", ".js", ".mjs", ".swf"}
)
# A roster under another name: 会员名录.pdf, 通讯录2025.docx, members-2025.txt, roster.doc.
_ROSTER_NAME = re.compile(r"名录|名单|通讯录|花名册|联系方式|^members?(?![a-z])|^roster|^contacts?(?![a-z])")
_BACKUP_NAME = re.compile(r"^(backup|copy) of |^副本|的副本|备份")
# Between the cells of a line of a roster saved as text.
_CELL_SEPARATORS = re.compile(r"[,，\t;；|]")
TEXT_PEEK = 1024 * 1024  # how much of a document is looked at for personal data
OLE_PEEK = 16 * 1024 * 1024  # how much of an old-format office file is looked at for a workbook

# Verdicts by path, size and modification time: a chamber's pages link the same files at every build.
_VERDICTS: dict[tuple[str, int, int], str | None] = {}


def refusal(path: Path) -> str | None:
    """Why the file may not be published (to follow its name in a message: "is a spreadsheet …"), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return _("cannot be read")
    key = (os.fspath(path), info.st_size, info.st_mtime_ns)
    key += (language(),)  # the verdict is a message
    if key not in _VERDICTS:
        _VERDICTS[key] = _refusal(path)
    return _VERDICTS[key]


def _refusal(path: Path) -> str | None:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name in ROSTER_NAMES or suffix in SPREADSHEET_SUFFIXES:  # any capitals: one file on Windows and macOS
        return _("is a spreadsheet, which is never published (rosters and their copies stay private)")
    if is_ignored_name(path.name) or suffix in BACKUP_SUFFIXES or _BACKUP_NAME.search(name):
        return _("is a backup or temporary file, which is never published")
    if is_photo(path):
        return photo_problem(path)
    if suffix in SVG_SUFFIXES:
        return svg_problem(path)
    if suffix in ACTIVE_SUFFIXES:
        return _("is a web page or script ({suffix}), which would run from the chamber's own address").format(
            suffix=suffix
        )
    if suffix not in DOCUMENT_SUFFIXES | MEDIA_SUFFIXES:
        return _("is not a kind of file that is published ({suffix})").format(suffix=suffix or _("no extension"))
    if _ROSTER_NAME.search(name):
        return _("has a name that looks like the member roster, which is never published")
    return _content_problem(path, suffix)


def _content_problem(path: Path, suffix: str) -> str | None:
    """A document whose inside is a spreadsheet, or whose text holds personal numbers or roster headers."""
    with open(path, "rb") as handle:
        head = handle.read(TEXT_PEEK)
    if head.startswith(b"PK\x03\x04"):
        return _("is a spreadsheet saved under another name") if _zip_is_spreadsheet(path) else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # Word/Excel 97-2003, WPS
        return _("is a spreadsheet saved under another name") if _ole_is_spreadsheet(path) else None
    if suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        return _("is not a PDF (its content is something else)")
    if suffix in MEDIA_SUFFIXES:
        kind, looks_right = MEDIA_KINDS[suffix]
        return None if looks_right(head) else _("is not {kind} (its content is something else)").format(kind=_(kind))
    if head.startswith(b"{\\rtf"):
        return _text_problem(rtf_text(head))
    text = _decoded(head)
    return None if text is None else _text_problem(text)


def _zip_is_spreadsheet(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return (
        any(n.startswith("xl/") for n in names)
        or b"spreadsheet" in mimetype
        or any(n.startswith("Index/Tables") for n in names)
    )


def _ole_is_spreadsheet(path: Path) -> bool:
    # The stream names of an Excel or WPS 表格 file, as the compound file's directory spells them (UTF-16);
    # the directory sits in the first sectors of a file of office size.
    with open(path, "rb") as handle:
        data = handle.read(OLE_PEEK)
    return any(name.encode("utf-16-le") in data for name in ("Workbook", "Book\x00", "WpsBook"))


# Unicode text saved by Notepad ("Unicode", "Unicode big endian") or Word: its byte order mark, longest first
# (the UTF-32 mark starts with UTF-16's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decoded(data: bytes) -> str | None:
    """The text of a document that is text in any of the encodings editors save (UTF-8, GB18030, UTF-16 and
    UTF-32 with or without a byte order mark), or None for one that is not text."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None) or _wide_encoding(data[:8192])
    if encoding:
        return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # cut inside a character, or mixed


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where its NUL bytes fall: the high bytes of digits,
    Latin letters and punctuation (UTF-16), and of every character (UTF-32)."""
    words = len(sample) // 4
    if words < 4:
        return None
    nul = [sample[k : words * 4 : 4].count(0) / words for k in range(4)]  # share of NULs at each place of 4
    if nul[2] > 0.9 and nul[3] > 0.9 and nul[0] < 0.1:
        return "utf-32-le"
    if nul[0] > 0.9 and nul[1] > 0.9 and nul[3] < 0.1:
        return "utf-32-be"
    odd, even = (nul[1] + nul[3]) / 2, (nul[0] + nul[2]) / 2
    if odd > 0.2 and even < 0.02:
        return "utf-16-le"
    if even > 0.2 and odd < 0.02:
        return "utf-16-be"
    return None


# RTF: a control word (\par, \ansicpg936, \u21517), a hex byte (\'c3), an escaped symbol (\~ \{ \\), a brace,
# or text. Each alternative starts differently: one pass, linear in the file.
_RTF_TOKEN = re.compile(rb"\\(?:'([0-9a-fA-F]{2})|([a-zA-Z]{1,32})(-?\d{1,10})? ?|(.))|[{}]|[^\\{}]+", re.S)
_RTF_SYMBOLS = {b"~": " ", b"_": "-", b"-": "", b"\\": "\\", b"{": "{", b"}": "}", b"\n": "\n", b"\r": "\n"}
_RTF_DATA = {b"pict", b"bin", b"objdata", b"themedata", b"colorschememapping", b"datastore", b"fonttbl", b"colortbl"}
_RTF_BREAKS = {b"par": "\n", b"line": "\n", b"row": "\n", b"sect": "\n", b"page": "\n", b"tab": "\t", b"cell": "\t"}


def rtf_text(data: bytes) -> str:
    """The text of an RTF document as a reader sees it, for the look for personal data: hex bytes in the
    document's code page (\\ansicpg936: GB18030), Unicode escapes, a non-breaking space (\\~) as a space, breaks
    of paragraphs and table cells as new lines and tabs, other control words and braces dropped."""
    codepage = re.search(rb"\\ansicpg(\d+)", data[:4096])
    encoding = (
        "gb18030" if codepage is None or codepage.group(1) in (b"936", b"54936") else f"cp{int(codepage.group(1))}"
    )
    try:
        b"".decode(encoding)
    except LookupError:
        encoding = "gb18030"
    out: list[str] = []
    pending = bytearray()  # hex bytes: one character may take two (GB18030: four)
    skip, skip_after_unicode = 0, 1
    depth, hidden_from, group_opened = 0, None, False
    for token in _RTF_TOKEN.finditer(data):
        hexbyte, word, number, symbol = token.groups()
        # Pictures and the {\\* …} groups hold hex data (images, themes), not text: a run of its digits is no number.
        if token.group() == b"{":
            depth, group_opened = depth + 1, True
            continue
        if token.group() == b"}":
            depth -= 1
            hidden_from = None if hidden_from is not None and depth < hidden_from else hidden_from
            continue
        if group_opened and (symbol == b"*" or word in _RTF_DATA) and hidden_from is None:
            hidden_from = depth
        group_opened = False
        if hidden_from is not None:
            continue
        if skip and (hexbyte or not (word or symbol)):
            skip -= 1  # the plain-text stand-in after a \\u escape
            if not hexbyte:
                rest = token.group()[1:]
                if rest:
                    out.append(rest.replace(b"\r", b"").replace(b"\n", b"").decode(encoding, errors="replace"))
            continue
        if hexbyte:
            pending.append(int(hexbyte, 16))
            continue
        if pending:
            out.append(pending.decode(encoding, errors="replace"))
            pending.clear()
        if word == b"u" and number:
            out.append(chr(int(number) % 65536))
            skip = skip_after_unicode
        elif word == b"uc" and number:
            skip_after_unicode = int(number)
        elif word:
            out.append(_RTF_BREAKS.get(word, ""))
        elif symbol:
            out.append(_RTF_SYMBOLS.get(symbol, ""))
        else:
            out.append(token.group().replace(b"\r", b"").replace(b"\n", b"").decode(encoding, errors="replace"))
    if pending:
        out.append(pending.decode(encoding, errors="replace"))
    return "".join(out)


# Audio and video by their first bytes: a kind's name for messages, and whether a file's first bytes are one.
MEDIA_KINDS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".mp4": (N_("an MP4 video"), lambda head: head[4:8] == b"ftyp"),
    ".m4a": (N_("an M4A audio file"), lambda head: head[4:8] == b"ftyp"),
    ".webm": (N_("a WebM video"), lambda head: head.startswith(b"\x1a\x45\xdf\xa3")),
    ".mp3": (
        N_("an MP3 audio file"),
        lambda head: head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0),
    ),
    ".ogg": (N_("an Ogg audio or video file"), lambda head: head.startswith(b"OggS")),
    ".wav": (N_("a WAV audio file"), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE"),
}


def _text_problem(text: str) -> str | None:
    if find_numbers(text):
        return _("holds a mobile or ID number, which is never published in a file")
    for line in text.splitlines()[:200]:
        fields = {header_field(cell) for cell in _CELL_SEPARATORS.split(line)} - {None}
        if len(fields) >= 2:
            return _("looks like the member roster (a line of its column names: {line!r})").format(
                line=line.strip()[:60]
            )
    return None


def published_copy(path: Path) -> Path | Photo | str:
    """What goes into the site for a file `refusal` allows: a photo's web copy, a sanitized SVG's text, or the
    file itself."""
    if is_photo(path):
        return Photo(path)
    if path.suffix.lower() in SVG_SUFFIXES:
        from chamberpress.content.svg import sanitized_svg

        return sanitized_svg(path)
    return path


def image_problem(path: Path) -> str | None:
    """Why the file cannot be published as an image (a logo, a cover): a picture or an SVG drawing by its
    content, or None."""
    if not (is_photo(path) or path.suffix.lower() in SVG_SUFFIXES):
        return _("is not an image (a picture or an SVG drawing)")
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
            problems.warning(
                path,
                _("{why}: left out of the site").format(why=why),
                expected=_("assets/ is for pictures, PDFs, office documents, audio and video"),
            )
    return kept
