"""Other pages (`pages/*.md`: about, services, join, contact …), shown in the top navigation."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from chamberpress.content.chamber import SLUG
from chamberpress.chinese import pinyin_slug
from chamberpress.errors import Problems
from chamberpress.content.load_cache import NO_CACHE, LoadCache
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import editor_files, load_markdown
from chamberpress.i18n import _

# Pages whose file names a chamber usually has, in the order readers expect them in the navigation.
USUAL_ORDER = ["about", "services", "join", "contact"]
# Names the site itself uses at its top level (a page `name` becomes the folder `name/`; file names with a
# dot, such as chamber.json or feed.xml, cannot be page names at all). tests check a built site against it.
RESERVED_NAMES = frozenset(
    {
        "index",
        "news",
        "members",
        "organization",
        "newsletter",
        "search",
        "charter",
        "assets",
        "pagefind",
        "404",
        "feed",
        "sitemap",
        "chamber",
        "robots",
        "tags",
        "stylesheets",
        "javascripts",
        "images",
        "logos",
        "favicon",
    }
)


@dataclass
class PageMeta:
    title: str = spec("页面标题", required=True)
    order: int | None = spec("在导航栏中的位置，数字小的在前")


@dataclass
class Page:
    path: Path
    name: str  # file stem, e.g. about → URL about/
    meta: PageMeta
    body: str
    body_line: int

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def url(self) -> str:
        return f"{self.name}/"


def _order(page: Page) -> tuple:
    if page.meta.order is not None:
        return (page.meta.order, page.name)
    usual = USUAL_ORDER.index(page.name) if page.name in USUAL_ORDER else len(USUAL_ORDER)
    return (1000 + usual, page.name)


def page_name_problem(name: str) -> tuple[str, str] | None:
    """Why `name` (a file name without .md) cannot name a page, and what to do; None if it can. The name is
    the page's URL folder: lower-case letters, digits and -, and none of the site's own names."""
    if not SLUG.match(name):
        suggestion = pinyin_slug(name.lower()) or "about-us"
        return (
            _("{name!r} is not a page name").format(name=name),
            _("lower-case letters a-z, digits and -: rename the file, e.g. {suggestion}.md").format(
                suggestion=suggestion
            ),
        )
    if name in RESERVED_NAMES:
        return (
            _("the page name {name!r} is used by the site itself").format(name=name),
            _("rename the file, e.g. about-{name}.md").format(name=name),
        )
    return None


def load_pages(folder: Path, problems: Problems, cache: LoadCache = NO_CACHE) -> list[Page]:
    """Every page of pages/, in the navigation's order; each as `cache` kept it, if its file is unchanged."""
    pages = [
        page
        for path in editor_files(folder, "pages", problems, (".md",), recursive=False)
        if (page := cache.read(path, "page", functools.partial(load_page, path), problems)) is not None
    ]
    return sorted(pages, key=_order)


def load_page(path: Path, problems: Problems) -> Page | None:
    name = path.name[: -len(".md")]
    why = page_name_problem(name)
    if why:
        problems.error(path, why[0], expected=why[1])
        return None
    source = load_markdown(path, problems)
    if source is None:
        return None
    meta = convert(PageMeta, source.meta, path, problems)
    return None if meta is None else Page(path, name, meta, source.body, source.body_line)
