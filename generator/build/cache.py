"""What has not changed is not built again.

A chamber's build is skipped when its inputs are as they were at its last good build: every file of its
content folder, the theme, the base config, the generator's own code and the MkDocs/Material versions
(by path, size and modification time), and no scheduled post has come due since. The records live
under `.cache/` beside the content folder; deleting that folder at any time only costs a full build.

Words used here and in the modules whose records live here:
- record: a small JSON file under `.cache/` that lets the next build skip work; losing it only costs time.
- spare copy: the site before last, kept under `.cache/spares/` and brought up to date by the next build
  (build/output.py), so that only the files that changed are written.
- staged docs: the Markdown pages written for MkDocs to read; `stage_dir` holds them for a build on disk.
- drawn record: the keys of the published site's news pages (site/kept_pages.py).
- slug memo: member URL names, pinyin sort keys and slugs made by earlier builds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from chamberpress import __version__
from chamberpress.paths import PROJECT_DIR

if TYPE_CHECKING:
    from chamberpress.content.model import Chamber

log = logging.getLogger(__name__)

GENERATOR_DIR = Path(__file__).resolve().parent.parent


def project_dir_for(content_dir: Path) -> Path:
    """The project a content folder belongs to: the one with the base mkdocs.yml beside it, else ours."""
    local = content_dir.resolve().parent
    return local if (local / "mkdocs.yml").is_file() else PROJECT_DIR


def cache_root(content_dir: Path) -> Path:
    return content_dir.resolve().parent / ".cache"


def protected_folders(content_dir: Path) -> dict[str, Path]:
    """The folders no output may overlap (paths.check_output_folder), by what an editor calls them: the
    content folder, the build records, and each chamber's folder, which may be a link to a place elsewhere."""
    folders = {"the content folder": content_dir, "the build records (.cache/)": cache_root(content_dir)}
    if content_dir.is_dir():
        folders |= {
            f"the chamber folder {entry.name}": entry
            for entry in sorted(content_dir.iterdir())
            if entry.is_symlink() and entry.is_dir()
        }
    return folders


def read_json(path: Path | None) -> dict:
    """A record kept under .cache/, or {} if it is missing, unreadable or not an object: a lost record only
    costs work."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict) -> None:
    """Write a record under .cache/ whole or not at all; several builds may write at once."""
    # dumps, not dump: json.dump encodes piece by piece in Python, much slower on a large page cache.
    write_whole(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def write_whole(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file of this process beside it, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class ShardedRecord:
    """A mapping of hexadecimal keys (digests of what their value is made from) kept under .cache/ in 16
    files by the first character of the key, each tagged with what makes its keys valid (`tag`): after a
    build, a file is written again only where its keys changed, so an edit rewrites one or two small
    files instead of one of many megabytes."""

    SHARDS = "0123456789abcdef"

    def __init__(self, folder: Path, tag: str) -> None:
        self.folder, self.tag = folder, tag
        self.known: dict[str, Any] = {}
        self._stored: dict[str, set[str]] = {}  # shard → the keys its file holds (with this tag)
        for shard in self.SHARDS:
            kept = read_json(folder / f"{shard}.json")
            values = kept.get("values")
            if kept.get("tag") == tag and isinstance(values, dict):
                self.known.update(values)
                self._stored[shard] = set(values)

    def save(self, used: dict[str, Any]) -> None:
        """Keep `used` (this build's, and only those: the record never outgrows the site)."""
        shards: dict[str, dict[str, Any]] = {shard: {} for shard in self.SHARDS}
        for key, value in used.items():
            if key[:1] in shards:
                shards[key[:1]][key] = value
        try:
            for shard, values in shards.items():
                if set(values) != self._stored.get(shard):  # the same keys: the same values
                    write_json(self.folder / f"{shard}.json", {"tag": self.tag, "values": values})
                    self._stored[shard] = set(values)
        except OSError as exc:  # a record that cannot be written only costs time
            log.warning("%s not kept: %s", self.folder, exc)


def _stat_tree(folder: Path, digest: "hashlib._Hash", skip: frozenset[str] = frozenset()) -> None:
    """Every file's path, size and modification time; `skip` names top-level folders left out."""
    if not folder.exists():
        digest.update(f"missing:{folder}\n".encode())
        return
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (d in skip and root == str(folder))]
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            digest.update(f"{os.path.relpath(path, folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


@lru_cache(maxsize=1)
def tooling_key() -> str:
    """The generator's code and the engine versions: an upgrade of either invalidates every record."""
    digest = hashlib.sha256(__version__.encode())
    _stat_tree(GENERATOR_DIR, digest)
    engines = package_versions("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "weasyprint")
    digest.update(engines.encode())
    return digest.hexdigest()


def package_versions(*packages: str) -> str:
    """A line `name=version` for each installed package of these (for keys of what they make)."""
    lines = []
    for package in packages:
        with contextlib.suppress(PackageNotFoundError):
            lines.append(f"{package}={version(package)}\n")
    return "".join(lines)


def inputs_key(folder: Path, project_dir: Path, *, skip: frozenset[str] = frozenset()) -> str:
    """A fingerprint of everything a chamber's site is built from (but the top-level folders in `skip`)."""
    digest = hashlib.sha256(tooling_key().encode())
    _stat_tree(folder, digest, skip)
    for shared in ("mkdocs.yml", "theme"):
        path = project_dir / shared
        if path.is_file():
            stat = path.stat()
            digest.update(f"{shared}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        else:
            _stat_tree(path, digest)
    return digest.hexdigest()


@dataclass
class BuildRecord:
    key: str
    next_due: str | None  # the earliest scheduled post at build time: on that day the site must change
    site: str  # identity of the site folder it produced (inode and mtime)


def _site_stamp(site: Path) -> str:
    try:
        stat = site.stat()
    except OSError:
        return ""
    return f"{stat.st_ino}:{stat.st_mtime_ns}"


def out_id(out_dir: Path) -> str:
    """A short name for an output folder, by its resolved path."""
    return hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]


def _record_path(content_dir: Path, out_dir: Path, slug: str) -> Path:
    return cache_root(content_dir) / "builds" / out_id(out_dir) / f"{slug}.json"


def spare_dir(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where the spare copy of a chamber's site is kept (output.py): the site before last, brought up to
    date by the next build and swapped in. Under .cache/, never among the published sites: it holds pages
    taken down since."""
    return cache_root(content_dir) / "spares" / out_id(out_dir) / slug


def search_record(content_dir: Path, out_dir: Path, slug: str, *, spare: bool = False) -> Path:
    """Which search bundles the published site holds (or, with `spare`, the spare copy of the site), and
    from which pages (search.py): a bundle whose pages are unchanged is kept or copied instead of indexed
    again."""
    return cache_root(content_dir) / "search" / out_id(out_dir) / f"{slug}{'.spare' if spare else ''}.json"


def drawn_record(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """The keys of the published site's news posts and lists (site/kept_pages.py): a page whose key is
    unchanged is copied from the published site instead of drawn again."""
    return cache_root(content_dir) / "drawn" / out_id(out_dir) / f"{slug}.json"


def stage_dir(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where a chamber's docs are staged for MkDocs when it is built on disk (output.make_scratch found no
    room in memory), kept between builds so that only what changed is written again (one per output
    folder: its builds are serialised by that folder's lock)."""
    return cache_root(content_dir) / "stage" / out_id(out_dir) / slug


def is_fresh(slug: str, content_dir: Path, out_dir: Path, project_dir: Path, today: dt.date) -> bool:
    """True when the site in `<out>/<slug>` was built from exactly the present inputs."""
    path = _record_path(content_dir, out_dir, slug)
    try:
        record = BuildRecord(**read_json(path))
    except TypeError:
        return False
    if record.next_due and today.isoformat() >= record.next_due:
        return False
    if record.site != _site_stamp(out_dir / slug):
        return False
    return record.key == inputs_key(content_dir / slug, project_dir)


def remember(
    slug: str, content_dir: Path, out_dir: Path, project_dir: Path, key: str, next_due: dt.date | None
) -> None:
    record = BuildRecord(key, next_due.isoformat() if next_due else None, _site_stamp(out_dir / slug))
    write_json(_record_path(content_dir, out_dir, slug), record.__dict__)


def slug_memo_path(content_dir: Path) -> Path:
    """Where slug_memo keeps the names, by the versions of everything that makes them."""
    digest = hashlib.sha256(tooling_key().encode())
    digest.update(package_versions("jieba", "pypinyin").encode())
    return cache_root(content_dir) / "slugs" / f"{digest.hexdigest()[:16]}.json"


def known_pinyin(content_dir: Path) -> None:
    """The pinyin slugs slug_memo keeps, known from the start: loading a chamber checks its categories' URL
    names (chamber.category_slug) before a build opens the memo, and pypinyin's dictionary is slow to load."""
    from chamberpress import chinese

    known = read_json(slug_memo_path(content_dir)).get("pinyin")
    if isinstance(known, dict):
        chinese.KNOWN_PINYIN.update(
            {name: value for name, value in known.items() if isinstance(name, str) and isinstance(value, str)}
        )


@contextlib.contextmanager
def slug_memo(chamber: Chamber) -> Iterator[None]:
    """Member URL names, pinyin sort keys and slugs made by earlier builds (directory.KNOWN_SLUGS and
    KNOWN_READINGS, chinese.KNOWN_PINYIN), kept under .cache/ by the versions of everything that makes them;
    the new ones are added after the pages stage."""
    from chamberpress import chinese
    from chamberpress.site import directory

    memos = {"slugs": directory.KNOWN_SLUGS, "readings": directory.KNOWN_READINGS, "pinyin": chinese.KNOWN_PINYIN}
    path = slug_memo_path(chamber.folder.parent)
    kept = read_json(path)
    for kind, memo in memos.items():
        known = kept.get(kind)
        if isinstance(known, dict):
            memo.update(
                {name: value for name, value in known.items() if isinstance(name, str) and isinstance(value, str)}
            )
    # Written when this process knows names the file lacks (made by this build, or on loading: known_pinyin).
    before = [len(kept[kind]) if isinstance(kept.get(kind), dict) else 0 for kind in memos]
    yield
    if [len(memo) for memo in memos.values()] != before or not path.exists():
        try:
            write_json(path, memos)
        except OSError as exc:  # a memo that cannot be written only costs time
            log.warning("member URL names not kept: %s", exc)


@dataclass
class StagedPosts:
    """Posts' staged Markdown by key (docs.content_tree keys each by the post and what else it depends
    on): `known` from earlier builds, `used` by this one."""

    known: dict[str, str] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def staged_posts(chamber: Chamber) -> Iterator[StagedPosts]:
    """The posts' staged Markdown made by earlier builds, kept in .cache/staged/<slug>/; what this build
    used is kept when it is done."""
    record = ShardedRecord(cache_root(chamber.folder.parent) / "staged" / chamber.slug, "staged")
    staged = StagedPosts(known={k: v for k, v in record.known.items() if isinstance(v, str)})
    yield staged
    record.save(staged.used)
