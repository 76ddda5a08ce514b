"""Paths from content stay inside their chamber's folder: no `../`, no absolute paths, no symlinks out; and
where the project's own base config and theme are, in a checkout or installed from a wheel (PROJECT_DIR)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from chamberpress.i18n import _

from chamberpress import platform_support

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_dir() -> Path:
    """The folder holding the base `mkdocs.yml` and `theme/` that serve content folders that have none: the
    copy a wheel carries inside the package (`_project/`, see pyproject.toml), else, run from the
    repository (an editable install or the source tree), the repository's top, whose files an edit changes."""
    packaged = PACKAGE_DIR / "_project"
    return packaged if (packaged / "mkdocs.yml").is_file() else PACKAGE_DIR.parent


PROJECT_DIR = _project_dir()


class Lookup(NamedTuple):
    """One `resolve_inside` call and what it found, with the found file's `file_signature`: what a result made
    with it (a post's cover checked, a member's logo) depends on besides the file being read."""

    base: str
    ref: str
    root: str
    found: str | None
    signature: tuple[int, ...] | None

    def still_holds(self) -> bool:
        """Whether the same call finds the same file, unchanged, now."""
        found = resolve_inside(Path(self.base), self.ref, Path(self.root))
        if (found and os.fspath(found)) != self.found:
            return False
        return found is None or file_signature(found) == self.signature


class Reading:
    """What reading one file consulted besides it (`reading_recorded`): the `resolve_inside` calls, and the
    bytes of every file read whole (sources.read_text), by path as given. (A plain class: this module is
    imported by every command, and `dataclasses` is a large import for a build that has nothing to do.)"""

    def __init__(self) -> None:
        self.lookups: list[Lookup] = []
        self.read: dict[str, bytes] = {}


# The reading being recorded, else None.
_RECORDING: ContextVar[Reading | None] = ContextVar("reading", default=None)


@contextlib.contextmanager
def reading_recorded() -> Iterator[Reading]:
    """What the code inside the block looked up and read: a cache of what reading a file gave keys it by
    these too (Lektor's record_dependency), rather than by a list of them kept by hand."""
    recorded = Reading()
    token = _RECORDING.set(recorded)
    try:
        yield recorded
    finally:
        _RECORDING.reset(token)


def record_read(path: Path, data: bytes) -> None:
    """Note the bytes of a file read whole, if a reading is being recorded: its digest is then made from
    them, without reading the file a second time."""
    recording = _RECORDING.get()
    if recording is not None:
        recording.read[os.fspath(path)] = data


def file_signature(path: Path | str) -> tuple[int, ...] | None:
    """Size, modification and change times and inode of the file (links followed), None if it cannot be
    read: a file whose signature is unchanged has not been written since, unless within one tick of the
    clock (see content/load_cache.py)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def resolve_inside(base: Path, ref: str, root: Path) -> Path | None:
    """The existing file `ref` (relative to `base`) if it resolves inside `root`, else None.

    Symlinks are followed before the check, so a link pointing out of the folder is refused too.
    """
    found = _resolve_inside(base, ref, root)
    recording = _RECORDING.get()
    if recording is not None:
        signature = None if found is None else file_signature(found)
        recording.lookups.append(Lookup(os.fspath(base), ref, os.fspath(root), found and os.fspath(found), signature))
    return found


def _resolve_inside(base: Path, ref: str, root: Path) -> Path | None:
    if not ref or "\x00" in ref or ref.startswith(("/", "\\")) or PurePosixPath(ref).is_absolute():
        return None
    if "://" in ref or ref.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    candidate = (base / ref.replace("\\", "/")).resolve()
    if not is_inside(candidate, root):
        return None
    if not candidate.is_file():
        return None
    # Found in other capitals (Windows, macOS): the web server would not find it by this name.
    if platform_support.case_insensitive(real_path(root)) and spelled_on_disk(candidate, real_path(root)):
        return None
    return candidate


def stays_inside(rel: str) -> bool:
    """Whether a relative path (with /) as written in a record or by a tool names something inside the
    folder it is relative to: not empty, not absolute, no `..`."""
    return bool(rel) and not rel.startswith("/") and ".." not in rel.split("/")


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path` is `root` or below it, links followed, names compared as the file system compares them
    (`News/` and `news/` are one folder on Windows and macOS)."""
    return is_below(real_text(path), real_text(root))


def is_below(real: str, top: str) -> bool:
    """Whether the real path `real` (`real_text`) is the real path `top` or below it, names compared as the
    file system compares them."""
    if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
        return True
    real, top = platform_support.name_key(real, Path(top)), platform_support.name_key(top, Path(top))
    return real == top or real.startswith(top.rstrip("/") + "/")


def spelled_on_disk(path: Path, root: Path) -> str | None:
    """`path`, below `root`, as the folders spell its names (with /), when it is written in other capitals
    than a file that exists (`Images/A.JPG` for images/a.jpg); None when it is spelled as on disk, or no file
    has that name in any capitals. Windows and macOS find a file whatever the capitals; the web server that
    serves the site does not."""
    try:
        parts = Path(os.path.relpath(path, root)).parts
    except ValueError:  # another drive (Windows)
        return None
    if not parts or parts[0] == "..":
        return None
    current, spelled, differs = root, [], False
    for part in parts:
        try:
            names = sorted(os.listdir(current))
        except OSError:
            return None
        if part not in names:
            folded = [name for name in names if name.casefold() == part.casefold()]
            if not folded:
                return None
            part, differs = folded[0], True
        spelled.append(part)
        current = current / part
    return "/".join(spelled) if differs else None


# Folders resolved in this build: a chamber's many links and files sit in comparatively few folders.
_REAL_FOLDERS: dict[str, str] = {}


def real_path(path: Path) -> Path:
    """`path.resolve()`, each folder resolved once per build (`forget_folders` when a build starts: a
    folder may have become a link since). The last part, if a link, is resolved each time."""
    return Path(real_text(path))


def real_text(path: Path | str) -> str:
    """`real_path` as text: a load resolves a path for every link and file, and a Path object costs more
    than the lookup."""
    given = os.fspath(path)
    if ".." in given.split(os.sep):  # abspath drops `x/..` by name; only resolving follows the link x
        return os.path.realpath(given)
    folder, name = os.path.split(os.path.abspath(given))
    real = _REAL_FOLDERS.get(folder)
    if real is None:
        real = _REAL_FOLDERS[folder] = os.path.realpath(folder)
    joined = os.path.join(real, name) if name else real
    return os.path.realpath(joined) if os.path.islink(joined) else joined


def forget_folders() -> None:
    _REAL_FOLDERS.clear()


class BadOutputFolder(ValueError):
    """The output folder is not one a build may write into: a file, or overlapping a folder the build must
    not write into (exit 2 from the CLI)."""


def check_output_folder(out_dir: Path, protected: dict[str, Path]) -> None:
    """Refuse an output folder that is, lies inside, or holds one of the `protected` folders (by what an
    editor calls them: the content folder, the build records beside it): a build replaces `<out>/<slug>/`
    by renaming folders, so an overlap would move editors' files away. Called before anything is written;
    symbolic links are followed."""
    out = Path(real_text(out_dir))
    if out.exists() and not out.is_dir():
        raise BadOutputFolder(
            _("--out {out_dir} is a file, not a folder: choose a folder, e.g. --out sites").format(out_dir=out_dir)
        )
    for what, folder in protected.items():
        real = Path(real_text(folder))
        if out == real or is_inside(out, real):
            raise BadOutputFolder(
                _(
                    "--out {out_dir} is inside {what} ({folder}): choose an output folder outside it, e.g. --out sites"
                ).format(out_dir=out_dir, what=what, folder=folder)
            )
        if is_inside(real, out):
            raise BadOutputFolder(
                _(
                    "--out {out_dir} contains {what} ({folder}): a build replaces the folders under --out; choose a folder of its own, e.g. --out sites"
                ).format(out_dir=out_dir, what=what, folder=folder)
            )
