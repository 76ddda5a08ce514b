"""The 404 page, whole in itself.

A host serves 404.html for any missing address: at any depth below the site, under whatever sub-path the
site is published at. No relative address in it can be right everywhere, and an absolute one only where
chamber.yml's `site_url` names where the site really is. So what makes the page look right comes inside it:
its stylesheets inlined (`<style>`, which the pages' CSP allows), its pictures (logo, favicon) as `data:`
addresses, and Material's scripts left out (the page needs none: the menu opens by CSS alone, the search is
a plain form). Its links (home, sections, search) are absolute from site_url's path (MkDocs' own rule for
this page): right wherever site_url is right.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit

PAGE = "404.html"
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')
_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_PICTURE_TAG = re.compile(r'<img\b[^>]*>|<link rel="icon"[^>]*>')
_PICTURE_URL = re.compile(r'(?P<attr>\b(?:src|href))="(?P<url>[^"]+\.(?:png|svg|ico|jpe?g|gif|webp))"')
_MAX_INLINED_PICTURE = 64 * 1024


def _site_file(url: str, site_dir: Path, base: str) -> Path | None:
    """The file of the site an address of the page names (None: another one, or none)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return None
    path = (site_dir / parts.path[len(base) :]).resolve()
    if not path.is_file() or not path.is_relative_to(site_dir.resolve()):
        return None
    return path


def self_contained(html: str, site_dir: Path, base: str) -> str:
    """The 404 page `html` with its stylesheets and pictures inside it and its scripts out. `base` is the
    path the page's absolute addresses start with (site_url's path, "/" without one)."""

    def style(match: re.Match) -> str:
        path = _site_file(match.group("url"), site_dir, base)
        if path is None:
            return match.group(0)
        return "<style>" + path.read_text(encoding="utf-8").replace("</style", "<\\/style") + "</style>"

    def script(match: re.Match) -> str:
        return "" if _site_file(match.group("url"), site_dir, base) else match.group(0)

    def picture(match: re.Match) -> str:
        path = _site_file(match.group("url"), site_dir, base)
        if path is None or path.stat().st_size > _MAX_INLINED_PICTURE:
            return match.group(0)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f'{match.group("attr")}="data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"'

    html = _STYLESHEET.sub(style, html)
    html = _SCRIPT.sub(script, html)
    return _PICTURE_TAG.sub(lambda tag: _PICTURE_URL.sub(picture, tag.group(0)), html)


def base_path(site_url: str | None) -> str:
    """The path MkDocs starts the 404 page's addresses with."""
    return urlsplit(site_url or "/").path or "/"
