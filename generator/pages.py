"""Other pages (`pages/*.md`: about, services, join, contact …), shown in the top navigation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problems
from .schema import convert, spec
from .sources import load_markdown

# Pages whose file names a chamber usually has, in the order readers expect them in the navigation.
USUAL_ORDER = ["about", "services", "join", "contact"]


@dataclass
class PageMeta:
    title: str = spec("页面标题", required=True)
    order: int | None = spec("position in the navigation (smaller first)")


@dataclass
class Page:
    path: Path
    name: str        # file stem, e.g. about → URL about/
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


def load_pages(folder: Path, problems: Problems) -> list[Page]:
    pages = []
    reserved = {"news", "members", "charter", "newsletter", "assets", "search", "organization", "index"}
    for path in sorted((folder / "pages").glob("*.md")):
        name = path.stem
        if name in reserved:
            problems.error(path, f"the page name {name!r} is used by the site itself",
                           expected="rename the file, e.g. " + f"about-{name}.md")
            continue
        source = load_markdown(path, problems)
        if source is None:
            continue
        meta = convert(PageMeta, source.meta, path, problems)
        if meta is not None:
            pages.append(Page(path, name, meta, source.body, source.body_line))
    return sorted(pages, key=_order)
