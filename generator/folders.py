"""The one walk over a folder's files, in an order that does not depend on the file system.

What is under a folder is read for keys of inputs (fingerprint.py), for the pages of a built site (search
index) and for what a PDF refers to: each needs the same files in the same order on every machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path

# Python's compiled files beside the generator's code are never an input.
NEVER_INPUTS = frozenset({"__pycache__"})


def walk_files(folder: Path | str, *, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file under `folder` as (its path relative to `folder`, with /; its entry): a folder's own files
    first, then its folders', names in order. A link to a file is a file; a link to a folder is not followed
    (what it holds is not under `folder`). `skip` names top-level folders and files left out."""
    yield from _walk(os.fspath(folder), "", skip | NEVER_INPUTS)


def _walk(path: str, rel: str, skip: frozenset[str]) -> Iterator[tuple[str, os.DirEntry]]:
    try:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=attrgetter("name"))
    except OSError:  # gone or unreadable: nothing under it
        return
    folders = []
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink() and entry.name not in skip:
                folders.append(entry)
        elif rel or entry.name not in skip:
            yield rel + entry.name, entry
    for entry in folders:
        yield from _walk(entry.path, f"{rel}{entry.name}/", NEVER_INPUTS)


def chamber_slugs(content_dir: Path) -> list[str]:
    """Every chamber folder (one with a chamber.yml) under the content folder, sorted."""
    if not content_dir.is_dir():
        return []
    return sorted(p.name for p in content_dir.iterdir() if (p / "chamber.yml").is_file())
