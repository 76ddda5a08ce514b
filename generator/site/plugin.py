"""The MkDocs plugin: adapts a chamber's prepared site (site/prepare.py) to MkDocs' events.

It adds the docs to MkDocs' files, fills in the chamber's config (name, navigation, logo), cleans editors'
HTML, and lets Material's blog show the chamber's news; loading and making the pages live elsewhere.
"""

from __future__ import annotations

import datetime as dt
import functools
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

from chamberpress.build.cache_layout import cache_root, frames_dir
from chamberpress.fingerprint import tooling_key
from chamberpress.chinese import format_date
from chamberpress.content.load import load_chamber
from chamberpress.content.model import Chamber
from chamberpress.content.images import picture_size
from chamberpress.content.sanitize import sanitize_html
from chamberpress.errors import ContentError
from chamberpress.markup import plain_title
from chamberpress.print.newsletter import OUTPUT_DIR as NEWSLETTER_DIR
from chamberpress.search.index import mark_indexed
from chamberpress.site import blog, not_found, sitemap, valid_markup
from chamberpress.site.csp import add_policy
from chamberpress.site.frames import (
    FrameStore,
    cut,
    finished,
    list_frame,
    site_facts,
    staged_head,
    staged_parts,
    toc_outline,
)
from chamberpress.site.kept_pages import is_post
from chamberpress.site.directory import MEMBERS_DIR
from chamberpress.site.docs import logo_docs_path
from chamberpress.site.front import front_page
from chamberpress.site.projects import PROJECTS_TITLE
from chamberpress.site.image_sizes import with_sizes
from chamberpress.site.icons import HEADER_LOGO_SIZE, shown_logos
from chamberpress.site.feeds import FEED_FILE
from chamberpress.site.nav_memo import NavMemo, StringsMemo, stock_loader
from chamberpress.site.prepare import PreparedSite, prepare_site, write_docs
from chamberpress.site.material_search import without_material_search
from chamberpress.site.places import attach_to_sections, breadcrumbs
from chamberpress.site.render_cache import PageRenderer
from chamberpress.i18n import _

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class ChamberPluginConfig(Config):
    enabled = c.Type(bool, default=True)
    slug = c.Type(str, default="")
    """The chamber's folder name under `content_dir`."""
    content_dir = c.Type(str, default="content")
    """The folder that holds every chamber's content."""
    today = c.Optional(c.Type(str))
    """Publication date cut-off (YYYY-MM-DD) for scheduled posts; default: today."""
    workers = c.Type(int, default=1)
    """Processes the build may use (`chamber build --jobs`)."""
    plain = c.Type(bool, default=False)
    """No speed shortcuts: MkDocs and Material as they come, plus the features (`chamber build --plain`)."""


def _section(page) -> str:  # noqa: ANN001 - MkDocs' Page
    """The part of the site a page belongs to, as the search names it: its top navigation entry; member
    profiles and projects (not in the navigation) by their folder."""
    if page.url.startswith(f"{MEMBERS_DIR}/"):
        return "会员名录"
    if page.url.startswith("projects/"):
        return PROJECTS_TITLE
    top = page
    while top.parent is not None:
        top = top.parent
    return top.title or ""


def _draw_each_time(name: str, page: object, nav: object, *, caller) -> str:
    """`nav_memo` of a plain build: the navigation drawn for every page, as Material draws it."""
    return caller()


class ChamberPlugin(BasePlugin[ChamberPluginConfig]):
    def __init__(self) -> None:
        super().__init__()
        # The docs of the site: handed over by `chamber build` (mkdocs_adapter.build_site), which has loaded
        # the chamber and printed its PDFs already; prepared in on_config under `serve` (whose every rebuild
        # loads a new plugin: this one has no startup hook for MkDocs to keep it by).
        self.site: PreparedSite | None = None
        self._renderer: PageRenderer | None = None
        self._archives: dict[int, tuple[str, str]] = {}  # each post's archive page, for its breadcrumbs
        self._files_by_url: tuple[object, dict[str, Path]] | None = None
        self._frames: FrameStore | None = None  # where posts' frames are kept (shortcut builds of a chamber)
        self._listed: dict[int, list[tuple[str, str | None]]] = {}  # posts a list page shows, until it is drawn
        self._handed_over = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self._handed_over = self.site is not None  # by `chamber build`
        if self.site is None:
            self.site = prepare_site(self._load(), None, shortcuts=not self.config.plain)
        write_docs(self.site, Path(config.docs_dir), shortcuts=not self.config.plain)
        self._apply(config, self.site)
        blog.configure(config, self.site.chamber)
        return config

    # The generated docs join the files before any other plugin sees them.
    @event_priority(100)
    def _on_files_add_generated(self, files, *, config: MkDocsConfig):
        for rel, text in self.site.generated.items() if self.site else ():
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
        from chamberpress.site.mkdocs_adapter import unknown_plugins

        blog.link_by_date(config)
        # Posts, news lists, profiles and project pages belong to the section of their address: its tab is
        # marked current on them, and their breadcrumbs name it.
        attach_to_sections(nav, [file.page for file in files.documentation_pages() if file.page is not None])
        self._archives = blog.archive_of_posts(config)
        # The files are final now: every page is converted by one parser, through the page cache.
        if self.site is not None and not self.config.plain:  # plain: MkDocs converts each page itself
            chamber = self.site.chamber
            cache_dir = cache_root(chamber.folder.parent) / "pages" / chamber.slug
            self._renderer = PageRenderer(config, files, cache_dir, self.config.workers)
            frames = FrameStore(frames_dir(chamber.folder.parent, chamber.slug))
            if self._handed_over and not unknown_plugins(config):
                self._frames = frames
                frames.save_facts(site_facts(config, files, chamber.info.embed_hosts))
            else:  # `serve`, or plugins that must see every page: no edit goes around MkDocs after this
                frames.drop_facts()
        return nav

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files):
        if self._renderer is not None:
            self._renderer.attach(page)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        (Path(config.site_dir) / sitemap.ROBOTS_FILE).write_text(sitemap.robots_txt(config.site_url), encoding="utf-8")
        sitemap.pack_sitemap(Path(config.site_dir))
        if self._renderer is not None:
            self._renderer.save()
            self._renderer = None

    def _on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        # The navigation is flat (a tab per section): a sidebar would only hold the page's own name. It stays
        # the menu of narrow screens (Material hides a hidden sidebar on wide ones only).
        # A news list has no table of contents: its column takes the whole width.
        hide = page.meta.get("hide") or []
        wanted = ["navigation", "toc"] if blog.is_view(page) else ["navigation"]
        if any(name not in hide for name in wanted):
            page.meta["hide"] = [*hide, *(name for name in wanted if name not in hide)]
        context["crumbs"] = breadcrumbs(page, self._archives.get(id(page)))
        if page.is_homepage:
            context["chamber_posts"] = posts = blog.listed_posts(config)
            if self.site is not None:
                chamber = self.site.chamber
                has_newsletter = any(f"{NEWSLETTER_DIR}/index.md" in item.values() for item in self.site.nav)
                front = front_page(chamber, has_newsletter=has_newsletter)
                context["front"] = front
                context["front_posts"] = blog.front_posts(posts, front.notices)
        if page.meta.get("template") == "blog.html":
            context["news_sections"] = blog.sections(config)
        return context

    # After the blog's own, at -100 (which puts a list page's posts in the context).
    @event_priority(-110)
    def _on_page_context_note_lists(self, context, *, page, config: MkDocsConfig, nav):
        """The posts a list page or the home page shows, for its list frame (on_post_page)."""
        if self._frames is None:
            return context
        if blog.is_view(page):
            shown = list(context.get("posts") or [])
        elif page.is_homepage and context.get("front_posts") is not None:
            lead = context["front_posts"].lead
            shown = [lead] if lead is not None else []
        else:
            return context
        self._listed[id(page)] = [(item.post.file.src_uri, blog.staged_summary(item)) for item in shown]
        return context

    on_page_context = CombinedEvent(_on_page_context, _on_page_context_note_lists)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.site is not None:
            server.watch(str(self.site.chamber.folder))
        theme_dir = config.theme.custom_dir
        if theme_dir:
            server.watch(theme_dir)
        return server

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files) -> str | None:
        # Raw HTML in editors' Markdown is untrusted: clean it after conversion, before any template sees it.
        if self.site is None or page.file.src_uri not in self.site.editor_pages:
            return None
        hosts = self.site.chamber.info.embed_hosts

        def clean(text: str) -> str:
            return sanitize_html(text, hosts)

        if self._renderer is None:
            html = clean(html)
        else:
            html = self._renderer.cleaned(page, html, clean, tag=json.dumps(sorted(hosts)))
        # Pictures sized after cleaning (what an editor wrote is kept); a post's cover too, for its template.
        published = self._published_files(files)
        post = page.meta.get("chamber_post")
        if isinstance(post, dict) and post.get("cover"):
            size = picture_size(published[post["cover"]]) if post["cover"] in published else None
            post["cover_size"] = list(size) if size else None
        return with_sizes(html, page.url, published)

    def _published_files(self, files) -> dict[str, Path]:
        """The site's files by their path in the site (for picture sizes), made once per build."""
        if self._files_by_url is None or self._files_by_url[0] is not files:
            by_url = {
                file.dest_uri: Path(file.abs_src_path)
                for file in files
                if file.abs_src_path and not file.is_documentation_page()
            }
            self._files_by_url = (files, by_url)
        return self._files_by_url[1]

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        output = mark_indexed(output, homepage=page.is_homepage, meta=page.meta, section=_section(page))
        page_html = finished(output, self._embed_hosts())
        if self._frames is not None and is_post(page):  # kept for an edit to the post's text alone
            head, _markdown = staged_parts(page.file.content_string)
            outline = toc_outline(page.toc)
            frame = cut(output, page.content or "", outline, staged_head(head), page_html)
            self._frames.save(page.file.dest_uri, frame)
        listed = self._listed.pop(id(page), None)
        if self._frames is not None and listed is not None:  # kept for an edit to a post's summary
            self._frames.save_list(page.file.dest_uri, list_frame(page_html, listed))
        return page_html

    def on_post_template(self, output: str, *, template_name: str, config: MkDocsConfig) -> str:
        # Theme pages built outside the page loop (404.html) get the same policy.
        if template_name == not_found.PAGE:
            output = not_found.self_contained(output, Path(config.site_dir), not_found.base_path(config.site_url))
            output = valid_markup.mended(output)
        return add_policy(output, self._embed_hosts()) if template_name.endswith(".html") else output

    def on_env(self, env, *, config: MkDocsConfig, files):
        env.filters["zh_date"] = format_date
        newest = max((p.date for p in self.site.chamber.published_posts), default=None) if self.site else None
        env.globals["sitemap_lastmod"] = functools.partial(
            sitemap.page_lastmod, newest_post=newest.isoformat() if newest else None, lists={}
        )
        # Our partials wrap Material's own, reached as "stock:partials/…".
        env.loader = ChoiceLoader([env.loader, stock_loader(config.theme.dirs, config.theme.custom_dir)])
        if self.config.plain:
            env.globals["nav_memo"] = _draw_each_time
            return env
        # Parts of Material's templates every page draws the same: drawn once (nav_memo.py).
        env.globals["nav_memo"] = NavMemo(logo=config.theme.get("logo"))
        env.globals["strings_memo"] = StringsMemo()
        if self.site is not None:
            # Material's templates compiled once, not at every build. Jinja keys its cache by each
            # template's source and its own and Python's versions; the folder, by the engines' and ours
            # (a template compiles according to the environment MkDocs and Material set up).
            folder = cache_root(self.site.chamber.folder.parent) / "templates" / tooling_key()[:16]
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    # -------------------------------------------------------------------------

    def _embed_hosts(self) -> list[str]:
        return self.site.chamber.info.embed_hosts if self.site else []

    def _load(self) -> Chamber:
        today = dt.date.fromisoformat(self.config.today) if self.config.today else None
        try:
            chamber = load_chamber(Path(self.config.content_dir), self.config.slug, today=today)
        except ContentError as exc:
            raise PluginError(_("content errors:") + "\n" + "\n".join(str(p) for p in exc.problems)) from None
        # Loaded here only under `serve` (a build hands the plugin its chamber and reports the warnings).
        for warning in chamber.warnings:
            log.warning("%s", warning)
        return chamber

    def _apply(self, config: MkDocsConfig, site: PreparedSite) -> None:
        chamber, info = site.chamber, site.chamber.info
        config.site_name = plain_title(info.name)
        config.site_description = plain_title(f"{info.name}官方网站")
        if info.site_url:
            config.site_url = info.site_url.rstrip("/") + "/"
        config.nav = site.nav
        logo = logo_docs_path(chamber)
        shown = shown_logos(chamber, logo)  # copies at the size shown (icons.py)
        if shown.header:
            config.theme["logo"] = shown.header
        if shown.favicon:
            config.theme["favicon"] = shown.favicon
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
            "logo_size": HEADER_LOGO_SIZE,
            "touch_icon": shown.touch_icon,
            "feed": FEED_FILE,
        }
