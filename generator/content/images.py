"""Web copies of photos: EXIF orientation applied, scaled to at most 1600 px wide, every metadata block dropped.

What a photo is, is decided by its content (what Pillow reads), not by its name: a JPEG saved as .jfif, .jpe
or .dat is a photo too. A photo is published only as a web copy, in the format its name promises (a JPEG
named .png becomes a PNG); one whose name no browser shows as a picture (.tif, .bmp, .heic, .dat) is refused.

The originals in content/ are only read. Processed copies are kept in a cache by content hash, so a rebuild
of an unchanged chamber costs one hash per image, not one decode and encode.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from typing import BinaryIO
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from chamberpress.fingerprint import fingerprint
from chamberpress.i18n import _, language

log = logging.getLogger(__name__)

MAX_WIDTH = 1600
THUMB_WIDTH = 360  # covers in lists are shown 120–216 px wide (6–9rem): twice the common 180
# The names browsers show as pictures, and the format each web copy is saved in.
WEB_SUFFIXES = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".jfif": "JPEG",
    ".pjpeg": "JPEG",
    ".pjp": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".gif": "GIF",
    ".ico": "ICO",
}
# The formats a file's content is looked for among (those with a signature: formats recognised by a loose
# guess, such as TGA, would take some text files for pictures).
SNIFFED_FORMATS = (
    "JPEG",
    "MPO",
    "PNG",
    "WEBP",
    "GIF",
    "TIFF",
    "BMP",
    "DIB",
    "ICO",
    "JPEG2000",
    "PSD",
    "HEIF",
    "AVIF",
    "PCX",
    "PPM",
    "SGI",
    "DDS",
    "ICNS",
    "FITS",
    "QOI",
)
# Part of the cache key: a change to the processing below must not reuse old copies.
PROCESS_VERSION = "2"


@dataclass(frozen=True)
class Photo:
    """A photo of the content folder, to be published as its web copy."""

    source: Path
    max_width: int = MAX_WIDTH


@dataclass(frozen=True)
class Icon:
    """A square copy of a picture (the chamber's logo) at `size` px, for favicons and the header: PNG, or ICO
    holding the sizes up to `size`. `background` fills transparent parts (an apple-touch icon must be
    opaque: iOS fills them with black)."""

    source: Path
    size: int
    format: str = "PNG"
    background: str | None = None


def is_photo(path: Path) -> bool:
    """Whether the file is a picture (by its content), or is named as one: published only as a web copy."""
    return path.suffix.lower() in WEB_SUFFIXES or picture_format(path) is not None


def _sniffed_formats(*, common: bool = False) -> list[str]:
    """SNIFFED_FORMATS that Pillow can open; `common`: those it registers without importing every plugin."""
    if common:
        Image.preinit()
    else:
        Image.init()
    return [name for name in SNIFFED_FORMATS if name in Image.OPEN]


def _open_picture(path: Path) -> Image.Image:
    """The file opened as the first of SNIFFED_FORMATS that accepts it: first among the common formats
    (JPEG, PNG, GIF, BMP), which spares importing some forty plugins for the usual photo, then among all of
    them. The same format either way: no format of SNIFFED_FORMATS accepts the first bytes of another."""
    try:
        return Image.open(path, formats=_sniffed_formats(common=True))
    except UnidentifiedImageError:
        return Image.open(path, formats=_sniffed_formats())


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return os.fspath(path), info.st_size, info.st_mtime_ns


# (format, width, height) of each version of a file, or None if it is no picture.
_PICTURES: dict[tuple[str, int, int], tuple[str, int, int] | None] = {}


def _picture(path: Path) -> tuple[str, int, int] | None:
    key = _stat_key(path)
    if key is None:
        return None
    if key not in _PICTURES:
        try:
            with _open_picture(path) as image:
                _PICTURES[key] = (image.format or "", *image.size)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            _PICTURES[key] = None
    return _PICTURES[key]


def picture_size(path: Path) -> tuple[int, int] | None:
    """The picture's (width, height) in pixels as its file stores them, or None if it is no picture Pillow
    reads. Reads the header only, once per version of the file."""
    found = _picture(path)
    return (found[1], found[2]) if found else None


def picture_format(path: Path) -> str | None:
    """The picture format of the file's content as Pillow names it (JPEG, PNG, TIFF …), or None if it is no
    picture Pillow reads. Reads the header only, once per version of the file."""
    found = _picture(path)
    return found[0] if found else None


# Photos checked, by path, size and modification time: a chamber's posts show the same few photos hundreds
# of times, and its links are checked at every build.
_CHECKED_PHOTOS: dict[tuple[str, int, int], str | None] = {}


def photo_problem(path: Path) -> str | None:
    """Why a photo cannot be published (not a picture, or absurdly large), or None. Reads the header only,
    once per version of the file."""
    try:
        info = os.stat(path)
    except OSError:
        return _photo_problem(path)
    key = (os.fspath(path), info.st_size, info.st_mtime_ns, language())  # the verdict is a message
    if key not in _CHECKED_PHOTOS:
        _CHECKED_PHOTOS[key] = _photo_problem(path)
    return _CHECKED_PHOTOS[key]


def _photo_problem(path: Path) -> str | None:
    found = _picture(path)
    if found is None:
        return _("is not a picture that can be read (a damaged file, or another format renamed)")
    fmt, width, height = found
    if path.suffix.lower() not in WEB_SUFFIXES:
        return _(
            "is a {format} picture named {suffix}, which browsers do not show; only its web copy could be published"
        ).format(format=fmt, suffix=path.suffix or _("without an extension"))
    if width * height > (Image.MAX_IMAGE_PIXELS or 10**9):
        return _("is {width} × {height} pixels, too large to publish").format(width=width, height=height)
    return None


def thumb_name(name: str) -> str:
    """images/peixun.jpg → images/peixun.thumb.jpg"""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.thumb.{suffix}" if dot else f"{name}.thumb"


def web_image(source: Path, cache_dir: Path, max_width: int = MAX_WIDTH) -> Path:
    """The published copy of `source` (a cached file); the source is never written."""
    data = source.read_bytes()
    digest = fingerprint(f"{PROCESS_VERSION}:{max_width}\0", data)
    target = cache_dir / digest[:2] / f"{digest}{source.suffix.lower()}"
    return _cached(target, lambda handle: _process(source, handle, max_width))


def _cached(target: Path, save: Callable[[BinaryIO], None]) -> Path:
    """`target`, written by `save` unless a build wrote it before (its name is the fingerprint of what it
    holds). Written beside the target and renamed, so that a parallel build never reads half a file."""
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".part-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            save(handle)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _process(source: Path, handle, max_width: int) -> None:
    fmt = WEB_SUFFIXES[source.suffix.lower()]
    with Image.open(source) as original:
        if fmt == "GIF" and getattr(original, "n_frames", 1) > 1:
            _save_animation(original, handle)
            return
        original.load()
        # Turn the pixels as the camera meant, then drop EXIF (GPS, camera, owner) with everything else.
        image = ImageOps.exif_transpose(original)
        if image.width > max_width:
            height = max(1, round(image.height * max_width / image.width))
            image = image.resize((max_width, height), Image.Resampling.LANCZOS)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif fmt in ("PNG", "WEBP", "ICO") and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        # Only the pixels and the colour profile go out: no EXIF, XMP, comments or text chunks.
        icc = image.info.get("icc_profile")
        image.info = {}
        options: dict = {"icc_profile": icc} if icc else {}
        if fmt == "JPEG":
            options.update(quality=85, optimize=True, progressive=True)
        elif fmt == "PNG":
            options.update(optimize=True)
        elif fmt == "WEBP":
            options.update(quality=85)
        image.save(handle, format=fmt, **options)


def _save_animation(original: Image.Image, handle) -> None:
    """An animated GIF frame by frame, with its timing and nothing else (no comment, no XMP)."""
    frames = [frame.copy() for frame in ImageSequence.Iterator(original)]
    options = {key: original.info[key] for key in ("duration", "loop") if key in original.info}
    for frame in frames:
        frame.info = {}
    frames[0].save(handle, format="GIF", save_all=True, append_images=frames[1:], **options)


ICO_SIZES = (16, 32, 48)


def icon_image(icon: Icon, cache_dir: Path) -> Path:
    """The published copy of `icon` (a cached file, as web_image); the source is never written."""
    data = icon.source.read_bytes()
    digest = fingerprint(f"icon:{PROCESS_VERSION}:{icon.size}:{icon.format}:{icon.background}\0", data)
    target = cache_dir / digest[:2] / f"{digest}.{icon.format.lower()}"
    return _cached(target, lambda handle: _save_icon(icon, handle))


def _save_icon(icon: Icon, handle) -> None:
    with Image.open(icon.source) as original:
        original.load()
        image = ImageOps.exif_transpose(original).convert("RGBA")
    # Centred on a transparent square (a wide logo is not stretched), then scaled down.
    side = max(image.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    if icon.background:
        filled = Image.new("RGBA", square.size, icon.background)
        filled.alpha_composite(square)
        square = filled.convert("RGB")
    if icon.format == "ICO":
        sizes = [(s, s) for s in ICO_SIZES if s <= icon.size]
        square.resize((icon.size, icon.size), Image.Resampling.LANCZOS).save(handle, format="ICO", sizes=sizes)
        return
    square.resize((icon.size, icon.size), Image.Resampling.LANCZOS).save(handle, format="PNG", optimize=True)
