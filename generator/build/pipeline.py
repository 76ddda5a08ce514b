"""`chamber build`: the pipeline of one chamber's build, step by step (build_chamber), and of several.

    1. load and check the content          content.load, print.newsletter.load_issues
    2. print the newsletter and charter     print.newsletter.print_chamber (another process)
    3. make the pages                       site.prepare.prepare_site
    4. MkDocs + Material build the site     site.mkdocs_adapter.build_site
    5. the search index                     search.index.index_site
    6. the new site swapped in              build.site_folders.SiteFolders
    7. record what it was built from        build.freshness.remember

Then `chamber build --all` writes the portal (build/portal.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import logging
import multiprocessing
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import filelock

from chamberpress import platform_support
from chamberpress.build import forked
from chamberpress.build.cache_layout import (
    cache_root,
    drawn_record,
    frames_dir,
    project_dir_for,
    protected_folders,
    search_record,
)
from chamberpress.build.text_edit import Foreseen, foresee, forget_build, record_build, try_text_edit
from chamberpress.build.site_summary import write_site_summary
from chamberpress.build.site_folders import WORK_DIR, SiteFolders, clean_leftovers
from chamberpress.build.freshness import inputs_key, is_fresh, remember, remember_failure, shared_inputs
from chamberpress.build.output import memory_full
from chamberpress.chinese import slug_memo_path
from chamberpress.content.load import load_chamber
from chamberpress.content.model import Chamber
from chamberpress.errors import ContentError, Problem
from chamberpress.paths import BadOutputFolder, check_output_folder
from chamberpress.print.newsletter import Issue, Printed, load_issues, print_chamber
from chamberpress.print.rules import publication_warnings
from chamberpress.print.pdf import find_fonts
from chamberpress.search.index import (
    INDEX_DIR,
    INDEXERS,
    Known,
    SearchIndex,
    index_site,
    save_record,
    warm_up_indexers,
)
from chamberpress.i18n import _

if TYPE_CHECKING:
    from chamberpress.site.kept_pages import KeptPages

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    slug: str
    site_dir: Path
    pages: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    skipped: bool = False  # inputs unchanged since the last good build: nothing was done
    search: SearchIndex | None = None  # the search index made (None when skipped)
    text_edit: list[str] | None = None  # the posts' pages an edit to posts' text alone rewrote (text_edit.py)
    summaries_shown: list[str] = field(default_factory=list)  # and the files showing their changed summaries


def build_chamber(
    slug: str,
    content_dir: Path,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    workers: int = 1,
    plain: bool = False,
    key: str | None = None,
) -> BuildResult:
    """Build one chamber into `<out>/<slug>/` with `workers` processes; on any error the published site
    stays as it was. An output folder that overlaps the content raises BadOutputFolder.

    `plain`: none of the speed shortcuts (caches, pages copied from the published site, memos, forked
    work, the site built in memory onto a spare copy): MkDocs and Material as they come plus the features,
    in one process. The oracle the shortcuts are held to (tests/test_plain_oracle.py).

    `key`: the chamber's inputs_key, where the caller took it just before (freshness.is_fresh)."""
    check_output_folder(out_dir, protected_folders(content_dir))
    if (out_dir / slug).is_symlink():
        # The swap renames the site's folder and writes into the one it replaces: never through a link.
        raise BadOutputFolder(
            _(
                "{path} is a symbolic link; a build replaces this folder: remove the link (the site is built there as a folder of its own)"
            ).format(path=out_dir / slug)
        )
    if plain:
        workers = 1
    started = time.perf_counter()
    with (
        _failure_noted(slug, content_dir, out_dir),
        _cycle_collection_paused(not plain),
        _members_process(content_dir, workers, plain) as members,
        contextlib.ExitStack() as stack,
    ):
        project = project_dir_for(content_dir)
        # Taken first: an edit during the build makes it stale.
        key = key if key is not None else inputs_key(content_dir / slug, project)
        if workers > 1:  # an indexer starts (its dictionary loading) while the content is read: any build needs one
            warm_up_indexers(1)
        foreseen = None if plain else stack.enter_context(_foreseen(content_dir, out_dir, slug))
        # 1. Load and check everything: a content error stops here, before anything is written.
        chamber = load_chamber(content_dir, slug, today=today, parallel=workers > 1, cached=not plain)
        issues = load_issues(chamber)
        with chamber_lock(out_dir, slug):
            clean_leftovers(out_dir, slug)
            # An edit to posts' text alone goes into the published site as it is (text_edit.py).
            edit = None if plain else try_text_edit(chamber, issues, content_dir, out_dir, foreseen)
            if edit is not None:
                remember(slug, content_dir, out_dir, project, key, _next_due(chamber, issues), chamber.today)
                warnings = list(chamber.warnings) + publication_warnings(chamber, issues) + edit.printed_warnings
                seconds = time.perf_counter() - started
                return BuildResult(
                    slug,
                    out_dir / slug,
                    edit.search.html_pages,
                    seconds,
                    warnings,
                    search=edit.search,
                    text_edit=edit.pages,
                    summaries_shown=edit.others,
                )
            forget_build(content_dir, out_dir, slug)  # the site is about to be replaced
            if plain:
                # The record that describes the published site's pages by what the shortcuts made of them:
                # the plain build replaces that site without making it.
                drawn_record(content_dir, out_dir, slug).unlink(missing_ok=True)
            try:
                with SiteFolders(content_dir, out_dir, slug, in_memory=not plain) as folders:
                    printed, search = _make_site(chamber, issues, folders, content_dir, workers, members, plain)
            except OSError as exc:
                if folders.scratch is None or exc.errno != errno.ENOSPC or not memory_full(folders.scratch, exc):
                    raise  # a full disk is reported as such by the CLI
                # Memory filled up during the build (other programs use it too): the same build, on disk.
                log.warning(
                    "%s",
                    _("{slug}: no room left in memory ({problem}); building on disk").format(
                        slug=slug, problem=exc.strerror
                    ),
                )
                clean_leftovers(out_dir, slug)
                with SiteFolders(content_dir, out_dir, slug, in_memory=False) as folders:
                    printed, search = _make_site(chamber, issues, folders, content_dir, workers, None, plain)
            # 7. Record what this site was built from: the next build skips it while nothing changes, and
            # an edit to posts' text alone is put into it.
            due = _next_due(chamber, issues)
            remember(slug, content_dir, out_dir, project, key, due, chamber.today)
            if not plain:
                previous = foreseen.record if foreseen is not None else None
                record_build(chamber, content_dir, out_dir, search, due, printed.warnings, previous)
    seconds = time.perf_counter() - started
    warnings = list(chamber.warnings) + publication_warnings(chamber, issues) + printed.warnings
    return BuildResult(slug, out_dir / slug, search.html_pages, seconds, warnings, search=search)


def _make_site(
    chamber: Chamber,
    issues: list[Issue],
    folders: SiteFolders,
    content_dir: Path,
    workers: int,
    members: forked.Primed | None,
    plain: bool,
) -> tuple[Printed, SearchIndex]:
    """Steps 2–6 of a build (the caller holds the chamber's lock). Returns what was printed and the index."""
    # MkDocs and Material are imported by the full build only: a text edit goes without them.
    from chamberpress.site.mkdocs_adapter import build_site, write_chamber_config
    from chamberpress.site.prepare import prepare_site

    shortcuts = not plain
    # 2. The newsletter issues and the charter, printed by another process while this one goes on.
    printing = _start_printing(chamber, issues, folders.stage / "print", content_dir, workers, shortcuts)
    # 3. The pages: the chamber's docs (waiting for the PDFs once the rest is made).
    site = prepare_site(chamber, printing, shortcuts=shortcuts, workers=workers, members=members)
    # 4. MkDocs and Material build the site. With the shortcuts, posts unchanged since the published site
    # are copied from it (`kept`), and what the index reads of each page is noted as it is drawn (`known`).
    kept = _kept_pages(chamber, folders, content_dir) if shortcuts else None
    known: Known | None = {} if shortcuts else None
    if workers > 1:  # the index's processes start while the pages are made (a core is idle then)
        first = not search_record(content_dir, folders.target.parent, chamber.slug).is_file()
        warm_up_indexers(INDEXERS if first else 1)
    config_file = write_chamber_config(
        folders.stage,
        slug=chamber.slug,
        content_dir=content_dir,
        site_dir=folders.building,
        today=chamber.today.isoformat(),
        workers=workers,
        plain=plain,
    )
    build_site(config_file, site, kept=kept, known=known)
    write_site_summary(chamber, folders.building)
    # 5. The search index, and 6. the new site swapped in.
    search = _index_and_swap_in(folders, content_dir, workers, known, shortcuts)
    if kept is not None:
        kept.save(folders.target, known)
    return site.printed or Printed(), search


def _start_printing(
    chamber: Chamber, issues: list[Issue], into: Path, content_dir: Path, workers: int, shortcuts: bool
) -> forked.Forked[Printed] | forked.Finished[Printed]:
    """Print the chamber's PDFs into `into`, in another process when the build has two. With the shortcuts,
    a PDF printed before from the same inputs is taken from `.cache/print/` (print.pdf.write_pdf)."""
    fonts = find_fonts() if issues or chamber.charter else None  # a missing font stops the build here
    shutil.rmtree(into, ignore_errors=True)
    kept = cache_root(content_dir) / "print" / chamber.slug if shortcuts else None
    return forked.call(print_chamber, chamber, issues, into, fonts=fonts, kept=kept, background=workers > 1)


def _kept_pages(chamber: Chamber, folders: SiteFolders, content_dir: Path) -> KeptPages:
    """The posts of the published site that may be copied instead of drawn again (site/kept_pages.py)."""
    from chamberpress.site.frames import FrameStore
    from chamberpress.site.kept_pages import KeptPages

    published = folders.target if folders.target.is_dir() else None
    record = drawn_record(content_dir, folders.target.parent, chamber.slug)
    frames = FrameStore(frames_dir(content_dir, chamber.slug))
    # The roster is left out: a post or a list shows nothing of it but through the navigation (whether
    # there is a directory), which the pages' keys hold.
    shared = shared_inputs(chamber.folder, project_dir_for(content_dir), roster=False)
    return KeptPages(published, record, shared=shared, framed=frames.has_list)


def _index_and_swap_in(
    folders: SiteFolders, content_dir: Path, workers: int, known: Known | None, shortcuts: bool
) -> SearchIndex:
    """Index the finished pages while they are written where they go, swap the new site in, and record
    which search bundles it holds. With the shortcuts, bundles whose pages are unchanged are copied from
    the published site or, when the pages are written onto the spare, left in place there."""
    out_dir, slug = folders.target.parent, folders.target.name
    record = search_record(content_dir, out_dir, slug)
    # The spare's record says what its index holds only while the spare is the site written onto.
    spare_record = search_record(content_dir, out_dir, slug, spare=True) if folders.onto_spare else None
    if spare_record is None:
        search_record(content_dir, out_dir, slug, spare=True).unlink(missing_ok=True)
    published = folders.target / INDEX_DIR if shortcuts and folders.target.is_dir() else None

    def index(index_dir: Path) -> SearchIndex:
        return index_site(
            folders.building,
            index_dir=index_dir,
            published=published,
            record=record,
            spare_record=spare_record,
            known=known,
        )

    search, written = folders.put_in_place(index, processes=workers)
    if written is not None:
        log.info(
            "%s: %d files written, %d removed, %d unchanged; search bundles indexed: %d, copied: %d, in place: %d",
            slug,
            written.written,
            written.removed,
            written.kept,
            len(search.indexed),
            len(search.reused),
            len(search.kept),
        )
    # Written onto the spare, the swap leaves the site it replaces there: the spare's record is the one that
    # site had. (A fresh folder's old site becomes the spare by a rename: no record for it.)
    save_record(record, search, spare_record)
    return search


@contextlib.contextmanager
def _failure_noted(slug: str, content_dir: Path, out_dir: Path) -> Iterator[None]:
    """A build that fails is noted (freshness.remember_failure): the published site is then older than the
    content, which `chamber publish` must know. Another build running, or Ctrl-C, is no failure."""
    try:
        yield
    except BuildLocked:
        raise
    except ContentError as exc:
        remember_failure(
            slug,
            content_dir,
            out_dir,
            _("{count} content error(s), first: {first}").format(count=len(exc.problems), first=exc).split("\n")[0],
        )
        raise
    except Exception as exc:
        remember_failure(slug, content_dir, out_dir, f"{type(exc).__name__}: {exc}")
        raise


_built_here = False  # whether this process has built a chamber before (see _cycle_collection_paused)


@contextlib.contextmanager
def _foreseen(content_dir: Path, out_dir: Path, slug: str) -> Iterator[Foreseen | None]:
    """A text edit foreseen while the content is loaded (text_edit.foresee), forgotten if the build stops."""
    foreseen = foresee(content_dir, out_dir, slug)
    try:
        yield foreseen
    finally:
        if foreseen is not None:
            foreseen.cancel()


@contextlib.contextmanager
def _cycle_collection_paused(pause: bool) -> Iterator[None]:
    """Python's cycle collector off for the build (a shortcut): it would walk the build's millions of
    objects again and again, and a build's cycles (pages, files and navigation point at each other) are
    garbage only once it is over. What a previous build in the same process left (`--all` builds several
    per process) is collected first."""
    global _built_here
    if not pause:
        yield
        return
    if _built_here:
        gc.collect()
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _built_here = True
        if paused:
            gc.enable()


@contextlib.contextmanager
def _members_process(content_dir: Path, workers: int, plain: bool) -> Iterator[forked.Primed | None]:
    """With two processes and no names made before (a first build, or .cache/ deleted), the process that
    makes the members' docs starts now, loading its dictionaries while this one reads the content (one core
    is idle then); it is stopped if the build ends before it is needed. With names kept, the dictionaries
    are seldom needed at all."""
    first = not slug_memo_path(content_dir).is_file()
    if plain or workers < 2 or not first or not forked.can_fork():
        yield None
        return
    from chamberpress.site.prepare import prime_members

    with prime_members() as members:
        yield members


def _next_due(chamber: Chamber, issues: list[Issue]) -> dt.date:
    """The first day the site must change, inputs unchanged or not: a scheduled post or project goes live,
    a project's validity has passed (it moves to 往期项目 the day after its valid_until), the plan's
    activities or months move on (events.changes_on), a newsletter without its own print date is printed
    with the day's (印刷日期), a new year is in every page's footer."""
    from chamberpress.site.events import changes_on

    today = chamber.today
    days = [p.date for p in chamber.posts if not p.meta.draft and p.date > today]
    for project in chamber.projects:
        if project.meta.draft:
            continue
        days += [project.date, project.meta.valid_until + dt.timedelta(days=1)]
    days += changes_on(chamber)
    if any(issue.definition.print_date is None for issue in issues):
        days.append(today + dt.timedelta(days=1))
    days.append(dt.date(today.year + 1, 1, 1))
    return min(day for day in days if day > today)


def build_many(
    slugs: list[str],
    content_dir: Path,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    jobs: int = 1,
    force: bool = False,
    plain: bool = False,
    stale: dict[str, str | None] | None = None,
) -> Iterator[tuple[str, BuildResult | Exception]]:
    """Build several chambers, in parallel processes when `jobs` > 1 (MkDocs is not thread-safe).

    Chambers whose inputs have not changed are skipped (unless `force` or `plain`: see build_chamber;
    plain builds go one after another in this process). Yields each chamber's result,
    or the exception that stopped it, as soon as it is done. `stale`: the chambers the caller has just
    found changed (freshness.is_fresh), each with the inputs key it took, if it took one; the others were
    found unchanged.
    """
    check_output_folder(out_dir, protected_folders(content_dir))
    project = project_dir_for(content_dir)
    day = today or dt.date.today()
    keys: dict[str, str | None] = {}
    for slug in slugs:
        if force or plain:
            keys[slug] = None
        elif stale is not None:
            if slug in stale:
                keys[slug] = stale[slug]
            else:
                yield slug, BuildResult(slug, out_dir / slug, 0, 0.0, skipped=True)
        elif is_fresh(slug, content_dir, out_dir, project, day, found := {}):
            yield slug, BuildResult(slug, out_dir / slug, 0, 0.0, skipped=True)
        else:
            keys[slug] = found.get(slug)
    slugs = list(keys)
    if plain:  # one chamber after another, each in this process
        jobs = 1
    if jobs <= 1 or len(slugs) <= 1:
        # One chamber at a time: its pages are drawn by `jobs` processes instead.
        for slug in slugs:
            try:
                yield (
                    slug,
                    build_chamber(slug, content_dir, out_dir, today=today, workers=jobs, plain=plain, key=keys[slug]),
                )
            except (ContentError, BuildLocked) as exc:
                yield slug, exc
        return
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(slugs)), mp_context=_worker_context(), initializer=forked.worker_started
    ) as pool:
        futures = {
            pool.submit(build_chamber, slug, content_dir, out_dir, today=today, key=keys[slug]): slug for slug in slugs
        }
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except (ContentError, BuildLocked) as exc:
                yield futures[future], exc


def _worker_context() -> multiprocessing.context.BaseContext:
    """How `build_many` starts its workers: as forks of this process where it runs one thread (a worker is
    then ready at once; a fork server first starts an interpreter and imports everything again before
    the first chamber of a city starts building), from a fork server otherwise (a fork copies
    whatever lock another thread holds at that moment). A worker shares no MkDocs plugin with this
    process (each build loads them anew: mkdocs_adapter.build_site), nor an indexer process this one
    keeps (not the worker's child, it counts as stopped there: indexer.lent_indexer starts another)."""
    method = platform_support.worker_start_method(single_thread=threading.active_count() == 1)
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(
            ["chamberpress.site.mkdocs_adapter", "chamberpress.site.plugin", "material.plugins.blog.plugin"]
        )
    return context


class BuildLocked(Exception):
    """Another build or publish of the same chamber in the same output folder is running."""


@contextlib.contextmanager
def chamber_lock(out_dir: Path, slug: str) -> Iterator[None]:
    """One build or publish per chamber and output folder at a time, so that a publish never sends a site
    a build is swapping. Taken without waiting; the system's file lock (flock on Linux and macOS, a locked
    byte range on Windows, both through filelock) dies with its process."""
    work = out_dir / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(work / f"{slug}.lock", blocking=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise BuildLocked(
            _(
                "{slug!r} in {parent} is being built or published by another command; wait for it to finish and try again"
            ).format(slug=slug, parent=work.parent)
        ) from None
    try:
        yield
    finally:
        lock.release()
