"""The one way a key of inputs is made: a SHA-256 digest of text, bytes, files and folders.

Every record kept between builds is found by such a key (the build records, converted pages, printed PDFs,
web copies of pictures, search bundles): a key made of the same inputs is the same, and one made of other
inputs is another. Text is encoded as UTF-8; a caller separates its parts itself (`\\0`, `\\n`) where two
parts could run into each other.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from chamberpress import __version__
from chamberpress.folders import walk_files

GENERATOR_DIR = Path(__file__).resolve().parent


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
        for rel, entry in walk_files(folder, skip=skip):
            try:
                stat = entry.stat()
            except OSError:
                continue
            self.add(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
        return self

    def hex(self) -> str:
        return self._digest.hexdigest()

    def raw(self) -> bytes:
        return self._digest.digest()


def fingerprint(*parts: str | bytes) -> str:
    """The key of these parts, in hexadecimal."""
    return Fingerprint(*parts).hex()


def package_versions(*packages: str) -> str:
    """A line `name=version` for each installed package of these (for keys of what they make)."""
    lines = []
    for package in packages:
        with contextlib.suppress(PackageNotFoundError):
            lines.append(f"{package}={version(package)}\n")
    return "".join(lines)


@lru_cache(maxsize=1)
def tooling_key() -> str:
    """The generator's code and the engine versions: an upgrade of either invalidates every record."""
    engines = package_versions("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "weasyprint")
    return Fingerprint(__version__).add_stats(GENERATOR_DIR).add(engines).hex()
