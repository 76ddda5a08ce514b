"""`chamber build`: load → check → print (PDF) → pages → MkDocs → swap into place, one chamber at a time, then the portal."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import gc
import json
import logging
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from chamberpress.build import forked
from chamberpress.build.cache_layout import (
    cache_root,
    drawn_record,
    project_dir_for,
    protected_folders,
    search_record,
    spare_dir,
    stage_dir,
)
from chamberpress.build.freshness import inputs_key, is_fresh, remember
from chamberpress.chinese import slug_memo_path
from chamberpress.chinese import format_date
from chamberpress.content.load import load_chamber
from chamberpress.site.directory import reading
from chamberpress.site.docs import logo_docs_path
from chamberpress.errors import ContentError, Problem
from chamberpress.site.kept_pages import KeptPages, shared_inputs
from chamberpress.content.model import Chamber
from chamberpress.print.newsletter import Printed, load_issues, print_chamber
from chamberpress.build.output import make_scratch, memory_full, sync_tree
from chamberpress.paths import BadOutputFolder, check_output_folder
from chamberpress.print.pdf import find_fonts
from chamberpress.site.plugin import prime_members
from chamberpress.search.index import INDEX_DIR, INDEXERS, Known, SearchIndex, index_site, save_record

log = logging.getLogger(__name__)

SUMMARY_FILE = "chamber.json"  # public facts the portal lists, written into each site
WORK_DIR = ".chamber"  # under <out>: locks and sites being built, never published


@dataclass
class BuildResult:
    slug: str
    site_dir: Path
    pages: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    skipped: bool = False  # inputs unchanged since the last good build: nothing was done
    search: SearchIndex | None = None  # the search index made (None when skipped)


def build_chamber(
    slug: str, content_dir: Path, out_dir: Path, *, today: dt.date | None = None, workers: int = 1, plain: bool = False
) -> BuildResult:
    """Build one chamber into `<out>/<slug>/` (pages drawn by `workers` processes); on any error the
    previous site stays as it was. An output folder that overlaps the content raises BadOutputFolder.

    `plain`: none of the speed shortcuts (caches, pages copied from the published site, memos, forked
    work, the site built in memory onto a spare copy): MkDocs and Material as they come plus the features,
    in one process. The oracle the shortcuts are held to (tests/test_plain_oracle.py)."""
    check_output_folder(out_dir, protected_folders(content_dir))
    if (out_dir / slug).is_symlink():
        # The swap renames the site's folder and writes into the one it replaces: never through a link.
        raise BadOutputFolder(
            f"{out_dir / slug} is a symbolic link; a build replaces this folder: remove the "
            "link (the site is built there as a folder of its own)"
        )
    if plain:
        return _build_chamber(slug, content_dir, out_dir, today=today, workers=1, plain=True)
    with _cycle_collection_paused():
        return _build_chamber(slug, content_dir, out_dir, today=today, workers=workers)


_built_here = False  # whether this process has built a chamber before (see _cycle_collection_paused)


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for the build: it walked the build's millions of objects again and
    again (~0.5 s of an edit's 4 s, ~1 s of a first build), and a build's cycles (pages, files and
    navigation point at each other) are garbage only once it is over. What a previous build in the same
    process left (`--all` builds several per process) is collected first."""
    global _built_here
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


def _build_chamber(
    slug: str, content_dir: Path, out_dir: Path, *, today: dt.date | None, workers: int, plain: bool = False
) -> BuildResult:
    started = time.perf_counter()
    # With two processes and no names made before (a first build, or .cache/ deleted), the one that makes
    # the members' docs starts now, loading its dictionaries while this one reads the content (one core is
    # idle then); it is stopped if the build ends before it is needed. With names kept, the dictionaries
    # are seldom needed at all.
    first = not slug_memo_path(content_dir).is_file()
    members = prime_members() if not plain and workers > 1 and first and forked.can_fork() else None
    with members or contextlib.nullcontext():
        project = project_dir_for(content_dir)
        key = inputs_key(content_dir / slug, project)  # taken first: an edit during the build makes it stale
        # Load and check everything first: a content error stops here, before anything is written.
        chamber = load_chamber(content_dir, slug, today=today, parallel=workers > 1)
        issues = load_issues(chamber)

        work = out_dir / WORK_DIR
        work.mkdir(parents=True, exist_ok=True)
        target = out_dir / slug
        with _chamber_lock(work, slug):
            _clean_leftovers(work, slug)
            scratch = None if plain else make_scratch(out_dir, slug)
            if plain:
                # The records that describe the published site's pages by what the shortcuts made of
                # them: the plain build replaces that site without making them.
                drawn_record(content_dir, out_dir, slug).unlink(missing_ok=True)
            try:
                pages, printed, search = _build_and_swap_in(
                    chamber, issues, content_dir, out_dir, scratch, workers, members, plain=plain
                )
            except OSError as exc:
                if scratch is None or exc.errno != errno.ENOSPC or not memory_full(scratch, exc):
                    raise  # a full disk is reported as such by the CLI
                # Memory filled up during the build (other programs use it too): the same build, on disk.
                log.warning("%s: no room left in memory (%s); building on disk", slug, exc.strerror)
                _clean_leftovers(work, slug)
                pages, printed, search = _build_and_swap_in(chamber, issues, content_dir, out_dir, None, workers)
            remember(slug, content_dir, out_dir, project, key, _next_due(chamber))
        return BuildResult(
            slug, target, pages, time.perf_counter() - started, list(chamber.warnings) + printed.warnings, search=search
        )


def _build_and_swap_in(
    chamber: Chamber,
    issues: list,
    content_dir: Path,
    out_dir: Path,
    scratch: Path | None,
    workers: int,
    members: forked.Primed | None = None,
    *,
    plain: bool = False,
) -> tuple[int, Printed, SearchIndex]:
    """Print, make the pages and their index, and swap the new site in (the caller holds the chamber's
    lock). In `scratch`, a folder in memory, when given; on disk otherwise. Returns (pages, what was printed,
    the search index)."""
    from chamberpress.site.mkdocs_adapter import build_site, write_chamber_config  # MkDocs is imported only to build

    slug, work, target = chamber.slug, out_dir / WORK_DIR, out_dir / chamber.slug
    spare = spare_dir(content_dir, out_dir, slug)
    discarded: Path | None = None  # a folder left to delete: the old site once swapped, or a failed one
    kept: Path | None = None  # a fresh folder whose old site, once swapped, is kept as the spare
    into: Path | None = None  # where the pages built in memory are written
    if scratch is not None:
        # Built in memory, then only its changes written onto the spare (output.py), which is renamed
        # into place. Without a spare (a first build, or .cache/ deleted), every file is written into a
        # fresh folder beside the sites (writing there is quicker on some disks), and the site it replaces
        # becomes the spare; without a spare on the sites' file system, that old site is deleted.
        building = scratch / "site"
        keeps_spare = _same_file_system(spare, out_dir)
        if keeps_spare and spare.is_dir():
            into = spare
        else:
            into = Path(tempfile.mkdtemp(prefix=f"building-{slug}-", dir=work))
            if keeps_spare:
                kept = into
            else:
                discarded = into
    else:
        # Built beside the target (same file system) so that the final swap is a rename.
        building = discarded = Path(tempfile.mkdtemp(prefix=f"building-{slug}-", dir=work))
    # The docs MkDocs reads and the PDFs: in memory too when there is room (written again each build,
    # which costs nothing there), else under .cache/, kept so that only what changed is written.
    if plain:  # staged afresh, beside the site being built
        stage = Path(tempfile.mkdtemp(prefix=f"building-{slug}-stage-", dir=work))
    else:
        stage = scratch / "stage" if scratch is not None else stage_dir(content_dir, out_dir, slug)
    try:
        # The newsletter issues and the charter are printed in another process while this one makes the
        # pages; the site build waits for the PDFs before it links and copies them.
        shutil.rmtree(stage / "print", ignore_errors=True)
        fonts = find_fonts() if issues or chamber.charter else None  # a missing font stops us here
        printing = forked.call(
            print_chamber,
            chamber,
            issues,
            stage / "print",
            fonts=fonts,
            kept=None if plain else cache_root(content_dir) / "print" / slug,
            background=workers > 1,
        )
        config_file = write_chamber_config(
            stage, slug=slug, content_dir=content_dir, site_dir=building, today=chamber.today.isoformat(), plain=plain
        )
        # Posts unchanged since the published site are copied from it instead of drawn.
        unchanged = (
            None
            if plain
            else KeptPages(
                target if target.is_dir() else None,
                drawn_record(content_dir, out_dir, slug),
                shared=shared_inputs(chamber.folder, project_dir_for(content_dir)),
            )
        )
        # The index's processes are started while the pages are read (a core is idle then): after an edit
        # one part of the index is made again, on a first build every part.
        indexers = 0 if workers < 2 else 1 if search_record(content_dir, out_dir, slug).is_file() else INDEXERS
        known: Known | None = None if plain else {}  # what the index reads of each page, as drawn
        try:
            build_site(
                config_file,
                chamber,
                printing,
                workers=workers,
                kept=unchanged,
                members=members,
                indexers=indexers,
                known=known,
                plain=plain,
            )
        except BaseException:
            # The site build waits for the PDFs first: if printing failed, that is the error to report.
            printing.result()
            raise
        printed = printing.result()
        _write_summary(chamber, building)
        # What the spare's index holds is known only while the spare is the site written onto: any other
        # build replaces or deletes it.
        spare_record = search_record(content_dir, out_dir, slug, spare=True)
        if into != spare:
            spare_record.unlink(missing_ok=True)
        search = _index_and_swap_in(
            building,
            target,
            scratch,
            into,
            record=search_record(content_dir, out_dir, slug),
            spare_record=spare_record if into == spare else None,
            jobs=workers,
            known=known,
            plain=plain,
        )
        if unchanged is not None:
            unchanged.save(target, known)
        if kept is not None:
            if kept.exists():  # the old site (none on a first build) is the next spare
                os.rename(kept, spare)
            kept = None
    finally:
        if kept is not None:  # the build failed: the fresh folder holds part of a site
            discarded = kept
        # Thousands of files: removed in the background; a removal cut short is finished by the next build
        # (make_scratch, _clean_leftovers).
        for folder in (scratch, discarded, stage if plain else None):
            if folder is not None:
                discard(folder)
    return search.html_pages, printed, search


def _index_and_swap_in(
    building: Path,
    target: Path,
    scratch: Path | None,
    into: Path | None,
    *,
    record: Path,
    spare_record: Path | None,
    jobs: int,
    known: Known | None = None,
    plain: bool = False,
) -> SearchIndex:
    """Make the search index of the finished pages and put the new site in place of the old.

    Built on disk, the folder itself is swapped in. Built in memory, the pages are written into `into` (the
    spare, or a fresh folder) — only the files that differ — while the index is made and put there too,
    then `into` is swapped in. Search bundles unchanged since the published site are copied from it, those
    the spare holds already are left as they are (`record` and `spare_record` say which, search.py; the
    latter is given only when `into` is the spare); the records are saved once the new site is in place.
    """
    published = target / INDEX_DIR if target.is_dir() and not plain else None  # plain: every bundle indexed
    if scratch is None or into is None:  # built on disk
        index = index_site(building, published=published, record=record, known=known)
        swap_into_place(building, target)
        save_record(record, index)
        return index
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The pages are written meanwhile: by a process of their own when the build has two (forked before
        # the indexing starts any thread; in a thread, the writing's Python work and the indexing's take
        # turns on one interpreter lock, and after an edit that, not Pagefind, set the pace), else a thread.
        if jobs > 1 and forked.can_fork():
            writing = forked.Forked(sync_tree, building, into, leave=INDEX_DIR)
        else:
            writing = pool.submit(sync_tree, building, into, leave=INDEX_DIR)
        try:
            index = index_site(
                building,
                index_dir=into / INDEX_DIR,
                published=published,
                record=record,
                spare_record=spare_record,
                known=known,
            )
        finally:
            pages = writing.result()
    log.info(
        "%s: %d files written, %d removed, %d unchanged; search bundles indexed: %d, copied: %d, in place: %d",
        target.name,
        pages.written,
        pages.removed,
        pages.kept,
        len(index.indexed),
        len(index.reused),
        len(index.kept),
    )
    swap_into_place(into, target)
    # Written onto the spare, the swap leaves the site it replaces there: the spare's record is the one
    # that site had. (A fresh folder's old site becomes the spare later, by a rename: no record for it.)
    save_record(record, index, spare_record)
    return index


def _same_file_system(folder: Path, other: Path) -> bool:
    """Whether `folder` (made if missing) is on the file system of `other`, so that one can be renamed into
    the other."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        return os.stat(folder.parent).st_dev == os.stat(other).st_dev
    except OSError:
        return False


def _next_due(chamber: Chamber) -> dt.date | None:
    """The first day a scheduled post goes live: the site must be rebuilt then, inputs unchanged or not."""
    return min((p.date for p in chamber.posts if not p.meta.draft and p.date > chamber.today), default=None)


def build_many(
    slugs: list[str],
    content_dir: Path,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    jobs: int = 1,
    force: bool = False,
    plain: bool = False,
) -> Iterator[tuple[str, BuildResult | Exception]]:
    """Build several chambers, in parallel processes when `jobs` > 1 (MkDocs is not thread-safe).

    Chambers whose inputs have not changed are skipped (unless `force` or `plain`: see build_chamber;
    plain builds go one after another in this process). Yields each chamber's result,
    or the exception that stopped it, as soon as it is done.
    """
    check_output_folder(out_dir, protected_folders(content_dir))
    project = project_dir_for(content_dir)
    day = today or dt.date.today()
    stale = []
    for slug in slugs:
        if not (force or plain) and is_fresh(slug, content_dir, out_dir, project, day):
            yield slug, BuildResult(slug, out_dir / slug, 0, 0.0, skipped=True)
        else:
            stale.append(slug)
    slugs = stale
    if plain:  # one chamber after another, each in this process
        jobs = 1
    if jobs <= 1 or len(slugs) <= 1:
        # One chamber at a time: its pages are drawn by `jobs` processes instead.
        for slug in slugs:
            try:
                yield slug, build_chamber(slug, content_dir, out_dir, today=today, workers=jobs, plain=plain)
            except (ContentError, BuildLocked) as exc:
                yield slug, exc
        return
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(slugs)), mp_context=_worker_context(), initializer=forked.quiet_on_interrupt
    ) as pool:
        futures = {pool.submit(build_chamber, slug, content_dir, out_dir, today=today): slug for slug in slugs}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except (ContentError, BuildLocked) as exc:
                yield futures[future], exc


def _worker_context() -> multiprocessing.context.BaseContext:
    """How `build_many` starts its workers: as forks of this process where it runs one thread (a worker is
    then ready at once; a fork server first starts an interpreter and imports everything again, ~0.4 s
    before the first chamber of a city starts building), from a fork server otherwise (a fork copies
    whatever lock another thread holds at that moment). A worker shares no MkDocs plugin with this
    process (each build loads them anew: mkdocs_adapter.build_site), nor an indexer process this one
    keeps (not the worker's child, it counts as stopped there: indexer.lent_indexer starts another)."""
    if forked.can_fork() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["chamberpress.site.mkdocs_adapter", "chamberpress.site.plugin", "material.plugins.blog.plugin"])
    return context


class BuildLocked(Exception):
    """Another build of the same chamber into the same folder is running."""


@contextlib.contextmanager
def _chamber_lock(work: Path, slug: str) -> Iterator[None]:
    """One build per chamber and output folder at a time; the lock dies with its process (flock)."""
    path = work / f"{slug}.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"another build of {slug!r} into {work.parent} is running; wait for it to finish and build again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_leftovers(work: Path, slug: str) -> None:
    """Remove what an interrupted build of this chamber left (safe: we hold its lock)."""
    for leftover in work.glob(f"building-{slug}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def discard(folder: Path) -> None:
    """Delete a folder without waiting for it: `rm -rf` left running on its own (where there is one)."""
    if not folder.exists():
        return
    rm = shutil.which("rm")
    if rm is None or os.name != "posix":
        shutil.rmtree(folder, ignore_errors=True)
        return
    # `sh` starts rm in the background and returns at once: rm outlives this process and leaves no zombie.
    subprocess.run(
        ["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(folder)], check=False, stdin=subprocess.DEVNULL
    )


def swap_into_place(new: Path, target: Path) -> None:
    """Put the new site in place of the old in one atomic exchange; the old one ends up at `new`."""
    os.chmod(new, 0o755)
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    # No atomic exchange on this system: two renames, with the old site kept until the new is in place.
    old = new.with_name(new.name + "-old")
    os.rename(target, old)
    os.rename(new, target)
    os.rename(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) on Linux; False where the system does not offer it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _write_summary(chamber: Chamber, site_dir: Path) -> None:
    info = chamber.info
    newest = max(chamber.published_posts, key=lambda p: p.date, default=None)
    summary = {
        "slug": chamber.slug,
        "name": info.name,
        "sort_key": reading(info.name),  # the name's pinyin: the portal's order, without loading pypinyin
        "short_name": info.display_short_name,
        "hometown": info.hometown,
        "city": info.city,
        "founded": info.founded.isoformat() if info.founded else None,
        "founded_zh": format_date(info.founded) if info.founded else None,
        "members": len(chamber.listed_members),
        "color": info.color,
        "logo": logo_docs_path(chamber),
        "latest_news": {"title": newest.title, "url": newest.url, "date_zh": format_date(newest.date)}
        if newest
        else None,
    }
    (site_dir / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
