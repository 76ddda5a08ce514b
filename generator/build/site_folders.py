"""Where one build of a chamber's site is made, and how the new site takes the published one's place.

Plain (`--plain`, or without room in memory): the site is built in a fresh folder beside the published
sites (same file system), which is then swapped in by one atomic rename; the old site is deleted.

With the speed shortcuts, the site is built in a scratch folder in memory (output.make_scratch), from docs
staged there too; then only the files whose bytes differ are written onto the *spare* — the site before
last, kept under `.cache/spares/` instead of deleted — which is swapped in, leaving the site it replaces as
the next spare. Without a spare yet, the files are written into a fresh folder and the replaced site
becomes the spare.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, NoReturn, TypeVar

from chamberpress import platform_support
from chamberpress.build import forked
from chamberpress.build.cache_layout import spare_dir, stage_dir
from chamberpress.build.output import Synced, make_scratch, sync_tree
from chamberpress.i18n import _

WORK_DIR = ".chamber"  # under <out>: locks and sites being built, never published

T = TypeVar("T")


class SiteFolders:
    """The folders of one build of a chamber (the caller holds the chamber's lock): `building`, where MkDocs
    writes the site; `stage`, where its docs and PDFs are staged. `put_in_place` swaps the new site in; on
    leaving, what is left over is deleted (in the background)."""

    def __init__(self, content_dir: Path, out_dir: Path, slug: str, *, in_memory: bool) -> None:
        self.work = out_dir / WORK_DIR
        self.target = out_dir / slug
        self.spare = spare_dir(content_dir, out_dir, slug)
        self.scratch = make_scratch(out_dir, slug) if in_memory else None
        self._discarded: Path | None = None  # deleted on leaving: the old site once swapped, or a failed one
        self._kept: Path | None = None  # a fresh folder whose old site, once swapped in, becomes the spare
        self.into: Path | None = None  # where the pages built in memory are written
        self._fresh_stage: Path | None = None
        if self.scratch is None:
            # Built beside the target (same file system) so that the final swap is a rename.
            self.building = self._discarded = self._fresh("")
            if in_memory:  # no room in memory: the docs staged under .cache/, where only changes are written
                self.stage = stage_dir(content_dir, out_dir, slug)
            else:  # plain: staged afresh
                self.stage = self._fresh_stage = self._fresh("stage-")
            return
        self.building = self.scratch / "site"
        self.stage = self.scratch / "stage"
        keeps_spare = _same_file_system(self.spare, out_dir)
        if keeps_spare and self.spare.is_dir():
            self.into = self.spare
        else:
            # Writing into a fresh folder beside the sites is quicker than onto nothing under .cache/ on some
            # disks; without a spare on the sites' file system, the replaced site is deleted.
            self.into = self._fresh("")
            if keeps_spare:
                self._kept = self.into
            else:
                self._discarded = self.into

    @property
    def onto_spare(self) -> bool:
        """Whether the new site is written onto the spare (whose search index is then partly in place)."""
        return self.into == self.spare

    def put_in_place(self, index: Callable[[Path], T], *, processes: int) -> tuple[T, Synced | None]:
        """Make the search index (`index(index_dir)`) and put the new site in place of the published one.

        Built on disk, the folder is indexed and swapped in. Built in memory, its pages are written into
        `into` (only the files that differ) while the index is made there, then `into` is swapped in; with
        two processes, the writing has one of its own (in a thread, its Python work and the indexing's
        would take turns on one interpreter lock). Returns the index and the count of files written."""
        from chamberpress.search.index import INDEX_DIR

        if self.scratch is None or self.into is None:
            made = index(self.building / INDEX_DIR)
            swap_into_place(self.building, self.target)
            return made, None
        with ThreadPoolExecutor(max_workers=1) as pool:
            if processes > 1 and forked.can_fork():
                writing = forked.Forked(sync_tree, self.building, self.into, leave=INDEX_DIR)
            else:
                writing = pool.submit(sync_tree, self.building, self.into, leave=INDEX_DIR)
            try:
                made = index(self.into / INDEX_DIR)
            finally:
                written = writing.result()
        swap_into_place(self.into, self.target)
        if self._kept is not None:
            if self._kept.exists():  # the old site (none on a first build) is the next spare
                os.rename(self._kept, self.spare)
            self._kept = None
        return made, written

    def __enter__(self) -> SiteFolders:
        return self

    def __exit__(self, *exc) -> None:
        if self._kept is not None:  # the build failed: the fresh folder holds part of a site
            self._discarded = self._kept
        # Thousands of files: removed in the background; a removal cut short is finished by the next build
        # (output.make_scratch, clean_leftovers).
        for folder in (self.scratch, self._discarded, self._fresh_stage):
            if folder is not None:
                discard(folder)

    def _fresh(self, kind: str) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"building-{self.target.name}-{kind}", dir=self.work))


def clean_leftovers(out_dir: Path, slug: str) -> None:
    """Remove what an interrupted build of this chamber left (safe: the caller holds its lock)."""
    for leftover in (out_dir / WORK_DIR).glob(f"building-{slug}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _same_file_system(folder: Path, other: Path) -> bool:
    """Whether `folder` (made if missing) is on the file system of `other`, so that one can be renamed into
    the other."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        return os.stat(folder.parent).st_dev == os.stat(other).st_dev
    except OSError:
        return False


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


class SiteInUse(OSError):
    """The published site's folder could not be replaced (Windows: a program has it or a file in it open);
    the last good site is still there, and the new one was left beside it."""


RENAME_TRIES = 5  # a folder in use on Windows is often free again a moment later (a virus scan, an indexer)
RENAME_WAIT = 0.4  # seconds between two tries


def swap_into_place(new: Path, target: Path) -> None:
    """Put the new site in place of the old, never leaving the site missing; the old one ends up at `new`.

    One atomic exchange where the system offers it (Linux's renameat2); else the old site is renamed aside,
    the new one in, and the old one to `new`, the old one put back if the new cannot go in. A folder in use
    cannot be renamed on Windows: each rename is tried again a few times, then the new site is left beside
    the old one (SiteInUse names both), the old one in place."""
    os.chmod(new, 0o755)
    if not target.exists():
        _rename(new, target)
        return
    if _exchange(new, target):
        return
    old = new.with_name(new.name + "-old")
    if old.exists():
        shutil.rmtree(old)
    try:
        _rename(target, old)
    except PermissionError:
        _leave_beside(new, target)
    try:
        _rename(new, target)
    except OSError:
        _rename(old, target)  # the last good site back in place
        _leave_beside(new, target)
    _rename(old, new)


def _rename(source: Path, destination: Path) -> None:
    """os.rename, tried again a few times while the system says the folder is in use (PermissionError)."""
    for attempt in range(RENAME_TRIES):
        try:
            os.rename(source, destination)
            return
        except PermissionError:
            if attempt == RENAME_TRIES - 1:
                raise
            time.sleep(RENAME_WAIT)


def _leave_beside(new: Path, target: Path) -> NoReturn:
    """Keep the new site next to the published one (`<slug>.new`: "." is never part of a slug) and say so."""
    beside = target.with_name(target.name + ".new")
    if beside.exists():
        shutil.rmtree(beside)
    shutil.move(new, beside)
    raise SiteInUse(
        _(
            "the site folder {target} is in use by another program (a file or a window open in it), so it could not be replaced; it still holds the previous site. The new site is in {beside}: close what uses the folder and build again (or use the new folder as it is)"
        ).format(target=target, beside=beside)
    )


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) on Linux; False where the system does not offer it."""
    renameat2 = platform_support.libc_function("renameat2")
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
