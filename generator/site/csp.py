"""A Content-Security-Policy for every page, which the page itself satisfies.

Scripts run only from the site itself or inline with a hash of their exact text (Material's few boot
lines), so an injected `<script>` cannot run even if it slipped past escaping and sanitizing. Iframes
load only from the chamber's `embed_hosts`. WebAssembly is allowed for the search (Pagefind).
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.I)


def _is_inline_code(attrs: str) -> bool:
    if re.search(r"\ssrc\s*=", attrs, re.I):
        return False
    kind = re.search(r"\stype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.I)
    return kind is None or kind.group(1).lower() in ("text/javascript", "module", "application/javascript")


def policy(html: str, embed_hosts: list[str] | tuple[str, ...] = ()) -> str:
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode() + "'"
            for m in _INLINE_SCRIPT.finditer(html)
            if _is_inline_code(m.group("attrs"))
        }
    )
    frames = " ".join(f"https://{host}" for host in embed_hosts) or "'none'"
    return (
        "; ".join(
            [
                "default-src 'self'",
                "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data:",
                "font-src 'self' data:",
                "connect-src 'self'",
                "media-src 'self'",
                f"frame-src {frames}",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
            ]
        )
        .replace("  ", " ")
        .strip()
    )


def add_policy(html: str, embed_hosts: list[str] | tuple[str, ...] = ()) -> str:
    """The page with its policy as the first thing after `<meta charset>` (a meta policy covers what follows)."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, embed_hosts)}">'
    match = _CHARSET.search(html)
    if match is None:
        return html.replace("<head>", "<head>\n" + tag, 1)
    return html[: match.end()] + "\n    " + tag + html[match.end() :]
