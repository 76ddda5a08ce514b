"""The one way a key of inputs is made: a SHA-256 digest of text, bytes, files and folders.

Every record kept between builds is found by such a key (the build records, converted pages, printed PDFs,
web copies of pictures, search bundles): a key made of the same inputs is the same, and one made of other
inputs is another. Text is encoded as UTF-8; a caller separates its parts itself (`\\0`, `\\n`) where two
parts could run into each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from chamberpress import __version__
from chamberpress.folders import walk_files

GENERATOR_DIR = Path(__file__).resolve().parent
# The engines whose versions are part of every key (tooling_key), among them those the build checks
# (build/engines.py) and the search indexer (its version is in each search bundle's key): read together.
ENGINES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "weasyprint",
    "jieba",
    "pagefind",
    "pagefind_bin_extended",
)


class Fingerprint:
    """A digest being made, part by part."""

    def __init__(self, *parts: str | bytes) -> None:
        self._digest = hashlib.sha256()
        self.add(*parts)

    def add(self, *parts: str | bytes) -> Fingerprint:
        for part in parts:
            self._digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        return self

    def add_file(self, path: Path | str) -> Fingerprint:
        """The file's content (its digest, so that a large file is not held twice)."""
        with open(path, "rb") as handle:
            self._digest.update(hashlib.file_digest(handle, "sha256").digest())
        return self

    def add_stats(self, folder: Path, *, skip: frozenset[str] = frozenset()) -> Fingerprint:
        """Every file under `folder` by its path, size and modification time, not its content: enough to see
        that a file changed, without reading it. `skip` names top-level folders left out."""
        if not folder.exists():
            return self.add(f"missing:{folder}\n")
        lines = []
        for rel, entry in walk_files(folder, skip=skip):
            try:
                stat = entry.stat()
            except OSError:
                continue
            lines.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
        return self.add("".join(lines))  # one update: the digest of a text does not depend on its parts

    def hex(self) -> str:
        return self._digest.hexdigest()

    def raw(self) -> bytes:
        return self._digest.digest()


def fingerprint(*parts: str | bytes) -> str:
    """The key of these parts, in hexadecimal."""
    return Fingerprint(*parts).hex()


def package_versions(*packages: str) -> str:
    """A line `name=version` for each installed package of these (for keys of what they make)."""
    from importlib.metadata import PackageNotFoundError, version  # its import alone is ~20 ms of a start

    lines = []
    for package in packages:
        with contextlib.suppress(PackageNotFoundError):
            lines.append(f"{package}={version(package)}\n")
    return "".join(lines)


INSTALL_FOLDERS = frozenset({"site-packages", "dist-packages"})  # where pip installs packages


def installation_stamp() -> str:
    """The Python running, every folder it imports from (sys.path), and each folder packages are installed
    into (INSTALL_FOLDERS) by identity and modification time. Installing, upgrading or removing a package
    adds or removes entries of its folder (pip writes a new `name-version.dist-info` and deletes the old
    one), so while the stamp is the same, so are the installed versions, and a record may say which they are
    without their metadata being read. Other folders count by name only: the current folder (`python -m`)
    or a project's own changes with the work done there (a build writing `sites/` or `.cache/`)."""
    parts = [sys.version]
    for folder in sys.path:
        if os.path.basename(os.path.normpath(folder or ".")) not in INSTALL_FOLDERS:
            parts.append(folder)
            continue
        try:
            stat = os.stat(folder or ".")
        except OSError:
            parts.append(f"{folder}\0-")
            continue
        parts.append(f"{folder}\0{stat.st_ino}\0{stat.st_mtime_ns}")
    return "\n".join(parts)


# Libraries whose behaviour shapes what reading a content file gives: YAML parsing, workbooks, pictures, SVG,
# pinyin slugs (in the key of content/load_cache.py).
LIBRARIES = ("PyYAML", "openpyxl", "Pillow", "lxml", "pypinyin")


class Engines(NamedTuple):
    """The engines' versions (`package_versions` of ENGINES), and the installation stamp taken before they
    were read: a record that keeps both may reuse the versions while the stamp stays the same. `libraries`:
    the versions of LIBRARIES, read with them."""

    versions: str
    stamp: str
    libraries: str = ""


_known: list[Engines] = []  # the engines as read in this process (engines), or as recalled (use_engines)


def engines() -> Engines:
    """The installed engines, read once per process (or as given by use_engines)."""
    if not _known:
        stamp = installation_stamp()  # first: a package changed while they are read makes the stamp stale
        _known.append(Engines(package_versions(*ENGINES), stamp, package_versions(*LIBRARIES)))
    return _known[0]


def use_engines(known: Engines) -> None:
    """Take `known` as the installed engines for the rest of the process: versions recalled from a record
    made under the installation stamp of this one (build/engines.py, recall_engines)."""
    _known[:] = [known]


def forget_engines() -> None:
    """Read the installed engines again when next asked (the installation changed under a test)."""
    _known.clear()


def installed_versions() -> dict[str, str]:
    """The installed engines' and libraries' versions, by distribution name (engines())."""
    found = engines()
    return dict(line.split("=", 1) for line in (found.versions + found.libraries).splitlines() if "=" in line)


def tooling_key(versions: str | None = None) -> str:
    """The generator's code and the engine versions (`versions`, default: the installed ones, `engines()`):
    an upgrade of either invalidates every record."""
    return fingerprint(code_key(), engines().versions if versions is None else versions)


@lru_cache(maxsize=1)
def code_key() -> str:
    """The generator's version and code, by its files' stats, taken once per process."""
    return Fingerprint(__version__).add_stats(GENERATOR_DIR).hex()
