"""News posts whose inputs are as they were for the published site: copied from it instead of drawn.

Drawing a post through Material's templates costs ~1 ms, and after an edit to one post the 1,999 others
would come out byte for byte as before. A post's page is made from its own values (title, front matter,
converted content, table of contents, address, categories, previous and next posts) and from what every
page shares (the navigation, every page's address and title, the build year in the footer, the theme,
the base config, the chamber's own files but its news, the generator and engine versions). The key of a
post is a digest of both; the keys of the published site's posts are recorded in `.cache/drawn/`, removed
before a build changes the site and written once the new site is in place. A post whose key is the
recorded one is copied from the published site; the first ones copied are also drawn and compared, and
any difference means every post is drawn (an input the key misses shows on every post).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Callable

from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_datetime

from .cache import inputs_key, read_json, write_json
from .checked import Checked
from .docs import POSTS_DIR

log = logging.getLogger(__name__)

CHECKED = 2          # posts drawn as well as copied before the copies are trusted
SKIPPED_DIRS = frozenset({"news"})   # the chamber's folders whose files reach a post only through its own values


def is_post(page: Page) -> bool:
    return page.file.src_uri.startswith(POSTS_DIR + "/")


class KeptPages:
    """Draws pages (`draw`: MkDocs' _build_page, or what wraps it), copying unchanged posts from
    `published` (the site now in place) where `record` says they are unchanged."""

    def __init__(self, published: Path | None, record: Path | None, *, shared: str,
                 draw: Callable | None = None) -> None:
        self.draw = draw            # set by the drawing loop (mkdocs_adapter)
        self.published = published
        self.record = record
        self.shared = shared        # a digest of the inputs every page shares but the navigation
        self.keys: dict[str, str] | None = None     # post → key, made at the first page
        self.previous: dict[str, dict] = {}     # the published site's record: post → key and size
        self.check = Checked(CHECKED)

    def build_page(self, page: Page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        if self.keys is None:
            self.start(config, doc_files, nav)
        assert self.keys is not None and self.draw is not None
        dest = page.file.dest_uri
        if excluded or self.check.trusted is False or not self._unchanged(dest):
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        assert self.published is not None
        source = self.published / dest
        target = Path(page.file.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.check.trusted:
            shutil.copyfile(source, target)
            return
        self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
        self.check.compare(source.read_bytes(), target.read_bytes())
        if self.check.trusted is False:
            log.info("a kept post differs from the one drawn now (%s): every post is drawn", dest)

    def _unchanged(self, dest: str) -> bool:
        """The post's key is the one recorded for the published site, whose file is there at the size
        recorded (not changed by hand since)."""
        recorded = self.previous.get(dest)
        if (self.published is None or self.keys is None or dest not in self.keys or not isinstance(recorded, dict)
                or recorded.get("key") != self.keys[dest]):
            return False
        source = self.published / dest
        try:
            return not source.is_symlink() and source.stat().st_size == recorded.get("size")
        except OSError:
            return False

    def start(self, config, doc_files, nav) -> None:
        """Keys of every post, and the published site's, before the first page is drawn (and before the
        drawing processes fork: they share them)."""
        if self.keys is not None:
            return
        shared = hashlib.sha256(self.shared.encode())
        shared.update(f"{get_build_datetime().year}\n".encode())
        shared.update(_nav_fingerprint(nav).encode())
        for file in doc_files:
            shared.update(f"{file.dest_uri}\0{file.page.title if file.page else ''}\n".encode())
        common = shared.hexdigest()
        self.keys = {f.dest_uri: _post_key(common, f.page) for f in doc_files if f.page is not None and is_post(f.page)}
        self.previous = read_json(self.record)
        if self.record is not None:
            self.record.unlink(missing_ok=True)     # the site is about to change

    def save(self, site: Path) -> None:
        """Record the keys (and sizes) of the posts of the site just put in place at `site`."""
        if self.record is None or self.keys is None:
            return
        kept = {}
        for dest, key in self.keys.items():
            with contextlib.suppress(OSError):
                kept[dest] = {"key": key, "size": (site / dest).stat().st_size}
        write_json(self.record, kept)


def shared_inputs(chamber_folder: Path, project_dir: Path) -> str:
    """A digest of the files every page is made from but the news: the chamber's own files (chamber.yml,
    pages, roster, charter, logo …), the base config and the theme, the generator and engine versions."""
    return inputs_key(chamber_folder, project_dir, skip=SKIPPED_DIRS)


def _nav_fingerprint(nav) -> str:
    lines: list[str] = []

    def walk(items, depth: int) -> None:
        for item in items:
            lines.append(f"{depth}\0{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}")
            walk(getattr(item, "children", None) or [], depth + 1)

    walk(nav.items, 0)
    return "\n".join(lines)


def _post_key(common: str, page: Page) -> str:
    """Everything of its own a post's page shows (blog-post.html and the templates it extends)."""
    def link(other) -> list[str] | None:
        return [other.url, other.title] if other is not None else None

    own = {
        "url": page.url, "src": page.file.src_uri, "title": page.title, "meta": page.meta,
        "content": page.content, "toc": _toc(page.toc), "canonical": page.canonical_url, "abs": page.abs_url,
        "parent": link(page.parent), "previous": link(page.previous_page), "next": link(page.next_page),
        "categories": [[c.name, c.url] for c in getattr(page, "categories", [])],
        "authors": [str(a) for a in getattr(page, "authors", [])],
        "config": dict(getattr(page, "config", {}) or {}),
    }
    digest = hashlib.sha256(common.encode())
    digest.update(json.dumps(own, sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def _toc(toc) -> list:
    return [[item.id, item.title, item.level, _toc(item.children)] for item in toc or []]
