"""Markdown → HTML once per page and content: one parser per build, and a cache of converted pages.

MkDocs' `Page.render` makes a new `markdown.Markdown` (all extensions loaded again, ~1 ms) for every page
and converts every page on every build. `PageRenderer.attach(page)` gives a page a `render` of its own
(an instance attribute in front of MkDocs' method, set by the plugin just before MkDocs calls it) that
does what MkDocs' does with one reused parser, and takes the result from the cache when nothing it
depends on has changed.

A cached page is keyed by its Markdown after the plugins' edits, its path and URL, the URL of every file
of the site (links are rewritten relative to them), the Markdown configuration and the generator's own
code and versions (`cache.tooling_key`). A page whose conversion logged anything (a broken link …) is not
cached, so the message comes again on the next build. The cache is one file per chamber under
`.cache/pages/`, rewritten after each build with the pages of that build only; deleting it costs one
full conversion.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import types
from pathlib import Path
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import (Page, _ExtractAnchorsTreeprocessor, _ExtractTitleTreeprocessor,
                                    _RawHTMLPreprocessor, _RelativePathTreeprocessor)
from mkdocs.structure.pages import log as pages_log
from mkdocs.structure.toc import get_toc

from .cache import tooling_key

log = logging.getLogger(__name__)


class _Recorder(logging.Handler):
    """Notes whether MkDocs logged anything about the page being converted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageRenderer:
    def __init__(self, config: MkDocsConfig, files: Files, cache_file: Path | None) -> None:
        self.config = config
        self.files = files
        self.cache_file = cache_file
        self.cached: dict[str, dict[str, Any]] = _read(cache_file)
        self.used: dict[str, dict[str, Any]] = {}
        self.hits = 0
        self.md = markdown.Markdown(extensions=config["markdown_extensions"],
                                    extension_configs=config["mdx_configs"] or {})
        # The same processors MkDocs registers per page, registered once; `_convert` resets their state.
        self.raw_html = _RawHTMLPreprocessor()
        self.raw_html._register(self.md)
        self.anchors = _ExtractAnchorsTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.relpath = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.relpath._register(self.md)
        self.title = _ExtractTitleTreeprocessor()
        self.title._register(self.md)
        site = hashlib.sha256(tooling_key().encode())
        site.update(json.dumps([config["markdown_extensions"], config["mdx_configs"]], sort_keys=True,
                               default=repr).encode())
        site.update(repr(config["validation"]).encode())
        for file in sorted(files, key=lambda f: f.src_uri):
            site.update(f"{file.src_uri}\0{file.url}\n".encode())
        self.site_key = site.hexdigest()

    def attach(self, page: Page) -> None:
        """Make MkDocs convert this page here (called from the plugin's on_page_markdown)."""
        page.render = types.MethodType(_render, page)   # type: ignore[method-assign]
        page._renderer = self                           # type: ignore[attr-defined]

    def render(self, page: Page) -> None:
        assert page.markdown is not None
        key = hashlib.sha256(f"{self.site_key}\0{page.file.src_uri}\0{page.file.url}\0".encode()
                             + page.markdown.encode("utf-8")).hexdigest()
        entry = self.cached.get(key)
        if entry is not None:
            self.hits += 1
            _apply(page, entry, self.files)
        else:
            entry = self._convert(page)
        if entry is not None:
            self.used[key] = entry

    def _convert(self, page: Page) -> dict[str, Any] | None:
        """Convert as MkDocs' Page.render does; the result to cache, or None if it must not be."""
        self.md.reset()
        self.raw_html.present_anchor_ids = set()
        self.anchors.present_anchor_ids = set()
        self.relpath.file = page.file
        self.relpath.links_to_anchors = {}
        self.title.title = None
        recorder = _Recorder()
        pages_log.addHandler(recorder)
        try:
            content = self.md.convert(page.markdown or "")
        finally:
            pages_log.removeHandler(recorder)
        toc_tokens = getattr(self.md, "toc_tokens", [])
        page.content = content
        page.toc = get_toc(toc_tokens)
        page._title_from_render = self.title.title
        page.present_anchor_ids = self.anchors.present_anchor_ids | self.raw_html.present_anchor_ids
        if pages_log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = self.relpath.links_to_anchors
        if recorder.count:
            return None
        return {"content": content, "toc": toc_tokens, "title": self.title.title,
                "anchors": sorted(page.present_anchor_ids),
                "links": {f.src_uri: links for f, links in self.relpath.links_to_anchors.items()}}

    def save(self) -> None:
        """Keep this build's pages (only those: the cache never outgrows the site)."""
        if self.cache_file is None:
            return
        log.debug("pages converted: %d, from cache: %d", len(self.used) - self.hits, self.hits)
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.cache_file.parent,
                                             delete=False, suffix=".tmp") as handle:
                json.dump(self.used, handle, ensure_ascii=False)
            os.replace(handle.name, self.cache_file)
        except OSError as exc:   # a cache that cannot be written only costs time
            log.warning("page cache not saved: %s", exc)


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    page._renderer.render(page)   # type: ignore[attr-defined]


def _apply(page: Page, entry: dict[str, Any], files: Files) -> None:
    page.content = entry["content"]
    page.toc = get_toc(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    if pages_log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {files.get_file_from_path(src): links for src, links in entry["links"].items()
                                 if files.get_file_from_path(src) is not None}


def _read(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
