"""What the operating system offers that a build uses where it can: each asked for by capability, in one
place, so that the build runs on Linux, macOS and Windows alike and the portable test run can take every
Linux-only feature away (tests/portable/).

- fork (`can_fork`): the build's second process shares the loaded chamber; without it, work is done in
  this process, and the workers of several chambers are started by spawn (`worker_start_method`).
- C library calls (`libc_function`): `renameat2` (the atomic swap of a site) and `prctl` (children that
  die with the build), Linux only.
- a memory file system (`memory_folder`): /dev/shm where it is a folder; elsewhere scratch is on disk.
- the owner of a file (`owned_by_me`): where the system has user ids.
- command-line tools (`tool`): `fc-list` of fontconfig, found on PATH.
- how the file system compares names (`case_insensitive`, `name_key`): case-insensitive on Windows and, by
  default, on macOS: `News/` and `news/` are one folder there.

WITHHOLD names capabilities to treat as missing even where the system has them (comma-separated, in the
environment): the portable test run sets it for what cannot be deleted from the process (the C library,
/dev/shm); what can (os.fork, fcntl) it deletes outright.

A module that one function alone uses (multiprocessing, tempfile, shutil, ctypes) is imported in it: every
command imports this module, and a build with nothing to do answers in the time of a few imports.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

WITHHOLD = "CHAMBERPRESS_WITHHOLD"
MEMORY_DIR = Path("/dev/shm")


def withheld(capability: str) -> bool:
    """Whether the environment asks to act as if `capability` were missing (the portable test run)."""
    names = os.environ.get(WITHHOLD, "")
    return capability in {name.strip() for name in names.split(",")}


def can_fork() -> bool:
    """Whether the build may fork: not on Windows (no fork), nor on macOS, where a forked child of a process
    that has used the system's frameworks may crash (Python's own default there is spawn), nor in a process
    whose os.fork was taken away."""
    return hasattr(os, "fork") and sys.platform != "darwin" and not withheld("fork")


def worker_start_method(single_thread: bool) -> str:
    """How processes that build whole chambers are started: by fork where the process runs one thread (a
    worker is ready at once), else from a fork server (a fork copies whatever lock another thread holds),
    else (Windows, or no fork) by spawn: a fresh interpreter that imports what it needs."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if can_fork() and single_thread and "fork" in methods:
        return "fork"
    if can_fork() and "forkserver" in methods:
        return "forkserver"
    return "spawn"


def libc_function(name: str) -> Any | None:
    """The C library's function `name` (through ctypes), or None where there is no such function (macOS has
    no renameat2 nor prctl, Windows no C library to open this way)."""
    if withheld(name):
        return None
    try:
        import ctypes

        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError, TypeError, ImportError):
        return None


def memory_folder() -> Path | None:
    """The shared memory file system (/dev/shm on Linux), or None: there is none on macOS and Windows."""
    if withheld("/dev/shm") or not MEMORY_DIR.is_dir():
        return None
    return MEMORY_DIR


def scratch_parent() -> Path:
    """Where a build's private scratch folder goes: memory where there is a memory file system, else the
    system's temporary folder (tempfile.gettempdir: %TEMP% on Windows)."""
    import tempfile

    return memory_folder() or Path(tempfile.gettempdir())


def owned_by_me(info: os.stat_result) -> bool:
    """Whether a file belongs to this user; True where the system has no user ids to compare (Windows:
    folders under the temporary folder are each user's own)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def tool(name: str) -> str | None:
    """The path of a command-line tool on PATH, or None."""
    if withheld(name):
        return None
    import shutil

    return shutil.which(name)


def font_folders() -> list[Path]:
    """The folders where this system keeps fonts, for finding Chinese fonts without fontconfig's fc-list."""
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows")
        local = os.environ.get("LOCALAPPDATA")
        folders = [windir / "Fonts"]
        if local:
            folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")  # fonts installed for one user
        return folders
    if sys.platform == "darwin":
        return [
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [data_home / "fonts", home / ".fonts", Path("/usr/local/share/fonts"), Path("/usr/share/fonts")]


@functools.cache
def case_insensitive(folder: Path) -> bool:
    """Whether the file system holding `folder` compares names regardless of case: always on Windows; on
    macOS (APFS and HFS+ are case-insensitive unless formatted otherwise) and elsewhere, tried once by
    looking up the folder's own name in the other case."""
    if sys.platform == "win32":
        return True
    name = folder.name
    swapped = name.swapcase()
    if not name or swapped == name:
        return sys.platform == "darwin"
    try:
        return os.path.samefile(folder, folder.with_name(swapped))
    except OSError:
        return False


def name_key(path: str | os.PathLike[str], folder: Path | None = None) -> str:
    """A path as the file system compares it: on Windows with `/` for `\\`; folded to one case where names
    that differ only in case name the same file (Windows; macOS unless its disk is case-sensitive). `folder`
    is where the path lies, whose file system is asked (None: this system's default)."""
    text = os.fspath(path)
    if sys.platform == "win32":
        return text.replace("\\", "/").casefold()
    folded = case_insensitive(folder) if folder is not None else sys.platform == "darwin"
    return text.casefold() if folded else text
