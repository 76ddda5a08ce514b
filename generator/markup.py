"""Putting untrusted text (front matter, roster cells) into generated Markdown and HTML safely."""

from __future__ import annotations

import html
import re

import yaml

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def md_text(text: str) -> str:
    """Text that renders literally in Markdown: HTML escaped, Markdown punctuation backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=True))


_FULLWIDTH = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def plain_title(text: str) -> str:
    """Text for places where Material's templates print it unescaped (titles, site name, description).

    The characters that mean something in HTML become their full-width forms, which read naturally in
    Chinese and are inert in every template context, escaped or not.
    """
    return " ".join(str(text).split()).translate(_FULLWIDTH)


def html_text(text: str) -> str:
    return html.escape(str(text), quote=True)


def safe_url(url: str, schemes: tuple[str, ...] = SAFE_SCHEMES) -> str | None:
    """The URL if it uses an allowed scheme, else None (javascript:, data: and the like are dropped)."""
    value = (url or "").strip()
    return value if value.lower().startswith(schemes) and not re.search(r"[\s\"'<>]", value) else None


def front_matter(meta: dict) -> str:
    """A YAML front matter block, every string quoted as needed by the dumper (no injection by titles)."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"
