"""The later pages of a news list drawn from one shell per list instead of one full template run each.

- list page: a page of the news index, a category or the archive (Material's blog draws them from
  blog.html); a list of many posts has many, the first at the list's own address, the others at
  `page/2/`, `page/3/` … beside it.
- list shell: such a page's template drawn once with a marker where its container block goes (the list's
  own part: its heading, sections, posts and pagination) and one where its address goes (the canonical
  link, with a site URL); each later page of the list is the shell with its own block drawn in.

The later pages of one list share all the rest (head, header, navigation, breadcrumbs, footer): they sit
at the same depth, outside the navigation, under the list's title. Their block is drawn by the template's
own block function, in the context MkDocs and the plugins give the page; what the rest of the template
does for a page (about 1.1 ms of the 2.9 a list page cost) is done once per list. A post added or deleted
near the top shifts every page of its lists: on a 2,000-post chamber, some 300 pages.

Checked like the other shells: the first CHECKED pages of each list are drawn in full too, and compared (a
value of one page drawn into the shell shows on the next); any difference, and every list page is drawn
in full for the rest of the build.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any, Callable, Iterator

from material.plugins.blog.structure import View
from mkdocs.commands.build import get_context
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from chamberpress.site.frames import toc_outline

log = logging.getLogger(__name__)

BLOCK = "container"  # the block of blog.html that holds what differs from one page of a list to the next
CONTENT, ADDRESS = "\x1bLIST\x1b", "\x1bADDRESS\x1b"
CHECKED = 2  # pages of each list drawn both ways before its shell is trusted
LATER_PAGES = 4  # a list with fewer later pages has them drawn in full (the shell and its checks cost more)


class ListShells:
    """Draws the later pages of long news lists from a shell per list; `draw` (MkDocs' _build_page, or what
    wraps it) for all else and for the checks."""

    def __init__(self, draw: Callable) -> None:
        self.draw = draw
        self.shells: dict[tuple, str | None] = {}  # per list (shell_key): its shell, None where it has none
        self.checks: dict[tuple, int] = {}  # per list: its pages compared so far
        self.failed = False  # a page from a shell differed from the full template: none is used since

    def build_page(self, page: Page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        if excluded or dirty or self.failed or not later_page(page):
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        # As MkDocs' _build_page does, with the template's run split in two.
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = self._drawn(page, template, context, env)
            output = config.plugins.on_post_page(output, page=page, config=config)
            write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
        except Exception:
            log.error("Error building page '%s'", page.file.src_uri)
            raise
        finally:
            page.active = False
            config._current_page = None

    def _drawn(self, page: Page, template: Any, context: dict, env: Any) -> str:
        """The page's HTML, from its list's shell where there is one (and it is trusted, or checked here)."""
        key = shell_key(page, template)
        if key not in self.shells:
            self.shells[key] = self._make_shell(page, template, context, env)
        shell = self.shells[key]
        if shell is None:
            return template.render(context)
        block = "".join(template.blocks[BLOCK](template.new_context(context)))
        # The address first: the block is editors' text, which may hold a marker of its own.
        filled = shell.replace(ADDRESS, page.file.url).replace(CONTENT, block)
        checked = self.checks.get(key, 0)
        if checked >= CHECKED:
            return filled
        full = template.render(context)
        self.checks[key] = checked + 1
        if filled != full:
            self.failed = True
            log.debug("list shell differs from the full template on %s: not used", page.file.src_uri)
        return full

    def _make_shell(self, page: Page, template: Any, context: dict, env: Any) -> str | None:
        """The page's template drawn with markers for its block and address, or None where the template has
        no such block or the markers cannot be told from the page."""
        if BLOCK not in template.blocks or ADDRESS in page.file.url:
            return None
        marked = env.from_string(
            "{% extends " + json.dumps(template.name) + " %}{% block " + BLOCK + " %}" + CONTENT + "{% endblock %}"
        )
        with address_marked(page):
            shell = marked.render(context)
        return shell if shell.count(CONTENT) == 1 else None


@contextlib.contextmanager
def address_marked(page: Page) -> Iterator[None]:
    """The page's own address marked where the template shows it whole (a site URL's canonical link)."""
    urls = page.canonical_url, page.abs_url
    try:
        if page.canonical_url:
            page.canonical_url = page.canonical_url.replace(page.file.url, ADDRESS)
        if page.abs_url:
            page.abs_url = page.abs_url.replace(page.file.url, ADDRESS)
        yield
    finally:
        page.canonical_url, page.abs_url = urls


def later_page(page: Page) -> bool:
    """Whether the page is a later page (2, 3 …) of a news list with more than LATER_PAGES of them."""
    pages = getattr(page, "pages", None) if isinstance(page, View) else None
    return bool(pages) and pages[0] is not page and len(pages) > LATER_PAGES + 1


def shell_key(page: Page, template: Any) -> tuple:
    """What tells one list's later pages from another's outside their block: the list (its first page),
    the template, the page's title, values and table of contents, and its depth in the site."""
    return (
        id(page.pages[0]),  # type: ignore[attr-defined]
        template.name,
        page.title,
        repr(sorted(page.meta.items())),
        repr(toc_outline(page.toc)),
        page.file.url.count("/"),
    )
