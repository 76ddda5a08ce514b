"""Paths from content stay inside their chamber's folder: no `../`, no absolute paths, no symlinks out."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

# The project this package lives in: its mkdocs.yml and theme/ serve content folders that have none.
PROJECT_DIR = Path(__file__).resolve().parent.parent


def resolve_inside(base: Path, ref: str, root: Path) -> Path | None:
    """The existing file `ref` (relative to `base`) if it resolves inside `root`, else None.

    Symlinks are followed before the check, so a link pointing out of the folder is refused too.
    """
    if not ref or "\x00" in ref or ref.startswith(("/", "\\")) or PurePosixPath(ref).is_absolute():
        return None
    if "://" in ref or ref.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    candidate = (base / ref.replace("\\", "/")).resolve()
    if not is_inside(candidate, root):
        return None
    return candidate if candidate.is_file() else None


def is_inside(path: Path, root: Path) -> bool:
    real, top = str(real_path(path)), str(real_path(root))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


# Folders resolved in this build: a chamber's thousands of links and files sit in a few hundred folders.
_REAL_FOLDERS: dict[str, str] = {}


def real_path(path: Path) -> Path:
    """`path.resolve()`, each folder resolved once per build (`forget_folders` when a build starts: a
    folder may have become a link since). The last part, if a link, is resolved each time."""
    text = os.path.abspath(path)
    if ".." in Path(path).parts:          # abspath drops `x/..` by name; only resolving follows the link x
        return path.resolve()
    folder, name = os.path.split(text)
    real = _REAL_FOLDERS.get(folder)
    if real is None:
        real = _REAL_FOLDERS[folder] = os.path.realpath(folder)
    joined = os.path.join(real, name) if name else real
    return Path(os.path.realpath(joined) if os.path.islink(joined) else joined)


def forget_folders() -> None:
    _REAL_FOLDERS.clear()
