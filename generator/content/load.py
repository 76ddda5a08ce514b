"""Load one chamber's folder into the model, checking everything and reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from chamberpress.build import forked
from chamberpress.chinese import known_pinyin
from chamberpress.content.chamber import SLUG, ChamberInfo, load_chamber_info
from chamberpress.content.charter import load_charter
from chamberpress.errors import ContentError, Problems
from chamberpress.content.links import Document, check_links
from chamberpress.content.load_cache import NO_CACHE, Fresh, LoadCache
from chamberpress.content.members import Roster, find_roster, load_members
from chamberpress.content.model import Chamber, report_post
from chamberpress.content.news import Post, load_posts, unloaded_posts
from chamberpress.content.pages import load_pages
from chamberpress.content.projects import check_members, load_projects
from chamberpress.folders import chamber_slugs  # noqa: F401 - where callers have found it
from chamberpress.paths import forget_folders
from chamberpress.content.published import published_assets
from chamberpress.i18n import _


def load_chamber(
    content_dir: Path, slug: str, *, today: dt.date | None = None, parallel: bool = False, cached: bool = False
) -> Chamber:
    """The validated chamber; raises ContentError listing every problem found. `parallel`: the roster is
    read by another process meanwhile (a large roster is a sizeable part of a large chamber's load).
    `cached`: each file unchanged since the last load is not read and checked again (load_cache.py): the
    model and the problems are the same either way."""
    forget_folders()  # resolved folders are kept for one build (paths.real_path)
    problems = Problems(content_dir.parent)
    folder = content_dir / slug
    if not SLUG.match(slug):
        problems.error(
            folder,
            _("{slug!r} is not a valid chamber folder name").format(slug=slug),
            expected=_("lower-case letters a-z, digits and -, e.g. anhui or zhejiang-taizhou"),
        )
        raise ContentError(problems.items)
    if not folder.is_dir():
        problems.error(
            folder, _("no such chamber folder"), expected=_("create it with: chamber new {slug}").format(slug=slug)
        )
        raise ContentError(problems.items)

    known_pinyin(content_dir)
    cache = LoadCache.open(content_dir, folder, problems.root) if cached else NO_CACHE
    info = load_chamber_info(folder, problems)
    # The roster's problems are reported after the charter's, wherever it is read. Unless the cache kept it,
    # it is read meanwhile, by another process if `parallel`.
    roster_problems = Problems(problems.root)
    found = find_roster(folder, roster_problems)
    roster_path = found if info else None  # read only with the chamber's positions
    roster_inputs = f"roster\0{info.positions if info else None!r}"
    kept = cache.recall(roster_path, roster_inputs) if roster_path else None
    reading = forked.call(
        _read_roster,
        cache,
        roster_path if kept is None else None,
        problems.root,
        info.positions if info else None,
        background=parallel and roster_path is not None and kept is None,
    )
    # Without a usable list of categories (an error of chamber.yml), posts' categories are not checked.
    posts = load_posts(folder, info.categories if info and info.categories else None, problems, cache)
    pages = load_pages(folder, problems, cache)
    projects = load_projects(folder, info.project_kinds if info else None, problems, cache)
    charter = load_charter(folder, problems, cache)
    if (fresh := reading.result()) is not None:
        assert roster_path is not None
        cache.keep(roster_path, roster_inputs, fresh)
        kept = fresh.value, fresh.problems
    roster, roster_items = kept or (None, [])
    problems.items += roster_problems.items + roster_items
    if roster is not None or roster_path is None:
        check_members(projects, roster, problems)
    today = today or dt.date.today()
    # Links between posts, pages and the charter, and images: checked now, so a broken one names its line.
    documents = [Document(p.path, p.body, p.body_line, p.is_published(today)) for p in posts]
    documents += [Document(p.path, p.body, p.body_line, True) for p in pages]
    documents += [Document(p.path, p.body, p.body_line, p.is_published(today)) for p in projects]
    if charter:
        documents.append(Document(charter.path, charter.body, charter.body_line, True))
    if problems.errors:
        documents += unloaded_posts(folder, posts)
    linked = check_links(documents, folder, problems)
    if info is not None:
        _check_reports(info, folder, posts, problems)
    assets = published_assets(folder, linked, problems)

    cache.save()  # the results of broken files too: one fixed later is read again, the others not
    problems.raise_if_errors()
    assert info is not None
    # Warnings travel with the chamber: whoever reports them (the CLI, or the plugin under `serve`) prints
    # each once.
    return Chamber(
        slug,
        folder,
        info,
        posts,
        pages,
        charter,
        roster,
        today,
        warnings=problems.warnings,
        assets=assets,
        projects=projects,
    )


def _read_roster(cache: LoadCache, path: Path | None, root: Path, positions: list[str] | None) -> Fresh[Roster] | None:
    """The roster at `path` (if any) read and checked, with its problems (named relative to `root`)."""
    if path is None:
        return None
    return cache.read_fresh(path, functools.partial(load_members, path, positions=positions), root)


def _check_reports(info: ChamberInfo, folder: Path, posts: list[Post], problems: Problems) -> None:
    """Each plan item's `report` names a post of news/ that is not a draft."""
    for index, item in enumerate(info.plan):
        if not item.report:
            continue
        post = report_post(folder, posts, item)
        why = _("is not a post of news/") if post is None else _("is a draft") if post.meta.draft else None
        if why:
            problems.error(
                folder / "chamber.yml",
                _("{report!r} {why}").format(report=item.report, why=why),
                line=item.report_line,
                field=f"plan.{index}.report",
                expected=_("the path of the post that reports on it, e.g. news/2026/2026-05-21-peixun.md"),
            )
