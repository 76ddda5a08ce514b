"""Member profile pages drawn from one shell instead of one full template run each.

- draw: make a page's HTML from the theme's templates (MkDocs' `_build_page`).
- profile shell: the profile page's template drawn once with markers where a profile's own values go
  (title, description, address, content); each profile is the shell with its own values put in.

A large chamber has thousands of profiles (members/<slug>/), all at the same depth and outside the
navigation, so they differ only in those values, and running the full template for each would dominate
the time spent drawing pages. The result is checked against the full template on the first profiles
drawn, and a profile whose values the templates would change (escaping, spaces) or whose front matter
differs in kind is drawn in full, so the output is the same either way.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Callable

from mkdocs.commands.build import get_context
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import write_file

from chamberpress.site.checked import Checked
from chamberpress.site.directory import is_profile_path

log = logging.getLogger(__name__)

# The content marker holds "<h1" as every profile does: Material adds a heading to pages without one.
TITLE, DESCRIPTION, CONTENT, ADDRESS = "\x1bTITLE\x1b", "\x1bDESCRIPTION\x1b", "\x1bCONTENT<h1\x1b", "\x1bADDRESS\x1b"
ANCHOR = "\x1bANCHOR\x1b"  # the first heading's id: the "skip to content" link points to it
MARKERS = (TITLE, DESCRIPTION, CONTENT, ADDRESS, ANCHOR)
CHECKED = 2  # profiles drawn both ways before the shell is trusted
PLAIN = re.compile(r"[^&<>\"'\s\x1b]+(?: [^&<>\"'\s\x1b]+)*")  # text every template filter leaves as it is


class ProfileShell:
    """Draws profile pages; `draw` (MkDocs' _build_page) for all else and for the checks."""

    def __init__(self, draw: Callable) -> None:
        self.draw = draw
        self.shell: str | None = None
        self.meta_keys: tuple | None = None
        self.hide: object = None
        self.check = Checked(CHECKED)  # until trusted, profiles are drawn both ways; if they differ, in full

    def build_page(self, page: Page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        if excluded or self.check.trusted is False or not is_profile_path(page.file.src_uri) or not self._fits(page):
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        if self.shell is None:
            self.shell = self._make_shell(page, config, doc_files, nav, env)
            self.meta_keys, self.hide = tuple(page.meta), page.meta.get("hide")
        if not self._same_kind(page):
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        filled = self._fill(page)
        if self.check.trusted:
            write_file(filled.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
            return
        self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
        with open(page.file.abs_dest_path, encoding="utf-8") as handle:
            self.check.compare(filled, handle.read())
        if self.check.trusted is False:
            log.debug("profile shell differs from the full template on %s: not used", page.file.src_uri)

    def _fits(self, page: Page) -> bool:
        values = [str(page.meta.get("title", "")), str(page.meta.get("description", ""))]
        content = page.content or ""
        return (
            all(PLAIN.fullmatch(v) for v in values)
            and "<h1" in content
            and bool(page.toc.items)
            and PLAIN.fullmatch(page.toc.items[0].id) is not None
            and not any(m in content for m in MARKERS)
        )

    def _same_kind(self, page: Page) -> bool:
        return tuple(page.meta) == self.meta_keys and page.meta.get("hide") == self.hide

    def _make_shell(self, page: Page, config, doc_files, nav, env) -> str:
        """The page's template drawn for a stand-in of `page` whose own values are markers."""
        stand_in = copy.copy(page)
        stand_in.meta = dict(page.meta, title=TITLE, description=DESCRIPTION)
        stand_in.content = CONTENT
        first = page.toc.items[0]
        marked = AnchorLink(first.title, ANCHOR, first.level)
        marked.children = first.children
        stand_in.toc = TableOfContents([marked, *page.toc.items[1:]])
        address = page.file.url
        if page.canonical_url:
            stand_in.canonical_url = page.canonical_url.replace(address, ADDRESS)
        if page.abs_url:
            stand_in.abs_url = page.abs_url.replace(address, ADDRESS)
        stand_in.active = True
        try:
            context = get_context(nav, doc_files, config, stand_in)
            template = env.get_template(stand_in.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=stand_in, config=config, nav=nav)
            output = template.render(context)
            return config.plugins.on_post_page(output, page=stand_in, config=config)
        finally:
            stand_in.active = False
            page.file.page = page  # Page.__init__ is not run by copy, but be sure the file keeps its page

    def _fill(self, page: Page) -> str:
        assert self.shell is not None
        out = self.shell.replace(TITLE, str(page.meta["title"])).replace(DESCRIPTION, str(page.meta["description"]))
        out = out.replace(ANCHOR, page.toc.items[0].id).replace(ADDRESS, page.file.url)
        return out.replace(CONTENT, page.content or "")
