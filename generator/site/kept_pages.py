"""News posts and news lists whose inputs are as they were for the published site: copied from it
instead of drawn.

- draw: make a page's HTML by running it through the theme's templates (MkDocs' `_build_page`).
- kept page: a post or list page of the published site (the one now in place) copied instead of drawn
  again, because nothing it shows has changed.

After an edit to one post, all the other posts, and the many list pages (news index, categories, archive,
each paginated) that do not show what changed, would come out byte for byte as before. A post's page is made
from its own values (title, front matter, converted content, table of contents, address, categories,
previous and next posts); a list page from its own (title, content, address, its place among the list's
pages) and from what it shows of each post of its list (address, title, front matter, settings, categories);
and both from what every page shares (the navigation, the lists' links to every category and year, the build
year in the footer, the theme, the base config, the chamber's own files but its news and roster, the
generator and engine versions). Not from the other pages' addresses and titles: no template shows them but
through these (a link in a page's text is in its converted content), so a post added changes its neighbours
and the lists, not the other posts. The key of a page is a digest of these; the keys of the published site's
pages are recorded in `.cache/drawn/`, removed before a build changes the site and written once the new site
is in place. A page whose key is the recorded one is copied from the published site; the first ones copied
of each kind are also drawn and compared, and any difference means every page of that kind is drawn (an
input the key misses shows on every one).
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from pathlib import Path
from typing import Callable

from material.plugins.blog.structure import View
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_datetime

from chamberpress.build.records import read_json, write_json
from chamberpress.fingerprint import Fingerprint, fingerprint
from chamberpress.site.blog import sections
from chamberpress.site.checked import Checked
from chamberpress.site.docs import POSTS_DIR
from chamberpress.search.index import Digest, Known

log = logging.getLogger(__name__)

CHECKED = 2  # pages of each kind drawn as well as copied before the copies are trusted


def is_post(page: Page) -> bool:
    return page.file.src_uri.startswith(POSTS_DIR + "/")


def kind_of(page: Page) -> str | None:
    """ "post", "list" (a page of the news index, a category or the archive), or None: drawn every time."""
    if isinstance(page, View):
        return "list"
    return "post" if is_post(page) else None


class KeptPages:
    """Draws pages (`draw`: MkDocs' _build_page, or what wraps it), copying unchanged posts and lists
    from `published` (the site now in place) where `record` says they are unchanged.

    A page's key is made when the page is drawn, by the process that draws it (making them all before the
    first page would keep the other core waiting); the other drawing processes hand theirs back (`keys`)
    for the record."""

    def __init__(
        self,
        published: Path | None,
        record: Path | None,
        *,
        shared: str,
        draw: Callable | None = None,
        framed: Callable[[str], bool] | None = None,
    ) -> None:
        self.draw = draw  # set by the drawing loop (mkdocs_adapter)
        # Whether a list page's frame is recorded (site/frames.py): one without is drawn, never copied, so
        # that an edit to a post's summary finds every list that shows it.
        self.framed = framed
        self.published = published
        self.record = record
        self.shared = shared  # a digest of the inputs every page shares but the navigation
        self.keys: dict[str, str] = {}  # page → key, made as pages are drawn
        self.previous: dict[str, dict] = {}  # the published site's record: page → key and size
        self.check = {"post": Checked(CHECKED), "list": Checked(CHECKED)}
        self._common: str | None = None  # the digest of what every page shows (start)
        self._pages: list[Page] = []  # the posts and list pages of the build
        self._lists: dict[int, str] = {}  # the pages of one list share its posts: digested once
        self._shown: dict[int, bytes] = {}  # and a post is in several lists: what they show of it, once
        self._positions: dict[int, dict[int, int]] = {}  # each list's pages: their places (_position)
        # Pages copied from the published site, with what the search index reads of each (as recorded for
        # it: search.page_digest), or None where the record does not say.
        self.copied: dict[str, Digest | None] = {}

    def start(self, config, doc_files, nav) -> None:
        """What every page shares, and the published site's record, before the first page is drawn (and
        before the drawing processes fork)."""
        if self._common is not None:
            return
        self._common = Fingerprint(
            self.shared,
            f"{get_build_datetime().year}\n",
            _nav_fingerprint(nav),
            json.dumps(sections(config), ensure_ascii=False),
        ).hex()
        self._pages = [file.page for file in doc_files if file.page is not None and kind_of(file.page)]
        self.previous = read_json(self.record)
        if self.record is not None:
            self.record.unlink(missing_ok=True)  # the site is about to change

    def build_page(self, page: Page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        self.start(config, doc_files, nav)
        assert self.draw is not None
        dest, kind = page.file.dest_uri, kind_of(page)
        if kind is None or excluded:
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        key = self._key(page)
        if self.check[kind].trusted is False or not self._unchanged(dest, key) or self._unframed(kind, dest):
            self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        assert self.published is not None
        source = self.published / dest
        target = Path(page.file.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.check[kind].trusted:
            shutil.copyfile(source, target)
            self.copied[dest] = _indexed(self.previous[dest].get("index"))
            return
        self.draw(page, config, doc_files, nav, env, dirty, excluded=excluded)
        self.check[kind].compare(source.read_bytes(), target.read_bytes())
        if self.check[kind].trusted is False:
            log.info("a kept %s page differs from the one drawn now (%s): every one is drawn", kind, dest)

    def _key(self, page: Page) -> str:
        dest = page.file.dest_uri
        key = self.keys.get(dest)
        if key is None:
            assert self._common is not None
            key = self.keys[dest] = (
                _post_key(self._common, page)
                if kind_of(page) == "post"
                else _list_key(self._common, page, self._lists, self._shown, self._positions)
            )
        return key

    def _unframed(self, kind: str, dest: str) -> bool:
        return kind == "list" and self.framed is not None and not self.framed(dest)

    def _unchanged(self, dest: str, key: str) -> bool:
        """The page's key is the one recorded for the published site, whose file is there at the size
        recorded (not changed by hand since)."""
        recorded = self.previous.get(dest)
        if self.published is None or not isinstance(recorded, dict) or recorded.get("key") != key:
            return False
        source = self.published / dest
        try:
            return not source.is_symlink() and source.stat().st_size == recorded.get("size")
        except OSError:
            return False

    def save(self, site: Path, known: Known | None = None) -> None:
        """Record the keys (and sizes) of the posts and lists of the site just put in place at `site`, and
        what the search index read of each (`known`, search.page_digest)."""
        if self.record is None or self._common is None:
            return
        kept = {}
        for page in self._pages:  # every one was drawn, so has its key; made here if not
            dest = page.file.dest_uri
            with contextlib.suppress(OSError):
                kept[dest] = {"key": self._key(page), "size": (site / dest).stat().st_size}
                indexed = (known or {}).get(dest)
                if indexed is not None and indexed[0] == kept[dest]["size"]:
                    kept[dest]["index"] = list(indexed)
        write_json(self.record, kept)


def _indexed(recorded: object) -> Digest | None:
    """A recorded search.page_digest, if it is one."""
    if (
        isinstance(recorded, list)
        and len(recorded) == 3
        and isinstance(recorded[0], int)
        and (recorded[1] is None or isinstance(recorded[1], str))
        and isinstance(recorded[2], int)
    ):
        return recorded[0], recorded[1], recorded[2]
    return None


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
    return _key(
        common,
        _own_values(page)
        | {
            "categories": [[c.name, c.url] for c in getattr(page, "categories", [])],
            "authors": [str(a) for a in getattr(page, "authors", [])],
            "config": dict(getattr(page, "config", {}) or {}),
        },
    )


def _list_key(
    common: str, page: View, lists: dict[int, str], shown: dict[int, bytes], positions: dict[int, dict[int, int]]
) -> str:
    """What a list page (blog.html, partials/post.html) shows: its own values, and of every post of its
    list (all of them, not only this page's: which ones a page shows depends on the pagination) what the
    list shows of it."""
    posts = page.posts
    if id(posts) not in lists:
        digest = Fingerprint()
        for post in posts:
            if id(post) not in shown:
                shown[id(post)] = _shown_in_lists(post)
            digest.add(shown[id(post)])
        lists[id(posts)] = digest.hex()
    return _key(
        common,
        _own_values(page)
        | {
            "pages": [p.url for p in page.pages],
            "at": _position(page, positions),
            "kind": type(page).__name__,
            "posts": lists[id(posts)],
        },
    )


def _position(page: View, positions: dict[int, dict[int, int]]) -> int:
    """The page's place among its list's pages, -1 if it is not one. Asked with `in` and `index`, that
    compared it with each (Page.__eq__), so the comparisons grew with the square of a news index's pages.
    Found by identity, each list's places made once; the answer is the same (the pages of a list are
    distinct pages, each of its own file), and a page not found so is asked as before."""
    pages = page.pages
    places = positions.get(id(pages))
    if places is None:
        places = positions[id(pages)] = {}
        for at, other in enumerate(pages):
            places.setdefault(id(other), at)
    at = places.get(id(page))
    if at is not None:
        return at
    return pages.index(page) if page in pages else -1


def _own_values(page: Page) -> dict:
    """What any page shows of itself: address, title, front matter, content, table of contents, links."""

    def link(other) -> list[str] | None:
        return [other.url, other.title] if other is not None else None

    return {
        "url": page.url,
        "src": page.file.src_uri,
        "title": page.title,
        "meta": page.meta,
        "content": page.content,
        "toc": _toc(page.toc),
        "canonical": page.canonical_url,
        "abs": page.abs_url,
        "parent": link(page.parent),
        "previous": link(page.previous_page),
        "next": link(page.next_page),
    }


def _key(common: str, own: dict) -> str:
    return fingerprint(common, json.dumps(own, sort_keys=True, default=str, ensure_ascii=False))


def _shown_in_lists(post: Page) -> bytes:
    excerpt = getattr(post, "excerpt", None)
    shown = {
        "url": post.url,
        "title": post.title,
        "meta": post.meta,
        "config": dict(getattr(post, "config", {}) or {}),
        "categories": [[c.name, c.url] for c in getattr(excerpt, "categories", [])],
        "authors": [str(a) for a in getattr(excerpt, "authors", [])],
        "listed": excerpt is not None,
    }
    return Fingerprint(json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)).raw()


def _toc(toc) -> list:
    return [[item.id, item.title, item.level, _toc(item.children)] for item in toc or []]
