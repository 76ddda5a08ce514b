"""Where each page sits in the site: the section (top tab) it belongs to and its 当前位置 breadcrumbs.

The top navigation is flat (one tab per section); news posts, the news lists (categories, archive, further
pages), member profiles and project pages are outside it. Each of those is attached to the section whose
address holds its own (news/category/x/ → news/, members/x/ → members/), so that MkDocs' `active` flag,
which a page passes to its parent, marks that section's tab, and so that the breadcrumbs can name it.
"""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

HOME_TITLE = "首页"

Crumb = tuple[str, "str | None"]  # title, site URL (None: the page itself)


def attach_to_sections(nav: Navigation, pages: Iterable[Page]) -> None:
    """Give each page outside the navigation, and without a parent, the top-level page whose address is the
    longest start of its own (the home page is no section)."""
    sections = [item for item in nav.items if isinstance(item, Page) and not item.is_homepage and item.url]
    sections.sort(key=lambda item: len(item.url), reverse=True)
    in_nav = {id(page) for page in nav.pages}
    for page in pages:
        if page.parent is not None or id(page) in in_nav or page.is_homepage:
            continue
        page.parent = next((item for item in sections if page.url.startswith(item.url)), None)


def breadcrumbs(page: Page, archive: Crumb | None = None) -> list[Crumb]:
    """首页 › the sections above the page › [the post's year in the archive] › the page; none for the home page.

    `archive` is the archive page of a post's year (2025年新闻), shown between the news section and the post.
    """
    if page.is_homepage:
        return []
    chain: list[Crumb] = []
    parent = page.parent
    while isinstance(parent, Page):
        if not parent.is_homepage:
            chain.insert(0, (str(parent.title or ""), parent.url))
        parent = parent.parent
    if archive is not None:
        chain.append(archive)
    # A further page of a list (news/page/2/) has its list's title: named once, as the list.
    if chain and chain[-1][0] == page.title:
        chain[-1] = (chain[-1][0], None)
        return [(HOME_TITLE, ""), *chain]
    return [(HOME_TITLE, ""), *chain, (str(page.title or ""), None)]
