"""Material's navigation (the sidebar's and the tabs') drawn once for every page that shows it the same way.

- draw: render a template (here the navigation partials) into a page's HTML.
- nav memo: the navigation's HTML kept from the first page that shows it one way and handed to every other
  page that shows it the same way.

Material draws the whole navigation again for every page, a large part of a news post's template time.
What the navigation partials read of the page being drawn is little: the URL of each link made relative
to the page, which items are active, whether an item is the page itself (its table of contents is then
drawn inside the navigation) and whether the page is one of an item's own list pages (Material's blog
index). Pages alike in all that — all posts, most news lists — get the same
navigation; `NavMemo` draws it for the first of them and hands the others the same text.

Our `partials/nav.html` and `partials/tabs.html` wrap Material's own (reached as "stock:partials/…",
`stock_loader`) in `{% call nav_memo("nav", page, nav) %}`. The first pages that find a navigation
already drawn have it drawn again and compared (checked.Checked): any difference, and every page draws
its own for the rest of the build.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

from jinja2 import BaseLoader, FileSystemLoader, PrefixLoader
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

from chamberpress.site.checked import Checked

CHECKED = 2  # navigations drawn again and compared before the memo is trusted
STOCK = "stock"  # prefix of the theme's own templates, under our overrides


def stock_loader(theme_dirs: list[str], custom_dir: str | None) -> BaseLoader:
    """Templates as the theme ships them ("stock:partials/nav.html"), without the overrides of `custom_dir`."""
    # Compared as real paths: were our folder still among them, "stock:partials/nav.html" would be our own
    # partials/nav.html, which includes it.
    ours = os.path.realpath(custom_dir) if custom_dir is not None else None
    stock = [d for d in theme_dirs if os.path.realpath(d) != ours]
    return PrefixLoader({STOCK: FileSystemLoader(stock)}, delimiter=":")


class NavMemo:
    """`{% call nav_memo(name, page, nav) %}…{% endcall %}`: the body drawn once per name and per way
    the page sees the navigation (`key`); drawn every time for a page that is part of the navigation."""

    def __init__(self, logo: str | None = None) -> None:
        self.logo = logo
        self.drawn: dict[tuple, str] = {}
        self.check = Checked(CHECKED)
        self._nav: Navigation | None = None
        self._items: list[tuple[Any, str | None]] = []  # every item of the navigation, with its address
        self._shown: set[int] = set()  # the pages the navigation shows itself: items, their list pages

    def __call__(self, name: str, page: Page | None, nav: Navigation | None, *, caller: Callable[[], str]) -> str:
        key = self.key(page, nav) if self.check.trusted is not False else None
        if key is None:
            return caller()
        key = (name, *key)
        known = self.drawn.get(key)
        if known is None:
            known = self.drawn[key] = caller()
        elif not self.check.trusted:
            self.check.compare(known, drawn := caller())
            return drawn
        return known

    def key(self, page: Page | None, nav: Navigation | None) -> tuple | None:
        """What the navigation partials read of `page`: None where it is part of the navigation (an item,
        or one of an item's list pages), else each link's address as the page links it and the items'
        active flags, and the homepage's and logo's addresses. (The navigation does not change while
        pages are drawn: its items are listed once.)"""
        if page is None or nav is None or not isinstance(page, Page):
            return None
        if nav is not self._nav:
            self._nav = nav
            self._items = [(item, getattr(item, "url", None)) for item in _items(nav.items)]
            self._shown = {id(item) for item, _ in self._items}
            self._shown.update(id(listed) for item, _ in self._items for listed in getattr(item, "pages", None) or ())
        if id(page) in self._shown:
            return None
        return (
            normalize_url(nav.homepage.url, page) if nav.homepage else None,
            normalize_url(self.logo, page) if self.logo else None,
            *[(bool(item.active), normalize_url(url, page) if url is not None else None) for item, url in self._items],
        )


class StringsMemo:
    """`{% call strings_memo(key) %}…{% endcall %}` in partials/language.html: a translated string drawn once
    per build (Material's lookup builds its whole table of strings at every call, many calls a page)."""

    def __init__(self) -> None:
        self.drawn: dict[str, str] = {}

    def __call__(self, key: str, *, caller: Callable[[], str]) -> str:
        known = self.drawn.get(key)
        if known is None:
            known = self.drawn[key] = caller()
        return known


def _items(items: list) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _items(getattr(item, "children", None) or [])
