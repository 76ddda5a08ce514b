"""What reading and checking each file of a chamber gave, kept between builds: an edit costs the files it
changes, not the chamber.

A file's result (its post, page, project, charter or roster, and the problems found in that file alone) is
kept in `.cache/load/<slug>/` (SHARDS files) with what it was made from: the file's bytes (their digest;
its stat signature saves the read while it is unchanged), the other inputs its reader is given
(chamber.yml's categories, positions, project kinds: `inputs`), and every file its reader looked up
(paths.reading_recorded: a cover, a member's logo). The whole cache is keyed by the code and libraries that
read and check (fingerprint.tooling_key, fingerprint.LIBRARIES), the language of the messages and where the chamber is:
when any of them changes, it starts empty. Checks that span files (links, shared URLs, the members projects
name, plan reports) are not kept: load.py runs them over the results at every load.

Never trusted: a cache file that is damaged, of another version or not ours is ignored and replaced, and
its objects are rebuilt only as the model's own data classes (`_ModelUnpickler`), never by code it names.
The roster's private columns are in it, as in the roster itself: the file is readable by its owner only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import io
import logging
import os
import pickle
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from chamberpress.build.cache_layout import cache_root
from chamberpress.errors import Problem, Problems
from chamberpress.fingerprint import Fingerprint, engines, tooling_key
from chamberpress.i18n import _, language
from chamberpress.paths import Lookup, file_signature, reading_recorded

log = logging.getLogger(__name__)

T = TypeVar("T")

FORMAT = b"chamberpress load cache 2\n"
# The files a chamber's entries are spread over: an edit writes again the one holding its file's entry.
SHARDS = 16
# A file changed this recently may change again within one tick of its file system's clock (FAT keeps
# times to 2 s) without its signature changing: its bytes are compared at the next load.
RACY_NS = 2_000_000_000


class Entry(NamedTuple):
    """One file's kept result (`blob`: the pickled result and problems) and what it was made from."""

    inputs: str
    digest: str  # of the file's bytes
    signature: tuple[int, ...] | None  # paths.file_signature, None when too recent to be trusted
    lookups: tuple[tuple, ...]  # paths.Lookup, as plain tuples
    blob: bytes


@dataclasses.dataclass
class Fresh(Generic[T]):
    """A file just read and checked: its result and problems, and what they were made from (`digest` None:
    the file could not be read whole, and the result is not kept)."""

    value: T
    problems: list[Problem]
    digest: str | None
    signature: tuple[int, ...] | None
    lookups: list[Lookup]


def read_fresh(path: Path, load: Callable[[Problems], T], root: Path) -> Fresh[T]:
    """`load(problems)` for the file at `path`, with its own problems (paths relative to `root`) and what it
    was made from: the signature taken before, and the digest of the bytes `load` read (sources.read_text),
    else of the file read after it (the roster: then kept only if its signature, to be trusted, did not
    change meanwhile). A change while it is read shows at the next load."""
    signature = _trusted(file_signature(path))
    problems = Problems(root)
    with reading_recorded() as reading:
        value = load(problems)
    read = reading.read.get(os.fspath(path))
    if read is not None:
        digest = hashlib.sha256(read).hexdigest()
    else:  # read otherwise (the roster): kept only if the file did not change while it was read
        digest = file_digest(path) if signature is not None else None
        digest = digest if file_signature(path) == signature else None
    lookups = [found if _trusted(found.signature) else found._replace(signature=None) for found in reading.lookups]
    return Fresh(value, problems.items, digest, signature, lookups)


def file_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _trusted(signature: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """The signature, or None when the file was written too recently for it to show a later write."""
    if signature is None:
        return None
    _size, modified, changed, _inode = signature
    return signature if max(modified, changed) < time.time_ns() - RACY_NS else None


class LoadCache:
    """The kept results of one chamber's files; `LoadCache(None)` keeps nothing (`chamber build --plain`)."""

    def __init__(self, folder: Path | None, key: str = "") -> None:
        self._folder = folder
        self._key = key.encode()
        self._entries: dict[str, Entry] = {}
        for shard in range(SHARDS if folder is not None else 0):
            self._entries |= _read(self._shard_file(shard), self._key)
        self._used: dict[str, Entry] = {}  # the entries of this load, kept or made
        self._changed: set[int] = set()  # the shards to write again

    @classmethod
    def open(cls, content_dir: Path, folder: Path, root: Path) -> LoadCache:
        """The cache of the chamber at `folder` (whose problems name files relative to `root`)."""
        key = Fingerprint(
            tooling_key(),
            engines().libraries,
            sys.version,
            language(),
            f"\0{os.path.abspath(root)}\0{os.fspath(folder)}\0{os.path.abspath(folder)}",
        ).hex()
        return cls(cache_root(content_dir) / "load" / folder.name, key)

    def _shard_file(self, shard: int) -> Path:
        assert self._folder is not None
        return self._folder / f"{shard:02d}.pickle"

    def read(self, path: Path, inputs: str, load: Callable[[Problems], T], problems: Problems) -> T:
        """`load(problems)` for the file at `path`, given `inputs`: the kept result when nothing it was made
        from has changed. Its problems are added to `problems` either way, in the order `load` found them."""
        if self._folder is None:
            return load(problems)
        known = self.recall(path, inputs)
        if known is None:
            fresh = self.read_fresh(path, load, problems.root)
            self.keep(path, inputs, fresh)
            known = fresh.value, fresh.problems
        value, items = known
        problems.items += items
        return value

    def read_fresh(self, path: Path, load: Callable[[Problems], T], root: Path) -> Fresh[T]:
        """`read_fresh`, or only `load` when nothing is kept."""
        if self._folder is None:
            problems = Problems(root)
            return Fresh(load(problems), problems.items, None, None, [])
        return read_fresh(path, load, root)

    def recall(self, path: Path, inputs: str) -> tuple[T, list[Problem]] | None:
        """The kept result and problems of the file at `path`, if they still hold; else None."""
        name = os.fspath(path)
        entry = self._entries.get(name)
        if entry is None or entry.inputs != inputs:
            return None
        try:
            signature = file_signature(path)
            if signature is None:
                return None
            if signature != entry.signature:
                if file_digest(path) != entry.digest:
                    return None
                entry = entry._replace(signature=_trusted(signature))
                self._changed.add(_shard(name))
            if not all(Lookup(*lookup).still_holds() for lookup in entry.lookups):
                return None
            value, items = _ModelUnpickler(io.BytesIO(entry.blob)).load()
        except Exception:  # noqa: BLE001 - a damaged or foreign entry: read the file again
            log.debug("load cache entry of %s not used", name, exc_info=True)
            return None
        self._used[name] = entry
        return value, items

    def keep(self, path: Path, inputs: str, fresh: Fresh) -> None:
        """Keep what reading the file at `path` gave (`read_fresh`), for the next load."""
        if self._folder is None or fresh.digest is None:
            return
        blob = pickle.dumps((fresh.value, fresh.problems), protocol=pickle.HIGHEST_PROTOCOL)
        lookups = tuple(tuple(lookup) for lookup in fresh.lookups)
        name = os.fspath(path)
        self._used[name] = Entry(inputs, fresh.digest, fresh.signature, lookups, blob)
        self._changed.add(_shard(name))

    def save(self) -> None:
        """Write the shards whose entries changed: the entries of this load, and those of files it did not
        read that still exist (a chamber.yml with errors leaves the roster unread). A cache that cannot be
        written only costs time."""
        if self._folder is None:
            return
        kept = dict(self._used)
        kept |= {name: entry for name, entry in self._entries.items() if name not in kept and os.path.isfile(name)}
        self._changed |= {_shard(name) for name in self._entries.keys() - kept.keys()}
        shards: dict[int, dict[str, Entry]] = {shard: {} for shard in self._changed}
        for name, entry in kept.items():
            shards.get(_shard(name), {})[name] = entry
        try:
            for shard, entries in sorted(shards.items()):
                _write(self._shard_file(shard), self._key, entries)
        except OSError as exc:
            log.warning("%s", _("content checks not kept: {problem}").format(problem=exc))
        self._entries, self._changed = kept, set()


def _shard(name: str) -> int:
    """The shard a file's entry is kept in, the same in every process (unlike `hash`)."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % SHARDS


NO_CACHE = LoadCache(None)


def _read(file: Path, key: bytes) -> dict[str, Entry]:
    """The entries of the cache file, or none if it is missing, damaged, of another key or not ours."""
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    head = FORMAT + key + b"\n"
    check_end = len(head) + 9
    if not data.startswith(head) or len(data) < check_end:
        return {}
    payload = memoryview(data)[check_end:]
    if _check(payload) != data[len(head) : check_end]:
        return {}
    try:
        entries = _PlainUnpickler(io.BytesIO(payload)).load()
        return {str(name): Entry(*fields) for name, fields in entries.items() if _is_entry(fields)}
    except Exception:  # noqa: BLE001 - damaged or foreign: start empty
        log.debug("load cache %s not used", file, exc_info=True)
        return {}


def _is_entry(fields: object) -> bool:
    types = (str, str, (tuple, type(None)), tuple, bytes)
    return (
        isinstance(fields, tuple)
        and len(fields) == len(types)
        and all(isinstance(field, kind) for field, kind in zip(fields, types))
    )


def _write(file: Path, key: bytes, entries: dict[str, Entry]) -> None:
    """The cache file, written beside and renamed: a build that reads it meanwhile sees the old or the new."""
    payload = pickle.dumps({name: tuple(entry) for name, entry in entries.items()}, protocol=pickle.HIGHEST_PROTOCOL)
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".part-", dir=file.parent)  # readable by its owner only
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(FORMAT + key + b"\n" + _check(payload))
            out.write(payload)
        os.replace(temp, file)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _check(payload: bytes | memoryview) -> bytes:
    """The line that tells a cache file written whole from a damaged one: a CRC-32 of its payload. Not a
    guard against a forged file (what may be rebuilt from one is limited: _ModelUnpickler), and a fifth of
    the time a SHA-256 of the chamber's ~9 MB of entries took at every load."""
    return b"%08x\n" % zlib.crc32(payload)


class _PlainUnpickler(pickle.Unpickler):
    """Plain values only (dicts, tuples, text, bytes, numbers): the cache file's own layout."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a load cache")


# What a result is made of besides the model's data classes.
_PLAIN_CLASSES = {
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}


_MODEL_MODULES = ("chamberpress.content.", "chamberpress.errors")


class _ModelUnpickler(pickle.Unpickler):
    """A result as the loaders make it: the package's data classes, paths, dates and plain values. Anything
    else (a function, a class of another module) is refused: nothing named in the file is ever called."""

    def find_class(self, module: str, name: str) -> type:
        return _model_class(module, name)


@functools.cache
def _model_class(module: str, name: str) -> type:
    """The class `_ModelUnpickler` may rebuild (asked for once per kind of object in each of a chamber's
    thousands of results)."""
    plain = (module, name) in _PLAIN_CLASSES
    if plain or (module.startswith(_MODEL_MODULES) and "." not in name):
        found = getattr(importlib.import_module(module), name, None)
        if plain or (isinstance(found, type) and dataclasses.is_dataclass(found)):
            return found
    raise pickle.UnpicklingError(f"{module}.{name} is not part of a load cache")
