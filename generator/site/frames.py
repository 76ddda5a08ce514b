"""A news post's page as the templates drew it, cut around its text: the frame an edit to the text alone is
put back into (build/text_edit.py), without MkDocs.

- frame: a post's page as drawn and marked for the search index, before the finishing touches (`finished`), in two parts:
  what comes before the post's converted text and what comes after it; with the post's table of contents
  and front matter (as staged for MkDocs) it was drawn with, and a digest of the page as published.
- site facts: what the conversion of a post's Markdown takes from the site besides the post (where each
  file of the site is published, the Markdown settings), recorded by the build that drew the frames.

A post's page is its front matter and text drawn into templates that also show the site (navigation,
neighbours, lists of categories): if those and the front matter and table of contents are as they were,
only the text between the two parts differs. A frame is used only for the page it was cut from: the
published page must still have the recorded digest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chamberpress.build.records import write_whole
from chamberpress.fingerprint import fingerprint
from chamberpress.site import valid_markup
from chamberpress.site.csp import add_policy

log = logging.getLogger(__name__)

SITE_FACTS = "site.pickle"


def finished(marked_page: str, hosts: list[str]) -> str:
    """A drawn page marked for the search index (search.mark_indexed), with what every page gets after
    that: its markup mended and its content-security policy (plugin.on_post_page)."""
    return add_policy(valid_markup.mended(marked_page), hosts)


def toc_outline(toc: object) -> list:
    """A table of contents (MkDocs' TableOfContents, or a list of its links) as nested lists: what the
    templates show of it."""
    return [[item.level, item.id, item.title, toc_outline(item.children)] for item in toc]  # type: ignore[attr-defined]


def tokens_outline(tokens: list) -> list:
    """toc_outline of the table of contents the toc extension's tokens make (as MkDocs makes it)."""
    from mkdocs.structure.toc import get_toc

    return toc_outline(get_toc(tokens))


def build_year() -> int:
    """The year MkDocs builds in (every page's footer shows it): SOURCE_DATE_EPOCH's, else this one."""
    from mkdocs.utils import get_build_datetime

    return get_build_datetime().year


# The reading time a post's page shows (blog-post.html), the one value of its front matter that follows its
# text: a frame keeps where it is, so that an edit that changes it is still a text edit.
READTIME_SHOWN = '<li class="cp-post__readtime">阅读约 {minutes} 分钟</li>'
_READTIME_LINE = re.compile(r"^readtime: (\d+)\n", re.M)


@dataclass(frozen=True)
class Frame:
    before: str
    after: str
    toc: list  # toc_outline of the page's table of contents
    head: str  # head_digest of the staged front matter the page was drawn from
    page: str  # digest of the finished page, as published
    readtime: int | None = None  # the reading time shown, and where its digits start in `before` (or -1)
    readtime_at: int = -1

    def fill(self, content: str, readtime: int | None) -> str | None:
        """The page with this text and reading time; None where the reading time differs and the frame does
        not know where it is shown."""
        before = self.before
        if readtime != self.readtime:
            if self.readtime_at < 0 or readtime is None:
                return None
            end = self.readtime_at + len(str(self.readtime))
            before = before[: self.readtime_at] + str(readtime) + before[end:]
        return before + content + self.after


def cut(
    marked_page: str, content: str, toc: list, head: str, finished_page: str, readtime: int | None = None
) -> Frame | None:
    """The frame of a post's page (`marked_page`: drawn and marked for the index), or None where its text
    is not found exactly once in it."""
    start = marked_page.find(content)
    if not content or start < 0 or marked_page.find(content, start + 1) >= 0:
        return None
    before = marked_page[:start]
    at = -1
    if readtime is not None:
        shown = READTIME_SHOWN.format(minutes=readtime)
        found = before.find(shown)
        if found >= 0 and before.find(shown, found + 1) < 0:
            at = found + shown.index(str(readtime))
    after = marked_page[start + len(content) :]
    return Frame(before, after, toc, head, page_digest(finished_page), readtime, at)


def head_digest(head: str) -> str:
    """A digest of a staged front matter block but its reading time (which the frame holds apart)."""
    return page_digest(_READTIME_LINE.sub("", head))


def staged_readtime(head: str) -> int | None:
    found = _READTIME_LINE.search(head)
    return int(found.group(1)) if found else None


def page_digest(page: str | bytes) -> str:
    """A digest of a page's text, or of its file's bytes (the same for a page written as MkDocs writes it)."""
    if isinstance(page, str):
        page = page.encode("utf-8", errors="xmlcharrefreplace")
    return fingerprint(page)[:32]


def staged_parts(text: str) -> tuple[str, str]:
    """A staged doc's front matter block and its Markdown, split as MkDocs splits them (mkdocs.utils.meta)."""
    from mkdocs.utils.meta import get_data

    body, _meta = get_data(text)
    return text[: len(text) - len(body)], body


class FrameStore:
    """The frames of one chamber's posts, a file each (named by the page's path in the site), under
    `.cache/frames/<out>/<slug>/`. Written by whichever process draws the page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, page: str) -> Path:
        return self.folder / f"{fingerprint(page)[:24]}.z"

    def save(self, page: str, frame: Frame | None) -> None:
        path = self._path(page)
        if frame is None:
            path.unlink(missing_ok=True)
            return
        data = json.dumps(
            [page, frame.before, frame.after, frame.toc, frame.head, frame.page, frame.readtime, frame.readtime_at],
            ensure_ascii=False,
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        write_whole(path, zlib.compress(data.encode("utf-8"), 6))

    def load(self, page: str) -> Frame | None:
        """The frame recorded for the page, or None (none, or not readable as one)."""
        try:
            values = json.loads(zlib.decompress(self._path(page).read_bytes()))
        except (OSError, ValueError, zlib.error):
            return None
        if not (isinstance(values, list) and len(values) == 8 and values[0] == page):
            return None
        _, before, after, toc, head, digest, readtime, at = values
        if not all(isinstance(v, str) for v in (before, after, head, digest)) or not isinstance(toc, list):
            return None
        if not (readtime is None or isinstance(readtime, int)) or not isinstance(at, int) or at >= len(before):
            return None
        return Frame(before, after, toc, head, digest, readtime, at)

    def forget_others(self, pages: set[str]) -> None:
        """Remove the frames of pages no longer in the site."""
        wanted = {self._path(page).name for page in pages} | {SITE_FACTS}
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name not in wanted:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def save_facts(self, facts: SiteFacts) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_whole(self.folder / SITE_FACTS, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))

    def drop_facts(self) -> None:
        """No frame of this chamber is to be used until a build records the site's facts again."""
        (self.folder / SITE_FACTS).unlink(missing_ok=True)

    def load_facts(self) -> SiteFacts | None:
        # Written by this program's builds into the project's own .cache/, like every record there.
        try:
            facts = pickle.loads((self.folder / SITE_FACTS).read_bytes())  # noqa: S301
        except Exception:  # noqa: BLE001 - missing, or written by another version: no shortcut
            return None
        # pickle restores an older version's fields: only this version's are taken.
        complete = isinstance(facts, SiteFacts) and vars(facts).keys() == SiteFacts.__dataclass_fields__.keys()
        return facts if complete else None


@dataclass
class SiteFacts:
    """What converting a post's Markdown takes from the site, as the build that drew the frames had it."""

    files: dict[str, tuple[str, str]]  # every file of the site: its source path → (path in the site, URL)
    use_directory_urls: bool
    markdown_extensions: list
    mdx_configs: dict
    validation: object  # MkDocs' link validation settings
    hosts: list[str]  # the hosts editors' pages may embed (sanitize_html)


def site_facts(config: Any, files: Any, hosts: list[str]) -> SiteFacts:
    """The SiteFacts of a build (MkDocs' config and Files, once the blog has set the posts' addresses)."""
    links = config.validation.links
    validation = SimpleNamespace(
        links=SimpleNamespace(
            absolute_links=links.absolute_links,
            unrecognized_links=links.unrecognized_links,
            not_found=links.not_found,
            anchors=links.anchors,
        )
    )
    return SiteFacts(
        {file.src_uri: (file.dest_uri, file.url) for file in files},
        config.use_directory_urls,
        list(config["markdown_extensions"]),
        dict(config["mdx_configs"] or {}),
        validation,
        list(hosts),
    )


class RecordedFiles:
    """The site's files as SiteFacts recorded them, as much of MkDocs' Files as the conversion of links asks
    for (render_cache.Converter)."""

    def __init__(self, facts: SiteFacts) -> None:
        self.facts = facts
        self.config = SimpleNamespace(validation=facts.validation, use_directory_urls=facts.use_directory_urls)

    def get_file_from_path(self, path: str) -> Any:
        found = self.facts.files.get(path)
        if found is None:
            return None
        from mkdocs.structure.files import File

        file = File(path, None, "", self.facts.use_directory_urls, dest_uri=found[0])
        file.url = found[1]
        return file
