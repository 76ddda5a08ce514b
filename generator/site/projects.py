"""The project cooperation pages (项目合作) as pure functions of the model: the list (current projects
first, filterable by kind, industry, region and status by theme/material/assets/javascripts/projects.js,
the whole list showing without script), 往期项目 (expired or ended), and one page per project.

Generated text is escaped; the project's own body is the editor's Markdown (sanitized after conversion, as
posts are). Profiles are linked by the member URL names of site/directory.py.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from chamberpress.chinese import format_date
from chamberpress.content.links import rewrite_links
from chamberpress.content.projects import PROJECTS_DIR, Project
from chamberpress.markup import front_matter, html_text, md_text, plain_title

if TYPE_CHECKING:
    from chamberpress.content.model import Chamber

PROJECTS_TITLE = "项目合作"
PAST_TITLE = "往期项目"
HOME_PROJECTS = 4  # current projects shown on the home page
FILTERS = (("kind", "类别"), ("industry", "行业"), ("region", "所在地"), ("status", "状态"))


def project_docs_path(project: Project) -> str:
    return f"{PROJECTS_DIR}/{project.slug}.md"


def _facets(project: Project) -> dict[str, str]:
    meta = project.meta
    return {"kind": meta.kind, "industry": meta.industry, "region": meta.region, "status": meta.status}


def _item_html(project: Project, today: dt.date, prefix: str) -> str:
    meta = project.meta
    data = " ".join(f'data-{key}="{html_text(value)}"' for key, value in _facets(project).items())
    facts = [meta.kind, meta.industry, meta.region]
    if meta.amount:
        facts.append(meta.amount)
    when = (
        f"有效期至 {format_date(meta.valid_until)}" if project.is_current(today) else f"发布于 {format_date(meta.date)}"
    )
    return (
        f'<li class="cp-project" {data}>'
        f'<a class="cp-project__title" href="{prefix}{project.slug}/">{html_text(project.title)}</a> '
        f'<span class="cp-project__status">{html_text(meta.status)}</span>'
        f'<span class="cp-project__meta">{" · ".join(html_text(f) for f in facts)}</span>'
        f'<span class="cp-project__member">{html_text(meta.member)} · {when}</span></li>'
    )


def _filters_html(projects: list[Project]) -> str:
    lines = ['<div class="cp-project-filter" role="search" aria-controls="project-list">']
    for key, label in FILTERS:
        values = sorted({_facets(p)[key] for p in projects})
        options = "".join(f'<option value="{html_text(v)}">{html_text(v)}</option>' for v in values)
        lines.append(
            f'<label>{label} <select name="{key}" data-filter="{key}"><option value="">全部</option>{options}</select></label>'
        )
    lines.append('<p class="cp-project-filter__status" aria-live="polite"></p></div>')
    return "\n".join(lines)


def projects_markdown(current: list[Project], past: list[Project], today: dt.date) -> str:
    """projects/index.md: the filter box, current projects (newest first), then 往期项目."""
    parts = [front_matter({"title": PROJECTS_TITLE}), f"# {PROJECTS_TITLE}\n"]
    parts.append(_filters_html(current + past) + "\n")
    parts.append('<div id="project-list" class="cp-project-list">')
    parts.append('<section class="cp-projects cp-projects--current"><h2 id="current">当前项目</h2>')
    if current:
        parts.append('<ul class="cp-project-items">' + "".join(_item_html(p, today, "") for p in current) + "</ul>")
    else:
        parts.append("<p>暂无正在洽谈的项目。</p>")
    parts.append("</section>")
    if past:
        parts.append(f'<section class="cp-projects cp-projects--past"><h2 id="past">{PAST_TITLE}</h2>')
        parts.append('<ul class="cp-project-items">' + "".join(_item_html(p, today, "") for p in past) + "</ul>")
        parts.append("</section>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def project_markdown(project: Project, body: str, member_slug: str | None, cover: str | None, today: dt.date) -> str:
    """projects/<slug>.md: the facts as a table, then the project's own Markdown (`body`, links re-pointed)."""
    meta = project.meta
    member = md_text(meta.member)
    if member_slug:
        member = f"[{member}](../members/{member_slug}.md)"
    rows = [
        ("类别", md_text(meta.kind)),
        ("行业", md_text(meta.industry)),
        ("所在地", md_text(meta.region)),
        ("投资额", md_text(meta.amount) if meta.amount else ""),
        ("发布会员", member),
        ("联系方式", md_text(meta.contact)),
        ("发布日期", format_date(meta.date)),
        ("有效期至", format_date(meta.valid_until)),
        ("状态", md_text(meta.status) + ("" if project.is_current(today) else f"（{PAST_TITLE}）")),
    ]
    lines = [
        front_matter(
            {
                "title": plain_title(project.title),
                "description": plain_title(project.summary),
                "lastmod": meta.date.isoformat(),  # the sitemap's (site/sitemap.py)
            }
        ),
        f"# {md_text(project.title)}\n",
        "[← 返回项目合作](index.md)\n",
    ]
    if cover:
        lines.append(f"![{md_text(project.title)}]({cover}){{ .cp-project__cover }}\n")
    lines += ["| 项目信息 | |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows if value]
    return "\n".join(lines) + "\n\n" + body


def home_projects_markdown(current: list[Project]) -> str:
    """The home page's 项目合作 block: the newest current projects (none: no block)."""
    if not current:
        return ""
    lines = ['<section class="cp-home-projects" markdown>\n', f"## {PROJECTS_TITLE} {{: .cp-home__title }}\n"]
    for project in current[:HOME_PROJECTS]:
        meta = project.meta
        lines.append(
            f"- [{md_text(project.title)}]({PROJECTS_DIR}/{project.slug}.md) "
            f"<small>{html_text(meta.kind)} · {html_text(meta.region)} · {html_text(meta.status)}</small>"
        )
    lines.append(f"\n[更多项目 →]({PROJECTS_DIR}/index.md)\n\n</section>\n")
    return "\n".join(lines)


def projects_tree(chamber: Chamber, locate: Callable[[Path], str | None]) -> dict[str, str]:
    """The list and a page per published project (nothing when there is none)."""
    published = chamber.published_projects
    if not published:
        return {}
    from chamberpress.site.directory import profile_slugs

    slugs = profile_slugs(chamber.listed_members)
    tree = {
        f"{PROJECTS_DIR}/index.md": projects_markdown(chamber.current_projects, chamber.past_projects, chamber.today)
    }
    for project in published:
        where = project_docs_path(project)
        body = rewrite_links(project.body, project.path, where, chamber.folder, locate)
        cover = None
        if project.cover:
            cover_path = locate(project.cover)
            cover = posixpath.relpath(cover_path, PROJECTS_DIR) if cover_path else None
        tree[where] = project_markdown(project, body, slugs.get(project.meta.member), cover, chamber.today)
    return tree
