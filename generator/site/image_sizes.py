"""`width` and `height` on the pictures of posts and pages, so that a browser keeps their room before they
load (no layout shift as they arrive).

The sizes are those of the files the site publishes (a photo's web copy, already in the docs folder when
pages are drawn), read from their headers by Pillow once per version of a file (images.picture_size). A
picture whose file is not one of the site's (an SVG drawing, a missing file) is left as it is.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

from chamberpress.content.images import picture_size

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')


def site_file_path(src: str, page_url: str) -> str | None:
    """The site path of a picture's `src` as written in a page at `page_url` (both relative to the site's
    root), or None for a picture on another host or outside the site."""
    src = html.unescape(src).split("#")[0].split("?")[0]
    if not src or src.startswith(("/", "data:")) or "//" in src or ":" in src.split("/")[0]:
        return None
    joined = posixpath.normpath(unquote(urljoin("/" + page_url, src)))
    return joined.lstrip("/") if joined.startswith("/") and not joined.startswith("/..") else None


def with_sizes(page_html: str, page_url: str, files_by_url: dict[str, Path]) -> str:
    """The HTML with `width` and `height` on each `<img>` that has neither and whose file is known
    (`files_by_url`: site path → the file the site publishes there)."""

    def sized(match: re.Match[str]) -> str:
        body = match.group(1).rstrip().rstrip("/").rstrip()
        attributes = dict(_ATTRIBUTE.findall(body))
        if "width" in attributes or "height" in attributes or "src" not in attributes:
            return match.group(0)
        where = site_file_path(attributes["src"], page_url)
        source = files_by_url.get(where) if where is not None else None
        size = picture_size(source) if source is not None else None
        if size is None:
            return match.group(0)
        return f'<img{body} width="{size[0]}" height="{size[1]}">'

    return _IMG.sub(sized, page_html) if "<img" in page_html else page_html
