"""The newsletter (会刊): issue files → the selection of posts → a print model → print HTML → PDF.

An issue is defined by `content/<slug>/newsletters/<ID>.yml` (every key optional) or, on the command line,
by a period (`--from/--to`): every published post of the period, grouped by category in the chamber's
order. Drafts, scheduled posts and unlisted members never appear. The charter prints through the same
fonts and page rules (`write_charter`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import itertools
import logging
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from xml.etree.ElementTree import SubElement

from chamberpress.content import sanitize
from chamberpress.content.chamber import PlanItem
from chamberpress.content.charter import charter_document
from chamberpress.content.figures import make_figure
from chamberpress.chinese import format_date
from chamberpress.errors import ContentError, Problem, Problems
from chamberpress.content.markdown_limits import check_markdown
from chamberpress.content.model import Chamber
from chamberpress.content.news import Post
from chamberpress.content.links import Document, check_document_links
from chamberpress.paths import PROJECT_DIR, real_path, resolve_inside
from chamberpress.print.cover import CoverPicture, cover_picture
from chamberpress.print.pdf import (
    MIN_DPI,
    PAPER_SIZES,
    Booklet,
    PdfInfo,
    PrintFonts,
    find_fonts,
    fonts_css,
    write_pdf,
)
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import YamlDoc, decode_text, editor_files, load_yaml, without_comments
from chamberpress.i18n import _

if TYPE_CHECKING:
    from jinja2 import Environment

log = logging.getLogger(__name__)

PRINT_THEME = PROJECT_DIR / "theme" / "print"
ISSUES_DIR = "newsletters"
OUTPUT_DIR = "newsletter"  # <out>/<slug>/newsletter/<ID>.pdf, and the archive page's folder
PRINTS_DIR = "_newsletter"  # <out>/_newsletter/<slug>/<ID>.pdf: `chamber newsletter`'s prints, for the
# printer; beside the sites, so that no build replaces them, never published
ISSUE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TOTAL_NUMBER = re.compile(r"^(?:总第)?[1-9][0-9]*(?:期)?$")
LEAD_SECTION = "本期头条"
MAX_EVENTS = 8
# 《内部资料性出版物管理办法》 article 14: these words in full on the cover.
FREE_NOTICE = "内部资料，免费交流"
DEFAULT_AUDIENCE = "本会会员"
COVER_LINES = 3  # other stories named on the cover
WIDE_TABLE = 4  # columns from which a table spans both text columns
KEEP_LAST = 4  # characters kept together at a paragraph's end: its last line is never one or two alone


@dataclass
class IssueFile:
    """`newsletters/<ID>.yml`: editorial choices for one issue; every key is optional."""

    number: str | None = spec("期号，如 2026年第3期")
    total_number: str | None = spec("总期号，如 18 或 总第18期")
    from_: dt.date | None = spec("本期时间段的第一天，如 2026-07-01")
    to: dt.date | None = spec("本期时间段的最后一天，如 2026-09-30；不写则到今天")
    title: str | None = spec("封面标题；不写则用头条的标题")
    foreword: str | None = spec("卷首语（Markdown）")
    lead: str | None = spec(
        "头条：news/ 下的新闻文件，如 2026/2026-08-20-nianhui.md；不写则取置顶新闻，再不然取最新的带封面新闻"
    )
    sections: list[str] = spec("按印刷顺序列出栏目名或 news/ 下的新闻文件", factory=list)
    new_members: bool = spec("是 则印出本期新入会的会员（只印公开信息）", default=False)
    events: bool = spec("是 则印出本期之后的活动计划（活动预告）", default=False)
    projects: bool = spec("是 则印出本期发布的项目（项目合作）", default=False)
    back_cover: str | None = spec("封底文字（Markdown）")
    paper: str = spec("纸张：A4 或 A5", default="A4")
    print_date: dt.date | None = spec("印刷日期；不写则为打印当天")
    copies: int | None = spec("本期印数；不写则用 chamber.yml 的 newsletter.copies")


@dataclass
class Issue:
    """One issue to print: its ID, its definition and where it came from (None: the command line)."""

    id: str
    definition: IssueFile
    path: Path | None = None
    doc: YamlDoc | None = None


# --- print model -------------------------------------------------------------------------------


@dataclass
class Article:
    anchor: str
    title: str
    date_zh: str
    author: str | None
    source: str | None
    category: str
    html: str
    cover: str | None = None  # image name in the issue's files folder
    first_image: str | None = None  # the first picture of the text (the cover's picture if no cover is set)


@dataclass
class Section:
    anchor: str
    title: str
    articles: list[Article]


@dataclass
class NewMember:
    """A new member as printed: public fields only."""

    name: str
    position: str
    industry: str


@dataclass
class PrintProject:
    """A project (项目合作) as printed: what its page shows, without the body's pictures."""

    title: str
    kind: str
    industry: str
    region: str
    amount: str | None
    member: str
    contact: str
    status: str
    date_zh: str
    valid_until_zh: str
    summary: str


@dataclass
class Imprint:
    """The marks article 14 asks for in a visible place (the back cover): None where chamber.yml has no value."""

    publisher: str
    audience: str
    printer: str | None
    print_date_zh: str
    copies: str | None
    permit: str | None


@dataclass
class PrintIssue:
    """Everything the template prints; images are names in `files` (name → source file)."""

    id: str
    paper: str
    masthead: str
    chamber_name: str
    number: str | None
    total_number: str | None
    period_zh: str | None
    date_zh: str
    cover_title: str
    lead: Article | None
    foreword_html: str | None
    sections: list[Section]
    new_members: list[NewMember]
    events: list[PlanItem]
    back_cover_html: str | None
    address: str
    phone: str | None
    email: str | None
    permit: str | None
    logo: str | None
    frequency: str | None
    color: str | None
    imprint: Imprint
    headline: list[str]  # the cover title in balanced lines
    cover_lines: list[Article]  # other stories named on the cover
    site_url: str | None = None
    site_qr: str | None = None  # a data: URI (SVG)
    wechat_qr: str | None = None  # image name in `files`
    bleed_mm: float = 0
    booklet: bool = False
    files: dict[str, Path] = field(default_factory=dict)
    projects: list[PrintProject] = field(default_factory=list)

    @property
    def pdf_title(self) -> str:
        return f"{self.masthead} {self.number or self.date_zh}"


@dataclass
class IssueOutput:
    """A printed issue, as the archive page lists it."""

    id: str
    number: str
    date: dt.date
    date_zh: str
    title: str
    pdf: PdfInfo
    warnings: list[Problem] = field(default_factory=list)  # pictures too coarse for print
    cover: CoverPicture | None = None  # the first page as a small picture, for the archive page


# --- issue files -------------------------------------------------------------------------------


def _rename_key(doc: YamlDoc, old: str, new: str) -> None:
    """`from` is a Python keyword: the definition calls it `from_`; lines follow the key."""
    if not isinstance(doc.data, dict) or old not in doc.data:
        return
    doc.data = {(new if k == old else k): v for k, v in doc.data.items()}
    doc.lines = {((new,) + path[1:] if path[:1] == (old,) else path): line for path, line in doc.lines.items()}


def _unrename(text: str | None) -> str | None:
    return re.sub(r"\bfrom_\b", "from", text) if text else text


def _find_post(chamber: Chamber, ref: str) -> Post | None:
    rel = ref.strip().replace("\\", "/").removeprefix("./").removeprefix("news/")
    return next((p for p in chamber.posts if p.rel == rel), None)


def _check_post_ref(chamber: Chamber, ref: str, path: Path, doc: YamlDoc, at: tuple, problems: Problems) -> None:
    field_name = ".".join(str(p) for p in at)
    post = _find_post(chamber, ref)
    if post is None:
        names = [p.rel for p in chamber.posts]
        close = difflib.get_close_matches(ref.removeprefix("news/"), names, n=1, cutoff=0.6)
        problems.error(
            path,
            _("no post {ref!r} under news/").format(ref=ref),
            line=doc.line(*at),
            field=field_name,
            expected=_("did you mean {key!r}?").format(key=close[0])
            if close
            else _("a post file below news/, e.g. 2026/2026-05-21-falv-peixun.md"),
        )
    elif post.meta.draft:
        problems.error(
            path,
            _("{ref!r} is a draft; drafts never appear in a newsletter").format(ref=ref),
            line=doc.line(*at),
            field=field_name,
            expected=_("publish it first (draft: false)"),
        )
    elif post.date > chamber.today:
        problems.error(
            path,
            _("{ref!r} is scheduled for {date} and not published yet").format(ref=ref, date=format_date(post.date)),
            line=doc.line(*at),
            field=field_name,
            expected=_("choose a published post"),
        )


def _is_post_ref(entry: str) -> bool:
    return entry.strip().lower().endswith(".md")


def load_issues(chamber: Chamber) -> list[Issue]:
    """Every `newsletters/*.yml` of the chamber, checked against its posts; raises ContentError."""
    problems = Problems(chamber.folder.parent.parent)
    issues = []
    for path in editor_files(chamber.folder, ISSUES_DIR, problems, (".yml", ".yaml"), recursive=False):
        if not ISSUE_ID.match(path.stem):
            problems.error(
                path,
                _("{stem!r} is not a usable issue name").format(stem=path.stem),
                expected=_("letters, digits, - and _, e.g. 2026-q3.yml"),
            )
            continue
        doc = load_yaml(path, problems)
        if doc is None:
            continue
        if doc.data is None:
            doc.data = {}
        _rename_key(doc, "from", "from_")
        start = len(problems.items)
        issue_file = convert(IssueFile, doc, path, problems)
        for index in range(start, len(problems.items)):
            item = problems.items[index]
            problems.items[index] = dataclasses.replace(
                item, field=_unrename(item.field), message=_unrename(item.message), expected=_unrename(item.expected)
            )
        if issue_file is None:
            # Still report every wrong post or category the file names, so that one run shows all.
            raw = doc.data if isinstance(doc.data, dict) else {}
            lead, sections = raw.get("lead"), raw.get("sections")
            _check_refs(
                chamber,
                lead if isinstance(lead, str) else None,
                [e for e in sections if isinstance(e, str)] if isinstance(sections, list) else [],
                path,
                doc,
                problems,
            )
            continue
        _check_issue(chamber, issue_file, path, doc, problems)
        issues.append(Issue(path.stem, issue_file, path, doc))
    problems.raise_if_errors()
    return issues


def _check_issue(chamber: Chamber, definition: IssueFile, path: Path, doc: YamlDoc, problems: Problems) -> None:
    """Rules beyond types: the period, the paper, and every post or category the file names."""
    if definition.from_ and definition.to and definition.from_ > definition.to:
        problems.error(
            path,
            _("the period ends ({end}) before it starts ({start})").format(end=definition.to, start=definition.from_),
            line=doc.line("to"),
            field="to",
        )
    if definition.paper.upper() not in PAPER_SIZES:
        problems.error(
            path,
            _("unknown paper size {paper!r}").format(paper=definition.paper),
            line=doc.line("paper"),
            field="paper",
            expected=_("A4 or A5"),
        )
    if definition.total_number is not None and not TOTAL_NUMBER.match(definition.total_number.strip()):
        problems.error(
            path,
            _("total_number {total_number!r} is not a positive whole number").format(
                total_number=definition.total_number
            ),
            line=doc.line("total_number"),
            field="total_number",
            expected=_("e.g. 18 or 总第18期"),
        )
    _check_refs(chamber, definition.lead, definition.sections, path, doc, problems)
    for key in ("foreword", "back_cover"):
        if text := getattr(definition, key):
            check_markdown(text, path, problems, line_offset=doc.line(key) or 1, field=key)
    _check_markdown_links(chamber, definition, path, doc, problems)


def _check_markdown_links(
    chamber: Chamber, definition: IssueFile, path: Path, doc: YamlDoc, problems: Problems
) -> None:
    """The foreword's and back cover's links and images, by the rules of a post's: nothing outside the
    chamber, no absolute path or file: URL, never the roster or a file that is not published. They are
    relative to the chamber folder, as the print reads them."""
    decoded = decode_text(path.read_bytes())
    lines = decoded[0].splitlines() if decoded else []
    posts = {
        real_path(p.path): Document(p.path, p.body, p.body_line, p.is_published(chamber.today)) for p in chamber.posts
    }
    for key in ("foreword", "back_cover"):
        text, line = getattr(definition, key), doc.line(key)
        if not text or line is None:
            continue
        # A block (`foreword: |`) starts on the next line, each of its lines as written; a one-line value on
        # the key's own line.
        written = lines[line - 1].split(":", 1)[-1].strip() if line <= len(lines) else ""
        body_line = line + 1 if written[:1] in ("|", ">") else line
        check_document_links(
            Document(path, text, body_line, True, base=chamber.folder), posts, chamber.folder, problems
        )


def _check_refs(
    chamber: Chamber, lead: str | None, sections: list[str], path: Path, doc: YamlDoc, problems: Problems
) -> None:
    if lead:
        _check_post_ref(chamber, lead, path, doc, ("lead",), problems)
    categories = chamber.info.categories
    for index, entry in enumerate(sections):
        if _is_post_ref(entry):
            _check_post_ref(chamber, entry, path, doc, ("sections", index), problems)
        elif entry not in categories:
            close = difflib.get_close_matches(entry, categories, n=1, cutoff=0.5)
            problems.error(
                path,
                _("{entry!r} is neither a category nor a post file").format(entry=entry),
                line=doc.line("sections", index),
                field=f"sections.{index}",
                expected=_("did you mean {key!r}?").format(key=close[0])
                if close
                else _("one of: {categories}; or a post file such as 2026/2026-05-21-falv-peixun.md").format(
                    categories=", ".join(categories)
                ),
            )


def period_issue(issue_id: str, date_from: dt.date | None, date_to: dt.date | None, paper: str = "A4") -> Issue:
    """An issue defined on the command line only: every published post of the period."""
    return Issue(issue_id, IssueFile(from_=date_from, to=date_to, paper=paper))


def default_issue_id(date_from: dt.date | None, date_to: dt.date) -> str:
    return f"{date_from.isoformat() if date_from else 'start'}_{date_to.isoformat()}"


# --- selection → print model -------------------------------------------------------------------


class _PrintTree(Treeprocessor):
    """The text as a page sets it: every <img> pointed at a copy in the issue's files folder (images outside
    the chamber dropped), a picture alone in its paragraph made a figure captioned with its alt text, wide
    tables marked to span both columns, and each paragraph's last characters kept on one line."""

    def __init__(self, md: markdown.Markdown, resolve: Callable[[str], str | None]):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root):  # noqa: ANN001, ANN201 - Python-Markdown's signature
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    name = self.resolve(child.get("src", ""))
                    if name is None:
                        parent.remove(child)
                    else:
                        child.set("src", name)
        for child in root:
            if child.tag == "p":
                make_figure(child)
            elif child.tag == "table" and len(child.findall("./thead/tr/th")) >= WIDE_TABLE:
                child.set("class", "wide")
        for paragraph in root.iter("p"):
            _keep_last_characters(paragraph)
        return None


def _keep_last_characters(paragraph) -> None:  # noqa: ANN001 - an ElementTree element
    """The paragraph's last KEEP_LAST characters in one unbreakable span: no line of one or two characters
    ends a paragraph (a widow, in Chinese typesetting)."""
    last = paragraph[-1] if len(paragraph) else None
    text = ((last.tail if last is not None else paragraph.text) or "").rstrip()
    end = text[-KEEP_LAST:]
    # Python-Markdown's placeholders (\x02…\x03) stand for stashed HTML: never cut through one.
    if len(text) < 2 * KEEP_LAST or any(c.isspace() or c in "\x02\x03" for c in end):
        return
    if last is not None:
        last.tail = text[:-KEEP_LAST]
    else:
        paragraph.text = text[:-KEEP_LAST]
    span = SubElement(paragraph, "span")
    span.set("class", "nobr")
    span.text = end


class _ImageExtension(Extension):
    def __init__(self, resolve: Callable[[str], str | None]):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_PrintTree(md, self.resolve), "cp_print", 5)


MARKDOWN_EXTENSIONS = [
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "admonition",
    "pymdownx.tilde",
    "pymdownx.betterem",
]
# The site's sanitizing rules, minus what paper cannot show (frames, video, form controls).
NOT_PRINTED = {"iframe", "video", "source", "input", "label"}
PRINT_TAGS = sanitize.TAGS - NOT_PRINTED
PRINT_ATTRIBUTES = {tag: attrs for tag, attrs in sanitize.ATTRIBUTES.items() if tag not in NOT_PRINTED}


class _Files:
    """The images an issue prints, copied beside the HTML under short safe names."""

    def __init__(self, issue_id: str, root: Path):
        self.prefix = f"{issue_id}.files"
        self.root = root
        self.files: dict[str, Path] = {}
        self._names: dict[Path, str] = {}

    def add(self, source: Path) -> str:
        source = source.resolve()
        if source not in self._names:
            name = f"{self.prefix}/{len(self._names) + 1:03d}{source.suffix.lower()}"
            self._names[source] = name
            self.files[name] = source
        return self._names[source]

    def resolver(self, base: Path) -> Callable[[str], str | None]:
        def resolve(src: str) -> str | None:
            found = resolve_inside(base, src.split("#")[0].split("?")[0], self.root)
            if found is None:
                log.warning(
                    "%s",
                    _(
                        "image {src!r} (in {folder}) is not a file inside the chamber folder: left out of the print"
                    ).format(src=src, folder=base),
                )
                return None
            return self.add(found)

        return resolve


def markdown_html(text: str, base: Path, files: _Files) -> str:
    """Editor Markdown → print HTML: images copied, anything unsafe removed (no script, no remote frame)."""
    md = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS + [_ImageExtension(files.resolver(base))],
        extension_configs={"footnotes": {"UNIQUE_IDS": True}},
        output_format="html",
    )
    return _clean(md.convert(without_comments(text)))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=PRINT_TAGS,
        clean_content_tags={"script", "style", "iframe", "video"},
        attributes=PRINT_ATTRIBUTES,
        url_schemes=sanitize.URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _article(post: Post, index: int, files: _Files) -> Article:
    html = markdown_html(post.body, post.path.parent, files)
    cover = files.add(post.cover) if post.cover else None
    return Article(
        anchor=f"cp-a{index}",
        title=post.title,
        date_zh=format_date(post.date),
        author=post.meta.author,
        source=post.meta.source,
        category=post.category,
        html=html,
        # The cover picture heads the article unless the text shows it already.
        cover=cover if cover and f'src="{cover}"' not in html else None,
        first_image=cover or next(iter(re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)), None),
    )


def _period_posts(chamber: Chamber, date_from: dt.date | None, date_to: dt.date) -> list[Post]:
    """Published posts of the period, oldest first (the order of a chronicle)."""
    posts = [
        p
        for p in chamber.posts
        if p.is_published(chamber.today) and (date_from is None or p.date >= date_from) and p.date <= date_to
    ]
    return sorted(posts, key=lambda p: (p.date, p.rel))


def _number_text(value: str | None, template: str) -> str | None:
    """18 → 总第18期; text already written out is kept."""
    if not value:
        return None
    return template.format(value) if value.isdigit() else value


@dataclass
class Selection:
    """The posts an issue prints: its lead, and the rest by section title in print order."""

    lead: Post | None
    sections: dict[str, list[Post]]

    @property
    def posts(self) -> list[Post]:
        rest = [p for posts in self.sections.values() for p in posts if p is not self.lead]
        return ([self.lead] if self.lead else []) + rest


def select_posts(chamber: Chamber, definition: IssueFile) -> Selection:
    """Explicit files as listed, categories from the period, in the order the sections give; the lead as
    named, else a pinned post, else the newest with a cover picture, else the newest."""
    date_to = definition.to or chamber.today
    in_period = _period_posts(chamber, definition.from_, date_to)
    chosen: dict[str, list[Post]] = {}
    for entry in definition.sections or chamber.info.categories:
        if _is_post_ref(entry):
            post = _find_post(chamber, entry)
            if post is not None and post.is_published(chamber.today):
                chosen.setdefault(post.category, []).append(post)
        else:
            chosen.setdefault(entry, []).extend(p for p in in_period if p.category == entry)

    all_chosen = [p for posts in chosen.values() for p in posts]
    lead = _find_post(chamber, definition.lead) if definition.lead else None
    if lead is not None and not lead.is_published(chamber.today):
        lead = None
    if lead is None and not definition.lead and all_chosen:
        newest = sorted(all_chosen, key=lambda p: (p.date, p.rel), reverse=True)
        lead = next((p for p in newest if p.meta.pin), None) or next((p for p in newest if p.cover), None) or newest[0]
    return Selection(lead, chosen)


# Widths in em of what a headline holds, to break it before the page does: CJK characters and full-width
# punctuation are one em, Latin letters and digits about half.
HEADLINE_EM = {"A4": 17.0, "A5": 13.0}
_CLOSING = set("，。、；：？！）》」』”’…—·,.;:?!)")
_OPENING = set("（《「『“‘(")


def _em_width(text: str) -> float:
    return sum(0.55 if ord(c) < 0x2E80 and c not in "“”‘’…—·" else 1.0 for c in text)


def balanced_lines(text: str, max_em: float) -> list[str]:
    """The headline in as few lines as fit `max_em`, broken between words (jieba) and as even as can be,
    so that no line holds a lone word; closing punctuation stays with the word before it, opening with
    the word after it, and a break after a comma is preferred."""
    text = " ".join(text.split())
    if _em_width(text) <= max_em:
        return [text]
    from chamberpress.search.segmenter import segmenter

    words: list[str] = []
    for word in segmenter().lcut(text, HMM=False):
        if words and (set(word) <= _CLOSING or words[-1][-1] in _OPENING or word.isspace()):
            words[-1] += word
        else:
            words.append(word)
    count = max(2, -int(-_em_width(text) // max_em))
    target = _em_width(text) / count

    @functools.cache
    def best(start: int, lines: int) -> tuple[float, tuple[int, ...]]:
        """(cost, break positions) for words[start:] in `lines` lines."""
        if lines == 1:
            width = _em_width("".join(words[start:]))
            return ((width - target) ** 2 if width <= max_em else math.inf), ()
        found: tuple[float, tuple[int, ...]] = (math.inf, ())
        for end in range(start + 1, len(words) - lines + 2):
            line = "".join(words[start:end])
            width = _em_width(line)
            if width > max_em:
                break
            cost, rest = best(end, lines - 1)
            cost += (width - target) ** 2 - (3.0 if line[-1] in "，、；：" else 0.0)
            if cost < found[0]:
                found = (cost, (end, *rest))
        return found

    for lines in range(count, len(words) + 1):
        cost, breaks = best(0, lines)
        if cost < math.inf:
            bounds = (0, *breaks, len(words))
            return ["".join(words[a:b]).strip() for a, b in zip(bounds, bounds[1:])]
    return [text]  # a single word wider than the page: the page breaks it


def _site_qr(url: str | None) -> str | None:
    """A QR code of the site's address as an SVG data URI (segno: made here, no service asked)."""
    if not url:
        return None
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(border=0, dark="#111111")


def build_issue(
    chamber: Chamber, issue: Issue, paper: str | None = None, *, bleed_mm: float = 0, booklet: bool = False
) -> PrintIssue:
    """The print model of one issue. Raises ContentError when it would print no article. `bleed_mm` and
    `booklet` are for the print shop's copy (`chamber newsletter`), never the site's."""
    definition = issue.definition
    info = chamber.info
    date_to = definition.to or chamber.today
    date_from = definition.from_
    files = _Files(issue.id, chamber.folder)
    selection = select_posts(chamber, definition)
    lead_post = selection.lead
    if not selection.posts:
        problems = Problems(chamber.folder.parent.parent)
        where = issue.path or chamber.folder / ISSUES_DIR
        period = f"{format_date(date_from) if date_from else '开始'} — {format_date(date_to)}"
        problems.error(
            where,
            _("no published post to print in the period {period}").format(period=period),
            line=issue.doc.line("from_") if issue.doc else None,
            field="from",
            expected=_("widen the period (from/to) or name posts under sections"),
        )
        raise ContentError(problems.items)

    counter = iter(range(1, 10_000))
    lead = _article(lead_post, next(counter), files) if lead_post else None
    sections = []
    if lead is not None:
        sections.append(Section("cp-s0", LEAD_SECTION, [lead]))
    for title, posts in selection.sections.items():
        articles = [_article(p, next(counter), files) for p in posts if p is not lead_post]
        if articles:
            sections.append(Section(f"cp-s{len(sections)}", title, articles))
    # The cover names the first story of each other section, then the next ones.
    others = [s.articles for s in sections if s.title != LEAD_SECTION]
    ranked = [a for rank in itertools.zip_longest(*others) for a in rank if a is not None]

    new_members = []
    if definition.new_members:
        new_members = [
            NewMember(m.name, m.position, m.industry)
            for m in chamber.listed_members
            if m.joined and (date_from is None or m.joined >= date_from) and m.joined <= date_to
        ]
    events = []
    if definition.events:
        # Upcoming when the issue comes out: after its period, or after today for a period not over yet.
        since = min(date_to, chamber.today)
        events = sorted((item for item in info.plan if item.date > since), key=lambda i: i.date)[:MAX_EVENTS]

    projects = _period_projects(chamber, date_from, date_to) if definition.projects else []

    logo = None
    if info.logo:
        logo_file = resolve_inside(chamber.folder, info.logo, chamber.folder)
        logo = files.add(logo_file) if logo_file else None
    wechat = None
    if info.newsletter.wechat_qr:
        wechat_file = resolve_inside(chamber.folder, info.newsletter.wechat_qr, chamber.folder)
        wechat = files.add(wechat_file) if wechat_file else None
    paper = (paper or definition.paper).upper()
    cover_title = definition.title or (lead_post.title if lead_post else info.name)
    copies = definition.copies or info.newsletter.copies
    return PrintIssue(
        id=issue.id,
        paper=paper,
        masthead=info.newsletter.title or info.name,
        chamber_name=info.name,
        number=_number_text(definition.number, "第{}期"),
        total_number=_number_text(definition.total_number, "总第{}期"),
        period_zh=f"{format_date(date_from)}—{format_date(date_to)}" if date_from else None,
        date_zh=format_date(date_to),
        cover_title=cover_title,
        lead=lead,
        foreword_html=markdown_html(definition.foreword, chamber.folder, files) if definition.foreword else None,
        sections=sections,
        new_members=new_members,
        events=events,
        back_cover_html=markdown_html(definition.back_cover, chamber.folder, files) if definition.back_cover else None,
        address=info.address,
        phone=info.phone,
        email=info.email,
        permit=info.newsletter.permit,
        logo=logo,
        frequency=info.newsletter.frequency,
        color=info.color,
        imprint=Imprint(
            publisher=info.newsletter.publisher or info.name,
            audience=info.newsletter.audience or DEFAULT_AUDIENCE,
            printer=info.newsletter.printer,
            print_date_zh=format_date(definition.print_date or chamber.today),
            copies=f"{copies}册" if copies else None,
            permit=info.newsletter.permit,
        ),
        headline=balanced_lines(cover_title, HEADLINE_EM.get(paper, HEADLINE_EM["A4"])),
        cover_lines=ranked[:COVER_LINES],
        site_url=info.site_url,
        site_qr=_site_qr(info.site_url),
        wechat_qr=wechat,
        bleed_mm=bleed_mm,
        booklet=booklet,
        files=files.files,
        projects=projects,
    )


def _period_projects(chamber: Chamber, date_from: dt.date | None, date_to: dt.date) -> list[PrintProject]:
    """The published projects dated in the period, oldest first (as the posts)."""
    chosen = [p for p in chamber.published_projects if (date_from is None or p.date >= date_from) and p.date <= date_to]
    return [
        PrintProject(
            title=p.title,
            kind=p.meta.kind,
            industry=p.meta.industry,
            region=p.meta.region,
            amount=p.meta.amount,
            member=p.meta.member,
            contact=p.meta.contact,
            status=p.meta.status,
            date_zh=format_date(p.date),
            valid_until_zh=format_date(p.meta.valid_until),
            summary=p.summary,
        )
        for p in sorted(chosen, key=lambda p: (p.date, p.slug))
    ]


# --- rendering ---------------------------------------------------------------------------------


def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # for printing only (not a text edit)

    env = Environment(
        loader=FileSystemLoader(PRINT_THEME),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["zh_date"] = format_date
    return env


# Top, sides and bottom of a text page: the running head sits in the top margin, the page number in the bottom.
PAGE_MARGINS = {"A4": "20mm 16mm 18mm", "A5": "16mm 12mm 15mm"}


def _page_css(paper: str, fonts: PrintFonts, color: str | None, bleed_mm: float = 0) -> str:
    # The colour was checked as #RRGGBB when chamber.yml was loaded.
    return (
        fonts_css(fonts)
        + f"@page {{ size: {paper}; margin: {PAGE_MARGINS.get(paper, PAGE_MARGINS['A4'])}; }}\n"
        + f":root {{ --cp-color: {color or '#8c1c13'}; }}\n"
        + _bleed_css(bleed_mm)
    )


def _bleed_css(bleed_mm: float) -> str:
    """Bleed and crop marks for the print shop; what reaches the page's edge (the cover's band and picture)
    reaches past it into the bleed, so that a cut a little off leaves no white edge."""
    if not bleed_mm:
        return ""
    b = f"{bleed_mm:g}mm"
    return (
        f"@page {{ bleed: {b}; marks: crop; }}\n"
        f".cover-band {{ margin: -{b} -{b} 0; padding: {b} {b} 0; }}\n"
        f".cover-picture {{ margin-left: -{b}; margin-right: -{b}; }}\n"
        f".back-band {{ left: -{b}; right: -{b}; bottom: -{bleed_mm + 1:g}mm; padding-bottom: {b}; }}\n"
    )


def blank_page_html(paper: str, bleed_mm: float) -> str:
    """One empty page of the issue's size, bleed and marks: what a booklet is padded with."""
    return f"<html><head><style>@page {{ size: {paper}; margin: 0; }}{_bleed_css(bleed_mm)}</style></head><body></body></html>"


def issue_html(issue: PrintIssue, fonts: PrintFonts) -> str:
    """The print HTML of an issue (pure: the same model gives the same text)."""
    template = _environment().get_template("newsletter.html")
    css = (PRINT_THEME / "print.css").read_text(encoding="utf-8")
    return template.render(
        issue=issue,
        css=css,
        page_css=_page_css(issue.paper, fonts, issue.color, issue.bleed_mm),
        free_notice=FREE_NOTICE,
    )


def _write_files(html: str, files: dict[str, Path], name: str, out_dir: Path) -> Path:
    """The HTML and its images in `out_dir` (old images of the same name removed first)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = out_dir / f"{name}.files"
    if folder.exists():
        shutil.rmtree(folder)
    for rel, source in files.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    html_file = out_dir / f"{name}.html"
    html_file.write_text(html, encoding="utf-8")
    return html_file


def write_issue(
    chamber: Chamber,
    issue: Issue,
    out_dir: Path,
    *,
    paper: str | None = None,
    fonts: PrintFonts | None = None,
    kept: Path | None = None,
    bleed_mm: float = 0,
    booklet: bool = False,
) -> IssueOutput:
    """Print one issue: `<out_dir>/<ID>.pdf`, with `<ID>.html` and `<ID>.files/` for a browser preview;
    a warning names each picture printed below pdf.MIN_DPI."""
    fonts = fonts or find_fonts()
    model = build_issue(chamber, issue, paper, bleed_mm=bleed_mm, booklet=booklet)
    html_file = _write_files(issue_html(model, fonts), model.files, issue.id, out_dir)
    pad = Booklet(blank_page_html(model.paper, model.bleed_mm)) if model.booklet else None
    info = write_pdf(html_file, out_dir / f"{issue.id}.pdf", root=out_dir, kept=kept, booklet=pad)
    date_to = issue.definition.to or chamber.today
    problems = Problems(chamber.folder.parent.parent)
    for low in info.low_resolution:
        source = model.files.get(low.src)
        problems.warning(
            source or low.src,
            _("this picture prints at {dpi} dpi in the newsletter {id}: it will look blurred on paper").format(
                dpi=low.dpi, id=issue.id
            ),
            expected=_("a larger original, at least {dpi} dpi at its printed size").format(dpi=MIN_DPI),
        )
    number = model.number or model.date_zh
    return IssueOutput(issue.id, number, date_to, format_date(date_to), model.cover_title, info, problems.warnings)


# --- the charter -------------------------------------------------------------------------------


def write_charter(
    chamber: Chamber, out_dir: Path, *, fonts: PrintFonts | None = None, kept: Path | None = None
) -> PdfInfo | None:
    """Print the charter as `<out_dir>/charter.pdf` (None when the chamber has no charter).

    The text, its chapter and article anchors and the adoption facts come from the charter module, the
    same as the website's charter page; here it gets the newsletter's fonts, page rules and cleaning.
    """
    if chamber.charter is None:
        return None
    fonts = fonts or find_fonts()
    document = charter_document(chamber.charter, chamber.info.name)
    body = _clean(document.html)
    template = _environment().get_template("charter.html")
    html = template.render(
        document=document,
        chamber_name=chamber.info.name,
        body=body,
        css=(PRINT_THEME / "print.css").read_text(encoding="utf-8"),
        page_css=_page_css("A4", fonts, chamber.info.color),
    )
    html_file = _write_files(html, {}, "charter", out_dir)
    return write_pdf(html_file, out_dir / "charter.pdf", root=out_dir, kept=kept)


# --- everything a chamber prints ---------------------------------------------------------------


JOIN_PAGE = "join"  # pages/join.md: the chamber has a join page, so it gets the application form


def write_join(
    chamber: Chamber, out_dir: Path, *, fonts: PrintFonts | None = None, kept: Path | None = None
) -> PdfInfo | None:
    """Print the membership application form as `<out_dir>/join.pdf`, with PDF form fields (None when the
    chamber has no join page): the fields of `join:`, the dues table, the procedure, signature and seal
    lines and the secretariat's review box."""
    if not any(page.name == JOIN_PAGE for page in chamber.pages):
        return None
    fonts = fonts or find_fonts()
    info = chamber.info
    contact = "　".join(
        text
        for text in (
            f"会址：{info.address}",
            info.phone and f"电话：{info.phone}",
            info.email and f"邮箱：{info.email}",
        )
        if text
    )
    html = (
        _environment()
        .get_template("join.html")
        .render(
            chamber_name=info.name,
            fields=info.join.fields,
            procedure=info.join.procedure,
            dues=info.dues,
            contact=contact,
            css=(PRINT_THEME / "print.css").read_text(encoding="utf-8"),
            page_css=_page_css("A4", fonts, info.color),
        )
    )
    html_file = _write_files(html, {}, "join", out_dir)
    return write_pdf(html_file, out_dir / "join.pdf", root=out_dir, kept=kept, forms=True)


@dataclass
class Printed:
    """What `chamber build` printed for one chamber; the site links it (archive page, charter page)."""

    issues: list[IssueOutput] = field(default_factory=list)
    charter: PdfInfo | None = None
    join: PdfInfo | None = None
    warnings: list[Problem] = field(default_factory=list)  # issues left unprinted, and why


def print_chamber(
    chamber: Chamber, issues: list[Issue], out_dir: Path, *, fonts: PrintFonts | None = None, kept: Path | None = None
) -> Printed:
    """Print every defined issue into `<out_dir>/newsletter/` and the charter into `<out_dir>/`; PDFs
    printed before from the same inputs are taken from `kept` (pdf.write_pdf).

    An issue with nothing to print yet (its period is empty or still to come) is left out of the site
    with a warning instead of stopping the build: an editor may prepare the next issue's file early.
    """
    if not issues and chamber.charter is None and not any(page.name == JOIN_PAGE for page in chamber.pages):
        return Printed()
    fonts = fonts or find_fonts()
    printed = Printed()
    for issue in issues:
        try:
            output = write_issue(chamber, issue, out_dir / OUTPUT_DIR, fonts=fonts, kept=kept)
        except ContentError as exc:
            printed.warnings += [
                dataclasses.replace(
                    p,
                    message=_("{problem}; the issue is not printed yet").format(problem=p.message),
                    severity="warning",
                )
                for p in exc.problems
            ]
        else:
            output.cover = cover_picture(output.pdf, kept)
            printed.issues.append(output)
            printed.warnings += output.warnings
    printed.issues.sort(key=lambda o: (o.date, o.id), reverse=True)
    printed.charter = write_charter(chamber, out_dir, fonts=fonts, kept=kept)
    printed.join = write_join(chamber, out_dir, fonts=fonts, kept=kept)
    if kept is not None and kept.is_dir():  # only what this build printed is kept
        done = [o.pdf for o in printed.issues] + [printed.charter, printed.join]
        used = {info.key for info in done if info is not None}
        for path in kept.iterdir():  # <key>.pdf, <key>.json, <key>.cover.png
            if path.name.split(".")[0] not in used:
                path.unlink(missing_ok=True)
    return printed
