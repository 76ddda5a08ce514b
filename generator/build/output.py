"""Where a site is built and how it reaches the disk: in memory first, then only what changed.

- scratch folder: a private folder in memory (/dev/shm; the temporary folder on systems without one) where
  one build stages its docs and builds its site.
- spare copy: the site before last, kept under .cache/ instead of deleted; the scratch site is synced onto
  it, and it is then swapped into place (exchanged with the published site, which becomes the next spare).

A large chamber's site is many thousands of files (pages, the search index's chunks), and most are the
same from one build to the next. Writing them all to disk on every build, and deleting the site they
replace, costs more than drawing them on a small machine; syncing onto the spare writes only the files
whose bytes differ and removes those that are gone. Without a memory file system with room to spare, the
site is built on disk."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chamberpress import platform_support
from chamberpress.build.cache_layout import out_id
from chamberpress.folders import walk_files

MEMORY_NEEDED = 2 * 1024**3  # free room in memory a build may take: far more than a large site needs


def make_scratch(out_dir: Path, slug: str, memory: Path | None = None) -> Path | None:
    """A new private folder in memory for this build of the chamber (in the system's temporary folder where
    there is no memory file system: macOS, Windows), or None where there is no room. What builds
    of it cut short left there is removed first (the caller holds the chamber's lock). The folder is made by
    mkdtemp (a fresh name, mode 0700): /dev/shm is shared by every user of the machine, so a name fixed in
    advance could be taken, or be a link, before we write in it."""
    memory = memory or platform_support.scratch_parent()
    try:
        free = shutil.disk_usage(memory).free
    except OSError:
        return None
    if not os.access(memory, os.W_OK | os.X_OK) or free < MEMORY_NEEDED:
        return None
    for leftover in leftover_scratch(out_dir, slug, memory):
        shutil.rmtree(leftover, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=_prefix(out_dir, slug), dir=memory))


def memory_full(scratch: Path, exc: OSError) -> bool:
    """Whether "no space left" (`exc`) came from the scratch folder in memory filling up, rather than from
    the disk the site is written to: by the file it names, else by the room left in memory."""
    if exc.filename:
        return os.path.abspath(exc.filename).startswith(os.path.abspath(scratch) + os.sep)
    try:
        return shutil.disk_usage(scratch).free < MEMORY_NEEDED // 16
    except OSError:
        return True


def leftover_scratch(out_dir: Path, slug: str, memory: Path | None = None) -> list[Path]:
    """The chamber's scratch folders in memory: this user's own folders (never a link) with its prefix."""
    memory = memory or platform_support.scratch_parent()
    found = []
    for path in memory.glob(_prefix(out_dir, slug) + "*"):
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and platform_support.owned_by_me(info):
            found.append(path)
    return found


def _prefix(out_dir: Path, slug: str) -> str:
    # By output folder and chamber; "." cannot be part of a slug, so one chamber's prefix never covers another's.
    return f"chamber-{out_id(out_dir)}-{slug}."


@dataclass(frozen=True)
class Synced:
    written: int
    removed: int
    kept: int


def sync_tree(source: Path, target: Path, *, leave: str | None = None) -> Synced:
    """Make `target` hold exactly the files of `source`, writing only those whose bytes differ.

    `leave` names a top-level folder of `target` that is neither written nor removed (synced on its own).
    One walk of both trees, folder by folder, by name (a site has about a folder per page: a page is a
    folder's index.html), so that each folder's files are compared, written and removed with one listing
    of each.
    """
    counts: Counter[str] = Counter()
    _sync_folder(os.fspath(source), os.fspath(target), leave, counts)
    return Synced(counts["written"], counts["removed"], counts["kept"])


def _sync_folder(source: str, target: str, leave: str | None, counts: Counter[str]) -> None:
    found = _lstat(target)
    if found is not None and not stat.S_ISDIR(found.st_mode):  # a file or a link in the folder's place
        os.remove(target)
        found = None
    if found is None:
        os.mkdir(target)
        present: dict[str, os.DirEntry] = {}
    else:
        with os.scandir(target) as listing:
            present = {entry.name: entry for entry in listing}
    with os.scandir(source) as listing:
        wanted = sorted(listing, key=lambda entry: entry.name)
    for entry in wanted:
        if entry.name == leave:
            continue
        into = os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _sync_folder(entry.path, into, None, counts)
            continue
        with open(entry.path, "rb") as handle:
            data = handle.read()
        listed = present.get(entry.name)
        if _write_over(into, data, listed.stat(follow_symlinks=False) if listed is not None else None):
            counts["written"] += 1
        else:
            counts["kept"] += 1
    names = {entry.name for entry in wanted}
    for name, entry in present.items():
        if name in names or name == leave:
            continue
        if entry.is_dir(follow_symlinks=False):
            counts["removed"] += sum(1 for _ in walk_files(entry.path))
        else:
            counts["removed"] += 1
        _remove(entry.path)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` at `path` unless the file holds exactly that already; never through a link, never with
    a folder left in the file's place. Returns whether it wrote."""
    return _write_over(path, data, _lstat(path))  # one call: this runs for every file of a site


def _write_over(path: Path | str, data: bytes, found: os.stat_result | None) -> bool:
    """write_if_changed, `found` being what is at `path` now (its lstat), if anything."""
    if found is not None and stat.S_ISREG(found.st_mode):
        if found.st_size == len(data) and _read(path) == data:
            return False
    elif found is not None:  # a link or a folder in the file's place
        _remove(path)
    with open(path, "wb") as handle:
        handle.write(data)
    return True


def remove_others(
    folder: Path, keep: set[str], *, leave: str | None = None, noting: Callable[[str], None] | None = None
) -> int:
    """Remove from `folder` every file or link whose path (relative, normalised) is not in `keep`, and every
    folder that is neither in `keep` nor holds a kept file; `leave` is a top-level folder left alone;
    `noting` is told each file's path before it goes. Returns the files removed."""
    ancestors: set[str] = set()
    for rel in keep:
        parent = os.path.dirname(os.path.normpath(rel))
        while parent and parent not in ancestors:  # once one is in, all of its own are too
            ancestors.add(parent)
            parent = os.path.dirname(parent)
    keep = keep | ancestors
    if leave:
        keep.add(leave)
    removed = 0
    for root, dirs, names in os.walk(folder, topdown=False):
        rel_folder = os.path.relpath(root, folder)
        if leave and (rel_folder == leave or rel_folder.startswith(leave + os.sep)):
            continue
        for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            if os.path.normpath(os.path.join(rel_folder, name)) not in keep:
                if noting is not None:
                    noting(os.path.join(root, name))
                os.remove(os.path.join(root, name))
                removed += 1
        if rel_folder != "." and os.path.normpath(rel_folder) not in keep:
            shutil.rmtree(root, ignore_errors=True)
    return removed


def _lstat(path: Path | str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _read(path: Path | str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _remove(path: Path | str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)
