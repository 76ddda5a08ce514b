"""A news post's page as the templates drew it, cut around its text: the frame an edit to the text alone is
put back into (build/text_edit.py), without MkDocs.

- frame: a post's page as drawn and marked for the search index, before the finishing touches (`finished`), in two parts:
  what comes before the post's converted text and what comes after it; with the post's table of contents
  and front matter (as staged for MkDocs) it was drawn with, and a digest of the page as published.
- site facts: what the conversion of a post's Markdown takes from the site besides the post (where each
  file of the site is published, the Markdown settings), recorded by the build that drew the frames.
- list frame: what a page that lists posts (a page of the news index, a category or the archive; the home
  page) shows of each post's summary, and a digest of the page as published: an edit that changes a
  post's summary rewrites the summary where it is shown.

A post's page is its front matter and text drawn into templates that also show the site (navigation,
neighbours, lists of categories): if those and the front matter and table of contents are as they were,
only the text between the two parts differs; and where the summary changed, the summary in the page's
head (its description for search engines and chats). A frame is used only for the page it was cut from:
the published page must still have the recorded digest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chamberpress.build.records import write_whole
from chamberpress.fingerprint import fingerprint
from chamberpress.markup import plain_title
from chamberpress.site import valid_markup
from chamberpress.site.csp import add_policy

log = logging.getLogger(__name__)

SITE_FACTS = "site.pickle"
LISTS = "lists"  # the list frames' folder, beside the posts' frames


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
# The summary, staged twice (docs._post_markdown): as the page's description and among the post's own values.
_DESCRIPTION_LINE = re.compile(r"^description: .*\n", re.M)
_POST_LINE = re.compile(r"^chamber_post: (.*)\n", re.M)


def head_summary_shown(summary: str) -> list[tuple[str, str]]:
    """Where a post's page shows its summary besides its text, as (the tag's start, the tag): the
    description Material's base prints unescaped (plain_title made it inert), the Open Graph one escaped
    (blog-post.html)."""
    from markupsafe import escape

    return [
        ('<meta name="description" content="', f'<meta name="description" content="{plain_title(summary)}">'),
        ('<meta property="og:description" content="', f'<meta property="og:description" content="{escape(summary)}">'),
    ]


def list_summary_shown(summary: str) -> list[str]:
    """A post's summary as the lists show it (partials/post.html; the home page's lead story, home.html)."""
    from markupsafe import escape

    shown = escape(summary)
    return [f'<p class="cp-item__summary">{shown}</p>', f'<p class="cp-lead__summary">{shown}</p>']


def shown_summary(summary: str | None) -> bool:
    """Whether the templates show a summary (else they fall back on the site's description, or show none)."""
    return bool(summary and plain_title(summary))


@dataclass(frozen=True)
class StagedHead:
    """A post's staged front matter as its page shows it: its reading time and summary, which a frame can
    put in (Frame.fill), and a digest of the rest."""

    digest: str
    readtime: int | None
    summary: str | None


def staged_head(head: str) -> StagedHead:
    found = _READTIME_LINE.search(head)
    readtime = int(found.group(1)) if found else None
    rest = _DESCRIPTION_LINE.sub("", _READTIME_LINE.sub("", head))
    summary = None
    post = _POST_LINE.search(rest)
    if post is not None:
        values = json.loads(post.group(1))
        summary = values.pop("summary", None) if isinstance(values, dict) else None
        line = json.dumps(values, ensure_ascii=False, sort_keys=True)
        rest = rest[: post.start()] + f"chamber_post: {line}\n" + rest[post.end() :]
    return StagedHead(page_digest(rest), readtime, summary if isinstance(summary, str) else None)


@dataclass(frozen=True)
class Frame:
    before: str
    after: str
    toc: list  # toc_outline of the page's table of contents
    head: str  # StagedHead.digest of the staged front matter the page was drawn from
    page: str  # digest of the finished page, as published
    readtime: int | None = None  # the reading time shown, and where its digits start in `before` (or -1)
    readtime_at: int = -1
    summary: str | None = None  # the summary the page was drawn with

    def fill(self, content: str, head: StagedHead) -> str | None:
        """The page with this text, reading time and summary; None where the reading time differs and the
        frame does not know where it is shown, or the summary differs and is not shown as expected."""
        before = self.before
        if head.readtime != self.readtime:
            if self.readtime_at < 0 or head.readtime is None:
                return None
            end = self.readtime_at + len(str(self.readtime))
            before = before[: self.readtime_at] + str(head.readtime) + before[end:]
        if head.summary != self.summary:
            if not (shown_summary(self.summary) and shown_summary(head.summary)):
                return None
            assert self.summary is not None and head.summary is not None
            for (start, old), (_start, new) in zip(head_summary_shown(self.summary), head_summary_shown(head.summary)):
                if before.count(old) != before.count(start):  # every such tag shows the summary
                    return None
                before = before.replace(old, new)
        return before + content + self.after


def cut(marked_page: str, content: str, toc: list, head: StagedHead, finished_page: str) -> Frame | None:
    """The frame of a post's page (`marked_page`: drawn and marked for the index), or None where its text
    is not found exactly once in it."""
    start = marked_page.find(content)
    if not content or start < 0 or marked_page.find(content, start + 1) >= 0:
        return None
    before = marked_page[:start]
    at = -1
    if head.readtime is not None:
        shown = READTIME_SHOWN.format(minutes=head.readtime)
        found = before.find(shown)
        if found >= 0 and before.find(shown, found + 1) < 0:
            at = found + shown.index(str(head.readtime))
    after = marked_page[start + len(content) :]
    return Frame(before, after, toc, head.digest, page_digest(finished_page), head.readtime, at, head.summary)


@dataclass(frozen=True)
class ListFrame:
    """A page that lists posts, as published: a digest of it, and how many times it shows each listed post's
    summary (-1 where two of its posts have the same summary: which is which cannot be told)."""

    page: str
    shown: dict[str, int] = field(default_factory=dict)  # post's source path → times its summary is shown


def list_frame(finished_page: str, posts: list[tuple[str, str | None]]) -> ListFrame:
    """The list frame of a page listing `posts` (source path, summary as staged), as published."""
    shown: dict[str, int] = {}
    seen: dict[str, str] = {}
    for src, summary in posts:
        if not summary:
            continue
        other = seen.setdefault(summary, src)
        if other != src:
            shown[src] = shown[other] = -1
        elif src not in shown:
            shown[src] = sum(finished_page.count(text) for text in list_summary_shown(summary))
    return ListFrame(page_digest(finished_page), shown)


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
            [
                page,
                frame.before,
                frame.after,
                frame.toc,
                frame.head,
                frame.page,
                frame.readtime,
                frame.readtime_at,
                frame.summary,
            ],
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
        if not (isinstance(values, list) and len(values) == 9 and values[0] == page):
            return None
        _, before, after, toc, head, digest, readtime, at, summary = values
        if not all(isinstance(v, str) for v in (before, after, head, digest)) or not isinstance(toc, list):
            return None
        if not (readtime is None or isinstance(readtime, int)) or not isinstance(at, int) or at >= len(before):
            return None
        if not (summary is None or isinstance(summary, str)):
            return None
        return Frame(before, after, toc, head, digest, readtime, at, summary)

    def _list_path(self, page: str) -> Path:
        return self.folder / LISTS / f"{fingerprint(page)[:24]}.json"

    def save_list(self, page: str, frame: ListFrame) -> None:
        path = self._list_path(page)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, json.dumps([page, frame.page, frame.shown], ensure_ascii=False).encode("utf-8"))

    def has_list(self, page: str) -> bool:
        return self._list_path(page).is_file()

    def load_lists(self) -> dict[str, ListFrame]:
        """Every list frame recorded, by page (those not readable as one left out)."""
        found: dict[str, ListFrame] = {}
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder / LISTS):
                try:
                    with open(entry.path, "rb") as handle:
                        page, digest, shown = json.loads(handle.read())
                except (OSError, ValueError, TypeError):
                    continue
                if isinstance(page, str) and isinstance(digest, str) and isinstance(shown, dict):
                    if all(isinstance(k, str) and type(v) is int for k, v in shown.items()):
                        found[page] = ListFrame(digest, shown)
        return found

    def forget_others(self, pages: set[str]) -> None:
        """Remove the frames of pages no longer in the site."""
        wanted = {self._path(page).name for page in pages} | {SITE_FACTS, LISTS}
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
