"""The pages stage: the chamber model → the Markdown tree MkDocs builds (pure), and its writer.

The tree maps a docs-relative path to text (generated Markdown or CSS) or to a source file to copy.
Drafts and scheduled posts are left out here, so they can appear in no page, list, feed or index.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import asdict
from pathlib import Path

from .charter import charter_facts, charter_markdown, charter_title
from .chinese import format_date, reading_minutes
from .directory import MEMBERS_DIR, ORGANIZATION_PAGE, has_organization_page
from .markup import front_matter, md_text, plain_title
from .members import ROSTER_NAMES
from .model import Chamber
from .news import Post

log = logging.getLogger(__name__)

Tree = dict[str, "str | Path"]

NEWS_DIR = "news"
POSTS_DIR = "news/posts"
PRIVATE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".csv", ".numbers", ".ods")


def post_docs_path(post: Post) -> str:
    return f"{POSTS_DIR}/{post.rel}"


def logo_docs_path(chamber: Chamber) -> str | None:
    """Where the logo sits in the docs: its own path if under assets/, else assets/logo.<ext>."""
    from .paths import resolve_inside

    if not chamber.info.logo:
        return None
    source = resolve_inside(chamber.folder, chamber.info.logo, chamber.folder)
    if source is None:
        return None
    rel = source.relative_to(chamber.folder.resolve()).as_posix()
    return rel if rel.startswith("assets/") else f"assets/logo{source.suffix.lower()}"


def nav(chamber: Chamber) -> list[dict[str, str]]:
    """The top navigation: home, news, charter, members, then the chamber's own pages."""
    items = [{"首页": "index.md"}, {"新闻动态": f"{NEWS_DIR}/index.md"}]
    if chamber.charter:
        items.append({"章程": "charter.md"})
    if chamber.roster:
        items.append({"会员名录": f"{MEMBERS_DIR}/index.md"})
    if has_organization_page(chamber.listed_members, chamber.info):
        items.append({"组织架构": ORGANIZATION_PAGE})
    items += [{plain_title(page.title): f"{page.name}.md"} for page in chamber.pages]
    return items


def _post_markdown(post: Post) -> str:
    meta = {
        "title": plain_title(post.title),
        "date": post.date,
        "categories": [plain_title(post.category)],
        "slug": post.slug,
        "pin": post.meta.pin,
        "readtime": reading_minutes(post.body),
        "description": plain_title(post.summary),
        "chamber_post": {
            "author": post.meta.author,
            "source": post.meta.source,
            "tags": post.meta.tags,
            "date_zh": format_date(post.date),
        },
    }
    return front_matter(meta) + post.body


def _home_markdown(chamber: Chamber) -> str:
    info = chamber.info
    lines = [front_matter({"title": plain_title(info.name), "template": "home.html", "hide": ["navigation", "toc"]})]
    lines.append(f"# {md_text(info.name)}\n")
    lines.append("## 最新动态\n")
    for post in chamber.published_posts[:10]:
        mark = "【置顶】" if post.meta.pin else ""
        lines.append(f"- {mark}[{md_text(post.title)}]({post_docs_path(post)}) "
                     f"<span class=\"cp-date\">{format_date(post.date)}</span>")
    if not chamber.published_posts:
        lines.append("暂无新闻。")
    lines.append("")
    lines.append("## 联系我们\n")
    lines.append(f"- 会址：{md_text(info.address)}")
    if info.phone:
        lines.append(f"- 电话：{md_text(info.phone)}")
    if info.email:
        lines.append(f"- 邮箱：{md_text(info.email)}")
    return "\n".join(lines) + "\n"


def _members_tree(chamber: Chamber) -> Tree:
    """The directory, a profile per listed member, their logos, and the organisation page."""
    from .directory import (directory_markdown, has_organization_page, logo_docs_path as member_logo,
                            organization_markdown, profile_markdown, profile_path, profile_slugs)

    members = chamber.listed_members
    slugs = profile_slugs(members)
    tree: Tree = {}
    if chamber.roster:
        tree[f"{MEMBERS_DIR}/index.md"] = directory_markdown(members, slugs)
        for member in members:
            tree[profile_path(slugs[member.name])] = profile_markdown(member, slugs[member.name], chamber.info.name)
            logo = member_logo(member, slugs[member.name])
            if logo:
                tree[logo] = chamber.roster.path.parent / member.logo
    if has_organization_page(members, chamber.info):
        tree[ORGANIZATION_PAGE] = organization_markdown(members, slugs, chamber.info)
    return tree


def _unlisted_logos(chamber: Chamber, tree: Tree) -> set[str]:
    """Logo files used only by unlisted members: left out, as every trace of those members is."""
    listed = {m.logo for m in chamber.listed_members} | {logo_docs_path(chamber)}
    return {m.logo for m in chamber.members if not m.listed and m.logo and m.logo not in listed and m.logo in tree}


def _is_private_file(path: Path) -> bool:
    """Spreadsheets are never copied to a site, wherever they sit: they are rosters or copies of one."""
    return path.suffix.lower() in PRIVATE_SUFFIXES or path.name in ROSTER_NAMES


def _charter_markdown(chamber: Chamber) -> str:
    """The charter page: its adoption facts for the charter.html template, then the anchored text."""
    charter = chamber.charter
    assert charter is not None
    meta = {"title": plain_title(charter_title(charter, chamber.info.name)), "template": "charter.html",
            "charter": asdict(charter_facts(charter))}
    return front_matter(meta) + charter_markdown(charter.text)


def _palette_css(chamber: Chamber) -> str:
    color = chamber.info.color or "#8c1c13"
    return (":root, [data-md-color-scheme] {\n"
            f"  --md-primary-fg-color: {color};\n  --md-primary-fg-color--light: {color};\n"
            f"  --md-primary-fg-color--dark: {color};\n  --md-accent-fg-color: {color};\n"
            f"  --md-typeset-a-color: {color};\n}}\n")


def docs_tree(chamber: Chamber) -> Tree:
    """Every file of the docs folder MkDocs will build for this chamber."""
    folder = chamber.folder
    tree: Tree = {"index.md": _home_markdown(chamber),
                  f"{NEWS_DIR}/index.md": front_matter({"title": "新闻动态"}) + "# 新闻动态\n",
                  "assets/stylesheets/palette.css": _palette_css(chamber)}

    # News: published posts and every non-Markdown file beside them (images), under the blog's posts folder.
    for post in chamber.published_posts:
        tree[post_docs_path(post)] = _post_markdown(post)
    news = folder / NEWS_DIR
    if news.is_dir():
        for path in sorted(news.rglob("*")):
            if path.is_file() and path.suffix.lower() != ".md" and not path.is_symlink() and not _is_private_file(path):
                tree[f"{POSTS_DIR}/{path.relative_to(news).as_posix()}"] = path

    for page in chamber.pages:
        tree[f"{page.name}.md"] = front_matter({"title": plain_title(page.title)}) + page.body
    if chamber.charter:
        tree["charter.md"] = _charter_markdown(chamber)
    tree.update(_members_tree(chamber))

    # Assets (logo, images) are copied as they are; symlinks are never followed out of the folder.
    assets = folder / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file() and not path.is_symlink() and not _is_private_file(path):
                tree.setdefault(f"assets/{path.relative_to(assets).as_posix()}", path)
    logo = logo_docs_path(chamber)
    if logo and logo not in tree:
        from .paths import resolve_inside

        tree[logo] = resolve_inside(chamber.folder, chamber.info.logo or "", chamber.folder)  # type: ignore[assignment]
    for rel in _unlisted_logos(chamber, tree):
        del tree[rel]
    return tree


def editor_sources(chamber: Chamber) -> set[str]:
    """Docs paths of the pages whose Markdown editors wrote (their HTML is sanitized after conversion)."""
    paths = {post_docs_path(post) for post in chamber.published_posts}
    paths |= {f"{page.name}.md" for page in chamber.pages}
    if chamber.charter:
        paths.add("charter.md")
    return paths


def write_tree(tree: Tree, docs_dir: Path) -> int:
    """Make `docs_dir` hold exactly the tree; unchanged files are not rewritten. Returns files written."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for rel, content in tree.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            stat = content.stat()
            if target.exists() and target.stat().st_size == stat.st_size and target.stat().st_mtime == stat.st_mtime:
                continue
            shutil.copy2(content, target)
        else:
            data = content.encode("utf-8")
            if target.exists() and target.read_bytes() == data:
                continue
            target.write_bytes(data)
        written += 1
    keep = {os.path.normpath(docs_dir / rel) for rel in tree}
    for root, _dirs, files in os.walk(docs_dir, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            if os.path.normpath(path) not in keep:
                os.remove(path)
        if root != str(docs_dir) and not os.listdir(root):
            os.rmdir(root)
    return written
