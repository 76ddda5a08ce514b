"""Putting untrusted text (front matter, roster cells) into generated Markdown and HTML safely.

staged docs: the Markdown pages the build writes for MkDocs to read (one per post, profile, list page);
their front matter is written by `front_matter` and read back by `read_front_matter`.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import json
import re
from urllib.parse import quote, urlsplit, urlunsplit

from chamberpress.yaml_loaders import FastSafeLoader

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


# Never in an address an editor gives: they end an attribute or a tag, or hide a second address.
_NOT_IN_URL = re.compile(r"[\s\"'<>\\`^{}|\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def web_host(text: str) -> str | None:
    """The host name, lower case, if it is one (labels of letters, digits and -; Chinese names allowed), or an
    IP address; else None."""
    host = (text or "").strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return str(ipaddress.ip_address(host)) if ":" in host else str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None
    return host


def web_url(text: str, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """The address rebuilt from its parsed parts if it is one: a scheme of `schemes`, a valid host, no user
    name or password, nothing that could end an attribute (white space, quotes, angle brackets); else None.

    The rebuilt address is the one to use: parts are re-encoded, so what a prefix check would let through
    after a valid start (https://ok.example.cn/"><meta …>) cannot reach a page.
    """
    value = (text or "").strip()
    if not value or _NOT_IN_URL.search(value):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in schemes or "@" in parts.netloc or not parts.hostname:
        return None
    host = web_host(parts.hostname)
    if host is None:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe="/%:@!$&()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&()*+,;=-._~?")
    fragment = quote(parts.fragment, safe="/%:@!$&()*+,;=-._~?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


# What JSON leaves as it is but a YAML 1.1 quoted scalar does not keep: the line breaks NEL, LS and PS (folded
# into a space) and the characters a YAML reader refuses (DEL, C1 controls, BOM, non-characters, surrogates).
_NOT_YAML_LITERAL = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def front_matter(meta: dict) -> str:
    """A YAML front matter block, every string quoted and escaped (no injection by titles or roster cells).

    Each value is written as JSON, which YAML reads as a quoted scalar, list or mapping, with the few
    characters YAML reads differently escaped; dates as YAML dates. Much cheaper than a YAML dump, which
    matters because a build writes one block per post and per profile."""
    lines = ["---\n"]
    for key, value in meta.items():
        if isinstance(value, dt.date):  # and datetime: a YAML timestamp, read back as the same value
            text = value.isoformat()
        else:
            text = _NOT_YAML_LITERAL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
        lines.append(f"{key}: {text}\n")
    return "".join(lines) + "---\n\n"


# A line as front_matter writes it. Keys YAML 1.1 would read as something else (yes, on, null …) are not ours.
_GENERATED_LINE = re.compile(r"([a-z_]+): (.*)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_PLAIN_KEYS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# A surrogate written as an escape: JSON joins a pair of them into one character, YAML does not.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")


def read_front_matter(text: str) -> dict | None:
    """What YAML reads from a front matter block front_matter wrote (the text between its `---` lines),
    without YAML (much quicker, and a build reads one per post and per profile): each line's JSON value read
    as JSON, a date as a date. None for anything else — an editor's own YAML, a value JSON and YAML would
    read differently — which YAML then reads."""
    if _NOT_YAML_LITERAL.search(text) or _SURROGATE_ESCAPE.search(text):
        return None
    meta: dict = {}
    for line in text.split("\n"):
        if not line:
            continue
        match = _GENERATED_LINE.fullmatch(line)
        if match is None or match[1] in _NOT_PLAIN_KEYS:
            return None
        key, value = match.groups()
        if _DATE.fullmatch(value):
            try:
                meta[key] = dt.date.fromisoformat(value)
            except ValueError:
                return None
            continue
        try:
            meta[key] = json.loads(value)
        except ValueError:
            return None
        if not _same_in_yaml(meta[key]):
            return None
    return meta or None


class FrontMatterLoader(FastSafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, reading front matter front_matter wrote by read_front_matter: given to
    Material's blog (each post's) and MkDocs (each page's) for the staged docs."""

    def __init__(self, stream) -> None:  # noqa: ANN001 - PyYAML's signature
        self._text = stream if isinstance(stream, str) else None
        super().__init__(stream)

    def get_single_data(self):  # noqa: ANN201 - PyYAML's signature
        meta = read_front_matter(self._text) if self._text is not None else None
        return meta if meta is not None else super().get_single_data()


def _same_in_yaml(value: object) -> bool:
    """Whether YAML reads the JSON text of this value as the same value: anything but a number with a
    fraction or an exponent (YAML 1.1 reads 1e+16 as a string)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, list):
        return all(_same_in_yaml(item) for item in value)
    if isinstance(value, dict):
        return all(_same_in_yaml(item) for item in value.values())
    return False
