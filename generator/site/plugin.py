"""The MkDocs plugin: turns `content/<slug>/` into the docs MkDocs builds, and fills in the chamber's config.

Thin on purpose: loading and page generation live in pure modules; here are only MkDocs events.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import re
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemBytecodeCache
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from chamberpress.site import blog

from chamberpress import chinese

from chamberpress.site import directory

from chamberpress.build import forked
from chamberpress.build.cache_layout import cache_root
from chamberpress.fingerprint import tooling_key
from chamberpress.site.directory import slug_memo
from chamberpress.site.staged_posts import StagedPosts, staged_posts
from chamberpress.chinese import format_date
from chamberpress.content.load import load_chamber
from chamberpress.site.csp import add_policy
from chamberpress.site.docs import (
    Tree,
    content_tree,
    editor_sources,
    logo_docs_path,
    members_tree,
    nav,
    printed_tree,
    split_tree,
    write_tree,
)
from chamberpress.site.feeds import FEED_FILE
from chamberpress.build.forked import Finished, Forked
from chamberpress.errors import ContentError
from chamberpress.content.model import Chamber
from chamberpress.markup import plain_title
from chamberpress.site.nav_memo import NavMemo, StringsMemo, stock_loader
from chamberpress.print.newsletter import Printed
from chamberpress.site.render_cache import PageRenderer
from chamberpress.content.sanitize import sanitize_html
from chamberpress.search.index import mark_indexed, warm_up_indexers
from chamberpress.site.material_search import without_material_search

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class ChamberPluginConfig(Config):
    enabled = c.Type(bool, default=True)
    slug = c.Type(str, default="")
    """The chamber's folder name under `content_dir`."""
    content_dir = c.Type(str, default="content")
    """The folder that holds every chamber's content."""
    today = c.Optional(c.Type(str))
    """Publication date cut-off (YYYY-MM-DD) for scheduled posts; default: today."""
    plain = c.Type(bool, default=False)
    """No speed shortcuts: MkDocs and Material as they come, plus the features (`chamber build --plain`)."""


def image_cache(chamber: Chamber) -> Path:
    """Processed photos, by content hash, beside the content folder (never inside it)."""
    return cache_root(chamber.folder.parent) / "images"


Names = tuple[dict[str, str], dict[str, str], dict[str, str]]


def _name_memos() -> Names:
    """The names made so far in this process: URL names, sort keys, slugs (kept by slug_memo)."""
    return directory.KNOWN_SLUGS, directory.KNOWN_READINGS, chinese.KNOWN_PINYIN


def _add_names(names: Names) -> None:
    for memo, made in zip(_name_memos(), names):
        memo.update(made)


def _members_and_names(chamber: Chamber) -> tuple[Tree, Names]:
    """The members' docs, with the names made for them."""
    return members_tree(chamber), _name_memos()


def _learn_names(made: tuple[Tree, Names]) -> Tree:
    """The members' docs; the names made in the other process join this one's, for the memo."""
    tree, names = made
    _add_names(names)
    return tree


def _members_knowing(chamber: Chamber, known: Names) -> tuple[Tree, Names]:
    """_members_and_names in a process forked before the memo of known names was read: given it first."""
    _add_names(known)
    return _members_and_names(chamber)


def prime_members() -> forked.Primed:
    """A process that loads the naming dictionaries now and makes the members' docs once sent the chamber
    (`ChamberPlugin.members_primed`): started before the content is read, whose reading leaves a core idle."""
    return forked.Primed(directory.load_dictionaries, _members_knowing)


def _draw_each_time(name: str, page: object, nav: object, *, caller) -> str:
    """`nav_memo` of a plain build: the navigation drawn for every page, as Material draws it."""
    return caller()


class ChamberPlugin(BasePlugin[ChamberPluginConfig]):
    def __init__(self) -> None:
        super().__init__()
        # Set by `chamber build`, which has loaded and checked the chamber already; `serve` loads it here.
        self.chamber: Chamber | None = None
        # The newsletter issues and charter.pdf `chamber build` prints (in another process while the pages
        # are made: waited for in on_config, then `printed`); `serve` prints nothing.
        self.printing: Finished[Printed] | Forked[Printed] | None = None
        self.printed: Printed | None = None
        self._editor_pages: set[str] = set()
        self._generated: dict[str, str] = {}  # docs handed to MkDocs in memory (split_tree)
        self._renderer: PageRenderer | None = None
        self.workers = 1  # processes `chamber build` lets this build use
        self.indexers = 0  # search indexers to start for the index `chamber build` makes next
        self.members_primed: forked.Primed | None = None  # prime_members(), when `chamber build` started one

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        chamber = self.chamber or self._load()
        self.chamber = chamber
        plain = self.config.plain
        # Names and staged posts of earlier builds (.cache/): not with `plain`.
        with (
            contextlib.nullcontext() if plain else slug_memo(chamber),
            contextlib.nullcontext(StagedPosts()) if plain else staged_posts(chamber) as posts_staged_before,
        ):
            # The members' docs (segmenting and pinyin for their URL names and order: the larger part of a
            # first build's pages stage) are made by another process meanwhile when the build has two.
            primed, self.members_primed = self.members_primed, None
            if primed is not None:
                # Only the roster and the chamber's facts make the members' docs: the posts stay here.
                making = primed.send(dataclasses.replace(chamber, posts=[]), _name_memos())
            else:
                making = forked.call(_members_and_names, chamber, background=self.workers > 1)
            try:
                tree = content_tree(chamber, members=lambda: _learn_names(making.result()), staged=posts_staged_before)
                blog.category_slugs(chamber)  # asked for by the blog later: kept with the names
                directory.reading(chamber.info.name)  # the portal's order (build._write_summary)
            except BaseException:
                with contextlib.suppress(BaseException):  # the helper is waited for; its error is not ours
                    making.result()
                raise
        self.printed = self.printing.result() if self.printing else None
        tree.update(printed_tree(chamber, self.printed))
        staged, self._generated = split_tree(tree)
        # Photos' web copies: kept by content in .cache/ for the next build, made afresh by a plain one.
        photos = Path(config.docs_dir).parent / "photos" if self.config.plain else image_cache(chamber)
        write_tree(staged, Path(config.docs_dir), photos)
        self._editor_pages = editor_sources(chamber)
        self._apply(config, chamber)
        blog.configure(config, chamber)
        return config

    # The generated docs join the files before any other plugin sees them.
    @event_priority(100)
    def _on_files_add_generated(self, files, *, config: MkDocsConfig):
        if self.indexers:
            # `chamber build` indexes the site next: its indexers load their dictionary now, while this
            # process reads the files and pages (the other core is idle until the pages are converted).
            warm_up_indexers(self.indexers)
        for rel, text in self._generated.items():
            files.append(File.generated(config, rel, content=text))
        return files

    # The blog plugin runs its own handlers at priority -50; these adjust what it made.
    @event_priority(-60)
    def _on_files_after_blog(self, files, *, config: MkDocsConfig):
        if not self.config.plain:
            blog.index_posts(config)
        files = without_material_search(files, config)
        return files

    on_files = CombinedEvent(_on_files_add_generated, _on_files_after_blog)

    @event_priority(-60)
    def on_nav(self, nav, *, config: MkDocsConfig, files):
        blog.link_by_date(config)
        # The files are final now: every page is converted by one parser, through the page cache.
        if not self.config.plain:  # plain: MkDocs converts each page itself
            cache_dir = cache_root(self.chamber.folder.parent) / "pages" / self.chamber.slug if self.chamber else None
            self._renderer = PageRenderer(config, files, cache_dir, self.workers)
        return nav

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files):
        if self._renderer is not None:
            self._renderer.attach(page)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._renderer is not None:
            self._renderer.save()
            self._renderer = None

    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        if page.is_homepage:
            context["chamber_posts"] = blog.listed_posts(config)
        if page.meta.get("template") == "blog.html":
            context["news_sections"] = blog.sections(config)
        return context

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.chamber:
            server.watch(str(self.chamber.folder))
        theme_dir = config.theme.custom_dir
        if theme_dir:
            server.watch(theme_dir)
        return server

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files) -> str | None:
        # Raw HTML in editors' Markdown is untrusted: clean it after conversion, before any template sees it.
        if self.chamber is None or page.file.src_uri not in self._editor_pages:
            return None
        hosts = self.chamber.info.embed_hosts

        def clean(text: str) -> str:
            return sanitize_html(text, hosts)

        if self._renderer is None:
            return clean(html)
        return self._renderer.cleaned(page, html, clean, tag=json.dumps(sorted(hosts)))

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        output = mark_indexed(output, homepage=page.is_homepage, meta=page.meta)
        return add_policy(output, self._embed_hosts())

    def on_post_template(self, output: str, *, template_name: str, config: MkDocsConfig) -> str:
        # Theme pages built outside the page loop (404.html) get the same policy.
        return add_policy(output, self._embed_hosts()) if template_name.endswith(".html") else output

    def on_env(self, env, *, config: MkDocsConfig, files):
        env.filters["zh_date"] = format_date
        # Our partials wrap Material's own, reached as "stock:partials/…".
        env.loader = ChoiceLoader([env.loader, stock_loader(config.theme.dirs, config.theme.custom_dir)])
        if self.config.plain:
            env.globals["nav_memo"] = _draw_each_time
            return env
        # Parts of Material's templates every page draws the same: drawn once (nav_memo.py).
        env.globals["nav_memo"] = NavMemo(logo=config.theme.get("logo"))
        env.globals["strings_memo"] = StringsMemo()
        if self.chamber is not None:
            # Material's templates compiled once, not at every build (~0.2 s). Jinja keys its cache by each
            # template's source and its own and Python's versions; the folder, by the engines' and ours
            # (a template compiles according to the environment MkDocs and Material set up).
            folder = cache_root(self.chamber.folder.parent) / "templates" / tooling_key()[:16]
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    # -------------------------------------------------------------------------

    def _embed_hosts(self) -> list[str]:
        return self.chamber.info.embed_hosts if self.chamber else []

    def _load(self) -> Chamber:
        today = dt.date.fromisoformat(self.config.today) if self.config.today else None
        try:
            chamber = load_chamber(Path(self.config.content_dir), self.config.slug, today=today)
        except ContentError as exc:
            raise PluginError("content errors:\n" + "\n".join(str(p) for p in exc.problems)) from None
        # Loaded here only under `serve` (a build hands the plugin its chamber and reports the warnings).
        for warning in chamber.warnings:
            log.warning("%s", warning)
        return chamber

    def _apply(self, config: MkDocsConfig, chamber: Chamber) -> None:
        info = chamber.info
        config.site_name = plain_title(info.name)
        config.site_description = plain_title(f"{info.name}官方网站")
        if info.site_url:
            config.site_url = info.site_url.rstrip("/") + "/"
        config.nav = nav(chamber, self.printed)
        logo = logo_docs_path(chamber)
        if logo:
            config.theme["logo"] = logo
            config.theme["favicon"] = logo
        config.extra["chamber"] = {
            "slug": chamber.slug,
            "name": info.name,
            "short_name": info.display_short_name,
            "tagline": f"{info.hometown}在{info.city or '温'}工商界人士之家" if info.city else None,
            "address": info.address,
            "phone": info.phone,
            "phone_tel": re.sub(r"[^\d+]", "", info.phone or ""),
            "email": info.email,
            "icp": info.icp,
            "police_beian": info.police_beian,
            "logo": logo,
            "feed": FEED_FILE,
        }
