"""Relative links and images in Markdown: found with their line, checked at load time, re-pointed for the docs tree.

Editors link posts, pages and the charter by their paths in content/ (`../2025/2025-12-30-nianhui.md`,
`../../charter.md`, `images/photo.jpg`). The docs tree MkDocs builds lays the files out differently
(posts under news/posts/, pages at the root), so each link is resolved to its file here and rewritten to
that file's place in the tree; MkDocs then turns `.md` paths into page URLs as usual.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from chamberpress import platform_support
from chamberpress.errors import Problems
from chamberpress.content.images import is_photo
from chamberpress.paths import is_below, is_inside, real_path, real_text, spelled_on_disk
from chamberpress.content.published import refusal
from chamberpress.i18n import N_, _

# Code is not scanned: a link shown as an example in a code block is not a link.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?$(?:.*?^[ \t]*\1[ \t]*$|.*\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
# A link's text in brackets, then its target: an image when a "!" comes right before (looked at apart, so
# that the search can start at each "[" instead of trying every character). A title is at most 500
# characters: an unclosed quote is then not read to the end of the text from every link.
_INLINE = re.compile(
    r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^<>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"\n]{0,500}\"|'[^'\n]{0,500}'|\([^()\n]{0,500}\)))?\s*\)"
)
# A reference definition `[label]: target`; not a footnote's `[^label]: text` (mkdocs.yml's footnotes).
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
_HTML = re.compile(r"<(img|a|source|video|audio)\b[^<>]*?\s(?:src|href)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")

# Files a link may publish: those under these folders (never the roster, chamber.yml or newsletters/).
PUBLISHABLE_DIRS = ("news", "pages", "assets", "projects")


@dataclass(frozen=True)
class Link:
    """One relative link or image reference in a Markdown body."""

    target: str  # as written, without <>
    start: int  # offsets of `target` in the body
    end: int
    line: int  # line in the source file
    image: bool
    # A path from the root of a disk or of the site (/etc/passwd, /news/), file:, or \\server\share: it
    # names no file of the chamber, and a site may be published at any sub-path.
    absolute: bool = False

    @property
    def path(self) -> str:
        """The file part, decoded: `images/合影.jpg` from `images/%E5%90%88%E5%BD%B1.jpg#x`."""
        return unquote(re.split(r"[#?]", self.target, maxsplit=1)[0])

    @property
    def suffix(self) -> str:
        """`#anchor` or `?query#anchor` kept as written."""
        return self.target[len(re.split(r"[#?]", self.target, maxsplit=1)[0]) :]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def find_links(body: str, body_line: int = 1) -> tuple[Link, ...]:
    """Every relative link and image of `body` (not http:, mailto:, //host or #anchors), and every absolute
    path or file: URL (`absolute`, an error); `body_line` is the file line the body starts on."""
    if body_line == 1:
        return _links_in(body)
    shift = body_line - 1  # by the constructor: dataclasses.replace costs more, once per link of every post
    return tuple(Link(k.target, k.start, k.end, k.line + shift, k.image, k.absolute) for k in _links_in(body))


@lru_cache(maxsize=8192)
def _links_in(body: str) -> tuple[Link, ...]:
    """find_links from the body's first line. Kept per body: a post's links are looked for when it is
    checked, written out for MkDocs, and its files copied."""
    # Each pattern only where its first characters occur (most posts have no code, many no link at all).
    masked = body
    if "```" in masked or "~~~" in masked:
        masked = _FENCE.sub(_blank, masked)
    if "`" in masked:
        masked = _CODE_SPAN.sub(_blank, masked)
    found: list[tuple[int, int, bool]] = []
    if "](" in masked:
        for match in _INLINE.finditer(masked):
            image = match.start() > 0 and masked[match.start() - 1] == "!"
            found.append((match.start(1), match.end(1), image))
    if "]:" in masked:
        for match in _DEFINITION.finditer(masked):
            found.append((match.start(1), match.end(1), False))
    if "<" in masked:
        for match in _HTML.finditer(masked):
            found.append((match.start(2) + 1, match.end(2) - 1, match.group(1).lower() != "a"))
    links = []
    line, counted = 1, 0  # lines counted up to `counted`, once through the body: in order of position
    for start, end, image in sorted(found):
        if body[start] == "<" and body[end - 1] == ">":
            start, end = start + 1, end - 1
        target = body[start:end].strip()
        absolute = _is_absolute(target)
        if not absolute and not _is_relative(target):
            continue
        if start > counted:
            line, counted = line + body.count("\n", counted, start), start
        links.append(Link(target, start, end, line, image, absolute))
    return tuple(links)


def _is_absolute(target: str) -> bool:
    """A path from the root of a disk or of the site, a Windows path with its drive (C:\\…, as an editor's
    program may write an image it inserted), or a file: URL (Link.absolute)."""
    if target[1:2] == ":" and _DRIVE.match(target):
        return True
    return target.startswith(("/", "\\")) and not target.startswith("//") or target.lower().startswith("file:")


def _is_relative(target: str) -> bool:
    """A path relative to the file it is written in: not empty, no scheme, no //host, not an #anchor."""
    return bool(target) and not target.startswith(("#", "//")) and not _SCHEME.match(target)


def resolve(link: Link, source: Path, folder: Path) -> Path | None:
    """The file a link points to (it may not exist), or None if it leaves the chamber's folder."""
    written = _written_path(link, source)
    if written is None:
        return None
    target = Path(written)
    return target if is_inside(target, folder) else None


def _written_path(link: Link, source: Path) -> str | None:
    """The path a link names, normalised, as text; None for an absolute one or one without a path."""
    path = link.path
    if not path or link.absolute:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(source), path.replace("\\", "/")))


def resolve_target(target: str, source: Path, folder: Path, *, image: bool = False) -> Path | None:
    """The file a target as written (an `href` or `src` of the converted HTML) points to, read as find_links
    reads it, or None if it is not a relative path to a place inside the chamber's folder."""
    target = target.strip()
    if _is_absolute(target) or not _is_relative(target):
        return None
    return resolve(Link(target, 0, len(target), 1, image), source, folder)


@dataclass(frozen=True)
class Document:
    """A Markdown file whose links are checked: a post, a page or the charter."""

    path: Path
    body: str
    body_line: int
    published: bool
    # The folder its links are relative to, when not the file's own (a newsletter issue's Markdown is
    # written relative to the chamber folder).
    base: Path | None = None


# The files each checked document refers to (linked_files), by folder, path and body: found by check_links
# when the chamber is loaded, and asked for again when its docs are made.
_CHECKED_FILES: dict[tuple[str, str, str], list[Path]] = {}


def check_links(documents: Iterable[Document], folder: Path, problems: Problems) -> set[Path]:
    """Report every broken link, missing image, link to a file that is not published, and link from a
    published page to an unpublished one. Returns the files (but Markdown) linked, resolved."""
    documents = list(documents)
    markdown = Documents(lambda: {real_text(doc.path): doc for doc in documents})
    targets = Targets(folder)
    _CHECKED_FILES.clear()
    used: set[Path] = set()
    for doc in documents:
        used |= check_document_links(doc, markdown, folder, problems, targets)
    return used


class Documents:
    """The documents a link may lead to, by real path as text (paths.real_text), found when a link to a
    Markdown file first asks: most links are pictures."""

    def __init__(self, find: Callable[[], dict[str, Document]]) -> None:
        self._find = find

    @functools.cached_property
    def _found(self) -> dict[str, Document]:
        return self._find()

    def get(self, real: str) -> Document | None:
        return self._found.get(real)


class Target:
    """A file of the chamber's folder that links lead to, each fact looked up once, when first asked, however
    many links lead there: a chamber's posts show the same few photos hundreds of times."""

    def __init__(self, written: str, real: str, folder: Path) -> None:
        self.written = written  # the path the links name, normalised
        self.real_text = real
        self._folder = folder

    @functools.cached_property
    def path(self) -> Path:
        return Path(self.written)

    @functools.cached_property
    def real(self) -> Path:
        return Path(self.real_text)

    @functools.cached_property
    def exists(self) -> bool:
        return os.path.isfile(self.written)

    @functools.cached_property
    def markdown(self) -> bool:
        """A post, page or the charter, if it is one of the chamber's documents."""
        return os.path.splitext(self.written)[1].lower() == ".md"

    @functools.cached_property
    def spelled(self) -> str | None:
        """spelled_on_disk: its name in other capitals than the file's."""
        return spelled_on_disk(self.path, self._folder)

    @functools.cached_property
    def top(self) -> str:
        """The chamber folder's folder it is in (news, assets …)."""
        return self.real.relative_to(real_path(self._folder)).parts[0]

    @functools.cached_property
    def refusal(self) -> str | None:
        return refusal(self.path)


class Targets:
    """The files links of one check lead to, by the path they name (`Target`; None: outside the folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._top = real_text(folder)
        self._known: dict[str, Target | None] = {}

    @functools.cached_property
    def case_insensitive(self) -> bool:
        return platform_support.case_insensitive(real_path(self.folder))

    def find(self, link: Link, source: Path) -> Target | None:
        written = _written_path(link, source)
        if written is None:
            return None
        if written not in self._known:
            real = real_text(written)
            self._known[written] = Target(written, real, self.folder) if is_below(real, self._top) else None
        return self._known[written]


def check_document_links(
    doc: Document,
    markdown: Mapping[Path, Document] | Documents,
    folder: Path,
    problems: Problems,
    targets: Targets | None = None,
) -> set[Path]:
    """check_links for one document; `markdown`: the chamber's documents a link may lead to, by real path;
    `targets`: the files links lead to, as far as known (those of earlier documents of the same check)."""
    if not isinstance(markdown, Documents):
        by_path = markdown
        markdown = Documents(lambda: {os.fspath(real): doc for real, doc in by_path.items()})
    targets = targets or Targets(folder)
    used: set[Path] = set()
    source = doc.path if doc.base is None else doc.base / doc.path.name
    files = _CHECKED_FILES[(str(folder), str(doc.path), doc.body)] = []
    for link in find_links(doc.body, doc.body_line):
        what = N_("image") if link.image else N_("link")  # translated only for a message: this runs per link
        if link.absolute:
            problems.error(
                doc.path,
                _("{what} {target!r} is an absolute path").format(what=_(what), target=link.target),
                line=link.line,
                expected=_("a path relative to this file, e.g. images/photo.jpg or ../../charter.md"),
            )
            continue
        target = targets.find(link, source)
        if target is None:
            problems.error(
                doc.path,
                _("{what} {target!r} points outside the chamber folder").format(what=_(what), target=link.target),
                line=link.line,
                expected=_("a path to a file of this chamber, relative to this file"),
            )
            continue
        exists = target.exists
        if not exists or targets.case_insensitive:
            if (spelled := target.spelled) is not None:
                problems.error(
                    doc.path,
                    _("{what} {target!r} is written in other capitals than the file's name ({spelled})").format(
                        what=_(what), target=link.target, spelled=spelled
                    ),
                    line=link.line,
                    expected=_("the name exactly as the file is named: the web server tells capitals apart"),
                )
                continue
        if exists and not target.markdown:
            files.append(target.path)
            used.add(target.real)
        if not exists:
            problems.error(
                doc.path,
                _("broken {what}: {target!r} not found").format(what=_(what), target=link.target),
                line=link.line,
                expected=_("a path relative to this file ({rel}/)").format(rel=problems.rel(source.parent)),
            )
            continue
        if target.markdown:
            linked = markdown.get(target.real_text)
            if linked is None:
                problems.error(
                    doc.path,
                    _("link {target!r} is not a post, page or the charter").format(target=link.target),
                    line=link.line,
                    expected=_("link to news/…, pages/… or charter.md"),
                )
            elif doc.published and not linked.published:
                problems.error(
                    doc.path,
                    _("link {target!r} points to a draft or a post not yet published").format(target=link.target),
                    line=link.line,
                    expected=_("publish it first or remove the link"),
                )
            continue
        if target.top not in PUBLISHABLE_DIRS:
            problems.error(
                doc.path,
                _("{what} {target!r} is not a file that can be published").format(what=_(what), target=link.target),
                line=link.line,
                expected=_("images and attachments go under news/, pages/ or assets/"),
            )
        elif why := target.refusal:
            problems.error(
                doc.path,
                _("{what} {target!r} {why}").format(what=_(what), target=link.target, why=why),
                line=link.line,
                expected=_("save it again as JPEG or PNG")
                if is_photo(target.path)
                else _("link pictures, PDFs, office documents, audio or video only"),
            )
    return used


def linked_files(body: str, source: Path, folder: Path) -> list[Path]:
    """The existing non-Markdown files (images, attachments) a body refers to (as check_links found them,
    when it checked this body at this path)."""
    checked = _CHECKED_FILES.get((str(folder), str(source), body))
    if checked is not None:
        return list(checked)
    files = []
    for link in find_links(body):
        target = resolve(link, source, folder)
        if target is not None and target.is_file() and target.suffix.lower() != ".md":
            files.append(target)
    return files


def rewrite_links(body: str, source: Path, docs_path: str, folder: Path, locate: Callable[[Path], str | None]) -> str:
    """`body` with each relative link re-pointed from `docs_path` to where `locate` puts its target."""
    parts, last = [], 0
    base = posixpath.dirname(docs_path)
    for link in find_links(body):
        target = resolve(link, source, folder)
        where = locate(target) if target is not None else None
        if where is None:
            continue
        new = posixpath.relpath(where, base or ".").replace(" ", "%20") + link.suffix
        if new != link.target:
            parts += [body[last : link.start], new]
            last = link.end
    return "".join(parts) + body[last:] if parts else body
