"""The pages stage: the chamber model → the Markdown tree MkDocs builds (pure), and its writer.

The tree maps a docs-relative path to text (generated Markdown or CSS) or to a source file to copy.
Drafts and scheduled posts are left out here, so they can appear in no page, list, feed or index.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from chamberpress.fingerprint import Fingerprint, tooling_key
from chamberpress.site.staged_posts import StagedPosts
from chamberpress.content.charter import charter_facts, charter_markdown, charter_title
from chamberpress.chinese import format_date, reading_minutes
from chamberpress.site.colour import DEFAULT_COLOUR, readable_colour
from chamberpress.site.directory import MEMBERS_DIR, ORGANIZATION_PAGE, has_organization_page
from chamberpress.site.events import EVENTS_PAGE, ICS_FILE, events_ics, events_markdown, home_events_markdown
from chamberpress.site.feeds import FEED_FILE, atom_feed
from chamberpress.content.images import (
    THUMB_WIDTH,
    Icon,
    Photo,
    icon_image,
    is_photo,
    photo_problem,
    thumb_name,
    web_image,
)
from chamberpress.content.links import linked_files, rewrite_links
from chamberpress.markup import front_matter, md_text, plain_title
from chamberpress.content.model import Chamber
from chamberpress.content.news import Post
from chamberpress.content.pages import Page
from chamberpress.print.newsletter import JOIN_PAGE
from chamberpress.print.newsletter import OUTPUT_DIR as NEWSLETTER_DIR
from chamberpress.print.newsletter import IssueOutput, Printed
from chamberpress.print.cover import COVER_SUFFIX
from chamberpress.build.output import remove_others, write_if_changed
from chamberpress.paths import real_path, real_text, resolve_inside
from chamberpress.content.published import image_problem, published_copy, refusal
from chamberpress.search.index import SEARCH_PAGE, search_page_markdown
from chamberpress.site.icons import icon_tree
from chamberpress.site.projects import PROJECTS_TITLE, home_projects_markdown, projects_tree
from chamberpress.site.front import wechat_qr_docs_path
from chamberpress.i18n import _

if TYPE_CHECKING:
    from chamberpress.content.mentions import Names

log = logging.getLogger(__name__)

# docs path → generated text, a file to copy, or a photo to publish as its web copy
Tree = dict[str, "str | Path | Photo | Icon"]

NEWS_DIR = "news"
POSTS_DIR = "news/posts"


def post_docs_path(post: Post) -> str:
    return f"{POSTS_DIR}/{post.rel}"


def logo_docs_path(chamber: Chamber) -> str | None:
    """Where the logo sits in the docs: its own path if under assets/ and made of plain URL characters
    (Material prints the logo's address into `src` and `href` unescaped), else assets/logo.<ext>."""
    if not chamber.info.logo:
        return None
    source = resolve_inside(chamber.folder, chamber.info.logo, chamber.folder)
    if source is None:
        return None
    rel = source.relative_to(chamber.folder.resolve()).as_posix()
    if rel.startswith("assets/") and _PLAIN_PATH.fullmatch(rel):
        return rel
    suffix = source.suffix.lower()
    return f"assets/logo{suffix if _PLAIN_PATH.fullmatch(suffix) else ''}"


_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def nav(chamber: Chamber, printed: Printed | None = None) -> list[dict[str, str]]:
    """The top navigation: home, news, charter, members, newsletter, then the chamber's own pages."""
    items = [{"首页": "index.md"}, {"新闻动态": f"{NEWS_DIR}/index.md"}]
    if chamber.charter:
        items.append({"章程": "charter.md"})
    if chamber.roster:
        items.append({"会员名录": f"{MEMBERS_DIR}/index.md"})
    if has_organization_page(chamber.listed_members, chamber.info):
        items.append({"组织架构": ORGANIZATION_PAGE})
    if printed and printed.issues:
        items.append({"会刊": f"{NEWSLETTER_DIR}/index.md"})
    if chamber.published_projects:
        items.append({PROJECTS_TITLE: "projects/index.md"})
    if chamber.info.plan:
        items.append({"活动日程": EVENTS_PAGE})
    items += [{plain_title(page.title): f"{page.name}.md"} for page in chamber.pages]
    return items


def _published_docs(chamber: Chamber) -> dict[Path, str]:
    """Where each published Markdown file of the content folder sits in the docs tree."""
    located = {real_path(post.path): post_docs_path(post) for post in chamber.published_posts}
    located |= {real_path(page.path): f"{page.name}.md" for page in chamber.pages}
    located |= {real_path(p.path): f"projects/{p.slug}.md" for p in chamber.published_projects}
    if chamber.charter:
        located[real_path(chamber.folder / "charter.md")] = "charter.md"
    return located


def _file_docs_path(folder: Path, path: Path) -> str | None:
    """Where an image or attachment of the chamber's `folder` sits in the docs tree."""
    try:
        parts = real_path(path).relative_to(real_path(folder)).parts
    except ValueError:
        return None
    top, rest = parts[0], "/".join(parts[1:])
    if top == NEWS_DIR:
        return f"{POSTS_DIR}/{rest}"
    if top in ("pages", "assets", "projects"):
        return f"{top}/{rest}"
    return None


def _locator(folder: Path, published: Callable[[], dict[str, str]]) -> Callable[[Path], str | None]:
    """Where a linked file of the chamber at `folder` sits in the docs tree; `published()` gives
    published_docs, asked for when a link to a Markdown file first needs it (a text edit stages one post:
    most link only to pictures, and the real paths of 2,000 posts took a tenth of its drawing)."""
    found: list[dict[str, str]] = []

    def locate(path: Path) -> str | None:
        if path.suffix.lower() == ".md":
            if not found:
                found.append(published())
            return found[0].get(real_text(path))
        return _file_docs_path(folder, path)

    return locate


def _chamber_locator(chamber: Chamber) -> Callable[[Path], str | None]:
    return _locator(chamber.folder, lambda: published_docs(chamber))


def published_file(chamber: Chamber, path: Path) -> str | None:
    """The site path of an image or attachment of the content folder, as the site publishes it (the photo's
    web copy keeps the name), or None if it lies outside the folders that are published."""
    where = _file_docs_path(chamber.folder, path)
    return site_path(where) if where is not None else None


def site_path(docs_path: str) -> str:
    """The site URL path of a file staged under news/posts/ (the blog plugin drops the posts/ level)."""
    prefix = POSTS_DIR + "/"
    return NEWS_DIR + "/" + docs_path[len(prefix) :] if docs_path.startswith(prefix) else docs_path


def _post_markdown(folder: Path, post: Post, locate: Callable[[Path], str | None]) -> str:
    """A post's staged Markdown; `folder`: its chamber's."""
    docs_path = post_docs_path(post)
    cover = _file_docs_path(folder, post.cover) if post.cover else None
    # Material prints the title and description unescaped: plain_title makes them inert.
    meta = {
        "title": plain_title(post.title),
        "date": post.date,
        "categories": [plain_title(post.category)],
        "slug": post.slug,
        "pin": post.meta.pin,
        "readtime": reading_minutes(post.body),
        "description": plain_title(post.summary),
        # Posts have their own previous/next links by date: the footer's page navigation would repeat them.
        "hide": ["footer"],
        "chamber_post": {
            "title": post.title,  # as written, for our own templates, which escape it
            "author": post.meta.author,
            "source": post.meta.source,
            "tags": post.meta.tags,
            "summary": post.summary,
            "date_zh": format_date(post.date),
            "date_iso": post.date.isoformat(),
            "updated_iso": max(post.date, post.meta.updated).isoformat() if post.meta.updated else None,
            "cover": site_path(cover) if cover else None,
            "thumb": site_path(thumb_name(cover)) if cover and post.cover and is_photo(post.cover) else None,
            # A cover that is also the body's first photo is not shown twice on the post page.
            "cover_in_body": post.cover in {real_path(p) for p in linked_files(post.body, post.path, folder)},
        },
    }
    return front_matter(meta) + rewrite_links(post.body, post.path, docs_path, folder, locate)


def staged_post(chamber: Chamber, post: Post) -> str:
    """One post's staged Markdown, as content_tree stages it."""
    return _post_markdown(chamber.folder, post, _chamber_locator(chamber))


def published_docs(chamber: Chamber) -> dict[str, str]:
    """Where each published Markdown file of the content folder sits in the docs tree, by its real path."""
    return {os.fspath(path): docs_path for path, docs_path in _published_docs(chamber).items()}


def staged_post_alone(folder: Path, post: Post, published: dict[str, str]) -> str:
    """staged_post of a post of the chamber at `folder` whose published Markdown files sit where `published`
    (published_docs, as a build recorded it) says: made before the chamber is loaded (a text edit's guess
    at the post's page, build/text_edit.py)."""
    return _post_markdown(folder, post, _locator(folder, lambda: published))


@dataclass(frozen=True)
class Reach:
    """What pages other than a post's own take from its text: the listed members it names (their profiles
    list it) and the files it links to (those are published). An edit that leaves the first as it was, and
    the files the posts link to all told, changes no page but the post's own (build/text_edit.py)."""

    named: str  # a digest of the names
    linked: frozenset[str]  # real paths


def posts_reach(chamber: Chamber, posts: list[Post], names: Names | None = None) -> dict[str, Reach]:
    """Each post's Reach, by its path. `names`: the chamber's mention_names, where the caller kept them."""
    from chamberpress.content.mentions import mentions

    named: dict[int, list[str]] = {id(post): [] for post in posts}
    if chamber.roster:
        for name, naming in sorted(mentions(posts, chamber.listed_members, names).items()):
            for post in naming:
                named[id(post)].append(name)
    return {
        str(post.path): Reach(
            Fingerprint("\0".join(named[id(post)])).hex(),
            frozenset(str(real_path(p)) for p in linked_files(post.body, post.path, chamber.folder)),
        )
        for post in posts
    }


def _staging_context(chamber: Chamber, published: dict[Path, str]) -> bytes:
    """What a post's staged Markdown depends on besides the post itself (whose every value is in its repr):
    where each published Markdown file lands in the docs tree (links to posts and pages), which files and
    links the chamber's folder holds (links to images and attachments, resolved through links), and the
    generator that stages it."""
    digest = Fingerprint(tooling_key(), f"{chamber.folder}\0{real_path(chamber.folder)}\n")
    for source, docs_path in sorted(published.items()):
        digest.add(f"{source}\0{docs_path}\n")
    # Folders and links count here, not only files (walk_files leaves out links to folders): a link is
    # resolved through them.
    for root, dirs, names in os.walk(chamber.folder):
        dirs.sort()
        for name in sorted(dirs + names):
            path = os.path.join(root, name)
            target = os.readlink(path) if os.path.islink(path) else ""
            digest.add(f"{os.path.relpath(path, chamber.folder)}\0{target}\n")
    return digest.raw()


def _home_markdown(chamber: Chamber) -> str:
    """The home page's own text: the current projects and the next activities. The rest of the front page
    (lead story, news and notices, quick entries, leadership, QR code, links) is laid out by home.html
    from site/front.py and the blog's posts."""
    info = chamber.info
    lines = [front_matter({"title": plain_title(info.name), "template": "home.html", "hide": ["navigation", "toc"]})]
    lines.append(home_projects_markdown(chamber.current_projects))
    lines.append(home_events_markdown(chamber))
    return "\n".join(lines) + "\n"


def _page_markdown(chamber: Chamber, page: Page, locate: Callable[[Path], str | None], join_pdf: str = "") -> str:
    """A page of pages/; the join page ends with the procedure as numbered steps and the form's link."""
    body = rewrite_links(page.body, page.path, f"{page.name}.md", chamber.folder, locate)
    if page.name == JOIN_PAGE:
        steps = "\n".join(f"{n}. {md_text(step)}" for n, step in enumerate(chamber.info.join.procedure, 1))
        body = body.rstrip("\n") + f"\n\n## 入会程序 {{: #join-steps }}\n\n{steps}\n{join_pdf}"
    return front_matter({"title": plain_title(page.title)}) + body


def members_tree(chamber: Chamber) -> Tree:
    """The directory, a profile per listed member, their logos, and the organisation page."""
    from chamberpress.site.directory import (
        directory_markdown,
        has_organization_page,
        logo_docs_path as member_logo,
        organization_markdown,
        profile_markdown,
        profile_path,
        profile_slugs,
    )

    from chamberpress.content.mentions import mentions

    members = chamber.listed_members
    slugs = profile_slugs(members)
    tree: Tree = {}
    if chamber.roster:
        tree[f"{MEMBERS_DIR}/index.md"] = directory_markdown(members, slugs)
        named = mentions(chamber.published_posts, members)
        for member in members:
            slug = slugs[member.name]
            tree[profile_path(slug)] = profile_markdown(member, slug, chamber.info.name, named.get(member.name, ()))
            logo = member_logo(member, slugs[member.name])
            if logo:
                tree[logo] = published_copy(chamber.roster.path.parent / member.logo)
    if has_organization_page(members, chamber.info):
        tree[ORGANIZATION_PAGE] = organization_markdown(members, slugs, chamber.info)
    return tree


def _unlisted_logos(chamber: Chamber, tree: Tree) -> set[str]:
    """Logo files used only by unlisted members: left out, as every trace of those members is."""
    listed = {m.logo for m in chamber.listed_members} | {logo_docs_path(chamber)}
    return {m.logo for m in chamber.members if not m.listed and m.logo and m.logo not in listed and m.logo in tree}


def _charter_markdown(chamber: Chamber, printed: Printed | None = None) -> str:
    """The charter page: its adoption facts for the charter.html template, a link to charter.pdf when
    printed (at the top: the text is many screens long), then the anchored text."""
    charter = chamber.charter
    assert charter is not None
    meta = {
        "title": plain_title(charter_title(charter, chamber.info.name)),
        "template": "charter.html",
        "charter": asdict(charter_facts(charter)),
    }
    days = [d for d in (charter.meta.adopted, *(a.date for a in charter.meta.amendments)) if d]
    if days:
        meta["lastmod"] = max(days).isoformat()  # the sitemap's (site/sitemap.py)
    # Links from the charter to pages and posts are re-pointed like theirs (pages/about.md → about.md).
    body = rewrite_links(
        charter_markdown(charter.text),
        charter.path,
        "charter.md",
        chamber.folder,
        _chamber_locator(chamber),
    )
    return front_matter(meta) + charter_pdf_link(printed) + body


def _palette_css(chamber: Chamber) -> str:
    color = readable_colour(chamber.info.color or DEFAULT_COLOUR)
    return (
        ":root, [data-md-color-scheme] {\n"
        f"  --md-primary-fg-color: {color};\n  --md-primary-fg-color--light: {color};\n"
        f"  --md-primary-fg-color--dark: {color};\n  --md-accent-fg-color: {color};\n"
        f"  --md-typeset-a-color: {color};\n}}\n"
    )


def _published_files(chamber: Chamber) -> list[Path]:
    """Images and attachments the published posts, pages and charter use; nothing else of news/ is copied."""
    found: list[Path] = []
    for post in chamber.published_posts:
        found += linked_files(post.body, post.path, chamber.folder)
        if post.cover:
            found.append(post.cover)
    for page in chamber.pages:
        found += linked_files(page.body, page.path, chamber.folder)
    if chamber.charter:
        found += linked_files(chamber.charter.body, chamber.folder / "charter.md", chamber.folder)
    for project in chamber.published_projects:
        found += linked_files(project.body, project.path, chamber.folder)
        if project.cover:
            found.append(project.cover)
    return found


def _size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def _newsletter_archive(chamber: Chamber, printed: Printed) -> str:
    """The archive page of the printed issues, newest first: a card per issue with its cover picture,
    number, date, cover title and a download button that gives the PDF's size (theme reading.css)."""
    title = chamber.info.newsletter.title or f"{chamber.info.name}会刊"
    lines = [front_matter({"title": "会刊"}), f"# {md_text(title)}\n"]
    if chamber.info.newsletter.frequency:
        lines.append(f"{md_text(chamber.info.newsletter.frequency)}，共 {len(printed.issues)} 期。\n")
    lines.append('<ul class="cp-issues">')
    for issue in printed.issues:
        lines.append(_issue_card(title, issue))
    lines.append("</ul>")
    return "\n".join(lines) + "\n"


def _issue_card(masthead: str, issue: IssueOutput) -> str:
    """One issue of the archive page, as one line of HTML (Markdown passes the block through)."""
    number = html.escape(issue.number)
    cover = ""
    if issue.cover is not None:
        alt = html.escape(f"《{masthead}》{issue.number}封面")
        cover = (
            f'<img class="cp-issue__cover" src="{issue.id}{COVER_SUFFIX}" width="{issue.cover.width}" '
            f'height="{issue.cover.height}" alt="{alt}" loading="lazy">'
        )
    return (
        f'<li class="cp-issue">{cover}<div class="cp-issue__body">'
        f'<h2 class="cp-issue__number">{number}</h2>'
        f'<p class="cp-issue__date"><time datetime="{issue.date.isoformat()}">{issue.date_zh}</time>出版'
        f"<span>共 {issue.pdf.pages} 页</span></p>"
        f'<p class="cp-issue__title">{html.escape(issue.title)}</p>'
        f'<a class="md-button md-button--primary cp-issue__download" href="{issue.id}.pdf" type="application/pdf">'
        f"下载 PDF（{_size_text(issue.pdf.size)}）</a></div></li>"
    )


def _printed_files(chamber: Chamber, printed: Printed) -> Tree:
    """The newsletter archive with its PDFs, and charter.pdf."""
    tree: Tree = {}
    if printed.issues:
        tree[f"{NEWSLETTER_DIR}/index.md"] = _newsletter_archive(chamber, printed)
        for issue in printed.issues:
            tree[f"{NEWSLETTER_DIR}/{issue.id}.pdf"] = issue.pdf.path
            if issue.cover is not None:
                tree[f"{NEWSLETTER_DIR}/{issue.id}{COVER_SUFFIX}"] = issue.cover.path
    if printed.charter:
        tree["charter.pdf"] = printed.charter.path
    return tree


def charter_pdf_link(printed: Printed | None) -> str:
    """The line the charter page's text starts with when a printable copy exists."""
    if printed is None or printed.charter is None:
        return ""
    return f"[下载章程 PDF（{_size_text(printed.charter.size)}）](charter.pdf){{ .cp-charter-pdf }}\n\n"


def docs_tree(chamber: Chamber, printed: Printed | None = None) -> Tree:
    """Every file of the docs folder MkDocs will build for this chamber (with what `chamber build` printed)."""
    return content_tree(chamber) | printed_tree(chamber, printed)


def printed_tree(chamber: Chamber, printed: Printed | None) -> Tree:
    """The files that depend on what was printed: the charter page (its PDF link), the newsletter archive
    and the PDFs. Apart from the rest so that printing can run while the rest is made."""
    tree: Tree = {}
    if chamber.charter:
        tree["charter.md"] = _charter_markdown(chamber, printed)
    if printed:
        tree.update(_printed_files(chamber, printed))
    if printed and printed.join:
        page = next(page for page in chamber.pages if page.name == JOIN_PAGE)
        link = f"\n[下载入会申请表（PDF，可填写，{_size_text(printed.join.size)}）](join.pdf){{ .cp-join-pdf }}\n"
        tree[f"{JOIN_PAGE}.md"] = _page_markdown(chamber, page, _chamber_locator(chamber), link)
        tree["join.pdf"] = printed.join.path
    return tree


def content_tree(
    chamber: Chamber, members: Callable[[], Tree] | None = None, staged: StagedPosts | None = None
) -> Tree:
    """Every file of the docs folder but those of `printed_tree`; `members` gives `members_tree` (made
    meanwhile by another process: called once the rest is made); `staged` holds posts staged by earlier
    builds (site/staged_posts.py)."""
    published = _published_docs(chamber)
    locate = _locator(chamber.folder, lambda: {os.fspath(path): where for path, where in published.items()})
    staged = staged if staged is not None else StagedPosts()
    context = _staging_context(chamber, published)
    tree: Tree = {
        "index.md": _home_markdown(chamber),
        f"{NEWS_DIR}/index.md": front_matter({"title": "新闻动态"}) + "# 新闻动态\n",
        "assets/stylesheets/palette.css": _palette_css(chamber),
        FEED_FILE: atom_feed(chamber),
        SEARCH_PAGE: search_page_markdown(),
    }
    if chamber.info.plan:
        tree[EVENTS_PAGE] = events_markdown(chamber)
        tree[ICS_FILE] = events_ics(chamber)

    # News: published posts only, under the blog's posts folder; links re-pointed to the tree's layout.
    for post in chamber.published_posts:
        key = Fingerprint(context, repr(post)).hex()
        text = staged.known.get(key)
        if text is None:
            text = _post_markdown(chamber.folder, post, locate)
        staged.used[key] = tree[post_docs_path(post)] = text

    for page in chamber.pages:
        tree[f"{page.name}.md"] = _page_markdown(chamber, page, locate)
    tree.update(members() if members is not None else members_tree(chamber))
    tree.update(projects_tree(chamber, locate))

    # Assets and linked files are copied when of a kind that is published (published.py): photos as web
    # copies (turned upright, at most 1600 px wide, without EXIF/GPS), SVG drawings sanitized.
    for path in [*chamber.assets, *_published_files(chamber)]:
        where = _file_docs_path(chamber.folder, path)
        if where is not None and refusal(path) is None:
            tree.setdefault(where, published_copy(path))
    # Covers also get a small copy for the lists.
    for post in chamber.published_posts:
        where = _file_docs_path(chamber.folder, post.cover) if post.cover and is_photo(post.cover) else None
        if where is not None:
            tree[thumb_name(where)] = Photo(post.cover, THUMB_WIDTH)  # type: ignore[arg-type]
    logo = logo_docs_path(chamber)
    if logo and logo not in tree:
        source = resolve_inside(chamber.folder, chamber.info.logo or "", chamber.folder)
        if source is not None and image_problem(source) is None:
            tree[logo] = published_copy(source)
    qr = wechat_qr_docs_path(chamber)
    if qr and qr[0] not in tree:
        tree[qr[0]] = published_copy(qr[1])
    tree.update(icon_tree(chamber, logo))  # favicons and the sized logos (icons.py)
    for rel in _unlisted_logos(chamber, tree):
        del tree[rel]
    return tree


def editor_sources(chamber: Chamber) -> set[str]:
    """Docs paths of the pages whose Markdown editors wrote (their HTML is sanitized after conversion)."""
    paths = {post_docs_path(post) for post in chamber.published_posts}
    paths |= {f"{page.name}.md" for page in chamber.pages}
    if chamber.charter:
        paths.add("charter.md")
    paths |= {f"projects/{p.slug}.md" for p in chamber.published_projects}
    return paths


def split_tree(tree: Tree) -> tuple[Tree, dict[str, str]]:
    """The tree as (files staged on disk, texts handed to MkDocs in memory).

    Material's blog plugin reads its posts and index from disk, and photos are processed into files; every
    other text (thousands of member profiles) goes to MkDocs as a generated file, so a build writes and
    compares no file for it.
    """
    staged: Tree = {}
    generated: dict[str, str] = {}
    for rel, content in tree.items():
        if isinstance(content, str) and not rel.startswith(f"{NEWS_DIR}/"):
            generated[rel] = content
        else:
            staged[rel] = content
    return staged, generated


def write_tree(tree: Tree, docs_dir: Path, image_cache: Path) -> int:
    """Make `docs_dir` hold exactly the tree; unchanged files are not rewritten. Returns files written.

    Photos are processed into `image_cache` (by content hash) and copied from there.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for rel, content in tree.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Photo):
            # Photos that posts and pages use were checked at load; a damaged one left in assets/ is skipped.
            why = photo_problem(content.source)
            if why:
                log.warning("%s", _("{file} {why}: not published").format(file=content.source, why=why))
                continue
            content = web_image(content.source, image_cache, content.max_width)
        elif isinstance(content, Icon):
            content = icon_image(content, image_cache)
        if isinstance(content, Path):
            stat = content.stat()
            if target.exists() and target.stat().st_size == stat.st_size and target.stat().st_mtime == stat.st_mtime:
                continue
            shutil.copy2(content, target)
        elif not write_if_changed(target, content.encode("utf-8")):
            continue
        written += 1
    remove_others(docs_dir, {os.path.normpath(rel) for rel in tree})
    return written
