"""Markdown → HTML once per page and content: one parser per build, and a cache of converted pages.

- page cache: the HTML of every page converted by the last build, keyed by all the conversion depends on.
- helper: a forked process that converts pages from the last one backwards while this process converts
  from the first, on a build where most pages are not in the page cache.

MkDocs' `Page.render` makes a new `markdown.Markdown` (all extensions loaded again) for every page
and converts every page on every build. `PageRenderer.attach(page)` gives a page a `render` of its own
(an instance attribute in front of MkDocs' method, set by the plugin just before MkDocs calls it) that
does what MkDocs' does with one reused parser (fast_markdown.py: the same HTML, faster), and takes the
result from the cache when nothing it depends on has changed.

A cached page is keyed by its Markdown after the plugins' edits, its path and URL, the Markdown
configuration and the generator's own code and versions (`fingerprint.tooling_key`); it keeps what each of
its links' lookups found (`_LookedUp`: a link is rewritten relative to its target's URL) and is used again
only while each finds the same (a post added elsewhere changes none of the other pages). A page whose
conversion logged anything (a broken link …) is not cached, so the message comes again on the next build. The cache is a folder per chamber under
`.cache/pages/` (cache.ShardedRecord: an edit to one post rewrites one or two small files, not all of it),
holding the pages of the last build only; deleting it costs one full conversion.

Member profiles, thousands in a large chamber, are a heading and one block of HTML: only the heading goes
through Markdown (`_convert_profile`, checked against the full conversion on the first profiles).
"""

from __future__ import annotations

import json
import logging
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.pages import log as pages_log
from mkdocs.structure.toc import get_toc

from chamberpress.build.records import ShardedRecord
from chamberpress.fingerprint import Fingerprint, fingerprint, tooling_key
from chamberpress.site.checked import Checked
from chamberpress.site.fast_markdown import FastMarkdown
from chamberpress.build.forked import Forked, SharedInts, can_fork
from chamberpress.site.directory import is_profile_path, profile_parts

if TYPE_CHECKING:  # its module takes a tenth of a second to import, and a text edit needs none of it
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger(__name__)

UNSAFE_IN_BLOCK = re.compile(r"\bid=|\bmarkdown=|<!--|<(?:script|style|pre|textarea)\b")
PROFILES_CHECKED = 2


class _Recorder(logging.Handler):
    """Notes whether MkDocs logged anything about the page being converted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _found(file: File | None) -> list | None:
    """What a link's lookup found, as the cache keeps it: the target's URL and whether it is left out."""
    return None if file is None else [file.url, file.inclusion.is_excluded()]


class _LookedUp:
    """The site's files as the conversion of links sees them, noting each path looked up and what it found."""

    def __init__(self, files: Any) -> None:
        self.files = files
        self.found: dict[str, list | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self.files.get_file_from_path(path)
        self.found[path] = _found(file)
        return file


def still_found(looked: dict[str, list | None], files: Any) -> bool:
    """Whether every lookup a cached page's links made finds the same in `files` now."""
    return all(_found(files.get_file_from_path(path)) == found for path, found in looked.items())


@dataclass
class Converted:
    content: str
    toc: list  # the toc extension's tokens
    title: str | None
    anchors: set[str]
    links_to_anchors: dict
    logged: int  # messages MkDocs logged while converting (a broken link …)
    looked: dict[str, list | None]  # path → what its lookup found (_found), for each link to a file

    def entry(self) -> dict[str, Any] | None:
        """What the page cache keeps of it; None if it must not be kept (it logged: the message comes again)."""
        if self.logged:
            return None
        return {
            "content": self.content,
            "toc": self.toc,
            "title": self.title,
            "anchors": sorted(self.anchors),
            "links": {f.src_uri: links for f, links in self.links_to_anchors.items()},
            "looked": self.looked,
        }


class Converter:
    """Markdown → HTML as MkDocs' Page.render does it, with one parser for every page: the processors MkDocs
    registers for each page (raw HTML, anchors, relative links, title) registered once, their state reset
    before each page. `files` and `config` are what the relative links are resolved against (MkDocs' Files
    and config, or what build/text_edit.py recorded of them)."""

    def __init__(self, extensions: list, extension_configs: dict | None, files: Any, config: Any) -> None:
        self.md = FastMarkdown(extensions=extensions, extension_configs=extension_configs or {})
        self.raw_html = _RawHTMLPreprocessor()
        self.raw_html._register(self.md)
        self.anchors = _ExtractAnchorsTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.files = _LookedUp(files)
        self.relpath = _RelativePathTreeprocessor(None, self.files, config)  # type: ignore[arg-type]
        self.relpath._register(self.md)
        self.title = _ExtractTitleTreeprocessor()
        self.title._register(self.md)

    def convert(self, file: File, markdown_text: str) -> Converted:
        self.md.reset()
        self.raw_html.present_anchor_ids = set()
        self.anchors.present_anchor_ids = set()
        self.relpath.file = file
        self.relpath.links_to_anchors = {}
        self.title.title = None
        self.files.found = {}
        recorder = _Recorder()
        pages_log.addHandler(recorder)
        try:
            content = self.md.convert(markdown_text)
        finally:
            pages_log.removeHandler(recorder)
        return Converted(
            content,
            getattr(self.md, "toc_tokens", []),
            self.title.title,
            self.anchors.present_anchor_ids | self.raw_html.present_anchor_ids,
            self.relpath.links_to_anchors,
            recorder.count,
            self.files.found,
        )


class PageRenderer:
    def __init__(self, config: MkDocsConfig, files: Files, cache_dir: Path | None, workers: int = 1) -> None:
        self.config = config
        self.files = files
        self.cached: dict[str, dict[str, Any]] = {}
        self.record: ShardedRecord | None = None
        self._entries: dict[int, dict[str, Any]] = {}  # id(page) → the entry it was given this build
        self.used: dict[str, dict[str, Any]] = {}
        self.hits = 0
        self.workers = workers if cache_dir is not None and can_fork() else 1
        self.helpers: list[Forked[dict[str, dict[str, Any]]]] = []  # forked converters still to collect
        self.positions: dict[int, int] = {}  # id(file) → its place in the order MkDocs reads pages
        self.shared: _Claims | None = None  # which pages this process and the helpers have taken
        self.converter = Converter(config["markdown_extensions"], config["mdx_configs"], files, config)
        self.profile_check = Checked(PROFILES_CHECKED)  # until trusted, profiles are converted both ways
        site = Fingerprint(
            tooling_key(),
            json.dumps([config["markdown_extensions"], config["mdx_configs"]], sort_keys=True, default=repr),
            repr(config["validation"]),
        )
        self.site_key = site.hex()
        # Pages converted with other settings or another generator would never match.
        if cache_dir is not None:
            self.record = ShardedRecord(cache_dir, self.site_key)
            self.cached = self.record.known

    def attach(self, page: Page) -> None:
        """Make MkDocs convert this page here (called from the plugin's on_page_markdown)."""
        page.render = types.MethodType(_render, page)  # type: ignore[method-assign]
        page._renderer = self  # type: ignore[attr-defined]

    def render(self, page: Page) -> None:
        assert page.markdown is not None
        if self.workers > 1:
            self._share_out(page)
        key = fingerprint(f"{self.site_key}\0{page.file.src_uri}\0{page.file.url}\0", page.markdown)
        if self.helpers and self.shared and not self.shared.claim_front(self.positions.get(id(page.file), -1)):
            self._collect()  # the helpers have this page and every later one
        entry = self.cached.get(key)
        if entry is not None and not still_found(entry.get("looked", {}), self.files):
            entry = None  # a file it links to was added, removed or moved
        if entry is not None:
            self.hits += 1
            _apply(page, entry, self.files)
        else:
            entry = self._convert(page)
        if entry is not None:
            self.used[key] = entry
            self._entries[id(page)] = entry

    def cleaned(self, page: Page, html: str, clean: Callable[[str], str], tag: str) -> str:
        """`clean(html)` (the plugin's sanitizing of editors' HTML), kept with the page's entry: `tag` names
        what else the result depends on (the hosts allowed to embed). Only for the HTML this entry gave."""
        entry = self._entries.get(id(page))
        if entry is None or entry["content"] != html:
            return clean(html)
        kept = entry.get("cleaned")
        if isinstance(kept, list) and len(kept) == 2 and kept[0] == tag and isinstance(kept[1], str):
            return kept[1]
        result = clean(html)
        entry["cleaned"] = [tag, result]
        return result

    def _convert(self, page: Page) -> dict[str, Any] | None:
        """Convert as MkDocs' Page.render does; the result to cache, or None if it must not be."""
        if self.profile_check.trusted is not False and is_profile_path(page.file.src_uri):
            parts = profile_parts(page.markdown or "")
            if parts and not UNSAFE_IN_BLOCK.search(parts[1]):
                return self._convert_profile(page, *parts)
        return self._convert_markdown(page)

    def _convert_profile(self, page: Page, heading: str, block: str) -> dict[str, Any] | None:
        """A member profile (directory.profile_markdown) is a heading and one block of HTML, which Markdown
        passes through as it is: only the heading is converted and the block put after it. Checked against
        the full conversion on the first profiles; any difference and every profile is converted in full."""
        markdown_text = page.markdown
        page.markdown = heading
        try:
            entry = self._convert_markdown(page)
        finally:
            page.markdown = markdown_text
        if entry is None:
            return self._convert_markdown(page)
        entry = dict(entry, content=f"{entry['content']}\n{block}")
        page.content = entry["content"]
        if not self.profile_check.trusted:
            full = self._convert_markdown(page)
            self.profile_check.compare(entry, full)
            if self.profile_check.trusted is False:
                log.debug("profile shortcut differs from the full conversion on %s: not used", page.file.src_uri)
                return full
        return entry

    def _convert_markdown(self, page: Page) -> dict[str, Any] | None:
        converted = self.converter.convert(page.file, page.markdown or "")
        page.content = converted.content
        page.toc = get_toc(converted.toc)
        page._title_from_render = converted.title
        page.present_anchor_ids = converted.anchors
        if pages_log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = converted.links_to_anchors
        return converted.entry()

    def _share_out(self, first: Page) -> None:
        """At the first page: fork helpers that convert the pages into the cache meanwhile, from the last.

        MkDocs reads and converts pages in order; this process takes them from the first, the helpers
        from the last (running MkDocs' own reading and plugins' edits on each, so that their cache keys are
        the ones this process will look up), each claiming a page before converting it, until they meet.
        Then this process takes the helpers' results, and reads the rest of the pages from the cache.
        """
        self.workers, workers = 1, self.workers
        files = list(self.files.documentation_pages())
        # Worth it only when most pages are to be converted: after an edit, nearly all come from the cache.
        if not files or files[0].page is not first or len(self.cached) * 2 > len(files):
            return
        self.positions = {id(file): index for index, file in enumerate(files)}
        self.shared = _Claims(len(files))
        self.helpers = [Forked(self._convert_in_helper, files) for _ in range(1, workers)]

    def _convert_in_helper(self, files: list[File]) -> dict[str, dict[str, Any]]:
        """In a forked helper: read and convert pages as MkDocs would, from the last one not yet claimed;
        returns what to cache."""
        from mkdocs.commands.build import _populate_page

        logging.disable(logging.CRITICAL)  # this process's own pages log their messages themselves
        self.used = {}
        assert self.shared is not None
        while (index := self.shared.claim_back()) is not None:
            file = files[index]
            page = file.page or Page(None, file, self.config)  # as MkDocs makes pages outside the nav
            _populate_page(page, self.config, self.files)
        return self.used

    def _collect(self) -> None:
        for helper in self.helpers:
            try:
                self.cached.update(helper.result())
            except Exception:  # noqa: BLE001 - this process converts what the helper did not
                log.debug("a conversion helper failed; its pages are converted here", exc_info=True)
        self.helpers = []

    def save(self) -> None:
        """Keep this build's pages (only those: the cache never outgrows the site)."""
        self._collect()
        if self.record is None:
            return
        log.debug("pages converted: %d, from cache: %d", len(self.used) - self.hits, self.hits)
        self.record.save(self.used)


class _Claims:
    """Pages 0 … count-1, claimed from the front by one process and from the back by the others, each
    exactly once (shared with the processes forked after it was made)."""

    def __init__(self, count: int) -> None:
        self.ends = SharedInts(0, count - 1)  # the next page from the front, the next from the back

    def claim_front(self, index: int) -> bool:
        """Claim page `index` (the next from the front) unless the back has reached it."""
        with self.ends.held() as ends:
            front, back = ends
            if index < 0 or index < front:
                return index >= 0
            if index > back:
                return False
            ends[0] = index + 1
            return True

    def claim_back(self) -> int | None:
        """The next page from the back, or None when the front has reached it."""
        with self.ends.held() as ends:
            front, back = ends
            if back < front:
                return None
            ends[1] = back - 1
            return back


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    page._renderer.render(page)  # type: ignore[attr-defined]


def _apply(page: Page, entry: dict[str, Any], files: Files) -> None:
    page.content = entry["content"]
    page.toc = get_toc(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    if pages_log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {
            files.get_file_from_path(src): links
            for src, links in entry["links"].items()
            if files.get_file_from_path(src) is not None
        }
