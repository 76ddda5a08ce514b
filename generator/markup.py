"""Putting untrusted text (front matter, roster cells) into generated Markdown and HTML safely."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

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


# What JSON leaves as it is but a YAML 1.1 quoted scalar does not keep: the line breaks NEL, LS and PS (folded
# into a space) and the characters a YAML reader refuses (DEL, C1 controls, BOM, non-characters, surrogates).
_NOT_YAML_LITERAL = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def front_matter(meta: dict) -> str:
    """A YAML front matter block, every string quoted and escaped (no injection by titles or roster cells).

    Each value is written as JSON, which YAML reads as a quoted scalar, list or mapping, with the few
    characters YAML reads differently escaped; dates as YAML dates. Far cheaper than a YAML dump (~0.2 ms
    a post, thousands of posts and profiles a build)."""
    lines = ["---\n"]
    for key, value in meta.items():
        if isinstance(value, dt.date):      # and datetime: a YAML timestamp, read back as the same value
            text = value.isoformat()
        else:
            text = _NOT_YAML_LITERAL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
        lines.append(f"{key}: {text}\n")
    return "".join(lines) + "---\n\n"
