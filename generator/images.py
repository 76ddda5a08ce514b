"""Web copies of photos: EXIF orientation applied, scaled to at most 1600 px wide, every metadata block dropped.

The originals in content/ are only read. Processed copies are kept in a cache by content hash, so a rebuild
of an unchanged chamber costs one hash per image, not one decode and encode.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

MAX_WIDTH = 1600
THUMB_WIDTH = 480        # covers in lists are shown about 180 px wide; 480 covers high-density screens
# Raster formats that carry camera metadata; anything else (SVG, GIF, PDF …) is published as it is.
WEB_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Part of the cache key: a change to the processing below must not reuse old copies.
PROCESS_VERSION = "1"


@dataclass(frozen=True)
class Photo:
    """A photo of the content folder, to be published as its web copy."""

    source: Path
    max_width: int = MAX_WIDTH


def is_photo(path: Path) -> bool:
    return path.suffix.lower() in WEB_SUFFIXES


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
    key = (os.fspath(path), info.st_size, info.st_mtime_ns)
    if key not in _CHECKED_PHOTOS:
        _CHECKED_PHOTOS[key] = _photo_problem(path)
    return _CHECKED_PHOTOS[key]


def _photo_problem(path: Path) -> str | None:
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return "is not a picture that can be read (a damaged file, or another format renamed)"
    if width * height > (Image.MAX_IMAGE_PIXELS or 10**9):
        return f"is {width} × {height} pixels, too large to publish"
    return None


def thumb_name(name: str) -> str:
    """images/peixun.jpg → images/peixun.thumb.jpg"""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.thumb.{suffix}" if dot else f"{name}.thumb"


def web_image(source: Path, cache_dir: Path, max_width: int = MAX_WIDTH) -> Path:
    """The published copy of `source` (a cached file); the source is never written."""
    data = source.read_bytes()
    key = f"{PROCESS_VERSION}:{max_width}".encode()
    digest = hashlib.sha256(key + b"\0" + data).hexdigest()
    target = cache_dir / digest[:2] / f"{digest}{source.suffix.lower()}"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so that a parallel build never reads half a file.
    fd, temp = tempfile.mkstemp(prefix=".part-", suffix=source.suffix.lower(), dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _process(source, handle, max_width)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _process(source: Path, handle, max_width: int) -> None:
    fmt = WEB_SUFFIXES[source.suffix.lower()]
    with Image.open(source) as original:
        original.load()
        # Turn the pixels as the camera meant, then drop EXIF (GPS, camera, owner) with everything else.
        image = ImageOps.exif_transpose(original)
        if image.width > max_width:
            height = max(1, round(image.height * max_width / image.width))
            image = image.resize((max_width, height), Image.Resampling.LANCZOS)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # Only the pixels and the colour profile go out: no EXIF, XMP, comments or text chunks.
        icc = image.info.get("icc_profile")
        image.info = {}
        options: dict = {"icc_profile": icc} if icc else {}
        if fmt == "JPEG":
            options.update(quality=85, optimize=True, progressive=True)
        elif fmt == "PNG":
            options.update(optimize=True)
        else:
            options.update(quality=85)
        image.save(handle, format=fmt, **options)
