"""The secretariat's page around a WeChat article (`chamber wechat`): the values to type into WeChat's form
(标题, 作者, 摘要, 原文链接, the cover), the article at a phone's width, and buttons that copy them.

Written to `<out>/_wechat/<slug>/<post file name>.html`: beside the sites, never inside one, never published.
The page loads nothing but the chamber's own pictures from its published site; its few lines of script
(theme/wechat/copy.js) are the only script, allowed by their hash.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from chamberpress.content.model import Chamber
from chamberpress.content.news import Post, first_paragraph
from chamberpress.errors import ContentError, Problems
from chamberpress.paths import PROJECT_DIR, real_path
from chamberpress.wechat.article import Addresses, Article, colour_of, make_article, post_address
from chamberpress.i18n import N_, _

OUTPUT_DIR = "_wechat"
TEMPLATE_DIR = PROJECT_DIR / "theme" / "wechat"
# What WeChat's form takes at most, in characters.
TITLE_LIMIT, AUTHOR_LIMIT, SUMMARY_LIMIT = 64, 8, 120

# Messages, in one place: the page's (Chinese, for the secretariat) and the command's.
SITE_URL_MISSING = N_(
    "site_url is required for WeChat articles: pictures and 原文链接 are addresses on the published site"
)
SITE_URL_EXAMPLE = N_("the published site's address, e.g. site_url: https://example.cn/")
NOTICE_DRAFT = "这篇是草稿（draft: true），网站不会发布它：原文链接打不开，正文里的图片微信也抓取不到。"
NOTICE_SCHEDULED = "这篇定于 {date} 在网站发布：在那之前原文链接打不开，正文图片也要等网站发布后才能被微信抓取。"
NOTICE_LEFT_OUT = "没有放进正文（不在本会网站上，或是视频、嵌入内容）：{items}"
NOTICE_HTTP = "网站地址不是 https：微信可能抓取不到图片，建议网站启用 https 后把 site_url 改为 https://…"


@dataclass(frozen=True)
class FormValues:
    """What goes into WeChat's form for one article."""

    title: str
    author: str
    summary: str  # at most SUMMARY_LIMIT characters
    source_url: str  # 原文链接: the post's page on the published site
    cover: str | None  # absolute URL
    cover_from_body: bool  # no cover set: the article's first picture


@dataclass(frozen=True)
class Written:
    post: Post
    path: Path
    article: Article
    notices: tuple[str, ...]


def require_site_url(chamber: Chamber) -> str:
    """The chamber's site_url; a content error naming chamber.yml and the key when it has none."""
    if chamber.info.site_url:
        return chamber.info.site_url
    problems = Problems(chamber.folder.parent.parent)
    problems.error(chamber.folder / "chamber.yml", _(SITE_URL_MISSING), field="site_url", expected=_(SITE_URL_EXAMPLE))
    raise ContentError(problems.items)


def cut(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis marks a cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def find_post(chamber: Chamber, given: str) -> Post | None:
    """The chamber's post named by `given`: a path inside the chamber folder (news/2026/x.md), below news/
    (2026/x.md), or from where the command runs (content/anhui/news/2026/x.md). Only a post the chamber has
    loaded is ever returned, so nothing outside its folder is read."""
    posts = {real_path(post.path): post for post in chamber.posts}
    for candidate in (chamber.folder / given, chamber.folder / "news" / given, Path(given)):
        post = posts.get(real_path(candidate))
        if post is not None:
            return post
    return None


def latest_posts(chamber: Chamber, count: int) -> list[Post]:
    """The `count` newest published posts, newest first (by date, as the feed: pinning orders lists only)."""
    return sorted(chamber.published_posts, key=lambda p: (p.date, p.rel), reverse=True)[:count]


def page_name(chamber: Chamber, post: Post) -> str:
    """The page's file name: the post's file name, or its path below news/ where two posts share a name."""
    if sum(other.path.stem == post.path.stem for other in chamber.posts) == 1:
        return post.path.stem + ".html"
    return post.rel[: -len(".md")].replace("/", "-") + ".html"


def form_values(chamber: Chamber, post: Post, article: Article, site_url: str) -> FormValues:
    cover = Addresses(chamber, post, site_url).file(post.cover) if post.cover else None
    summary = post.meta.summary or first_paragraph(post.body, limit=SUMMARY_LIMIT * 4)
    return FormValues(
        title=cut(post.title, 10_000),
        author=cut(post.meta.author or chamber.info.display_short_name, 10_000),
        summary=cut(summary, SUMMARY_LIMIT),
        source_url=post_address(site_url, post),
        cover=cover or (article.pictures[0] if article.pictures else None),
        cover_from_body=cover is None and bool(article.pictures),
    )


def notices(chamber: Chamber, post: Post, article: Article, site_url: str) -> list[str]:
    """What the secretariat should know before pasting (shown on the page, printed by the command)."""
    found = []
    if post.meta.draft:
        found.append(NOTICE_DRAFT)
    elif post.date > chamber.today:
        found.append(NOTICE_SCHEDULED.format(date=post.date.isoformat()))
    if article.left_out:
        found.append(NOTICE_LEFT_OUT.format(items="、".join(article.left_out)))
    if not site_url.lower().startswith("https://"):
        found.append(NOTICE_HTTP)
    return found


@dataclass(frozen=True)
class _Field:
    key: str
    label: str
    value: str
    limit: int | None

    @property
    def length(self) -> int:
        return len(self.value)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
    )


def _script_policy(script: str) -> str:
    """The page's Content-Security-Policy: its own script by hash, pictures from any web address (the
    published site's), inline styles (the article's); nothing else."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src https: http:; "
        "base-uri 'none'; form-action 'none'"
    )


def render_page(chamber: Chamber, form: FormValues, article: Article, page_notices: list[str]) -> str:
    script = (TEMPLATE_DIR / "copy.js").read_text(encoding="utf-8")
    fields = [
        _Field("title", "标题", form.title, TITLE_LIMIT),
        _Field("author", "作者", form.author, AUTHOR_LIMIT),
        _Field("summary", "摘要", form.summary, SUMMARY_LIMIT),
        _Field("source", "原文链接", form.source_url, None),
    ]
    return (
        _environment()
        .get_template("page.html")
        .render(
            chamber_name=chamber.info.name,
            colour=colour_of(chamber),
            form=form,
            fields=fields,
            article=article.html,
            notices=page_notices,
            script=script,
            policy=_script_policy(script),
        )
    )


def write_article(chamber: Chamber, post: Post, out_dir: Path) -> Written:
    """Make the post's article and its page, written to `<out>/_wechat/<slug>/`."""
    site_url = require_site_url(chamber)
    article = make_article(chamber, post, site_url)
    form = form_values(chamber, post, article, site_url)
    found = notices(chamber, post, article, site_url)
    path = out_dir / OUTPUT_DIR / chamber.slug / page_name(chamber, post)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(chamber, form, article, found), encoding="utf-8")
    return Written(post, path, article, tuple(found))
