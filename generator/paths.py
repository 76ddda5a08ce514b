"""Paths from content stay inside their chamber's folder: no `../`, no absolute paths, no symlinks out."""

from __future__ import annotations

from functools import lru_cache
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
    try:
        candidate.relative_to(_resolved(root))
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(_resolved(root))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    """A chamber folder, resolved once: thousands of links are checked against the same few folders."""
    return root.resolve()
