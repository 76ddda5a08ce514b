"""What a publish does, worked out before anything is sent: the site's files, in the order that keeps the
published site whole at every moment (STAGES), compared with the target's listing and with the record of
what was sent there before. Pure but for reading the site's files.

Never a half site: a page is only sent once every new asset, picture, PDF and search chunk it may refer to
is in place; the search index's entry files after the chunks they list; the feed, the sitemap and the home
page, which lead readers to new pages, after those pages; removed files last, once nothing links to them."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chamberpress.folders import walk_files
from chamberpress.paths import is_inside

# Folders of the output that are the secretariat's, never the public's: never sent, wherever they appear.
PRIVATE_FOLDERS = frozenset({".chamber", "_audit", "_newsletter", "_wechat"})
# What a publish writes on a target before renaming it into place: left over only by a publish cut short,
# and removed by the next one.
PART_PREFIX = ".chamber-part-"

STAGES = ("assets", "search index", "pages", "feed, sitemap and home page")
SEARCH_ENTRIES = frozenset({"pagefind-entry.json", "bundles.json"})  # they list the chunks sent before them
ENTRANCES = frozenset({"index.html", "feed.xml", "sitemap.xml", "sitemap.xml.gz"})

# A name that changes with the content (main.57a0d79d.min.css, zh_f6fe738.pf_fragment): cached for a year.
HASHED_NAME = re.compile(r"[._-][0-9a-f]{7,}\.[^/]*$")
CACHE_PAGES = "public, max-age=300"  # readers see an edit within five minutes
CACHE_ASSETS = "public, max-age=86400"  # pictures and PDFs keep their names when replaced
CACHE_HASHED = "public, max-age=31536000, immutable"
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "application/atom+xml")
EXTRA_TYPES = {
    ".js": "application/javascript",
    ".map": "application/json",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}


@dataclass(frozen=True)
class LocalFile:
    """A file of the built site. `md5`: its digest, the one S3-compatible stores give as the ETag of an
    object sent in one piece, so that one digest tells both a change and an object already in place."""

    rel: str
    path: Path
    size: int
    md5: str
    mtime: float


@dataclass(frozen=True)
class Remote:
    """A file as the target lists it. `stamp`: what changes when anyone rewrites it there (its modification
    time on a server or folder, its ETag in object storage)."""

    size: int
    stamp: str


@dataclass(frozen=True)
class Sent:
    """What the record keeps of a file sent: its digest then, and how the target listed it after."""

    md5: str
    size: int
    stamp: str


@dataclass
class Plan:
    send: list[LocalFile] = field(default_factory=list)  # in STAGES order
    why: dict[str, str] = field(default_factory=dict)  # rel → "new", "changed" or "changed on the target"
    delete: list[str] = field(default_factory=list)
    unchanged: int = 0
    found: dict[str, Sent] = field(default_factory=dict)  # already in place though not recorded

    @property
    def bytes(self) -> int:
        return sum(file.size for file in self.send)

    @property
    def mended(self) -> int:
        return sum(1 for why in self.why.values() if why == "changed on the target")


def is_private(rel: str) -> bool:
    """Whether a path inside the site may never be published: under a private folder or hidden."""
    return any(part in PRIVATE_FOLDERS or part.startswith(".") for part in rel.split("/"))


def site_files(site: Path) -> tuple[dict[str, LocalFile], list[str]]:
    """The files of a built site that may be published, by path, and the paths left out (links that lead
    out of the site, private folders, hidden files)."""
    files: dict[str, LocalFile] = {}
    left_out: list[str] = []
    for rel, entry in walk_files(site):
        if is_private(rel) or (entry.is_symlink() and not is_inside(Path(entry.path), site)):
            left_out.append(rel)
            continue
        digest = hashlib.md5(usedforsecurity=False)
        with open(entry.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        files[rel] = LocalFile(rel, Path(entry.path), stat.st_size, digest.hexdigest(), stat.st_mtime)
    return files, left_out


def stage_of(rel: str) -> int:
    """The index in STAGES of the step a file is sent in."""
    name = rel.rpartition("/")[2]
    if rel in ENTRANCES:
        return 3
    if name.endswith(".html") or rel == "chamber.json":
        return 2
    if name in SEARCH_ENTRIES:
        return 1
    return 0


def content_type(rel: str) -> str:
    """The Content-Type object storage serves a file with; text is UTF-8 (every file the build writes is)."""
    name = rel.rpartition("/")[2]
    kind, encoding = mimetypes.guess_type(name, strict=False)
    if encoding == "gzip":  # sitemap.xml.gz is served as the gzip file it is, not unpacked by the browser
        return "application/gzip"
    kind = EXTRA_TYPES.get(os.path.splitext(name)[1].lower()) or kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) or kind == "image/svg+xml" else kind


def cache_control(rel: str) -> str:
    """How long browsers and CDNs may keep a file without asking again."""
    if stage_of(rel) > 0:
        return CACHE_PAGES
    if HASHED_NAME.search(rel.rpartition("/")[2]):
        return CACHE_HASHED
    return CACHE_ASSETS


def make_plan(
    files: dict[str, LocalFile],
    listing: dict[str, Remote],
    record: dict[str, Sent],
    same: Callable[[LocalFile, Remote], bool],
) -> Plan:
    """Compare the site with the target. A file is unchanged when the record says it was sent with these
    bytes and the target still lists it as it was after; or, without a record of it, when the target shows
    the same content by itself (`same`: an ETag, or a folder's file read). Whatever else the target holds,
    but hidden files (a server's .well-known/, a publish's parts cut short), is deleted."""
    plan = Plan()
    for rel in sorted(files, key=lambda rel: (stage_of(rel), rel)):
        file, remote, sent = files[rel], listing.get(rel), record.get(rel)
        if remote is not None:
            if sent is not None and sent.size == remote.size and sent.stamp == remote.stamp:
                if sent.md5 == file.md5:
                    plan.unchanged += 1
                    continue
                plan.why[rel] = "changed"
            elif remote.size == file.size and same(file, remote):
                plan.unchanged += 1
                plan.found[rel] = Sent(file.md5, remote.size, remote.stamp)
                continue
            else:
                plan.why[rel] = "changed on the target" if sent is not None and sent.md5 == file.md5 else "changed"
        else:
            plan.why[rel] = "changed on the target" if sent is not None and sent.md5 == file.md5 else "new"
        plan.send.append(file)
    plan.delete = sorted(rel for rel in listing if rel not in files)
    return plan
