"""The edge to WeasyPrint: CJK font lookup through fontconfig, and print HTML → PDF.

Thin on purpose: what goes on the page is decided in newsletter.py and the theme/print templates.
Fonts are referred to by their fontconfig family names, so WeasyPrint (Pango) loads the installed faces
and embeds only the glyphs used (subset). Two faces are used — a serif regular for text and a sans bold
for headings and emphasis — because every face costs time and memory when the PDF is written.

kept PDF: a PDF printed by an earlier build, kept under .cache/ by what it was printed from (print_key), and
copied instead of printed again when those inputs are unchanged.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlparse

from chamberpress import platform_support
from chamberpress.build.records import read_json, write_json
from chamberpress.fingerprint import Fingerprint, package_versions, tooling_key
from chamberpress.folders import walk_files
from chamberpress.i18n import N_, _

log = logging.getLogger(__name__)

FONT_PACKAGE = "fonts-noto-cjk"

# Preferred families, best first. Any other installed font that covers Simplified Chinese is accepted.
SERIF_FAMILIES = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "思源宋体",
    "AR PL UMing CN",
    "FandolSong",
    "Songti SC",  # macOS
    "STSong",
    "SimSun",  # Windows
    "宋体",
)
SANS_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "思源黑体",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",  # Windows
    "SimHei",
    "黑体",
    "PingFang SC",  # macOS
    "Heiti SC",
    "STHeiti",
)
# Font files worth opening where there is no fontconfig to ask (names as Windows, macOS and the Noto and
# Source Han packages ship them; matched regardless of case): each is then read for the Chinese it covers.
CJK_FONT_FILES = (
    "simsun.ttc",
    "simhei.ttf",
    "msyh.ttc",
    "msyhbd.ttc",
    "msyh.ttf",
    "msyhbd.ttf",
    "songti.ttc",
    "pingfang.ttc",
    "stheiti*.ttc",
    "stsong.ttf",
    "noto*cjk*",
    "sourcehan*",
    "wqy-*",
)
# Characters every Simplified Chinese text uses: a face that lacks any of them cannot print Chinese.
CHINESE_SAMPLE = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年会学"
PAPER_SIZES = ("A4", "A5")


class FontMissing(Exception):
    """No installed font covers Simplified Chinese: printing would give boxes (tofu) instead of text."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "no Chinese (CJK) font is installed, so the PDF cannot be printed without empty boxes. Install one, then run the command again: {advice}"
            ).format(advice=_(FONT_ADVICE.get(sys.platform, FONT_ADVICE["linux"])).format(package=FONT_PACKAGE))
        )


FONT_ADVICE = {  # by sys.platform; translated where it is shown
    "win32": N_(
        "add the Chinese (Simplified) language in Settings > Time & Language > Language (it brings "
        "SimSun and Microsoft YaHei), or install Noto Serif CJK SC and Noto Sans CJK SC for all users"
    ),
    "darwin": N_(
        "Songti SC and PingFang SC come with macOS (restore them in Font Book), or install Noto CJK: "
        "brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc"
    ),
    "linux": N_("on Debian or Ubuntu: sudo apt-get install {package}"),
}


@dataclass(frozen=True)
class FontFace:
    """One installed face as fontconfig lists it."""

    family: str
    style: str
    file: str

    @property
    def bold(self) -> bool:
        return any(word in self.style.lower() for word in ("bold", "black", "heavy"))


@dataclass(frozen=True)
class PrintFonts:
    """The two families the print stylesheets use (both may be the same family)."""

    serif: str
    sans: str


def list_cjk_faces() -> list[FontFace]:
    """Every installed face that covers Simplified Chinese: from `fc-list :lang=zh-cn` where fontconfig's
    tool is installed, else from the system's font folders (Windows, macOS)."""
    fc_list = platform_support.tool("fc-list")
    if fc_list is None:
        return faces_in_folders(platform_support.font_folders())
    result = subprocess.run(
        [fc_list, ":lang=zh-cn", "--format", "%{family[0]}\t%{style[0]}\t%{file}\n"],
        capture_output=True,
        text=True,
        check=False,
    )
    faces = []
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0]:
            faces.append(FontFace(*parts))
    return faces


def faces_in_folders(folders: list[Path]) -> list[FontFace]:
    """The faces that cover Simplified Chinese in the known font files (CJK_FONT_FILES) under `folders`,
    named as fontconfig names them (the English family name), so that WeasyPrint, whose Pango finds fonts
    through its own fontconfig library in these same folders, prints with the face chosen here."""
    faces = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for _folder, entry in walk_files(folder):
            if any(fnmatch.fnmatchcase(entry.name.lower(), pattern) for pattern in CJK_FONT_FILES):
                faces += _chinese_faces(Path(entry.path))
    return faces


def _chinese_faces(path: Path) -> list[FontFace]:
    """The faces of one font file (a collection has several) whose character map has CHINESE_SAMPLE."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = list(TTCollection(path, lazy=True).fonts)
        else:
            fonts = [TTFont(path, lazy=True)]
    except (OSError, TTLibError, AssertionError, KeyError):
        return []
    faces = []
    for font in fonts:
        try:
            cmap = font.getBestCmap() or {}
            names = font["name"]
        except (KeyError, TTLibError, AssertionError):
            continue
        if not all(ord(char) in cmap for char in CHINESE_SAMPLE):
            continue
        # The typographic family and style (16, 17) where given, as fontconfig's first name.
        family = names.getBestFamilyName() or ""
        style = names.getBestSubFamilyName() or ""
        if family:
            faces.append(FontFace(family, style, str(path)))
    return faces


def choose_fonts(faces: list[FontFace]) -> PrintFonts:
    """The serif (text) and sans (headings) families among the installed CJK faces."""
    if not faces:
        raise FontMissing()
    families = {face.family for face in faces}

    def pick(preferred: tuple[str, ...]) -> str | None:
        return next((name for name in preferred if name in families), None)

    # Avoid monospaced and non-SC variants when guessing: they print Chinese with the wrong glyph shapes.
    fallback = sorted(families, key=lambda f: ("Mono" in f, not f.endswith(("SC", "CN")), f))[0]
    serif = pick(SERIF_FAMILIES) or pick(SANS_FAMILIES) or fallback
    sans = pick(SANS_FAMILIES) or serif
    return PrintFonts(serif=serif, sans=sans)


@functools.cache
def _installed_fonts() -> PrintFonts:
    return choose_fonts(list_cjk_faces())


def find_fonts(lister: Callable[[], list[FontFace]] | None = None) -> PrintFonts:
    """The print fonts; raises FontMissing naming the package to install. `lister` replaces fontconfig."""
    if lister is not None:
        return choose_fonts(lister())
    return _installed_fonts()


def fonts_css(fonts: PrintFonts) -> str:
    """The font rules of the print stylesheet: serif regular for text, sans bold for everything set bold.

    Nothing is ever set in serif bold or in italics, so exactly two faces are embedded.
    """

    def quoted(name: str) -> str:
        return '"' + name.replace("\\", "").replace('"', "") + '"'

    serif, sans = quoted(fonts.serif), f"{quoted(fonts.sans)}, {quoted(fonts.serif)}"
    return (
        f"@page {{ font-family: {serif}; }}\n"
        f"html, body {{ font-family: {serif}; font-weight: normal; }}\n"
        f"h1, h2, h3, h4, h5, h6, b, strong, em, i, th, dt, .sans {{ font-family: {sans}; font-weight: bold; }}\n"
        "em, i, cite, var, dfn, address { font-style: normal; }\n"
    )


@dataclass(frozen=True)
class LowResolution:
    """A picture printed at fewer dots per inch than a print shop needs (MIN_DPI)."""

    src: str  # as the print HTML names it
    dpi: int


@dataclass(frozen=True)
class PdfInfo:
    path: Path
    pages: int
    size: int
    key: str | None = None  # what it was printed from (print_key), when it is kept for later builds
    low_resolution: tuple[LowResolution, ...] = ()


@dataclass(frozen=True)
class Booklet:
    """Saddle-stitched printing: printers fold sheets of four pages, so blank pages (from `blank_html`, one
    page of the same size, bleed and marks) go in before the last page (the back cover) until the count is a
    multiple of `multiple`."""

    blank_html: str
    multiple: int = 4


MIN_DPI = 150  # below this a photo prints visibly soft
CSS_PX_PER_INCH = 96


# The address the print HTML and its images are read at, whatever folder they are in: WeasyPrint names each
# image in the PDF after its URL, and the folder is a new temporary one at every build, which made every
# PDF differ from the one before though nothing in it had changed.
PRINT_ROOT = "/chamber-print/"


def _fetcher(root: Path):
    """A URL fetcher that reads local files below `root` (at PRINT_ROOT) and nothing else (no request to any
    host)."""
    from weasyprint.urls import URLFetcher

    allowed = root.resolve()

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):  # noqa: ANN001 - WeasyPrint's signature
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme != "file" or not parsed.path.startswith(PRINT_ROOT):
                raise ValueError(_("refusing to load {url}: only files of the chamber are printed").format(url=url))
            path = (allowed / unquote(parsed.path[len(PRINT_ROOT) :])).resolve()
            if not path.is_relative_to(allowed):
                raise ValueError(_("refusing to load {path}: outside {allowed}").format(path=path, allowed=allowed))
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher()


def write_pdf(
    html_file: Path,
    target: Path,
    *,
    root: Path,
    kept: Path | None = None,
    booklet: Booklet | None = None,
    forms: bool = False,
) -> PdfInfo:
    """Render the print HTML file (with its images below `root`) into the PDF `target`; the same HTML and
    images give the same bytes. The pictures printed below MIN_DPI are named in the result.

    With `kept` (a folder under .cache/), a PDF printed before from the same HTML, images, fonts and
    engine is copied from there instead: printing is the slow part of a newsletter, and otherwise the
    charter and every issue would be printed again at every build. `forms`: the HTML's inputs become PDF
    form fields (the membership application form)."""
    key = print_key(html_file, booklet) if kept is not None else None
    if kept is not None:
        pdf, facts = kept / f"{key}.pdf", read_json(kept / f"{key}.json")
        with contextlib.suppress(OSError, TypeError, ValueError):
            if isinstance(facts.get("pages"), int) and pdf.stat().st_size == facts.get("size"):
                low = tuple(LowResolution(str(src), int(dpi)) for src, dpi in facts.get("low_resolution", []))
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf, target)
                return PdfInfo(target, facts["pages"], target.stat().st_size, key, low)
    from weasyprint import HTML

    base = "file://" + PRINT_ROOT + quote(html_file.resolve().relative_to(root.resolve()).as_posix())
    document = HTML(string=html_file.read_text(encoding="utf-8"), base_url=base, url_fetcher=_fetcher(root)).render(
        pdf_forms=forms
    )
    low = low_resolution(document)
    if booklet is not None:
        document = _padded(document, booklet, base, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(target)
    log.info("%s: %d pages", target, len(document.pages))
    info = PdfInfo(target, len(document.pages), target.stat().st_size, key, low)
    if kept is not None:
        try:
            kept.mkdir(parents=True, exist_ok=True)
            temporary = kept / f"{key}.{os.getpid()}.tmp"
            shutil.copyfile(target, temporary)
            os.replace(temporary, kept / f"{key}.pdf")  # whole or not at all: other builds may read it
            facts = {"pages": info.pages, "size": info.size, "low_resolution": [[i.src, i.dpi] for i in low]}
            write_json(kept / f"{key}.json", facts)
        except OSError as exc:  # a PDF that cannot be kept only costs time
            log.warning("%s", _("printed PDF not kept: {problem}").format(problem=exc))
    return info


def _padded(document, booklet: Booklet, base: str, root: Path):  # noqa: ANN001, ANN202 - WeasyPrint's Document
    """The document with blank pages before its last one, to a multiple of `booklet.multiple` pages."""
    from weasyprint import HTML

    missing = -len(document.pages) % booklet.multiple
    if not missing or len(document.pages) < 2:
        return document
    blank = HTML(string=booklet.blank_html, base_url=base, url_fetcher=_fetcher(root)).render().pages[0]
    pages = document.pages[:-1] + [blank] * missing + document.pages[-1:]
    return document.copy(pages)


def low_resolution(document) -> tuple[LowResolution, ...]:  # noqa: ANN001 - WeasyPrint's Document
    """Every picture printed below MIN_DPI, with its lowest resolution, in the order first met.

    The resolution is the picture's pixels over the inches it covers on paper, as the layout scaled it
    (object-fit: cover crops, so it scales by the larger ratio)."""
    lowest: dict[str, int] = {}
    for page in document.pages:
        for box in _descendants(page._page_box):
            image = getattr(box, "replacement", None)
            if box.element_tag != "img" or not getattr(image, "width", None) or box.width <= 0 or box.height <= 0:
                continue  # not a picture with pixels (an SVG drawing is sharp at any size)
            scales = (box.width / image.width, box.height / image.height)
            scale = min(scales) if box.style["object_fit"] in ("contain", "scale-down") else max(scales)
            dpi = round(CSS_PX_PER_INCH / scale)
            src = box.element.get("src", "")
            if dpi < MIN_DPI:
                lowest[src] = min(dpi, lowest.get(src, dpi))
    return tuple(LowResolution(src, dpi) for src, dpi in lowest.items())


def _descendants(box):  # noqa: ANN001, ANN202 - WeasyPrint's boxes
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def print_key(html_file: Path, booklet: Booklet | None = None) -> str:
    """What a PDF is made from: the print HTML, the files of its folder `<name>.files/` (the only ones it
    refers to), the blank page a booklet is padded with, the installed Chinese fonts (files, sizes, dates)
    and the versions of the engine and the generator."""
    key = Fingerprint(tooling_key(), package_versions("weasyprint", "pydyf", "fonttools"), _fonts_key())
    key.add(html_file.read_bytes())
    if booklet is not None:
        key.add(f"\0booklet {booklet.multiple}\0{booklet.blank_html}")
    for rel, entry in walk_files(html_file.with_name(f"{html_file.stem}.files")):
        if entry.is_file():
            key.add(f"\n{rel}\0").add_file(entry.path)
    return key.hex()


@functools.cache
def _fonts_key() -> str:
    lines = []
    for face in list_cjk_faces():
        with contextlib.suppress(OSError):
            info = os.stat(face.file)
            lines.append(f"{face.family}\0{face.style}\0{face.file}\0{info.st_size}\0{info.st_mtime_ns}\n")
    return "".join(sorted(lines))
