"""An edit to the text of news posts alone, put into the published site without MkDocs.

- text edit: the only inputs changed since the last build are posts' Markdown files, and for each of them
  what the rest of the site shows of it is as it was but for its summary: its front matter as staged
  (title, date, cover …; the reading time, shown on its own page only, may change), its table of contents,
  and what other pages take from posts' text (the members they name, the files the posts link to:
  docs.posts_reach). No newsletter issue prints it.

Then only those posts' pages change, and the search bundles that hold them; where a post's summary changed,
also the lists that show it (news index, category and archive pages, the home page's lead story), the feed
and the site's summary for the portal. Each page is its frame (site/frames.py: the page as last drawn, cut
around its text) filled with the new text, converted as the full build converts it (render_cache.Converter,
against the site's files as recorded); a list has its post's summary replaced where its list frame says it
is shown; the feed and the summary are made again. The bundles are indexed again in place, the others left
as they are. Anything else, or anything not as recorded, and the full build runs: `try_text_edit` returns
None. `--plain` never takes this way, and tests hold what it writes to what the plain build writes.

The search bundle of the edited posts is begun before the content is loaded (`foresee`: the record names
each post's page), its pages handed to the indexer while the build loads and draws (search.begin_bundle).

The published site is changed in place, file by file (each replaced whole), not swapped like a full build's:
before the first file, the records that describe those pages are dropped, so that a text edit stopped
half-way is followed by a full build; if anything fails or the command is stopped before the edit is
recorded, the pages and the search index's files are put back as they were (search.Undo).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from chamberpress.build.cache_layout import (
    drawn_record,
    frames_dir,
    project_dir_for,
    search_record,
    text_edit_record,
)
from chamberpress.build.freshness import same_day_site, shared_inputs
from chamberpress.build.portal_record import SUMMARY_FILE
from chamberpress.build.records import read_json, write_json, write_whole
from chamberpress.content.mentions import Names, mention_names
from chamberpress.content.model import Chamber
from chamberpress.errors import Problem
from chamberpress.fingerprint import fingerprint
from chamberpress.folders import walk_files
from chamberpress.print.newsletter import Issue, select_posts
from chamberpress.search.index import (
    INDEX_DIR,
    BegunBundle,
    Known,
    SearchIndex,
    Undo,
    begin_bundle,
    index_site,
    indexed_part,
    save_record,
)
from chamberpress.site.docs import (
    NEWS_DIR,
    POSTS_DIR,
    Reach,
    post_docs_path,
    posts_reach,
    published_docs,
    staged_post,
    staged_post_alone,
)
from chamberpress.site.frames import (
    Frame,
    FrameStore,
    ListFrame,
    SiteFacts,
    build_year,
    list_summary_shown,
    page_digest,
)

log = logging.getLogger(__name__)

FileStamp = tuple[int, int, str]  # size, modification time (ns), digest of the bytes
HOME_PAGE = "index.html"  # its lead story shows a post's summary


@dataclass
class Record:
    """What the published site was built from, as a text edit compares it (kept per output folder)."""

    shared: str  # freshness.shared_inputs: everything but the news
    news: dict[str, FileStamp]  # every file under news/, by its path there
    reach: dict[str, Reach]  # docs.posts_reach of every published post
    digests: Known  # what the search index read of each page of the site
    due: dt.date | None  # the first day the site must change (pipeline._next_due)
    year: int  # the build's year (in every page's footer)
    day: dt.date  # the day it was built for (chamber.today): an earlier one is another site
    printed_warnings: list[Problem] = field(default_factory=list)  # the printing's, reported again
    pages: dict[str, str] = field(default_factory=dict)  # each published post's page, by its path under news/
    names: Names = field(default_factory=dict)  # mention_names of the roster (its members' trade names found once)
    categories: list[str] | None = None  # chamber.yml's, as posts were read with them (content.news.load_post)
    published: dict[str, str] = field(default_factory=dict)  # docs.published_docs: where each Markdown file is staged


@dataclass
class TextEdit:
    """A text edit put into the published site."""

    pages: list[str]  # the posts' pages written, by path in the site
    search: SearchIndex
    printed_warnings: list[Problem]
    others: list[str] = field(default_factory=list)  # what shows their changed summaries: lists, feed, summary


def news_stamps(chamber_folder: Path, known: dict[str, FileStamp] | None = None) -> dict[str, FileStamp]:
    """Every file under the chamber's news/ folder: size, time and digest. A file with the size and time
    given in `known` keeps the digest given there (not read again)."""
    stamps: dict[str, FileStamp] = {}
    known = known or {}
    for rel, entry in walk_files(chamber_folder / NEWS_DIR):
        stat = entry.stat()
        given = known.get(rel)
        if given is not None and given[0] == stat.st_size and given[1] == stat.st_mtime_ns:
            stamps[rel] = given
            continue
        with open(entry.path, "rb") as handle:
            stamps[rel] = (stat.st_size, stat.st_mtime_ns, fingerprint(handle.read())[:32])
    return stamps


def record_build(
    chamber: Chamber,
    content_dir: Path,
    out_dir: Path,
    search: SearchIndex,
    due: dt.date | None,
    printed_warnings: list[Problem],
    previous: Record | None = None,
) -> None:
    """Remember what the site just put in place was built from (after a full build). The news files with
    the size and time `previous` (the record read before the build) gives keep its digests. The frames of
    posts no longer in the site (deleted, moved) are removed."""
    frames = FrameStore(frames_dir(content_dir, chamber.slug))
    facts = frames.load_facts()
    files = facts.files if facts is not None else {}
    news = chamber.folder / NEWS_DIR
    pages = {}
    for post in chamber.published_posts:
        place = files.get(post_docs_path(post))
        if place is not None:
            pages[os.path.relpath(post.path, news).replace(os.sep, "/")] = place[0]
    if facts is not None:  # else no page was framed this build: the frames are not this site's to sort
        frames.forget_others(set(pages.values()))
    names = mention_names(chamber.listed_members) if chamber.roster else {}
    record = Record(
        shared_inputs(chamber.folder, project_dir_for(content_dir)),
        news_stamps(chamber.folder, previous.news if previous is not None else None),
        posts_reach(chamber, chamber.published_posts, names),
        dict(search.digests),
        due,
        build_year(),
        chamber.today,
        list(printed_warnings),
        pages,
        names,
        chamber.info.categories or None,
        published_docs(chamber),
    )
    _save(text_edit_record(content_dir, out_dir, chamber.slug), record)


@dataclass
class Foreseen:
    """A text edit foreseen before the content is loaded (foresee): the record of the published site as
    read then, and the search bundle of the posts changed since begun (the content is then loaded and
    checked as for any build; try_text_edit decides)."""

    stamp: tuple[int, int, int]  # the record file's inode, time and size when read
    record: Record
    begun: BegunBundle | None
    news: dict[str, FileStamp] | None = None  # news_stamps taken then (before the content was loaded)
    drawing: _Drawing | None = None  # of the recorded site, made then (_guess)

    def cancel(self) -> None:
        if self.begun is not None:
            self.begun.cancel()


def foresee(content_dir: Path, out_dir: Path, slug: str) -> Foreseen | None:
    """Where only posts changed since the last build, begin their search bundle's index while the content is
    loaded (begin_bundle): the whole bundle where their pages can be guessed (_guess), else the pages before
    them. Read without the chamber's lock: try_text_edit uses it only if the record is still the one read
    here."""
    path = text_edit_record(content_dir, out_dir, slug)
    stamp = _stamp(path)
    record = _load(path)
    if stamp is None or record is None:
        return None
    try:
        news = news_stamps(content_dir / slug, record.news)
    except OSError:  # a file gone, or a broken link: the load reports it
        return None
    edited = [rel for rel, stamp_ in news.items() if stamp_[2] != record.news.get(rel, (0, 0, ""))[2]]
    changed = [record.pages.get(rel) for rel in edited]
    if not changed or None in changed or news.keys() != record.news.keys():
        return Foreseen(stamp, record, None, news)
    begun = begin_bundle(out_dir / slug, record.digests, changed, to_guess=True)  # type: ignore[arg-type]
    try:
        drawing, guessed = _guess(content_dir, out_dir / slug, slug, record, edited)  # the pages before meanwhile
    except Exception:  # noqa: BLE001 - only a guess: whatever stops it, the load reports or the edit finds
        log.debug("no guess at the edited pages", exc_info=True)
        drawing, guessed = None, {}
    if begun is not None:
        begun.guess(guessed)
    return Foreseen(stamp, record, begun, news, drawing)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def forget_build(content_dir: Path, out_dir: Path, slug: str) -> None:
    text_edit_record(content_dir, out_dir, slug).unlink(missing_ok=True)


def _save(path: Path, record: Record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


def _load(path: Path) -> Record | None:
    # Written by this program's builds into the project's own .cache/, like every record there.
    try:
        record = pickle.loads(path.read_bytes())  # noqa: S301
    except Exception:  # noqa: BLE001 - none, or another version's: the full build
        return None
    return record if isinstance(record, Record) and _complete(record) else None


def _complete(record: object) -> bool:
    """Whether an unpickled dataclass has the fields of this version (pickle restores an older one's)."""
    return vars(record).keys() == type(record).__dataclass_fields__.keys()  # type: ignore[attr-defined]


def _not_one(why: str) -> None:
    """No text edit (the full build runs); `--debug` says why."""
    log.debug("not a text edit: %s", why)


def try_text_edit(
    chamber: Chamber, issues: list[Issue], content_dir: Path, out_dir: Path, foreseen: Foreseen | None = None
) -> TextEdit | None:
    """Put a text edit into the published site `<out>/<slug>/`; None (nothing written) if the change since
    the last build is not one (the full build then runs). The caller holds the chamber's lock. `foreseen`
    (foresee) is used where the record is the one it read, and cancelled in any case."""
    started = time.perf_counter()
    record_path = text_edit_record(content_dir, out_dir, chamber.slug)
    begun = news = drawing = None
    try:
        if foreseen is not None and foreseen.stamp == _stamp(record_path):
            record, begun, news, drawing = foreseen.record, foreseen.begun, foreseen.news, foreseen.drawing
            foreseen = None
        else:
            record = _load(record_path)
        found = _edited(chamber, content_dir, out_dir, record, news, drawing.facts if drawing is not None else None)
        if record is None or found is None:
            return None
        # Their search bundle's index begun while the pages are drawn (in another process: Pagefind), unless
        # it was begun for these pages before the content was loaded.
        if begun is None or not begun.holds(found.pages):
            if begun is not None:
                begun.cancel()
            begun = begin_bundle(out_dir / chamber.slug, record.digests, found.pages)
        if drawing is None or drawing.facts is not found.facts:
            drawing = _Drawing(content_dir, chamber.slug, out_dir / chamber.slug, found.facts)
        return _put_in(chamber, issues, content_dir, out_dir, record, found, begun, drawing, started)
    finally:
        for other in (begun, foreseen):
            if other is not None:
                other.cancel()  # nothing if it was taken


@dataclass
class _Found:
    """The posts a text edit rewrites, found in the recorded site."""

    news: dict[str, FileStamp]  # every file under news/ now
    posts: list  # the edited posts
    facts: SiteFacts
    pages: list[str]  # their pages, by path in the site


def _edited(
    chamber: Chamber,
    content_dir: Path,
    out_dir: Path,
    record: Record | None,
    news: dict[str, FileStamp] | None,
    facts: SiteFacts | None,
) -> _Found | None:
    """The edited posts, where the change since the published site's `record` is to posts' text alone and
    each is in the recorded site; None otherwise (`--debug` says why). `news`: the news files' stamps as
    taken before the content was loaded (foresee), else taken now. Taken before, a post changed while the
    content was loaded differs from the record at the next build, whichever text the load read. `facts`: the
    site's, as read then, else read now."""
    if record is None or not (out_dir / chamber.slug).is_dir():
        return _not_one("no record of the published site")
    if not same_day_site(chamber.today, record.day, record.due) or record.year != build_year():
        return _not_one("a day or a year has come that changes other pages, or an earlier day")
    if shared_inputs(chamber.folder, project_dir_for(content_dir)) != record.shared:
        return _not_one("files other than the news changed")
    try:
        news = news if news is not None else news_stamps(chamber.folder, record.news)
    except OSError:
        return _not_one("a file of the news could not be read")
    if news.keys() != record.news.keys():
        return _not_one("a file of the news added or removed")
    changed = [rel for rel, stamp in news.items() if stamp[2] != record.news[rel][2]]
    if not changed or not all(rel.endswith(".md") for rel in changed):
        return _not_one("no post changed, or a file of the news that is not a post")
    wanted = {os.path.realpath(chamber.folder / NEWS_DIR / rel): rel for rel in changed}
    # A real path taken only of the posts so named (2,000 of them took a tenth of a second).
    names = {os.path.basename(path) for path in [*wanted, *changed]}
    found = {
        wanted[real]: post
        for post in chamber.published_posts
        if os.path.basename(post.path) in names and (real := os.path.realpath(post.path)) in wanted
    }
    edited = [found.get(rel) for rel in changed]
    if any(post is None for post in edited):
        return _not_one("a draft, a post not yet due, or not a post")
    facts = facts if facts is not None else FrameStore(frames_dir(content_dir, chamber.slug)).load_facts()
    if facts is None or facts.hosts != list(chamber.info.embed_hosts):
        return _not_one("no site facts recorded by the last build, or other embed hosts")
    places = [facts.files.get(post_docs_path(post)) for post in edited]
    if any(place is None for place in places):
        return _not_one("an edited post is not in the recorded site")
    return _Found(news, edited, facts, [place[0] for place in places if place is not None])


def _put_in(
    chamber: Chamber,
    issues: list[Issue],
    content_dir: Path,
    out_dir: Path,
    record: Record,
    found: _Found,
    begun: BegunBundle | None,
    drawing: _Drawing,
    started: float,
) -> TextEdit | None:
    """try_text_edit once the edited posts are found in the recorded site."""
    news, edited, facts = found.news, found.posts, found.facts
    site = out_dir / chamber.slug
    for issue in issues:
        printed = {id(post) for post in select_posts(chamber, issue.definition).posts}
        if any(id(post) in printed for post in edited):
            return _not_one(f"a newsletter issue prints an edited post ({issue.id})")
    reach = posts_reach(chamber, edited, record.names)
    if not _same_reach(record.reach, reach):
        return _not_one("the members a post names, or the files posts link to, changed")
    pages = _draw(chamber, edited, drawing)
    if pages is None:
        return None
    drawn = drawn_record(content_dir, out_dir, chamber.slug)
    kept = read_json(drawn)
    frames = FrameStore(frames_dir(content_dir, chamber.slug))
    resummarized = [page for page in pages if page.summaries is not None]
    lists = _lists_again(site, frames, kept, facts, resummarized) if resummarized else []
    if lists is None:
        return None
    written = {page.path: page.html.encode("utf-8", errors="xmlcharrefreplace") for page in pages}  # as MkDocs
    if begun is not None:  # the rest of their bundle handed to the indexer while the pages are written
        begun.finish({path: indexed_part(data) or b"" for path, data in written.items()})
    # What shows their changed summaries: the lists, and the feed and the portal's summary (the newest posts').
    others = {page.path: page.data for page in lists}
    if resummarized:
        others.update(_feed_and_summary(chamber, site))
    written.update(others)

    # The records that describe these pages go before the first page is written.
    for path in written:
        kept.pop(path, None)
    write_json(drawn, kept)
    record_path = text_edit_record(content_dir, out_dir, chamber.slug)
    record_path.unlink()
    before = {path: (site / path).read_bytes() for path in written}
    undo = Undo()
    try:
        for path, data in written.items():
            write_whole(site / path, data)
        search = _index_again(site, record.digests, list(before), content_dir, out_dir, chamber.slug, begun, undo)
        for page in pages:
            frames.save(page.path, page.frame)
        for listed in lists:
            frames.save_list(listed.path, listed.frame)
    except BaseException:
        # The pages and their search index as they were (the records are gone: the next build is a full one).
        for path, data in before.items():
            write_whole(site / path, data)
        undo.restore()
        raise
    record.news = news
    record.reach.update(reach)
    record.digests = dict(search.digests)
    _save(record_path, record)
    log.info(
        "%s: text edit of %d post(s) in %.2f s (and of %d other file(s) showing their summaries); search bundles "
        "indexed: %s",
        chamber.slug,
        len(pages),
        time.perf_counter() - started,
        len(others),
        ", ".join(search.indexed) or "none",
    )
    return TextEdit([page.path for page in pages], search, list(record.printed_warnings), list(others))


def _same_reach(recorded: dict[str, Reach], edited: dict[str, Reach]) -> bool:
    """Whether the edited posts name the members they named, and the posts link to the same files all told
    (a post may link to a picture another post shows already: it is published either way)."""
    if any(path not in recorded or recorded[path].named != reach.named for path, reach in edited.items()):
        return False
    before = frozenset().union(*(reach.linked for reach in recorded.values()))
    after = frozenset().union(
        *(reach.linked for path, reach in recorded.items() if path not in edited),
        *(reach.linked for reach in edited.values()),
    )
    return before == after


@dataclass
class _Page:
    path: str  # in the site
    html: str
    frame: Frame | None  # None where the new page's text is not found once in it (no text edit of it next)
    src: str = ""  # the post's source path (as MkDocs names it)
    summaries: tuple[str, str] | None = None  # the summary it was drawn with and its new one, where changed


@dataclass
class _ListPage:
    path: str  # in the site
    data: bytes
    frame: ListFrame


class _Drawing:
    """What drawing posts' pages from their frames takes: the recorded site's files and its one converter
    (making its Markdown parser is half of drawing one page), the frames, the published pictures."""

    def __init__(self, content_dir: Path, slug: str, site: Path, facts: SiteFacts) -> None:
        from chamberpress.site.frames import RecordedFiles
        from chamberpress.site.render_cache import Converter

        self.site, self.facts, self.hosts = site, facts, list(facts.hosts)
        self.frames = FrameStore(frames_dir(content_dir, slug))
        self.files = RecordedFiles(facts)
        self.converter = Converter(facts.markdown_extensions, facts.mdx_configs, self.files, self.files.config)
        # Pictures are sized from their published copies (the same files the build sized them from).
        self.published = {dest: site / dest for dest, _url in facts.files.values() if not dest.endswith(".html")}
        self._made: dict[tuple[str, str], _Page | str] = {}  # by post and staged text: the guess, drawn once

    def page(self, post, staged: str) -> _Page | str:
        """The post's page, its frame filled with the post staged as `staged`; else why it cannot be made so
        (no frame for the published page, other front matter or table of contents, a message while
        converting). A page guessed from the same text is not drawn again."""
        key = (post_docs_path(post), staged)
        if key not in self._made:
            self._made[key] = self._page(post, staged)
        return self._made[key]

    def _page(self, post, staged: str) -> _Page | str:
        from chamberpress.content.sanitize import sanitize_html
        from chamberpress.site.frames import cut, finished, staged_head, staged_parts, tokens_outline
        from chamberpress.site.image_sizes import with_sizes

        src_uri = post_docs_path(post)
        own = self.files.get_file_from_path(src_uri)
        if own is None:
            return f"{src_uri} is not in the recorded site"
        frame = self.frames.load(own.dest_uri)
        if frame is None:
            return f"no frame of {own.dest_uri}"
        try:
            if page_digest((self.site / own.dest_uri).read_bytes()) != frame.page:
                return f"{own.dest_uri} is not the page its frame was cut from"
        except OSError:
            return f"{own.dest_uri} is not readable"
        head_text, markdown_text = staged_parts(staged)
        head = staged_head(head_text)
        if head.digest != frame.head:
            return f"the front matter of {src_uri} as staged changed (title, date, cover …)"
        converted = self.converter.convert(own, markdown_text)
        if converted.logged:
            return f"converting {src_uri} logged a message"
        if tokens_outline(converted.toc) != frame.toc:
            return f"the table of contents of {src_uri} changed"
        content = with_sizes(sanitize_html(converted.content, self.hosts), own.url, self.published)
        marked = frame.fill(content, head)
        if marked is None:
            return f"the reading time or the summary of {src_uri} changed where its frame does not show it"
        html = finished(marked, self.hosts)
        summaries = (frame.summary, head.summary) if head.summary != frame.summary else None
        return _Page(own.dest_uri, html, cut(marked, content, frame.toc, head, html), src_uri, summaries)  # type: ignore[arg-type]


def _draw(chamber: Chamber, posts: list, drawing: _Drawing) -> list[_Page] | None:
    """The edited posts' pages, each its frame filled with its new text; None where a post's page cannot be
    made so (`--debug` says why)."""
    made = []
    for post in posts:
        page = drawing.page(post, staged_post(chamber, post))
        if isinstance(page, str):
            return _not_one(page)
        made.append(page)
    return made


def _guess(
    content_dir: Path, site: Path, slug: str, record: Record, changed: list[str]
) -> tuple[_Drawing | None, dict[str, bytes]]:
    """Before the chamber is loaded: the drawing of its recorded site, and what the search indexer will read
    of each page of the posts `changed` (paths under news/), each drawn from its post read alone and staged
    where the record says the chamber's Markdown files are (docs.staged_post_alone). The search bundle
    holding them can then be indexed whole while the content is loaded. A guess: BegunBundle.take holds
    what it was given of each page to the pages the edit draws once the chamber is loaded and checked
    (another text, and the bundle is indexed again). None where a post cannot be read or drawn so."""
    from chamberpress.content.news import load_post
    from chamberpress.errors import Problems

    facts = FrameStore(frames_dir(content_dir, slug)).load_facts()
    if facts is None:
        return None, {}
    drawing = _Drawing(content_dir, slug, site, facts)
    folder = content_dir / slug
    guessed: dict[str, bytes] = {}
    for rel in changed:
        post = load_post(folder / NEWS_DIR / rel, folder, record.categories, Problems(content_dir.parent))
        page = drawing.page(post, staged_post_alone(folder, post, record.published)) if post is not None else None
        if not isinstance(page, _Page):
            return drawing, {}
        guessed[page.path] = indexed_part(page.html.encode("utf-8", errors="xmlcharrefreplace")) or b""
    return drawing, guessed


def _lists_again(
    site: Path, frames: FrameStore, kept: dict, facts: SiteFacts, posts: list[_Page]
) -> list[_ListPage] | None:
    """The list pages that show the `posts`' summaries, each with the new summaries in place of the old
    where its list frame says they are shown (site/frames.py); None where a list cannot be so made: a list
    page of the published site without its list frame, not the page its frame was made from, or showing
    a summary as many times as the frame says (two posts with the same summary on one page)."""
    lists = frames.load_lists()
    post_pages = {dest for src, (dest, _url) in facts.files.items() if src.startswith(POSTS_DIR + "/")}
    # Every list of the site (those recorded by the last full build, and the home page) has its frame.
    unframed = [path for path in [*kept, HOME_PAGE] if path not in post_pages and path not in lists]
    if unframed:
        return _not_one(f"no list frame of {unframed[0]}")
    # Every published post is in the news index at least: one no list frame shows is not as recorded.
    unlisted = [post.src for post in posts if not any(post.src in frame.shown for frame in lists.values())]
    if unlisted:
        return _not_one(f"no list frame shows {unlisted[0]}")
    made = []
    for path, frame in lists.items():
        changes = [post for post in posts if post.src in frame.shown]
        if not changes:
            continue
        try:
            data = (site / path).read_bytes()
        except OSError:
            return _not_one(f"{path} is not readable")
        if page_digest(data) != frame.page:
            return _not_one(f"{path} is not the page its list frame was made from")
        text = data.decode("utf-8")
        for post in changes:
            assert post.summaries is not None
            old, new = (list_summary_shown(summary) for summary in post.summaries)
            times = frame.shown[post.src]
            if sum(text.count(shown) for shown in old) != times or times < 0 or any(shown in text for shown in new):
                return _not_one(f"{path} shows the summary of {post.src} other than its list frame says")
            for shown, replacement in zip(old, new):
                text = text.replace(shown, replacement)
        data = text.encode("utf-8", errors="xmlcharrefreplace")
        made.append(_ListPage(path, data, ListFrame(page_digest(data), frame.shown)))
    return made


def _feed_and_summary(chamber: Chamber, site: Path) -> dict[str, bytes]:
    """The feed and the site's summary for the portal (both show the newest posts' summaries), where they
    differ from the published ones."""
    from chamberpress.build.site_summary import site_summary
    from chamberpress.site.feeds import FEED_FILE, atom_feed

    made = {FEED_FILE: atom_feed(chamber).encode("utf-8"), SUMMARY_FILE: site_summary(chamber)}
    return {path: data for path, data in made.items() if _read(site / path) != data}


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _index_again(
    site: Path,
    digests: Known,
    pages: list[str],
    content_dir: Path,
    out_dir: Path,
    slug: str,
    begun: BegunBundle | None,
    undo: Undo,
) -> SearchIndex:
    """The search index of the published site made again where its pages changed: the bundles that hold
    `pages` are indexed (the one `begun` finished), the others left as they are; each file it replaces or
    removes is kept in `undo` first."""
    known = dict(digests)
    for page in pages:
        known.pop(page, None)  # read again
    record = search_record(content_dir, out_dir, slug)
    # The pages are those of the last build (a text edit adds and removes none), in the order it found them.
    search = index_site(
        site,
        index_dir=site / INDEX_DIR,
        spare_record=record,
        known=known,
        pages=list(digests),
        begun=begun,
        undo=undo,
        trusted=True,  # the pages left in `known` are those the record read: the edit wrote none of them
    )
    save_record(record, search)
    return search
