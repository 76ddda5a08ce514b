"""Raw HTML in editors' Markdown is cleaned with nh3: formatting kept, scripts, handlers and bad URLs gone.

`<iframe>` survives only with an https `src` on a host the chamber lists in `embed_hosts` (e.g. a video
platform); any other iframe loses its `src` and so loads nothing. Likewise an image, video or audio from
another host loses its `src` (its alt text stays): sites load nothing from other hosts. Material's class
`mermaid` is dropped, since Material would fetch its diagram library from a CDN for it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import nh3

TAGS = set(nh3.ALLOWED_TAGS) | {"iframe", "input", "label", "video", "source"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir", "align"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style"},
    "col": {"span"},
    "ol": {"start", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
    "input": {"type", "checked", "disabled"},
    "iframe": {"src", "width", "height", "allowfullscreen", "frameborder", "allow"},
    "video": {"src", "controls", "width", "height", "poster"},
    "source": {"src", "type"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _offsite(value: str) -> bool:
    """Whether a src (or any URL of a srcset) points to another host."""
    for part in value.split(","):
        url = (part.split() or [""])[0]
        if url.startswith("//") or urlsplit(url).scheme.lower() in {"http", "https", "ftp"}:
            return True
    return False


def _filter(embed_hosts: frozenset[str]):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            parts = urlsplit(value)
            host = (parts.hostname or "").lower()
            allowed = parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in embed_hosts)
            return value if allowed else None
        if attribute in {"src", "poster", "srcset"} and _offsite(value):
            return None
        if attribute == "class" and "mermaid" in value.split():
            return " ".join(c for c in value.split() if c != "mermaid") or None
        if tag == "input" and attribute == "type":
            return value if value == "checkbox" else None  # task lists only
        return value

    return keep


@lru_cache(maxsize=32)
def _cleaner_args(embed_hosts: frozenset[str]) -> dict:
    return {
        "tags": TAGS,
        "clean_content_tags": {"script", "style"},
        "attributes": ATTRIBUTES,
        "attribute_filter": _filter(embed_hosts),
        "url_schemes": URL_SCHEMES,
        "link_rel": None,
        "filter_style_properties": {"text-align"},  # table column alignment from Markdown
        "strip_comments": True,
    }


def sanitize_html(html: str, embed_hosts: list[str] | tuple[str, ...] = ()) -> str:
    """The HTML with only safe tags, attributes and URL schemes left."""
    hosts = frozenset(h.lower().strip() for h in embed_hosts if h.strip())
    return nh3.clean(html, **_cleaner_args(hosts))
