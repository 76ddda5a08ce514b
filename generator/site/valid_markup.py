"""Two errors the Nu Html Checker finds in what Material's templates write, mended in every page:

- `autocomplete="off"` on its toggle checkboxes (drawer, search): the attribute is not allowed on a
  checkbox. Material puts it there so that Firefox does not restore a toggle's state on going back; its own
  script closes the drawer on every page anyway.
- A `<label for="__toc">` on pages whose `__toc` checkbox is not drawn (news posts: they are not in the
  navigation that holds it): the label of nothing becomes a plain heading of the table of contents.

Both in base.html and partials/toc.html, which offer no block to override: mended in the finished page.
"""

from __future__ import annotations

import re

_TOGGLE = re.compile(r'(<input class="md-toggle" [^>]*type="checkbox"[^>]*?) autocomplete="off"')
_TOC_LABEL = re.compile(r'<label class="md-nav__title" for="__toc">(?P<body>.*?)</label>', re.S)


def mended(html: str) -> str:
    html = _TOGGLE.sub(r"\1", html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r'<div class="md-nav__title">\g<body></div>', html)
    return html
