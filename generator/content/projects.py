"""Project cooperation (项目合作): `projects/*.md`, one project or request per file, with front matter.

Loaded and checked like news posts (news.py): the same front-matter schema, cover and link rules. The
publishing member must be a listed member of the roster (its profile is linked from the project's page);
the check runs once the roster is read (`check_members`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from chamberpress.content.links import PUBLISHABLE_DIRS
from chamberpress.content.load_cache import NO_CACHE, LoadCache
from chamberpress.content.members import Roster
from chamberpress.content.news import SLUG, first_paragraph, report_shared_urls
from chamberpress.content.published import image_problem
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import editor_files, load_markdown
from chamberpress.chinese import pinyin_slug
from chamberpress.errors import Problems
from chamberpress.paths import resolve_inside
from chamberpress.i18n import _

PROJECTS_DIR = "projects"
DEFAULT_KINDS = ["招商项目", "投资意向", "合作需求"]
STATUSES = ["洽谈中", "已签约", "已结束"]
SIGNED = "已签约"
ENDED = "已结束"


@dataclass
class ProjectMeta:
    """The front matter of a project."""

    title: str = spec("项目名称", required=True)
    kind: str = spec("类别：招商项目、投资意向、合作需求（或 chamber.yml 的 project_kinds 所列）", required=True)
    industry: str = spec("所属行业", required=True)
    region: str = spec("所在地", required=True)
    member: str = spec("发布会员，名称须与会员名录完全一致，且为公开会员", required=True)
    contact: str = spec("联系方式，照原样公开", required=True)
    date: dt.date = spec("发布日期，如 2026-09-15；写将来的日期则到那天才发布", required=True)
    valid_until: dt.date = spec("有效期至，如 2027-06-30；过了这一天自动移入“往期项目”", required=True)
    status: str = spec("状态：洽谈中、已签约、已结束（已结束的移入“往期项目”）", default="洽谈中")
    amount: str | None = spec("投资额，照写即可，如 约3.2亿元")
    cover: str | None = spec("封面图片，相对于项目文件的路径")
    draft: bool = spec("草稿：是 则不发布", default=False)
    slug: str | None = spec("网址名（小写字母、数字和 -）；不写则由文件名生成")


@dataclass
class Project:
    path: Path
    meta: ProjectMeta
    body: str
    body_line: int
    member_line: int | None  # where `member:` is written, for the roster check
    slug: str
    cover: Path | None

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def date(self) -> dt.date:
        return self.meta.date

    @property
    def url(self) -> str:
        return f"{PROJECTS_DIR}/{self.slug}/"

    @property
    def summary(self) -> str:
        return first_paragraph(self.body)

    def is_published(self, today: dt.date) -> bool:
        return not self.meta.draft and self.date <= today

    def is_current(self, today: dt.date) -> bool:
        """Still on offer: not ended and its validity not passed (valid_until is the last current day)."""
        return self.meta.status != ENDED and today <= self.meta.valid_until


def _choice(
    path: Path, problems: Problems, line: int | None, field: str, value: str | None, allowed: list[str]
) -> bool:
    if value is None or value in allowed:
        return True
    problems.error(
        path,
        _("unknown {field} {value!r}").format(field=field, value=value),
        line=line,
        field=field,
        expected=_("one of: {choices}").format(choices=", ".join(allowed)),
    )
    return False


def load_project(path: Path, folder: Path, kinds: list[str], problems: Problems) -> Project | None:
    source = load_markdown(path, problems)
    if source is None:
        return None
    meta: ProjectMeta | None = convert(ProjectMeta, source.meta, path, problems)
    raw = source.meta.data

    def written(key: str) -> str | None:
        value = getattr(meta, key) if meta is not None else raw.get(key)
        return value.strip() if isinstance(value, str) else None

    line = source.meta.line
    ok = meta is not None
    ok &= _choice(path, problems, line("kind"), "kind", written("kind"), kinds)
    ok &= _choice(path, problems, line("status"), "status", written("status"), STATUSES)
    for key in ("title", "member"):
        if written(key) == "":
            problems.error(path, _("the {key} is empty").format(key=key), line=line(key), field=key)
            ok = False
    slug = written("slug")
    if slug is not None and not SLUG.match(slug):
        problems.error(
            path,
            _("{slug!r} is not a URL name").format(slug=slug),
            line=line("slug"),
            field="slug",
            expected=_("lower-case letters, digits and -"),
        )
        ok = False
    if meta is not None and meta.valid_until < meta.date:
        problems.error(
            path,
            _("valid_until {valid_until} is before the date {date}").format(
                valid_until=meta.valid_until, date=meta.date
            ),
            line=line("valid_until"),
            field="valid_until",
        )
        ok = False
    cover = None
    cover_name = written("cover")
    if cover_name:
        cover = resolve_inside(path.parent, cover_name, folder)
        why = None
        if cover is None:
            why = _("cover image {cover!r} not found inside the chamber folder").format(cover=cover_name)
        elif cover.relative_to(folder.resolve()).parts[0] not in PUBLISHABLE_DIRS:
            why = _("cover image {cover!r} is not in a folder that is published").format(cover=cover_name)
        elif problem := image_problem(cover):
            why = _("cover image {cover!r} {why}").format(cover=cover_name, why=problem)
        if why:
            problems.error(
                path, why, line=line("cover"), field="cover", expected=_("a JPEG or PNG under projects/ or assets/")
            )
            ok = False
    if not ok or meta is None:
        return None
    stem = path.stem.lower()
    name = meta.slug or (stem if SLUG.match(stem) else pinyin_slug(path.stem))
    if name == "index":  # the list's own address
        problems.error(
            path,
            _("'index' is the project list's URL name"),
            line=line("slug"),
            field="slug",
            expected=_("another file name or slug"),
        )
        return None
    return Project(path, meta, source.body, source.body_line, line("member"), name, cover)


def load_projects(
    folder: Path, kinds: list[str] | None, problems: Problems, cache: LoadCache = NO_CACHE
) -> list[Project]:
    """Every project under projects/, newest first; two with one URL are an error naming both. Each project
    as `cache` kept it, if its file is unchanged."""
    kinds = kinds or DEFAULT_KINDS
    inputs = f"project\0{kinds!r}"
    projects = [
        project
        for path in editor_files(folder, PROJECTS_DIR, problems, (".md",))
        if (project := cache.read(path, inputs, functools.partial(load_project, path, folder, kinds), problems))
        is not None
    ]
    report_shared_urls(projects, problems)
    projects.sort(key=lambda p: (p.date, p.slug), reverse=True)
    return projects


def check_members(projects: list[Project], roster: Roster | None, problems: Problems) -> None:
    """Each project's member is a listed member of the roster: its profile is linked from the page."""
    listed = {m.name for m in roster.members if m.listed} if roster else set()
    unlisted = {m.name for m in roster.members if not m.listed} if roster else set()
    for project in projects:
        name = project.meta.member.strip()
        if name in listed:
            continue
        why = _("is not listed in the roster (不公开)") if name in unlisted else _("is not in the roster")
        problems.error(
            project.path,
            _("member {name!r} {why}").format(name=name, why=why),
            line=project.member_line,
            field="member",
            expected=_("the name of a listed member, exactly as in the roster"),
        )
