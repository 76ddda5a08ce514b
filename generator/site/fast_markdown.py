"""Python-Markdown giving the same HTML, without three costs that grow with every page (a cold build's posts).

- Its inline processor looks each pattern up in a `Registry` by position, for every pattern on every
  piece of text (hundreds of lookups a post, each a sort check and a name lookup in Python): here it is handed
  the patterns as a plain list for the time of its run (taken again at each run, so a pattern registered
  while a page is parsed is there too).
- `is_block_level` lowers the tag and searches a list of tag names, hundreds of times a page: here each
  tag's answer is kept, for as long as that list is unchanged.
- The `toc` extension builds, tidies and serialises a table of contents (`md.toc`) for every page, for
  the page's `[TOC]` marker: here only when the page has the marker. MkDocs reads the headings from
  `md.toc_tokens`, which is made as before; `md.toc` is an empty `div` for a page without the marker.

A plain build (`--plain`) uses Python-Markdown as it comes; tests/test_cache.py compares the HTML with
Python-Markdown's own.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions.toc import TocTreeprocessor


class FastMarkdown(markdown.Markdown):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._block_names: tuple[str, ...] = ()
        self._block_level: dict[str, bool] = {}
        inline = self.treeprocessors["inline"] if "inline" in self.treeprocessors else None
        if inline is not None:
            inline.run = _with_pattern_list(inline, inline.run)

    def is_block_level(self, tag: Any) -> bool:
        if not isinstance(tag, str):
            return False
        try:
            return self._block_level[tag]
        except KeyError:
            answer = self._block_level[tag] = super().is_block_level(tag)
            return answer

    def convert(self, source: str) -> str:
        if tuple(self.block_level_elements) != self._block_names:  # an extension may change the list
            self._block_names = tuple(self.block_level_elements)
            self._block_level = {}
        toc = self.treeprocessors["toc"] if "toc" in self.treeprocessors else None
        if not isinstance(toc, TocTreeprocessor) or not toc.marker or toc.marker in source:
            return super().convert(source)
        # No marker in the page: no table of contents to build (for this page only).
        marker, toc.marker = toc.marker, ""
        toc.build_toc_div = _empty_div  # type: ignore[method-assign]
        try:
            return super().convert(source)
        finally:
            toc.marker = marker
            del toc.build_toc_div


def _with_pattern_list(inline: Any, run: Any) -> Any:
    def run_with_list(tree: etree.Element, ancestors: list[str] | None = None) -> Any:
        registry = inline.inlinePatterns
        inline.inlinePatterns = list(registry)
        try:
            return run(tree, ancestors)
        finally:
            inline.inlinePatterns = registry

    return run_with_list


def _empty_div(toc_list: list) -> etree.Element:
    return etree.Element("div")
