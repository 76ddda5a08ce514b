"""News posts: `news/**/*.md` with front matter, validated, with stable readable URLs."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from chamberpress.chinese import pinyin_slug
from chamberpress.errors import Problems
from chamberpress.content.links import PUBLISHABLE_DIRS, Document
from chamberpress.content.load_cache import NO_CACHE, LoadCache
from chamberpress.paths import resolve_inside
from chamberpress.content.published import image_problem
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import editor_files, load_markdown, without_comments
from chamberpress.i18n import _

DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# HTML blocks that are not running text (inline tags such as <b> or <span> at a paragraph's start are).
_BLOCK_HTML = re.compile(
    r"<(!--|/?(div|table|figure|iframe|video|audio|section|details|img|script|style|pre|ul|ol|hr|"
    r"br|center|blockquote)\b)",
    re.I,
)


@dataclass
class PostMeta:
    """The front matter of a news post."""

    title: str = spec("标题", required=True)
    date: dt.date = spec(
        "发布日期，如 2026-05-21（也可写 2026/5/21、2026年5月21日）；写将来的日期则到那天才发布", required=True
    )
    category: str | None = spec("栏目，须是 chamber.yml 的 categories 之一；不写则为第一个栏目")
    tags: list[str] = spec("标签，如 [培训, 法律]", factory=list)
    author: str | None = spec("作者或部门")
    source: str | None = spec("来源")
    summary: str | None = spec("摘要，显示在列表和订阅中；不写则取正文第一段")
    cover: str | None = spec("封面图片，相对于新闻文件的路径，如 images/peixun.jpg")
    pin: bool = spec("置顶：是 则在首页和各列表中排在最前", default=False)
    draft: bool = spec("草稿：是 则不发布", default=False)
    slug: str | None = spec("网址名（小写字母、数字和 -），如 spring-meeting；不写则由文件名生成")
    updated: dt.date | None = spec("更新日期，如 2026-05-22：已发布的新闻改正后填写（网站地图的 lastmod 用它）")


@dataclass
class Post:
    path: Path  # the source file
    rel: str  # path below news/, e.g. 2026/2026-05-21-falv-peixun.md
    meta: PostMeta
    body: str
    body_line: int
    slug: str
    cover: Path | None  # resolved cover image inside the chamber folder

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def date(self) -> dt.date:
        return self.meta.date

    @property
    def category(self) -> str:
        assert self.meta.category is not None  # set by load_posts
        return self.meta.category

    @property
    def url(self) -> str:
        """Site-relative URL of the post page, e.g. news/2026/05/21/falv-peixun/."""
        return f"news/{self.date:%Y/%m/%d}/{self.slug}/"

    def is_published(self, today: dt.date) -> bool:
        return not self.meta.draft and self.date <= today

    @property
    def summary(self) -> str:
        return self.meta.summary or first_paragraph(self.body)


# A summary is read from this much of a paragraph at most: 160 characters of text never need more, and
# the work stays bounded however long the paragraph (a pasted run of brackets, a table without breaks).
SUMMARY_WINDOW = 8192
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
# Each part stops at its own opener too, so that a run of openers without a close is read once, not once each.
_TAG = re.compile(r"<[^<>]*>")
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"[*_`~]+")


def first_paragraph(markdown: str, limit: int = 160) -> str:
    """The first paragraph of running text, as plain text, cut at `limit` characters.

    A salutation (各会员单位：) is not a summary: short paragraphs ending with a colon are skipped. HTML comments
    are never one (a post's body has none left; this holds for any text).
    """
    for block in re.split(r"\n\s*\n", without_comments(markdown)):
        text = block.strip()
        if (
            not text
            or text.startswith(("#", "!", "|", "```", "---", "- ", "* ", ">"))
            or re.match(r"^\d+\. ", text)
            or _BLOCK_HTML.match(text)
        ):
            continue
        text = _SCRIPT.sub("", text[:SUMMARY_WINDOW])
        text = _TAG.sub("", text)
        text = _IMAGE.sub("", text)
        text = _LINK.sub(r"\1", text)
        text = _TAG.sub("", text)
        text = _EMPHASIS.sub("", text)
        text = " ".join(text.split())
        if not text or (text.endswith(("：", ":")) and len(text) <= 30):
            continue
        return text if len(text) <= limit else text[:limit].rstrip() + "…"
    return ""


def _slug_for(path: Path, meta: PostMeta) -> str:
    if meta.slug:
        return meta.slug
    match = DATED_NAME.match(path.stem)
    stem = match.group(2) if match else path.stem
    return stem.lower() if SLUG.match(stem.lower()) else pinyin_slug(stem)


def load_post(path: Path, folder: Path, categories: list[str] | None, problems: Problems) -> Post | None:
    """One post; `categories` None (chamber.yml itself is broken) skips the category check."""
    source = load_markdown(path, problems)
    if source is None:
        return None
    meta: PostMeta | None = convert(PostMeta, source.meta, path, problems)
    ok = meta is not None
    # Every problem of the post at once: the checks below run on what the editor wrote even when a value
    # of another key could not be read (a bad date does not hide an unknown category).
    raw = source.meta.data

    def written(key: str) -> str | None:
        value = getattr(meta, key) if meta is not None else raw.get(key)
        return value.strip() if isinstance(value, str) else None

    title, category, slug, cover_name = written("title"), written("category"), written("slug"), written("cover")
    if title is not None and not title:
        problems.error(path, _("the title is empty"), line=source.meta.line("title"), field="title")
        ok = False
    if categories is None:
        pass
    elif category is None:
        if meta is not None:
            meta.category = categories[0]
    elif category not in categories:
        problems.error(
            path,
            _("unknown category {category!r}").format(category=category),
            line=source.meta.line("category"),
            field="category",
            expected=_("one of: {choices}").format(choices=", ".join(categories)),
        )
        ok = False
    if slug is not None and not SLUG.match(slug):
        problems.error(
            path,
            _("{slug!r} is not a URL name").format(slug=slug),
            line=source.meta.line("slug"),
            field="slug",
            expected=_("lower-case letters, digits and -"),
        )
        ok = False
    cover = None
    if cover_name:
        cover = resolve_inside(path.parent, cover_name, folder)
        if cover is None:
            problems.error(
                path,
                _("cover image {cover_name!r} not found inside the chamber folder").format(cover_name=cover_name),
                line=source.meta.line("cover"),
                field="cover",
                expected=_("a path relative to the post, e.g. images/photo.jpg"),
            )
            ok = False
        elif cover.relative_to(folder.resolve()).parts[0] not in PUBLISHABLE_DIRS:
            problems.error(
                path,
                _("cover image {cover_name!r} is not in a folder that is published").format(cover_name=cover_name),
                line=source.meta.line("cover"),
                field="cover",
                expected=_("an image under news/, pages/ or assets/"),
            )
            ok = False
        elif why := image_problem(cover):
            problems.error(
                path,
                _("cover image {cover_name!r} {why}").format(cover_name=cover_name, why=why),
                line=source.meta.line("cover"),
                field="cover",
                expected=_("save it again as JPEG or PNG"),
            )
            ok = False
    if not ok or meta is None:
        return None
    # Written out for MkDocs as .md whatever the case of its suffix: MkDocs reads only .md files as pages.
    rel = path.relative_to(folder / "news").as_posix()[: -len(".md")] + ".md"
    return Post(path, rel, meta, source.body, source.body_line, _slug_for(path, meta), cover)


def load_posts(
    folder: Path, categories: list[str] | None, problems: Problems, cache: LoadCache = NO_CACHE
) -> list[Post]:
    """Every post under news/ (`*.md` in any case, hidden and lock files left out), newest first; two posts
    with one URL are an error naming both. Each post as `cache` kept it, if its file is unchanged."""
    inputs = f"post\0{categories!r}"
    posts = [
        post
        for path in editor_files(folder, "news", problems, (".md",))
        if (post := cache.read(path, inputs, functools.partial(load_post, path, folder, categories), problems))
        is not None
    ]
    report_shared_urls(posts, problems)
    posts.sort(key=lambda p: (p.date, p.rel), reverse=True)
    return posts


def report_shared_urls(pages: list, problems: Problems) -> None:
    """An error for each of `pages` (posts, projects: each with `url` and `path`) whose URL an earlier one
    has: one would overwrite the other's page."""
    by_url: dict[str, object] = {}
    for page in pages:
        other = by_url.setdefault(page.url, page)
        if other is not page:
            problems.error(
                page.path,
                _("same URL {url} as {rel}").format(url=page.url, rel=problems.rel(other.path)),
                field="slug",
                expected=_("rename one file or give it a different slug:"),
            )


def unloaded_posts(folder: Path, posts: list[Post]) -> list[Document]:
    """The posts under news/ that could not be loaded (their problems are reported already), as documents
    whose links are still checked: a broken image is reported in the same run as a bad date."""
    quiet = Problems(folder)  # each file's own problems were reported when it was loaded
    loaded = {post.path for post in posts}
    documents = []
    for path in editor_files(folder, "news", quiet, (".md",)):
        if path not in loaded and (source := load_markdown(path, quiet, require_meta=False)) is not None:
            documents.append(Document(path, source.body, source.body_line, True))
    return documents
