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
from .markup import front_matter, md_text, plain_title
from .model import Chamber
from .news import Post
from .newsletter import OUTPUT_DIR as NEWSLETTER_DIR
from .newsletter import Printed

log = logging.getLogger(__name__)

Tree = dict[str, "str | Path"]

NEWS_DIR = "news"
POSTS_DIR = "news/posts"


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


def nav(chamber: Chamber, printed: Printed | None = None) -> list[dict[str, str]]:
    """The top navigation: home, news, charter, members, newsletter, then the chamber's own pages."""
    items = [{"首页": "index.md"}, {"新闻动态": f"{NEWS_DIR}/index.md"}]
    if chamber.charter:
        items.append({"章程": "charter.md"})
    if chamber.roster:
        items.append({"会员名录": "members/index.md"})
    if printed and printed.issues:
        items.append({"会刊": f"{NEWSLETTER_DIR}/index.md"})
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


def _members_markdown(chamber: Chamber) -> str:
    members = chamber.listed_members
    lines = [front_matter({"title": "会员名录"}), "# 会员名录\n", f"共 {len(members)} 家会员单位。\n",
             "| 名称 | 职务 | 行业 | 联系人 | 电话 |", "| --- | --- | --- | --- | --- |"]
    for m in members:
        cells = [m.name, m.position, m.industry, m.contact, m.phone]
        lines.append("| " + " | ".join(md_text(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _charter_markdown(chamber: Chamber, printed: Printed | None = None) -> str:
    """The charter page: its adoption facts for the charter.html template, the anchored text, then a
    link to charter.pdf when printed."""
    charter = chamber.charter
    assert charter is not None
    meta = {"title": plain_title(charter_title(charter, chamber.info.name)), "template": "charter.html",
            "charter": asdict(charter_facts(charter))}
    return front_matter(meta) + charter_markdown(charter.text) + charter_pdf_link(printed)


def _palette_css(chamber: Chamber) -> str:
    color = chamber.info.color or "#8c1c13"
    return (":root, [data-md-color-scheme] {\n"
            f"  --md-primary-fg-color: {color};\n  --md-primary-fg-color--light: {color};\n"
            f"  --md-primary-fg-color--dark: {color};\n  --md-accent-fg-color: {color};\n"
            f"  --md-typeset-a-color: {color};\n}}\n")


def _size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def _newsletter_archive(chamber: Chamber, printed: Printed) -> str:
    """The archive page of the printed issues, newest first: number, date, cover title, PDF and size."""
    title = chamber.info.newsletter.title or f"{chamber.info.name}会刊"
    lines = [front_matter({"title": "会刊"}), f"# {md_text(title)}\n"]
    if chamber.info.newsletter.frequency:
        lines.append(f"{md_text(chamber.info.newsletter.frequency)}，共 {len(printed.issues)} 期。\n")
    lines += ["| 期号 | 出版日期 | 封面标题 | PDF |", "| --- | --- | --- | --- |"]
    for issue in printed.issues:
        cells = [md_text(issue.number), issue.date_zh, md_text(issue.title)]
        link = f"[下载 PDF]({issue.id}.pdf)（{_size_text(issue.pdf.size)}，{issue.pdf.pages} 页）"
        lines.append("| " + " | ".join(cells + [link]) + " |")
    return "\n".join(lines) + "\n"


def _printed_files(chamber: Chamber, printed: Printed) -> Tree:
    """The newsletter archive with its PDFs, and charter.pdf."""
    tree: Tree = {}
    if printed.issues:
        tree[f"{NEWSLETTER_DIR}/index.md"] = _newsletter_archive(chamber, printed)
        for issue in printed.issues:
            tree[f"{NEWSLETTER_DIR}/{issue.id}.pdf"] = issue.pdf.path
    if printed.charter:
        tree["charter.pdf"] = printed.charter.path
    return tree


def charter_pdf_link(printed: Printed | None) -> str:
    """The line the charter page ends with when a printable copy exists."""
    if printed is None or printed.charter is None:
        return ""
    return f"\n[下载章程 PDF（{_size_text(printed.charter.size)}）](charter.pdf){{ .cp-charter-pdf }}\n"


def docs_tree(chamber: Chamber, printed: Printed | None = None) -> Tree:
    """Every file of the docs folder MkDocs will build for this chamber (with what `chamber build` printed)."""
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
            if path.is_file() and path.suffix.lower() != ".md" and not path.is_symlink():
                tree[f"{POSTS_DIR}/{path.relative_to(news).as_posix()}"] = path

    for page in chamber.pages:
        tree[f"{page.name}.md"] = front_matter({"title": plain_title(page.title)}) + page.body
    if chamber.charter:
        tree["charter.md"] = _charter_markdown(chamber, printed)
    if chamber.roster:
        tree["members/index.md"] = _members_markdown(chamber)

    # Assets (logo, images) are copied as they are; symlinks are never followed out of the folder.
    assets = folder / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tree[f"assets/{path.relative_to(assets).as_posix()}"] = path
    if printed:
        tree.update(_printed_files(chamber, printed))
    logo = logo_docs_path(chamber)
    if logo and logo not in tree:
        from .paths import resolve_inside

        tree[logo] = resolve_inside(chamber.folder, chamber.info.logo or "", chamber.folder)  # type: ignore[assignment]
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
