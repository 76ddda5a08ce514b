"""The charter (章程): `charter.md` parsed into chapters, sections and articles, checked, and rendered.

Three pure steps, so that the website and the printed charter share them:
- `parse_charter`: the Markdown body → a typed model (chapters, sections, articles, each with its file line);
- `check_charter`: article, chapter and section numbers run 1, 2, 3 …; cross-references point to real articles;
- `charter_markdown`: the model → Markdown with stable anchors (`#chapter-N`, `#article-N`) and links for
  cross-references ("依照本章程第二十条" → `#article-20`); `charter_document` gives the same as HTML for print.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Union

from chamberpress.chinese import format_date, format_numeral, parse_numeral
from chamberpress.errors import Problems
from chamberpress.content.load_cache import NO_CACHE, LoadCache
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import editor_file, load_markdown
from chamberpress.i18n import N_, _

log = logging.getLogger(__name__)


@dataclass
class Amendment:
    date: dt.date = spec("修订日期", required=True)
    summary: str = spec("修订内容", required=True)


@dataclass
class CharterMeta:
    title: str | None = spec("章程名称；不写则取正文的 # 标题，再不然为“商会名称+章程”")
    adopted: dt.date | None = spec("通过日期")
    approved_by: str | None = spec("核准机关")
    amendments: list[Amendment] = spec("修订记录", factory=list)


# --- The model ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """Running Markdown text and the file line of its first line."""

    line: int
    text: str


@dataclass
class Article:
    number: int  # 103
    numeral: str  # as written: 一百零三
    line: int
    text: Passage  # everything after the number, up to the next article or heading
    heading: bool = False  # written as a heading (### 第一条　名称) rather than a paragraph
    title: str = ""  # the rest of such a heading

    @property
    def anchor(self) -> str:
        return f"article-{self.number}"

    @property
    def label(self) -> str:
        return f"第{self.numeral}条"


@dataclass
class Section:
    number: int
    numeral: str
    title: str
    line: int
    chapter: int | None  # the chapter's number, None before the first chapter
    items: list[Article | Passage] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"chapter-{self.chapter}-section-{self.number}" if self.chapter else f"section-{self.number}"

    @property
    def label(self) -> str:
        return f"第{self.numeral}节"


@dataclass
class Chapter:
    number: int
    numeral: str
    title: str
    line: int
    items: list[Union[Article, Passage, Section]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"

    @property
    def label(self) -> str:
        return f"第{self.numeral}章"

    @property
    def sections(self) -> list[Section]:
        return [item for item in self.items if isinstance(item, Section)]


Item = Union[Article, Passage, Section, Chapter]


@dataclass
class CharterText:
    """The parsed body: an optional `# title`, then a preamble, chapters, sections and articles in order."""

    title: str | None
    items: list[Item]

    @property
    def chapters(self) -> list[Chapter]:
        return [item for item in self.items if isinstance(item, Chapter)]

    def walk(self) -> Iterator[Item]:
        """Every item in document order, containers before their content."""

        def _walk(items: list) -> Iterator[Item]:
            for item in items:
                yield item
                if isinstance(item, (Chapter, Section)):
                    yield from _walk(item.items)

        return _walk(self.items)

    @property
    def articles(self) -> list[Article]:
        return [item for item in self.walk() if isinstance(item, Article)]

    @property
    def sections(self) -> list[Section]:
        return [item for item in self.walk() if isinstance(item, Section)]


@dataclass
class Charter:
    path: Path
    meta: CharterMeta
    body: str
    body_line: int
    text: CharterText

    @property
    def title(self) -> str | None:
        return self.meta.title or self.text.title


# --- Parsing -----------------------------------------------------------------------------------------------

# Bounded: no charter has article 10⁶, and an endless run of digits is not a number (nor an int Python makes).
NUMERAL = r"[〇零一二两三四五六七八九十百千]{1,12}|[0-9]{1,6}"
# 第一条 / 第二十一条 / 第一百零三条 at the start of a paragraph or heading, maybe bold, maybe indented with
# full-width spaces as pasted from Word; whatever spacing follows the number (full-width, ASCII or none).
_NUMBERED = re.compile(
    rf"^[ \t\u3000]*(?:#{{1,6}}[ \t]+)?(?:\*\*)?第(?P<num>{NUMERAL})(?P<kind>[章节条])(?:\*\*)?[ \t\u3000]*(?P<rest>.*)$"
)
# The closing #s and spaces are taken off by _heading_text: a pattern for them backtracks on a long run.
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.*)$")
_SENTENCE_MARK = re.compile(r"[。，；：,;:]")


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) indexes of each block: paragraphs split by blank lines; a # heading is a block alone.

    A line that begins with 第…条/章/节 starts a block too: editors often write one article per line.
    """
    blocks: list[tuple[int, int]] = []
    start = None
    for index, line in enumerate(lines):
        if not line.strip():
            if start is not None:
                blocks.append((start, index - 1))
                start = None
        elif _HEADING.match(line):
            if start is not None:
                blocks.append((start, index - 1))
            blocks.append((index, index))
            start = None
        elif start is None:
            start = index
        elif _NUMBERED.match(line):
            blocks.append((start, index - 1))
            start = index
    if start is not None:
        blocks.append((start, len(lines) - 1))
    return blocks


def _heading_text(heading: re.Match) -> str:
    """A # heading's text without its closing #s (## 总则 ## → 总则)."""
    return heading["text"].rstrip(" \t").rstrip("#").rstrip(" \t")


def _clean_title(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text.replace("**", "")).strip().rstrip("#").strip()


def parse_charter(body: str, first_line: int = 1) -> CharterText:
    """The charter's structure; `first_line` is the file line of the body's first line. Never fails."""
    lines = body.split("\n")
    title: str | None = None
    items: list[Item] = []
    chapter: Chapter | None = None
    section: Section | None = None
    article: Article | None = None
    article_end = 0  # index of the last line of the open article

    def container() -> list:
        if section is not None:
            return section.items
        if chapter is not None:
            return chapter.items
        return items

    def close_article() -> None:
        # The article's text runs from its number to the end of its last paragraph, blank lines included.
        nonlocal article
        if article is not None:
            first = article.line - first_line
            tail = lines[first + 1 : article_end + 1]
            if article.heading:
                article.text = Passage(article.line + 1, "\n".join(tail))
            else:
                article.text = Passage(article.line, "\n".join([article.text.text] + tail))
        article = None

    for first, last in _blocks(lines):
        line_no = first_line + first
        head = lines[first]
        heading = _HEADING.match(head)
        numbered = _NUMBERED.match(head)
        # A short line alone (第一章　总则, maybe bold) is a chapter or section heading even without ##.
        is_heading = bool(heading) or (
            first == last
            and numbered is not None
            and numbered["kind"] != "条"
            and len(numbered["rest"]) <= 30
            and not _SENTENCE_MARK.search(numbered["rest"])
        )
        if numbered and numbered["kind"] in "章节" and is_heading:
            close_article()
            number = parse_numeral(numbered["num"])
            name = _clean_title(numbered["rest"])
            if numbered["kind"] == "章":
                chapter, section = Chapter(number, numbered["num"], name, line_no), None
                items.append(chapter)
            else:
                section = Section(number, numbered["num"], name, line_no, chapter.number if chapter else None)
                (chapter.items if chapter else items).append(section)
            continue
        if numbered and numbered["kind"] == "条":
            close_article()
            number = parse_numeral(numbered["num"])
            article = Article(
                number,
                numbered["num"],
                line_no,
                Passage(line_no, numbered["rest"]),
                heading=bool(heading),
                title=_clean_title(numbered["rest"]) if heading else "",
            )
            article_end = last
            container().append(article)
            continue
        if heading and _heading_text(heading) and head.startswith("# ") and title is None and not items:
            title = _clean_title(_heading_text(heading))
            continue
        if article is not None and not heading:
            article_end = last
            continue
        close_article()
        container().append(Passage(line_no, "\n".join(lines[first : last + 1])))
    close_article()
    return CharterText(title, items)


# --- Cross-references --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """'第二十条' (or '第二十条第二款', or the 二十五条 of '第二十条至二十五条') in running text."""

    number: int
    line: int
    start: int  # offsets in the line, the span that becomes the link
    end: int
    text: str
    foreign: bool  # a reference to another law (《社会团体登记管理条例》第十条), never linked


_REFERENCE = re.compile(
    rf"第(?P<num>{NUMERAL})条(?:第(?:{NUMERAL})[款项目])*|(?<=[至到])(?P<upto>{NUMERAL})条(?:第(?:{NUMERAL})[款项目])*"
)
# Text a reference is never found in: code, Markdown links and images, HTML tags, attribute lists.
# Each part stops at its own opener too: a run of openers without a close is then read once, not once each.
_PROTECTED = re.compile(r"`[^`]*`|!?\[[^\[\]]*\]\([^()]*\)|<[^<>]*>|\{:?[^{}]*\}")
# What ends the text before a reference (spaces aside): this charter's own name, or another law's.
_OWN = "本章程"
_LAW = ("》", "条例", "法", "办法", "规定", "细则", "决定", "章程", "规则", "准则", "通知", "意见", "纲要")
# What may join references to the same law: 《条例》第十条、第十一条和第十二条.
_JOINER = re.compile(r"[ \u3000、，,和及与或以至到—～~\-]*")


def line_references(text: str, line: int) -> list[Reference]:
    """The references to articles in one line of running text (headings have none).

    Linear in the line's length: the text before each reference is looked at only where the last one ended.
    """
    if _HEADING.match(text):
        return []
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    starts = [a for a, _ in protected]
    found: list[Reference] = []
    titles, counted = 0, 0  # 《 minus 》 in text[:counted]
    for match in _REFERENCE.finditer(text):
        start, end = match.span()
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and start < protected[index][1]:
            continue
        titles += text.count("《", counted, start) - text.count("》", counted, start)
        counted = start
        if titles > 0:
            continue  # inside a title: 《关于修改第十条的决定》
        numeral = match["num"] or match["upto"]
        before = start
        while before > 0 and text[before - 1] in " \u3000":
            before -= 1
        if text.endswith(_OWN, 0, before):
            foreign = False
        elif text.endswith(_LAW, 0, before):
            foreign = True
        else:
            previous = found[-1] if found else None
            foreign = bool(previous and previous.foreign and _JOINER.fullmatch(text, previous.end, start))
        found.append(Reference(parse_numeral(numeral), line, start, end, match.group(0), foreign))
    return found


def passage_references(passage: Passage) -> list[Reference]:
    refs: list[Reference] = []
    for offset, text in enumerate(passage.text.split("\n")):
        refs += line_references(text, passage.line + offset)
    return refs


def _passages(text: CharterText) -> Iterator[Passage]:
    for item in text.walk():
        if isinstance(item, Passage):
            yield item
        elif isinstance(item, Article):
            yield item.text


def _link_passage(passage: Passage, existing: set[int]) -> str:
    """The passage with every reference to an existing article of this charter made a link."""
    out = []
    for offset, text in enumerate(passage.text.split("\n")):
        pos, parts = 0, []
        for ref in line_references(text, passage.line + offset):
            if ref.foreign or ref.number not in existing:
                continue
            parts += [text[pos : ref.start], f"[{ref.text}](#article-{ref.number}){{: .cp-xref }}"]
            pos = ref.end
        out.append("".join(parts) + text[pos:])
    return "\n".join(out)


# --- Checks ------------------------------------------------------------------------------------------------


def _check_sequence(path: Path, problems: Problems, what: str, unit: str, numbered: list) -> None:
    """Numbers must run 1, 2, 3 …: each gap, repeat or disorder is an error naming the number expected."""
    expected, seen = 1, set()
    for item in numbered:
        if item.number != expected:
            if item.number in seen:
                message = _("{label} ({number}) repeats an earlier {what} number").format(
                    label=item.label, number=item.number, what=_(what)
                )
            elif item.number > expected:
                missing = _("a number is missing") if item.number == expected + 1 else _("numbers are missing")
                message = _("{label} ({number}) skips: {missing}").format(
                    label=item.label, number=item.number, missing=missing
                )
            else:
                message = _("{label} ({number}) is out of order").format(label=item.label, number=item.number)
            problems.error(
                path,
                message,
                line=item.line,
                field=what,
                expected=_("expected 第{numeral}{unit} ({number})").format(
                    numeral=format_numeral(expected), unit=unit, number=expected
                ),
            )
        seen.add(item.number)
        expected = item.number + 1


def check_charter(charter: Charter, problems: Problems) -> None:
    """Numbering errors and cross-references to articles that do not exist (warnings)."""
    text, path = charter.text, charter.path
    articles = text.articles
    if not articles:
        problems.warning(
            path,
            _("no articles found"),
            line=charter.body_line,
            expected=_("paragraphs that begin with 第一条, 第二条 … under ## 第一章\u3000总则 headings"),
        )
    _check_sequence(path, problems, N_("article"), "条", articles)
    _check_sequence(path, problems, N_("chapter"), "章", text.chapters)
    for chapter in text.chapters:
        _check_sequence(path, problems, N_("section"), "节", chapter.sections)
    existing = {a.number for a in articles}
    for passage in _passages(text):
        for ref in passage_references(passage):
            if not ref.foreign and ref.number not in existing:
                problems.warning(
                    path,
                    _("{text} refers to article {number}, which the charter does not have").format(
                        text=ref.text, number=ref.number
                    ),
                    line=ref.line,
                    field="cross-reference",
                    expected=_("the charter has articles 1–{max}").format(max=max(existing, default=0)),
                )


def load_charter(folder: Path, problems: Problems, cache: LoadCache = NO_CACHE) -> Charter | None:
    """charter.md, if there is one: as `cache` kept it, if the file is unchanged."""
    path = editor_file(folder, "charter.md", problems)
    if path is None:
        return None
    return cache.read(path, "charter", functools.partial(read_charter, path), problems)


def read_charter(path: Path, problems: Problems) -> Charter | None:
    source = load_markdown(path, problems, require_meta=False)
    if source is None:
        return None
    meta = convert(CharterMeta, source.meta, path, problems)
    if meta is None:
        return None
    charter = Charter(path, meta, source.body, source.body_line, parse_charter(source.body, source.body_line))
    check_charter(charter, problems)
    return charter


# --- Rendering ---------------------------------------------------------------------------------------------


def _article_markdown(article: Article, existing: set[int], permalinks: bool) -> str:
    number = f'<strong class="cp-article__num">{article.label}</strong>'
    if permalinks:
        # Class exactly "headerlink": Material's search leaves it out of the index, like heading permalinks.
        number += f'<a class="headerlink" href="#{article.anchor}" title="本条链接">¶</a>'
    text = _link_passage(article.text, existing)
    if article.heading:
        first = number + (f'　<span class="cp-article__title">{article.title}</span>' if article.title else "")
        body = f"{first}\n\n{text.strip()}" if text.strip() else first
    else:
        head, _newline, rest = text.partition("\n")
        body = f"{number}　{head.strip()}" if head.strip() else number
        if rest.strip():
            body += "\n" + rest if head.strip() else "\n\n" + rest.strip("\n")
    return f'<div class="cp-article" id="{article.anchor}" markdown>\n\n{body.rstrip()}\n\n</div>'


def _heading(level: int, label: str, title: str, anchor: str) -> str:
    text = f"{label}　{title}" if title else label
    return f"{'#' * level} {text} {{: #{anchor} }}"


def charter_markdown(text: CharterText, *, permalinks: bool = True) -> str:
    """The body as Markdown: chapters `## … {#chapter-N}`, sections `###`, articles `<div id="article-N">`.

    No title: the page template (and the print side) puts it above the adoption facts.
    """
    existing = {a.number for a in text.articles}
    parts: list[str] = []
    for item in text.walk():
        if isinstance(item, Chapter):
            parts.append(_heading(2, item.label, item.title, item.anchor))
        elif isinstance(item, Section):
            parts.append(_heading(3, item.label, item.title, item.anchor))
        elif isinstance(item, Article):
            parts.append(_article_markdown(item, existing, permalinks))
        else:
            parts.append(_link_passage(item, existing))
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class AmendmentFact:
    date: str  # 2026年5月21日
    summary: str


@dataclass(frozen=True)
class CharterFacts:
    """The adoption facts shown above the text, formatted for readers (dates as 2026年5月21日)."""

    adopted: str | None
    approved_by: str | None
    amendments: list[AmendmentFact]


def charter_facts(charter: Charter) -> CharterFacts:
    meta = charter.meta
    amendments = sorted(meta.amendments, key=lambda a: a.date)
    return CharterFacts(
        format_date(meta.adopted) if meta.adopted else None,
        meta.approved_by,
        [AmendmentFact(format_date(a.date), a.summary) for a in amendments],
    )


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1 chapter, 2 section
    anchor: str
    text: str


def charter_toc(text: CharterText) -> list[TocEntry]:
    return [
        TocEntry(
            1 if isinstance(item, Chapter) else 2,
            item.anchor,
            f"{item.label}　{item.title}" if item.title else item.label,
        )
        for item in text.walk()
        if isinstance(item, (Chapter, Section))
    ]


def charter_title(charter: Charter, chamber_name: str) -> str:
    return charter.title or f"{chamber_name}章程"


# The Markdown extensions the charter's Markdown needs (a subset of mkdocs.yml's, which the website uses).
PRINT_EXTENSIONS = ["attr_list", "md_in_html", "tables", "def_list", "footnotes", "abbr", "admonition"]


@dataclass(frozen=True)
class CharterDocument:
    """The charter ready for a print template: title, facts, contents and the body HTML with its anchors."""

    title: str
    facts: CharterFacts
    toc: list[TocEntry]
    html: str  # <h2 id="chapter-N">, <h3 id="chapter-N-section-M">, <div class="cp-article" id="article-N">


def charter_document(charter: Charter, chamber_name: str) -> CharterDocument:
    """The same text as the website's charter page, as HTML without hover permalinks (for the PDF)."""
    import markdown

    html = markdown.markdown(charter_markdown(charter.text, permalinks=False), extensions=PRINT_EXTENSIONS)
    return CharterDocument(
        charter_title(charter, chamber_name), charter_facts(charter), charter_toc(charter.text), html
    )
