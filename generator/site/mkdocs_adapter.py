"""The edge to MkDocs: derive a chamber's config from the shared base, run a build, run the live server.

Kept apart so that another engine could replace MkDocs without touching loading or page generation.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from pathlib import Path
from typing import Iterator

import mkdocs.commands.build as mkdocs_build_module
import yaml
from mkdocs.utils import meta as mkdocs_meta
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from chamberpress.site import blog
from chamberpress.build.cache_layout import project_dir_for
from chamberpress.markup import FrontMatterLoader
from chamberpress.yaml_loaders import ConfigLoader
from chamberpress.build.forked import Forked, SharedInts, can_fork
from chamberpress.site.kept_pages import KeptPages
from chamberpress.site.list_pages import ListShells
from chamberpress.site.profile_pages import ProfileShell
from chamberpress.search.index import Known, page_digest
from chamberpress.site.prepare import PreparedSite
from chamberpress.i18n import _

log = logging.getLogger(__name__)


def base_config_path(content_dir: Path) -> Path:
    """The shared `mkdocs.yml`: beside the content folder if the project has one, else the package's own."""
    return project_dir_for(content_dir) / "mkdocs.yml"


def _base_custom_dir(base: Path) -> str:
    # The base config may hold MkDocs' Python tags; only the theme folder is wanted here.
    data = yaml.load(base.read_text(encoding="utf-8"), Loader=ConfigLoader) or {}
    custom = (data.get("theme") or {}).get("custom_dir") or "theme/material"
    return str((base.parent / custom).resolve())


def write_chamber_config(
    stage: Path,
    *,
    slug: str,
    content_dir: Path,
    site_dir: Path,
    today: str | None = None,
    base: Path | None = None,
    workers: int = 1,
    plain: bool = False,
) -> Path:
    """Write `<stage>/mkdocs.yml`: INHERIT the base, with this chamber's folders, and the plugin's options:
    the processes the build may use, `plain` (no speed shortcuts). Returns its path."""
    base = base or base_config_path(content_dir)
    docs_dir = stage / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    plugin: dict = {"slug": slug, "content_dir": str(content_dir.resolve())}
    if today:
        plugin["today"] = today
    if workers > 1:
        plugin["workers"] = workers
    if plain:
        plugin["plain"] = True
    derived = {
        "INHERIT": str(base.resolve()),
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "theme": {"custom_dir": _base_custom_dir(base)},
        "plugins": {"chamber": plugin},
    }
    path = stage / "mkdocs.yml"
    path.write_text(yaml.safe_dump(derived, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_site(
    config_file: Path,
    site: PreparedSite | None = None,
    *,
    kept: KeptPages | None = None,
    known: Known | None = None,
) -> MkDocsConfig:
    """One MkDocs build of the chamber `config_file` names (write_chamber_config), from its prepared
    `site` (site/prepare.py; the plugin prepares it when not given).

    With the plugin's speed shortcuts on (not `plain`), the config's `workers` processes draw the pages,
    `kept` copies the unchanged posts from the published site, and `known` is filled with what the search
    index will read of each page drawn (search.page_digest), by the process that drew it."""
    # Material's blog plugin makes its temporary folder (a file per page of each news list, every build)
    # when it is loaded: beside the staged docs, in memory when they are, instead of the system's /tmp.
    # MkDocs keeps plugins that have startup or shutdown hooks, the blog among them, for the life of the
    # process (for `mkdocs serve`'s rebuilds): every later build of the process (`--all`, tests) would
    # then write its lists into the first build's folder, deleted since, perhaps while it is being deleted.
    # Each build loads new ones.
    MkDocsConfig.plugins.plugin_cache.clear()
    # The patches go in before MkDocs loads the plugins: it takes their event handlers then.
    options = yaml.safe_load(config_file.read_text(encoding="utf-8"))["plugins"]["chamber"]
    shortcuts = not options.get("plain", False)
    with library_patches(shortcuts=shortcuts):
        system_temp, tempfile.tempdir = tempfile.tempdir, str(config_file.parent)
        try:
            config = load_config(config_file=str(config_file))
        finally:
            tempfile.tempdir = system_temp
        config.plugins["chamber"].site = site
        unknown = unknown_plugins(config)
        if unknown and shortcuts:
            _say_once(
                _(
                    "plugins this project does not know ({plugins}): every page is drawn by MkDocs in one process, none copied from the published site, so that they see every page"
                ).format(plugins=", ".join(unknown))
            )
        drawing = _pages_drawn_by(options.get("workers", 1), kept, known) if shortcuts and not unknown else None
        config.plugins.on_startup(command="build", dirty=False)
        try:
            with drawing or contextlib.nullcontext():
                mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    return config


# The plugins whose state the shortcuts of the page loop are known to keep: ours and Material's blog. Another
# plugin may collect what it sees of each page (Material's search, in on_page_context): pages drawn by
# forked processes, copied from the published site or filled into a shell would be missing from it.
KNOWN_PLUGINS = frozenset({"chamber", "material/blog", "blog"})
_said: set[str] = set()


def unknown_plugins(config: MkDocsConfig) -> list[str]:
    """The plugins of the config that KNOWN_PLUGINS does not list."""
    return [name for name in config.plugins if name not in KNOWN_PLUGINS]


def _say_once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        log.warning("%s", message)


@contextlib.contextmanager
def library_patches(*, shortcuts: bool) -> Iterator[None]:
    """The names this project replaces in MkDocs' and Material's modules (blog.patches; with `shortcuts`,
    MkDocs' front matter reader too: markup.FrontMatterLoader), for the time of one build or `serve`,
    then Material's and MkDocs' own again. See the developer guide's table of library internals."""
    replaced = blog.patches(shortcuts=shortcuts)
    if shortcuts:
        replaced.append((mkdocs_meta, "SafeLoader", FrontMatterLoader))
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in replaced]
    for owner, name, value in replaced:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


class PageWorkerError(RuntimeError):
    """A process drawing pages failed (its error is in the log above)."""


@contextlib.contextmanager
def _pages_drawn_by(workers: int, kept: KeptPages | None = None, known: Known | None = None) -> Iterator[None]:
    """Draw the pages' templates (the largest cost of a big site) in `workers` processes.

    By the time MkDocs draws the first page, every page has been read and converted, and drawing one page
    changes nothing another page shows; so at the first page this process forks, and every process draws
    pages as it takes them from a shared queue, in small runs, until none is left; the build goes on
    (plugins' last steps) once all have finished. What only this process does meanwhile — the theme's own
    pages (sitemap, 404), which MkDocs draws before the first page — thus costs no time: the others take
    more pages. The keys of the posts and lists that may be kept are made by the process that draws them,
    and handed back, as is what the search index reads of each page (`known`: read back as it is
    written, the pages then need not be read again after the drawing, by one process). Only where fork
    exists. Member profiles are drawn from one shell (profile_pages.py), the later pages of each long news
    list from one shell per list (list_pages.py);
    posts unchanged since the published site are copied from it (`kept`, kept_pages.py).
    """
    if not can_fork():
        workers = 1
    draw = ListShells(ProfileShell(mkdocs_build_module._build_page).build_page).build_page
    if kept is not None:
        kept.draw, draw = draw, kept.build_page
    children: list[Forked[tuple[dict[str, str], Known]]] = []  # each hands back keys and digests (above)
    theme_pages: list[tuple] = []  # the theme's pages, drawn once the others are drawing
    started = False

    def defer_theme_page(*args, **kwargs) -> None:
        theme_pages.append((args, kwargs))

    def draw_theme_pages() -> None:
        while theme_pages:
            args, kwargs = theme_pages.pop(0)
            original_theme(*args, **kwargs)

    def draw_share(page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        nonlocal started
        if started:  # every page is drawn at the first call, from the queue
            return
        started = True
        if kept is not None:
            kept.start(config, doc_files, nav)  # before the fork: what every page shares, made once
        queue = _PageQueue(len(doc_files))
        for _worker in range(1, workers):
            children.append(
                Forked(_draw_in_child, queue, draw, config, doc_files, nav, env, dirty, kept, known is not None)
            )
        draw_theme_pages()
        _draw_from(queue, draw, config, doc_files, nav, env, dirty, known, kept)

    original_page, original_theme = mkdocs_build_module._build_page, mkdocs_build_module._build_theme_template
    mkdocs_build_module._build_page = draw_share
    mkdocs_build_module._build_theme_template = defer_theme_page
    try:
        yield
        draw_theme_pages()  # a site without pages
    finally:
        mkdocs_build_module._build_page = original_page
        mkdocs_build_module._build_theme_template = original_theme
        outcomes = [child.outcome() for child in children]
    failed = [value for ok, value in outcomes if not ok]
    if failed:
        raise PageWorkerError(
            _("{count} of {workers} page-drawing processes failed").format(count=len(failed), workers=workers)
        ) from failed[0]
    for _ok, (keys, digests) in outcomes:
        if kept is not None:
            kept.keys.update(keys)
        if known is not None:
            known.update(digests)


class _PageQueue:
    """Positions 0 … count-1, handed out in runs of RUN to the processes forked after it was made."""

    RUN = 8

    def __init__(self, count: int) -> None:
        self.count = count
        self._next = SharedInts(0)

    def __iter__(self) -> Iterator[int]:
        while True:
            with self._next.held() as values:
                start = values[0]
                values[0] = start + self.RUN
            if start >= self.count:
                return
            yield from range(start, min(start + self.RUN, self.count))


def _draw_from(
    queue: _PageQueue, draw, config, doc_files, nav, env, dirty, known: Known | None, kept: KeptPages | None = None
) -> None:
    for index in queue:
        file = doc_files[index]
        draw(file.page, config, doc_files, nav, env, dirty, excluded=file.inclusion.is_excluded())
        if known is not None and file.dest_uri.endswith(".html"):
            # A page copied from the published site is what it was there: its record says what the index
            # read of it; any other page is read back.
            digest = kept.copied.get(file.dest_uri) if kept is not None else None
            if digest is None:
                digest = page_digest(file.abs_dest_path)
            if digest is not None:
                known[file.dest_uri] = digest


def _draw_in_child(
    queue: _PageQueue, draw, config, doc_files, nav, env, dirty, kept: KeptPages | None, digests: bool
) -> tuple[dict[str, str], Known]:
    """In a forked process: draw pages from the queue; returns the keys of the kept pages it made, and
    (if asked) what the index reads of each page it drew."""
    known: Known | None = {} if digests else None
    try:
        _draw_from(queue, draw, config, doc_files, nav, env, dirty, known, kept)
    except BaseException:
        log.exception("drawing pages failed")
        raise
    return (kept.keys if kept is not None else {}), (known or {})


def serve_site(
    config_file: Path, dev_addr: str | None = None, open_browser: bool = False, *, plain: bool = False
) -> None:
    from mkdocs.commands.serve import serve

    kwargs = {"dev_addr": dev_addr} if dev_addr else {}
    with library_patches(shortcuts=not plain):
        serve(config_file=str(config_file), livereload=True, watch_theme=True, open_in_browser=open_browser, **kwargs)
