"""Site search: a chunked static index (Pagefind, extended build: it segments Chinese) of the finished site.

Pagefind splits the index into small chunks, so a reader's first search fetches only the chunks for the
words typed (its size for thousands of posts is in bench/RESULTS.md). It indexes only the elements
marked `data-pagefind-body`: the article of each page (`mark_indexed`, whatever template drew it), never
navigation, footers, the home page or news listings. Drafts and scheduled posts are never built, so they
are never indexed; pages show public member fields only, so the index holds no other.

A large site's index is made in bundles of bounded size, its posts apart from its other pages (member
profiles, the chamber's own pages): each indexed page goes to the bundle of its kind a digest of its path in
the site picks (`bundle_of`), so editing, adding or deleting a page changes exactly one bundle, whatever
years its posts span. Post bundles are small, as an editor's most frequent change is to a post and an edit
indexes its bundle again (POST_BUNDLE_PAGES); the others, whose pages change with the roster, larger
(BUNDLE_PAGES), as a reader's first search fetches an index chunk per word from every bundle. The number of
bundles of each kind is a power of two that leaves each that many pages to twice as many on average
(`bundle_split`), so it changes only when the posts (or the other pages) double or halve.

- bundle: one of the Pagefind indexes a site's index is made of, each from the pages whose path's digest
  picks it.
- published site: the site now in place under `<out>/<slug>/`; spare copy: the site before last, which
  this build is written onto (build/output.py).
- drawing processes: the processes that make the pages' HTML from the templates; they digest what the
  indexer will read of each page as they write it (`page_digest`).

The search page loads the first and merges the others into it (Pagefind's `mergeIndex`; the search
code is loaded once, but a reader's first search fetches an index chunk per word from every bundle: what
bounds their number). Pagefind has no incremental mode, so bundles
are what keeps a rebuild after an edit cheap: a bundle whose pages read the same as in the spare copy of
the site being written is left there, one that reads as in the published site is copied from it, and only
the others are indexed, by INDEXERS indexer processes (indexer.py; kept for the next index this process
makes: `--all` makes one per chamber). A site under SPLIT_FROM pages is one bundle.

The indexer is handed only what it reads of a page (`indexed_part`): the article, with the page's title
and language. The article is a small part of a Material page, so the indexer parses much less, and a
bundle's key is made of what it reads, not of menus it never looks at.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import queue
import re
import stat
import threading
import time
from collections.abc import Collection, Iterable
from html import escape
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path


from chamberpress.build.records import read_json, write_json, write_whole
from chamberpress.fingerprint import Fingerprint, fingerprint, installed_versions
from chamberpress.folders import walk_files
from chamberpress.search import INDEX_DIR
from chamberpress.search.indexer import Indexer, IndexerError, keep_indexer, take_indexer, warm_up
from chamberpress.markup import front_matter
from chamberpress.build.output import remove_others, write_if_changed
from chamberpress.paths import stays_inside
from chamberpress.i18n import _

log = logging.getLogger(__name__)

SEARCH_PAGE = "search.md"  # the search page (theme/material/search.html), where the header form leads
# Parts of indexed pages that are not text to find: heading permalinks (¶), a profile's link back to the
# directory (in every profile). A post's links back to the news and to the previous and next posts are
# <nav> elements, which Pagefind leaves out by itself.
EXCLUDE_SELECTORS = ".headerlink, .cp-profile__back"
BUNDLES_FILE = "bundles.json"  # in INDEX_DIR: the bundles the search page merges into the one found there
INDEXERS = 2  # indexer processes at once (see _queue)
SPLIT_FROM = 1000  # indexed pages from which the index is made in bundles
# The fewest pages a bundle holds on average (it holds under twice as many): an edit indexes one bundle
# again, and a reader's first search fetches an index chunk per word from every bundle (bench/RESULTS.md,
# "Search: bundles of bounded size").
BUNDLE_PAGES = 1024
POST_BUNDLE_PAGES = 64
# The most bundles of each kind: past them bundles grow, so that a large chamber's first search stays within
# a phone's budget (1 MB: 18 bundles cost 0.66–0.75 MiB for 2,000 posts and 3,000 members).
MOST_POST_BUNDLES = 16
MOST_OTHER_BUNDLES = 4
# Where the blog writes posts (site.docs.NEWS_DIR, mkdocs.yml's blog_dir): the only pages there marked for
# the index (news lists are not).
POSTS_DIR = "news/"
# What Pagefind reads of a page: its article, once mark_indexed has marked it. Only marked pages are handed
# to it (a set of pages none of which is marked would be indexed whole, menus and all).
MARKER = b"<article data-pagefind-body"
ARTICLE_TAG = re.compile(rb"<(/?)article\b")
NAV_TAG = re.compile(rb"<(/?)nav\b")
HTML_TAG = re.compile(rb"<html\b[^>]*>")
TITLE = re.compile(rb"<title>.*?</title>", re.S)
# The page's own article as Material's templates draw it (base, blog post, and ours that extend them);
# news listings draw their excerpts in other elements, so they never match.
ARTICLE = re.compile(r'<article class="md-content__inner\b')


class SearchIndexError(RuntimeError):
    """The indexer failed; the site is not put in place without its search."""


def mark_indexed(html: str, *, homepage: bool, meta: dict, section: str = "") -> str:
    """The page with its article marked for the index, unless it is the home page or opts out
    (front matter `search: {exclude: true}`, as Material's search plugin reads it). `section`: the part of
    the site the page belongs to, which the search shows beside a hit that has no 栏目 (a post's own)."""
    if homepage or (meta.get("search") or {}).get("exclude"):
        return html
    # Pagefind reads "key:value" pairs separated by commas.
    section = escape(section.replace(",", " ").replace(":", " ").strip())
    shown = f' data-pagefind-meta="section:{section}"' if section else ""
    return ARTICLE.sub(f'<article data-pagefind-body{shown} class="md-content__inner', html, count=1)


def search_page_markdown() -> str:
    return front_matter(
        {"title": "搜索", "template": "search.html", "search": {"exclude": True}, "hide": ["navigation", "toc"]}
    )


def warm_up_indexers(count: int = INDEXERS, language: str = "zh") -> None:
    """Start `count` of the processes the next index takes, in the background (indexer.warm_up): a build
    that is to be indexed calls this where it leaves a core idle. Without the indexer, nothing is started
    (the index reports it)."""
    try:
        executable = _executable()
    except SearchIndexError:
        return
    warm_up(executable, language=language, exclude_selectors=[EXCLUDE_SELECTORS], count=count)


def _executable() -> Path:
    # The extended build segments Chinese (and Japanese) into words; the plain build does not.
    try:
        from pagefind_bin_extended import get_executable

        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(
            _(
                "the search indexer is missing: pip install 'pagefind[extended]' (it is a dependency of this project: pip install -e .) [{exc}]"
            ).format(exc=exc)
        ) from None


def _indexer_version() -> str:
    return installed_versions().get("pagefind_bin_extended") or str(_executable())


def indexed_part(page: bytes) -> bytes | None:
    """What the indexer reads of a page marked for it, as a page of its own: the marked article, the page's
    `<html>` tag (its language) and `<title>` (Pagefind's title where the article has no h1); None for a
    page not marked. Pagefind also reads data-pagefind-* attributes and the first h1 anywhere on a page: our
    templates put none outside the article (a test indexes a built site both ways and compares the bytes).
    The article's <nav> elements (a post's links to the previous and next posts), which Pagefind leaves out,
    are left out here too: adding or deleting a post then changes what the indexer reads of that post
    alone, not of its neighbours, so it changes one bundle. An article whose end cannot be found is handed
    over whole."""
    start = page.find(MARKER)
    if start < 0:
        return None
    depth = 0
    for tag in ARTICLE_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = page.find(b">", tag.end()) + 1
            break
    else:
        return page
    html = HTML_TAG.search(page, 0, start)
    title = TITLE.search(page, 0, start)
    return b"".join(
        (
            b"<!doctype html>",
            html.group() if html else b"<html>",
            b'<head><meta charset="utf-8">',
            title.group() if title else b"",
            b"</head><body>",
            _without_navs(page[start:end]),
            b"</body></html>",
        )
    )


def _without_navs(html: bytes) -> bytes:
    """`html` without its <nav> elements (and what they hold); as it is where one is left open."""
    kept, depth, start = [], 0, 0
    for tag in NAV_TAG.finditer(html):
        if not tag.group(1):
            if depth == 0:
                kept.append(html[start : tag.start()])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                start = html.find(b">", tag.end()) + 1
                if start == 0:
                    return html
    if depth:
        return html
    kept.append(html[start:])
    return b"".join(kept)


# What the indexer reads of a page, known without reading it again: (the page's size, the digest of its
# indexed part or None for a page not marked, that part's length). Made by the processes that draw the
# pages, as they write them (page_digest); a page whose size is no longer the one given is read again.
Digest = tuple[int, "str | None", int]
Known = dict[str, Digest]  # page (path in the site) → its Digest


@dataclass(frozen=True)
class Bundle:
    name: str  # "site" (all in one), or "part-0", "part-1"… and "news-0"… ("news-00"… from 16 on: bundle_names)
    pages: tuple[str, ...]  # its pages, by path in the site, in a fixed order
    key: str  # what its index is made from: what the indexer reads of those pages, its options
    documents: tuple[bytes, ...] = field(default=(), repr=False, compare=False)  # that, page by page
    sources: tuple[str, ...] = field(default=(), repr=False, compare=False)  # the pages' files (read_documents)
    length: int = field(default=0, repr=False, compare=False)  # the bytes the indexer reads, all pages


def page_digest(path: str) -> Digest | None:
    """What `Known` holds of the page at `path` (None if there is no such file)."""
    try:
        with open(path, "rb") as handle:
            page = handle.read()
    except OSError:
        return None
    document = indexed_part(page)
    if document is None:
        return len(page), None, 0
    return len(page), fingerprint(document)[:32], len(document)


def read_documents(bundle: Bundle) -> Bundle:
    """The bundle with what the indexer reads of each page (a plan knows only their digests)."""
    if bundle.documents or not bundle.pages:
        return bundle
    documents = []
    for source in bundle.sources:
        with open(source, "rb") as handle:
            document = indexed_part(handle.read())
        documents.append(document if document is not None else b"")
    return replace(bundle, documents=tuple(documents))


@dataclass(frozen=True)
class Split:
    """How many bundles a site's posts and its other pages are indexed in (bundle_split); (0, 0): one
    bundle for all ("site")."""

    posts: int = 0
    others: int = 0


@dataclass(frozen=True)
class SearchIndex:
    pages: int  # pages indexed
    files: int
    bytes: int
    seconds: float
    indexed: tuple[str, ...] = ()  # bundles indexed by this build
    reused: tuple[str, ...] = ()  # bundles copied from the published site
    kept: tuple[str, ...] = ()  # bundles the index folder held already (the spare site's, see index_site)
    record: dict = field(default_factory=dict, repr=False)  # what to save once the site is published
    replaced: dict = field(default_factory=dict, repr=False)  # what the site it replaces holds (its record)
    html_pages: int = 0  # the site's HTML pages, indexed or not
    digests: Known = field(default_factory=dict, repr=False)  # what the indexer reads of each HTML page
    split: Split = field(default_factory=lambda: Split())  # how many bundles of each kind (bundle_split)


def is_post(page: str) -> bool:
    """Whether a page marked for the index (its path in the site) is a post."""
    return page.startswith(POSTS_DIR)


def bundle_split(pages: Collection[str]) -> Split:
    """The bundles a site whose marked pages are `pages` is indexed in: one ("site") under SPLIT_FROM
    pages; else its posts in POST_BUNDLE_PAGES to twice as many each, its other pages in BUNDLE_PAGES to
    twice as many (a power of two of each: the number changes only when they double or halve, and every
    bundle of that kind is indexed again then), at most MOST_POST_BUNDLES and MOST_OTHER_BUNDLES."""
    if len(pages) < SPLIT_FROM:
        return Split()
    posts = sum(1 for page in pages if is_post(page))
    return Split(
        _count(posts, POST_BUNDLE_PAGES, MOST_POST_BUNDLES),
        _count(len(pages) - posts, BUNDLE_PAGES, MOST_OTHER_BUNDLES),
    )


def _count(pages: int, per_bundle: int, most: int) -> int:
    if not pages:
        return 0
    return min(1 << (max(pages // per_bundle, 1).bit_length() - 1), most)


def bundle_names(split: Split) -> list[str]:
    """The names of a split's bundles, the first (the one the search page loads) first; folder names."""
    if split == Split():
        return ["site"]
    return [_name("part", n, split.others) for n in range(split.others)] + [
        _name("news", n, split.posts) for n in range(split.posts)
    ]


def _name(kind: str, number: int, count: int) -> str:
    return f"{kind}-{number:0{len(str(count - 1))}d}"


def bundle_of(page: str, split: Split) -> str:
    """The bundle of `split` a page (its path in the site) is indexed in: among those of its kind (posts or
    the others), the one a digest of its path picks, so that a page stays in its bundle while their number
    stays, and pages spread evenly whatever their dates."""
    if split == Split():
        return "site"
    kind, count = ("news", split.posts) if is_post(page) and split.posts or not split.others else ("part", split.others)
    return _name(kind, _pick(page) % count, count)


@functools.lru_cache(maxsize=None)
def _pick(page: str) -> int:
    """The number a page's path gives (the first 64 bits of its digest): asked for every page of the site by
    each index, twice by a text edit's."""
    return int.from_bytes(hashlib.sha256(page.encode("utf-8")).digest()[:8], "big")


def plan_bundles(site_dir: Path, language: str = "zh") -> list[Bundle]:
    """The site's marked pages, in bundles (bundle_of), in the order of bundle_names (the search page loads
    the first and merges the others); one bundle ("site") for a site under SPLIT_FROM pages."""
    return [read_documents(bundle) for bundle in _plan(site_dir, language)[0]]


def _plan(
    site_dir: Path,
    language: str,
    known: Known | None = None,
    listed: list[str] | None = None,
    trusted: bool = False,
) -> tuple[list[Bundle], Known, Split]:
    """plan_bundles without the documents (read_documents reads those of the bundles to index), what the
    indexer reads of each HTML page of the site, marked or not, and the split. A page in `known` at the
    size given is not read (`trusted`: not even its size looked at)."""
    pages, digests = _marked_pages(site_dir, known, listed, trusted)
    split = bundle_split([rel for rel, *_ in pages])
    grouped: dict[str, list[tuple[str, str, str, int]]] = {}
    for page in pages:
        grouped.setdefault(bundle_of(page[0], split), []).append(page)
    settings = _settings(language)
    bundles = []
    for name in (n for n in bundle_names(split) if n in grouped):
        key = Fingerprint(f"{settings}\0{name}\n")
        for rel, _source, digest, _size in grouped[name]:
            key.add(f"{rel}\0{digest}\n")
        bundles.append(
            Bundle(
                name,
                tuple(rel for rel, *_ in grouped[name]),
                key.hex(),
                sources=tuple(path for _, path, *_ in grouped[name]),
                length=sum(length for *_, length in grouped[name]),
            )
        )
    return bundles, digests, split


def _settings(language: str) -> str:
    """What a bundle's index is made with besides its pages: the indexer and what it is told."""
    return f"{_indexer_version()}\0{language}\0{EXCLUDE_SELECTORS}"


def _marked_pages(
    site_dir: Path, known: Known | None = None, listed: list[str] | None = None, trusted: bool = False
) -> tuple[list[tuple[str, str, str, int]], Known]:
    """The site's pages marked for the index (path in the site, file, digest and length of what the indexer
    reads), in the order found, and what the indexer reads of every HTML page, marked or not. A page in
    `known` at the size given is not read; `trusted`: a page in `known` is taken as given, its size not
    looked at (a text edit's, which wrote none of them since they were read)."""
    if listed is not None:  # the caller's list, in the order a walk gives (bundles keep their pages' order)
        paths = [(rel, os.path.join(site_dir, rel)) for rel in listed]
    else:
        found_files = walk_files(site_dir, skip=frozenset({INDEX_DIR}))
        paths = [(rel, entry.path) for rel, entry in found_files if rel.endswith(".html")]
    known = known or {}

    def seen(rel: str, path: str) -> Digest | None:
        given = known.get(rel)
        if given is not None and trusted:
            return given
        if given is not None:
            try:
                if os.stat(path).st_size == given[0]:
                    return given
            except OSError:
                return None
        return page_digest(path)

    # One loop: the pages were just written (memory, or the page cache), and a pool of threads cost more
    # in handing out thousands of small jobs than it saved.
    pages: list[tuple[str, str, str, int]] = []
    digests: Known = {}
    for rel, path in paths:
        found = seen(rel, path)
        if found is not None:
            digests[rel] = found
            if found[1] is not None:
                pages.append((rel, path, found[1], found[2]))
    return pages, digests


def bundles_to_index(site_dir: Path, changed: Iterable[str], known: Known | None = None) -> list[str]:
    """The bundles to index again in `site_dir`, whose pages at `changed` (paths in the site: written
    again, added or removed) are no longer those its index folder was made from: the bundles of those
    pages, or every bundle where the site's bundles are no longer the ones that index holds (their number
    changed, or there is no index). A changed page is counted whether or not it is marked for the index
    (it may have been before). `known` as for index_site. For a build that rewrote only a few pages: it
    reads no bundle's files (only bundles.json), and index_site, which compares the bundles' keys, may
    find fewer to make."""
    pages, _ = _marked_pages(site_dir, known)
    split = bundle_split([rel for rel, *_ in pages])
    held = {bundle_of(rel, split) for rel, *_ in pages}
    names = [n for n in bundle_names(split) if n in held]
    merged = read_json(site_dir / INDEX_DIR / BUNDLES_FILE).get("merge")
    if merged != names[1:] or not (site_dir / INDEX_DIR / "pagefind-entry.json").is_file():
        return names
    touched = {bundle_of(rel, split) for rel in changed if rel.endswith(".html")}
    return [n for n in names if n in touched]


class BegunBundle:
    """A bundle's index made alongside the rest of a build (begin_bundle). A thread hands the pages before
    the first about to change to an indexer while those are drawn; once they are (`finish`, with what the
    indexer reads of each) or guessed (`guess`), it hands over the rest and takes the index's files while
    the build goes on. index_site takes those files where the bundle it plans is this one: the same pages,
    reading the same (its key, against what was handed over of each), so the same index as one made at
    once."""

    def __init__(self, site_dir: Path, name: str, pages: tuple[str, ...], ahead: int, language: str) -> None:
        self.name, self.pages, self.ahead = name, pages, ahead
        self._guessed: dict[str, bytes] = {}  # what the pages about to change will read, as guessed (guess)
        self._settings = _settings(language)
        self._stop = threading.Event()
        self._drawn = threading.Event()  # set by finish (or cancel)
        self._onwards = threading.Event()  # the pages from the first about to change may be handed over
        self._changed: dict[str, bytes] = {}
        self._digests: list[str] = []  # of what was handed over of each page
        self._files: dict[str, bytes] | None = None
        self._thread = threading.Thread(target=self._make, args=(site_dir, language), daemon=True, name="index-ahead")
        self._thread.start()

    def _make(self, site_dir: Path, language: str) -> None:
        indexer: Indexer | None = None
        try:
            indexer = take_indexer(_executable(), language=language, exclude_selectors=[EXCLUDE_SELECTORS])
            index_id = indexer.new_index()
            indexer.add_pages(index_id, self._documents(site_dir, self.pages[: self.ahead]))
            self._onwards.wait()
            if self._stop.is_set():
                indexer.drop(index_id)
            else:
                indexer.add_pages(index_id, self._documents(site_dir, self.pages[self.ahead :]))
                self._files = indexer.files(index_id)
            keep_indexer(indexer)
        except (IndexerError, SearchIndexError, OSError):  # the bundle is then indexed as any other
            if indexer is not None:
                indexer.close()

    def _documents(self, site_dir: Path, pages: tuple[str, ...]) -> list[tuple[str, bytes]]:
        """What the indexer reads of each of `pages`: as guessed or drawn where given, else as published."""
        documents = []
        for rel in pages:
            document = self._guessed.get(rel, self._changed.get(rel))
            if document is None:
                with open(os.path.join(site_dir, rel), "rb") as handle:
                    document = indexed_part(handle.read()) or b""
            self._digests.append(fingerprint(document)[:32])
            documents.append((rel, document))
        return documents

    def holds(self, changing: list[str]) -> bool:
        """Whether the pages about to change are all in this bundle, none among those handed over ahead (but
        as guessed: then exactly those guessed)."""
        if self._guessed:
            return set(changing) == self._guessed.keys()
        return all(rel in self.pages[self.ahead :] for rel in changing)

    def guess(self, documents: dict[str, bytes]) -> None:
        """What the indexer will read of each page about to change, guessed before they are drawn (by path in
        the site; all of them, else nothing is taken): the rest of the bundle is handed over at once, and the
        index is used only if the pages drawn read as guessed (`take` compares)."""
        in_bundle = set(self.pages[self.ahead :])
        if documents and not self._onwards.is_set() and documents.keys() <= in_bundle:
            self._guessed = dict(documents)
            self._onwards.set()

    def finish(self, documents: dict[str, bytes]) -> None:
        """The pages that changed are drawn: what the indexer reads of each (indexed_part, by path in the
        site); the rest of the bundle is handed over, its files taken."""
        self._changed = dict(documents)
        self._drawn.set()
        self._onwards.set()

    def take(self, bundle: Bundle) -> dict[str, bytes] | None:
        """The files of the index made, where `bundle` (as index_site plans it) is this one, reading the same;
        None otherwise, or where the work failed or was not finished."""
        if not self._drawn.is_set():
            self.cancel()
            return None
        self._thread.join()
        files, self._files = self._files, None
        key = Fingerprint(f"{self._settings}\0{self.name}\n")
        for rel, digest in zip(self.pages, self._digests):
            key.add(f"{rel}\0{digest}\n")
        same = bundle.name == self.name and bundle.pages == self.pages and bundle.key == key.hex()
        return files if same else None

    def cancel(self) -> None:
        """Stop, and forget the index (nothing if it was taken)."""
        self._stop.set()
        self._drawn.set()
        self._onwards.set()
        self._thread.join()
        self._files = None


def begin_bundle(
    site_dir: Path, known: Known, changing: list[str], language: str = "zh", *, to_guess: bool = False
) -> BegunBundle | None:
    """Begin the index of the bundle that holds the pages `changing` (paths in the site), about to be
    written again, of a site whose HTML pages and what the indexer reads of each are `known` (in the order
    index_site is to find them: its `pages`); None where they are in several bundles, or first in theirs
    unless `to_guess` (their documents may be guessed: BegunBundle.guess)."""
    marked = [rel for rel, digest in known.items() if digest[1] is not None]
    split = bundle_split(marked)
    names = {bundle_of(rel, split) for rel in changing}
    if len(names) != 1:
        return None
    [name] = names
    pages = tuple(rel for rel in marked if bundle_of(rel, split) == name)
    ahead = min((pages.index(rel) for rel in changing if rel in pages), default=0)
    return BegunBundle(site_dir, name, pages, ahead, language) if ahead or to_guess else None


class Undo:
    """The index folder's files as they were before an index written in place changed them (index_site's
    `undo`), to put back with the pages the index was made from (a text edit stopped half-way)."""

    def __init__(self) -> None:
        self._before: dict[str, bytes | None] = {}  # None: the file was not there
        self._lock = threading.Lock()  # noted by the threads that put bundles in place

    def note(self, path: str | Path) -> None:
        """Keep a file as it is, before it is written or removed (once: its first state)."""
        key = os.fspath(path)
        with self._lock:
            if key not in self._before:
                try:
                    with open(key, "rb") as handle:
                        self._before[key] = handle.read()
                except FileNotFoundError:
                    self._before[key] = None

    def restore(self) -> None:
        for path, data in self._before.items():
            if data is None:
                Path(path).unlink(missing_ok=True)
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                write_whole(Path(path), data)


def index_site(
    site_dir: Path,
    *,
    index_dir: Path | None = None,
    language: str = "zh",
    published: Path | None = None,
    record: Path | None = None,
    spare_record: Path | None = None,
    known: Known | None = None,
    pages: list[str] | None = None,
    begun: BegunBundle | None = None,
    undo: Undo | None = None,
    trusted: bool = False,
) -> SearchIndex:
    """Write the search index of the built site into `index_dir` (default `<site_dir>/pagefind/`). Raises
    SearchIndexError. `pages`: the site's HTML pages where the caller knows them (a text edit, which
    changed no page's name): the site is not walked.

    `index_dir` may hold an earlier index: it ends up holding exactly the new one, and a file already
    there with the right bytes is not written again (the site is built onto a spare copy, output.py).
    `spare_record` says which bundles it holds (the spare's index, as published two builds ago): those
    whose pages are unchanged stay as they are, unread. `published` is the index of the site now published
    and `record` the file that tells which bundles it holds (cache_layout.search_record): other bundles whose pages
    are unchanged are copied from there. Both records are removed here (those sites are about to change)
    and written again by `save_record` once the new site is published. The bundles still to index are
    taken, largest first, by up to INDEXERS indexers as each is free; each bundle is put in place as soon
    as it is made, while the others are copied.

    Pagefind numbers pages in the order it reads them, so each bundle's pages are handed to it one by one in
    a fixed order (Indexer.index_pages): the same pages always give the same index, whatever file system
    and whichever process wrote them. `language` is for the
    benchmark (which measures the cost of segmenting Chinese against "en"). `known`: what the processes
    that drew the pages found the indexer reads of each (the pages are then read only where a bundle is
    indexed, by the thread that hands it to an indexer). `begun`: a bundle whose index was begun ahead
    (begin_bundle), finished here if it is to be indexed, else forgotten. `undo`: told each file of the
    index folder before it is written or removed. `trusted`: the pages in `known` are as given, their
    sizes not looked at (a text edit: it read them, and wrote only the pages it leaves out of `known`).
    """
    started = time.perf_counter()
    index_dir = index_dir or site_dir / INDEX_DIR
    bundles, digests, split = _plan(site_dir, language, known, pages, trusted)
    if not bundles:
        raise SearchIndexError(
            _("search indexing failed: no page of {site_dir} is marked for the index").format(site_dir=site_dir)
        )
    previous = read_json(record) if published is not None else {}
    present = read_json(spare_record) if spare_record is not None and index_dir.is_dir() else {}
    for stale in (record, spare_record):
        if stale is not None:
            stale.unlink(missing_ok=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    # The first bundle sits at the top of the index folder (where the search page looks) with the search
    # code; the others in folders of their own, with their index only. A bundle is taken only from where
    # it would go now.
    folders = {bundle.name: "" if position == 0 else bundle.name for position, bundle in enumerate(bundles)}

    def recorded(bundle: Bundle, holds: dict) -> dict | None:
        old = holds.get(bundle.name)
        same = (
            isinstance(old, dict)
            and old.get("key") == bundle.key
            and old.get("folder") == folders[bundle.name]
            and _listed(old.get("files"))
        )
        return old if same else None

    files: dict[str, dict[str, int]] = {}  # each bundle's files (path in its folder → size)
    kept = [
        b.name
        for b in bundles
        if (old := recorded(b, present)) is not None and _holds(index_dir / folders[b.name], old["files"])
    ]
    for name in kept:
        files[name] = present[name]["files"]
    to_copy = [b for b in bundles if b.name not in kept and recorded(b, previous)]
    to_index = [b for b in bundles if b.name not in kept and b not in to_copy]
    reused: list[str] = []
    with ThreadPoolExecutor(max_workers=INDEXERS) as pool:  # bundles are copied meanwhile

        def index(some: list[Bundle]) -> list:
            waiting = _queue(some)
            return [
                pool.submit(_index_from, waiting, language, index_dir, folders, begun, undo)
                for _ in range(min(INDEXERS, len(some)))
            ]

        indexing = index(to_index)
        late = []  # not as recorded: indexed after all
        for bundle in to_copy:
            listed = previous[bundle.name]["files"]
            if _copy_bundle(published / folders[bundle.name], index_dir / folders[bundle.name], listed, undo):
                reused.append(bundle.name)
                files[bundle.name] = listed
            else:
                late.append(bundle)
        indexing += index(late)
        try:
            for job in indexing:
                files.update(job.result())
        finally:
            if begun is not None:
                begun.cancel()  # not taken: its bundle was not to be indexed
    to_index += late

    # Whatever else the folder holds (bundles and files of an earlier index) goes; bundles.json lists the
    # merged bundles.
    saved = {b.name: {"key": b.key, "folder": folders[b.name], "files": files[b.name]} for b in bundles}
    wanted = {os.path.normpath(os.path.join(folders[b.name], rel)) for b in bundles for rel in files[b.name]}
    remove_others(index_dir, wanted | {BUNDLES_FILE}, noting=undo.note if undo is not None else None)
    if undo is not None:
        undo.note(index_dir / BUNDLES_FILE)
    write_if_changed(index_dir / BUNDLES_FILE, json.dumps({"merge": [b.name for b in bundles[1:]]}).encode())
    result = SearchIndex(
        pages=sum(len(b.pages) for b in bundles),
        files=sum(len(s["files"]) for s in saved.values()) + 1,
        bytes=sum(sum(s["files"].values()) for s in saved.values()),
        seconds=time.perf_counter() - started,
        indexed=tuple(b.name for b in bundles if b in to_index),
        reused=tuple(b.name for b in bundles if b.name in reused),
        kept=tuple(b.name for b in bundles if b.name in kept),
        record=saved,
        replaced=previous,
        html_pages=len(digests),
        digests=digests,
        split=split,
    )
    log.info(
        "search index: %d pages in %d bundles (indexed: %s; copied: %s; in place: %s), %.1f KiB in %.2f s",
        result.pages,
        len(bundles),
        ", ".join(result.indexed) or "none",
        ", ".join(result.reused) or "none",
        ", ".join(result.kept) or "none",
        result.bytes / 1024,
        result.seconds,
    )
    return result


def _listed(files: object) -> bool:
    """Whether a record's file list is one to follow: paths inside the bundle's folder, with sizes."""
    return (
        isinstance(files, dict)
        and bool(files)
        and all(isinstance(rel, str) and isinstance(size, int) and stays_inside(rel) for rel, size in files.items())
    )


def _holds(folder: Path, files: dict[str, int]) -> bool:
    """Whether `folder` holds these files (path → size), each a plain file (never a link) of that size."""
    base = os.fspath(folder)  # joined as strings: thousands of files, where pathlib's joins cost most
    try:
        for rel, size in files.items():
            found = os.lstat(os.path.join(base, rel))
            if not stat.S_ISREG(found.st_mode) or found.st_size != size:
                return False
    except OSError:
        return False
    return True


def save_record(record: Path, index: SearchIndex, spare_record: Path | None = None) -> None:
    """Remember which bundles the site just published holds (see index_site); and, in `spare_record`, which
    the site it replaced holds, where that one is now the spare."""
    write_json(record, index.record)
    if spare_record is not None and index.replaced:
        write_json(spare_record, index.replaced)


def _copy_bundle(source: Path, target: Path, files: dict[str, int], undo: Undo | None = None) -> bool:
    """Copy a published bundle's files (as recorded: path → size) into `target`, writing only those that
    differ; False if any is missing or not the size recorded (the published site was changed by hand):
    the bundle is then indexed, and what was copied of it written over or removed."""
    if not _holds(source, files):
        return False
    try:
        _put_in_place({rel: (source / rel).read_bytes() for rel in files}, target, merged=False, undo=undo)
    except OSError:
        return False
    return True


def _queue(bundles: list[Bundle]) -> queue.SimpleQueue[Bundle]:
    """The bundles to index, the most work first (the text the indexer reads, and a file to write per
    page: a member's page has far less text than a post), taken one at a time by whichever indexer is
    free. Shared out in advance by that estimate, one indexer would sit idle at the end; taken as they
    come, the last bundles are the smallest and the indexers finish together."""

    def work(bundle: Bundle) -> int:
        return bundle.length + 1000 * len(bundle.pages)

    waiting: queue.SimpleQueue[Bundle] = queue.SimpleQueue()
    for bundle in sorted(bundles, key=work, reverse=True):
        waiting.put(bundle)
    return waiting


def _index_from(
    waiting: queue.SimpleQueue[Bundle],
    language: str,
    index_dir: Path,
    folders: dict[str, str],
    begun: BegunBundle | None = None,
    undo: Undo | None = None,
) -> dict[str, dict[str, int]]:
    """Index bundles taken from `waiting` until none is left, one after another, by one indexer process
    (the bundle `begun` taken from it where it is the one planned), and put each in its folder of
    `index_dir` as soon as it is made; returns each bundle's files (path → size)."""
    made: dict[str, dict[str, int]] = {}
    indexer: Indexer | None = None  # taken for the first bundle not begun; kept again at the end
    try:
        while True:
            try:
                bundle = waiting.get_nowait()
            except queue.Empty:
                break
            files = begun.take(bundle) if begun is not None and begun.name == bundle.name else None
            if files is None:
                # Handed over page by page in the bundle's order: the same pages give the same index,
                # whatever file system the site is built on.
                bundle = read_documents(bundle)
                if indexer is None:
                    indexer = take_indexer(_executable(), language=language, exclude_selectors=[EXCLUDE_SELECTORS])
                files = indexer.index_pages(list(zip(bundle.pages, bundle.documents)))[1]
            made[bundle.name] = _put_in_place(
                files, index_dir / folders[bundle.name], merged=bool(folders[bundle.name]), undo=undo
            )
    except IndexerError as exc:
        if indexer is not None:
            indexer.close()
        raise SearchIndexError(_("search indexing failed {exc}").format(exc=exc)) from None
    except BaseException:
        if indexer is not None:
            indexer.close()
        raise
    if indexer is not None:
        keep_indexer(indexer)
    return made


def _put_in_place(files: dict[str, bytes], folder: Path, *, merged: bool, undo: Undo | None = None) -> dict[str, int]:
    """Write a bundle's index files into its folder of the index, only those that differ; returns them
    (path → size). A merged bundle is read by the search code of the first: its own copies of the
    scripts, styles and WebAssembly would never be fetched, and are left out."""
    kept = {rel: data for rel, data in files.items() if not merged or _is_index_part(rel)}
    for parent in {(folder / rel).parent for rel in kept}:  # a few folders for thousands of files
        parent.mkdir(parents=True, exist_ok=True)
    for rel in sorted(kept):
        if undo is not None:
            undo.note(folder / rel)
        write_if_changed(folder / rel, kept[rel])
    return {rel: len(data) for rel, data in kept.items()}


def _is_index_part(rel: str) -> bool:
    """A file of the index itself (its entry file, metadata, chunks and fragments), not of the search code."""
    return "/" in rel or rel == "pagefind-entry.json" or rel.endswith(".pf_meta")
