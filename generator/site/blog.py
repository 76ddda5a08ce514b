"""The edge to Material's blog plugin: what the news section needs beyond its stock behaviour.

- Lists (news index, category, archive, home) show each post's summary, not the post itself. The stock
  plugin converts a post's whole Markdown again for every list that shows it; `PostSummary` takes the
  place of its excerpt (the plugin makes one in its stead: `install`), so a post is converted once.
- The plugin reads each post's front matter again with PyYAML's pure-Python loader; it gets the reader
  of the front matter docs.py writes (markup.FrontMatterLoader).
- It formats each post's dates with Babel three times (URL, archive, display): each result is kept.
- Categories are listed in the chamber's order, not by code point.
- Previous/next links follow the dates; pinning only changes the order of lists.
- The plugin asks `page in posts` for every page; with a list that is quadratic in the number of posts.
  It also compares every page with each of its views: only posts and views are handed to it.
- Importing it imports Material's search plugin, and so jieba: a stand-in until jieba is used.

views: the blog plugin's list pages (news index, category, archive pages), as Material names them.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import sys
import types
from dataclasses import dataclass
from typing import Any


def _jieba_on_first_use() -> None:
    """Material's blog imports its search plugin, which imports jieba, which imports setuptools'
    pkg_resources, at every start, for a search this project does not use (search/index.py). Until jieba
    is used (segmenter.py), a stand-in takes its place, which imports it at the first name asked of it
    and hands that over (importlib's LazyLoader would not do: the import statement itself asks the
    module for its `__spec__`)."""
    if "jieba" in sys.modules or importlib.util.find_spec("jieba") is None:
        return
    stand_in = types.ModuleType("jieba")

    def load(name: str) -> Any:
        if sys.modules.get("jieba") is stand_in:
            del sys.modules["jieba"]
        return getattr(importlib.import_module("jieba"), name)

    stand_in.__getattr__ = load  # type: ignore[method-assign]   # PEP 562: asked for names it lacks
    sys.modules["jieba"] = stand_in


_jieba_on_first_use()

import babel.dates  # noqa: E402
import material.plugins.blog.plugin as blog_plugin_module  # noqa: E402
import material.plugins.blog.structure as blog_structure  # noqa: E402
from material.plugins.blog.structure import Archive, Category, View  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402
from mkdocs.structure.toc import TableOfContents  # noqa: E402

from chamberpress.content.chamber import category_slug  # noqa: E402
from chamberpress.markup import FrontMatterLoader, plain_title  # noqa: E402
from chamberpress.content.model import Chamber  # noqa: E402

log = logging.getLogger(__name__)

BLOG = "material/blog"


def blog_plugin(config: MkDocsConfig) -> Any | None:
    plugin = config.plugins.get(BLOG)
    return plugin if plugin is not None and plugin.config.enabled else None


class PostSummary:
    """Stands in for the blog plugin's excerpt of a post: what a list shows, with nothing to render.

    Made by the plugin in place of its `Excerpt(post, config, files)`, which sets authors and categories.
    """

    def __init__(self, post: Page, config: MkDocsConfig | None = None, files: Any = None) -> None:
        self.post = post
        self.title = post.title
        self.meta = post.meta
        self.config = post.config  # the plugin's post config: date, pin, readtime …
        self.categories: list = []
        self.authors: list = []
        self.content = ""
        self.more = None
        self.toc = TableOfContents([])

    @property
    def url(self) -> str:
        return self.post.url

    def render(self, page: Page, separator: str) -> None:
        """Nothing to convert: the list template shows the summary from the front matter."""


class PostList(list):
    """The blog's posts with constant-time membership (posts are distinct page objects)."""

    def __init__(self, posts: list) -> None:
        super().__init__(posts)
        self._ids = {id(post) for post in posts}

    def __contains__(self, page: object) -> bool:
        return id(page) in self._ids


def _posts_and_views_only(on_page_markdown: Any) -> Any:
    """The plugin's on_page_markdown, which does nothing to a page that is neither one of its posts nor one
    of its views, but first compares such a page with every view (Page.__eq__), a cost that adds up over
    a large chamber's thousands of profiles. Those pages are let through at once."""

    @functools.wraps(on_page_markdown)  # its event priority too
    def wrapper(self: Any, markdown: str, *, page: Page, **kwargs: Any) -> str | None:
        if not isinstance(page, View) and page not in self.blog.posts:
            return None
        return on_page_markdown(self, markdown, page=page, **kwargs)

    wrapper.posts_and_views_only = True
    return wrapper


# Material's own, as imported (before any build replaced them): each build replaces them for its time only.
_STOCK_ON_PAGE_MARKDOWN = blog_plugin_module.BlogPlugin.on_page_markdown
_FORMAT_DATE = functools.lru_cache(maxsize=8192)(babel.dates.format_date)
_FORMAT_DATETIME = functools.lru_cache(maxsize=8192)(babel.dates.format_datetime)


def patches(*, shortcuts: bool) -> list[tuple[object, str, object]]:
    """What a build replaces in Material's blog, as (owner, name, value); mkdocs_adapter applies them before
    MkDocs loads the plugin (it takes a plugin's event handlers then) and undoes them after the build.

    The feature: the plugin makes a PostSummary where it made an Excerpt (lists show summaries). The speed
    shortcuts (left out by a plain build): front matter read with markup.FrontMatterLoader (the same
    values, much quicker, for the front matter docs.py writes); a date formatted in a format once (Babel
    is slow, the plugin formats each post's dates three times, and posts share days); only posts and
    views handed to its on_page_markdown."""
    replaced: list[tuple[object, str, object]] = [(blog_plugin_module, "Excerpt", PostSummary)]
    if shortcuts:
        replaced += [
            (blog_structure, "SafeLoader", FrontMatterLoader),
            (blog_plugin_module, "format_date", _FORMAT_DATE),
            (blog_plugin_module, "format_datetime", _FORMAT_DATETIME),
            (blog_plugin_module.BlogPlugin, "on_page_markdown", _posts_and_views_only(_STOCK_ON_PAGE_MARKDOWN)),
        ]
    return replaced


def configure(config: MkDocsConfig, chamber: Chamber) -> None:
    """Category order and allow-list from chamber.yml (on_config)."""
    blog = blog_plugin(config)
    if blog is None:
        return
    # The staged posts carry their category as plain_title makes it (docs.py); so do these.
    names = [plain_title(name) for name in chamber.info.categories]
    order = {name: index for index, name in enumerate(names)}
    blog.config.categories_allowed = names
    blog.config.categories_sort_by = lambda view: order.get(view.name, len(order))
    blog.config.categories_sort_reverse = False


def category_slugs(chamber: Chamber) -> None:
    """Work out the categories' URL names (the blog's categories_slugify is chinese.pinyin_slug) while
    the pinyin memo is open (directory.slug_memo), so that later builds find them there."""
    for name in chamber.info.categories:
        category_slug(name)


def index_posts(config: MkDocsConfig) -> None:
    """Swap the plugin's list of posts for a PostList (on_files, after the plugin)."""
    blog = blog_plugin(config)
    if blog is not None and not isinstance(blog.blog.posts, PostList):
        blog.blog.posts = PostList(blog.blog.posts)


def link_by_date(config: MkDocsConfig) -> None:
    """Previous/next of each post by date, oldest to newest (on_nav, after the plugin)."""
    blog = blog_plugin(config)
    if blog is None:
        return
    posts = sorted(blog.blog.posts, key=lambda post: (post.config.date.created, post.file.src_uri))
    for older, post, newer in zip([None, *posts], posts, [*posts[1:], None]):
        post.previous_page, post.next_page = older, newer


def listed_posts(config: MkDocsConfig) -> list[PostSummary]:
    """Every published post as lists show it, pinned first, then newest first."""
    blog = blog_plugin(config)
    if blog is None:
        return []
    return [post.excerpt for post in blog.blog.posts if isinstance(getattr(post, "excerpt", None), PostSummary)]


FRONT_LIST = 8  # posts in each of the home page's two lists


@dataclass
class FrontPosts:
    """The home page's posts: the lead story, then 新闻动态 (the others) beside the notices category's."""

    lead: PostSummary | None
    news: list[PostSummary]
    notices: list[PostSummary]


def staged_summary(post: PostSummary) -> str | None:
    """The summary a list shows of a post (partials/post.html), as staged in its front matter."""
    summary = (post.meta.get("chamber_post") or {}).get("summary")
    return summary if isinstance(summary, str) else None


def front_posts(posts: list[PostSummary], notices: str | None) -> FrontPosts:
    """From `listed_posts` (pinned first, then newest first): the lead story is the first pinned post with a
    cover, else the newest post with a cover; a post shown as the lead is in neither list, and a notice is
    only in the notices' list."""

    def has_cover(post: PostSummary) -> bool:
        return bool((post.meta.get("chamber_post") or {}).get("cover"))

    pinned = [post for post in posts if post.config.pin]
    newest = sorted(posts, key=lambda post: post.config.date.created, reverse=True)  # stable: pinned kept first
    lead = next((post for post in pinned if has_cover(post)), None) or next(filter(has_cover, newest), None)
    name = plain_title(notices) if notices else None

    def is_notice(post: PostSummary) -> bool:
        return name is not None and name in (post.meta.get("categories") or [])

    rest = [post for post in posts if post is not lead]
    return FrontPosts(
        lead=lead,
        news=[post for post in rest if not is_notice(post)][:FRONT_LIST],
        notices=[post for post in rest if is_notice(post)][:FRONT_LIST],
    )


def sections(config: MkDocsConfig) -> dict[str, list[tuple[str, str]]]:
    """The category and archive pages as (name, site URL), for the lists' section links."""
    blog = blog_plugin(config)
    if blog is None:
        return {}
    views = blog.blog.views
    archive = sorted((v for v in views if isinstance(v, Archive)), key=lambda v: v.name, reverse=True)
    return {
        "categories": [(v.name, v.url) for v in views if isinstance(v, Category)],
        "archive": [(v.name, v.url) for v in archive],
    }


def archive_of_posts(config: MkDocsConfig) -> dict[int, tuple[str, str]]:
    """Each post's archive page (its year's), as (name, site URL), by the post's id."""
    blog = blog_plugin(config)
    if blog is None:
        return {}
    return {
        id(post): (view.name, view.url) for view in blog.blog.views if isinstance(view, Archive) for post in view.posts
    }


def is_view(page: object) -> bool:
    """Whether the page is one of the blog's lists (news index, category, archive, or a further page of one)."""
    return isinstance(page, View)
