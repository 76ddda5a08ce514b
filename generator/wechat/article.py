"""A post as a WeChat article: the site's own conversion of it, reshaped for WeChat's editor, styles inlined.

WeChat's editor keeps only part of what is pasted into it: inline styles, but no stylesheet, class or id; no
script; a small set of elements; links only to other WeChat articles. The open-source WeChat Markdown editors
(doocs/md, mdnice) meet it the same way: their theme inlined into each element (juice), links made into
numbered references listed at the end, code lines kept by `<br>` and no-break spaces. Here:

1. the post's body is converted as the site converts it (the base mkdocs.yml's Markdown extensions, then the
   site's sanitizing, content/sanitize.py), so the article says what the post page says;
2. the tree is reshaped: pictures by their absolute published URL, alone in a paragraph made a figure with
   the alt text as caption; links to other sites and to the chamber's own pages made into numbered notes;
   code lines kept; tables scrolled sideways; elements the editor drops turned into ones it keeps;
3. theme/wechat/article.css is inlined into style attributes (css-inline), then every class, id and
   attribute the editor has no use for is removed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import css_inline
import markdown
import yaml
from lxml import html as lxml_html
from lxml.html import HtmlElement

from chamberpress.build.cache_layout import project_dir_for
from chamberpress.content.links import resolve_target
from chamberpress.content.model import Chamber
from chamberpress.content.news import Post
from chamberpress.content.published import refusal
from chamberpress.content.sanitize import sanitize_html
from chamberpress.markup import safe_url, web_url
from chamberpress.paths import PROJECT_DIR, real_path
from chamberpress.site.colour import DEFAULT_COLOUR, readable_colour
from chamberpress.site.docs import published_file
from chamberpress.yaml_loaders import ConfigLoader

log = logging.getLogger(__name__)

STYLESHEET = PROJECT_DIR / "theme" / "wechat" / "article.css"

# Text the article itself holds (the editor's readers see it).
NOTES_TITLE = "引用链接"
MEDIA_TEXT = "（此处为视频或嵌入内容，请点「阅读原文」观看）"
MEDIA_NAME = "视频或嵌入内容"
CHECKED_BOX, EMPTY_BOX = "☑ ", "☐ "

# MkDocs converts with these whatever the config lists (its built-in extensions); `toc` is left out here,
# as are its headings' permalinks: anchors into the site's page mean nothing in WeChat.
MKDOCS_BUILTINS = ("tables", "fenced_code")
NOT_FOR_WECHAT = frozenset({"toc"})

# The elements WeChat's editor keeps, and the attributes each keeps besides `style`.
KEPT_TAGS = frozenset(
    "section p span br strong b em i u s del sup sub h1 h2 h3 h4 h5 h6 blockquote ul ol li "
    "table thead tbody tfoot tr th td img figure figcaption pre code hr a".split()
)
KEPT_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
# What the others become: a block of its own, a paragraph (classed where the stylesheet sets it apart), an
# inline run of text; or nothing (elements with no text of their own).
AS_SECTION = frozenset("div details dl nav article header footer aside main center address".split())
AS_PARAGRAPH = {"summary": "wx-term", "dt": "wx-term", "dd": None}
AS_SPAN = frozenset("abbr mark small big var time label cite q font bdi bdo dfn acronym data".split())
AS_OTHER = {"kbd": "code", "samp": "code", "tt": "code", "ins": "u", "strike": "s"}
DROPPED = frozenset("colgroup col wbr source track map area".split())
MEDIA = frozenset("iframe video audio object embed".split())
NBSP = "\u00a0"
WECHAT_HOSTS = frozenset({"mp.weixin.qq.com"})  # links WeChat lets readers follow
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ALIGN = frozenset({"left", "center", "right", "justify"})


@dataclass(frozen=True)
class Note:
    """A link of the post, listed at the end of the article: [number] text: url."""

    number: int
    text: str
    url: str


@dataclass(frozen=True)
class Article:
    html: str  # one <section>, every style inline
    notes: tuple[Note, ...]
    pictures: tuple[str, ...]  # absolute URLs, in the order they appear
    left_out: tuple[str, ...]  # pictures and embedded players the article could not hold, as written


def site_base(site_url: str) -> str:
    """The published site's address, ending with one /."""
    return site_url.rstrip("/") + "/"


def post_address(site_url: str, post: Post) -> str:
    """The absolute URL of a post's page on the published site (原文链接)."""
    return site_base(site_url) + post.url


def colour_of(chamber: Chamber) -> str:
    """The chamber's colour as the site shows it (readable on white)."""
    return readable_colour(chamber.info.color or DEFAULT_COLOUR)


@lru_cache(maxsize=8)
def site_extensions(base_config: Path) -> tuple[tuple[str, ...], dict]:
    """The Markdown extensions (names, options) the site converts with: MkDocs' built-in ones, then the base
    config's `markdown_extensions`, less those that make anchors into the page (`toc`)."""
    data = yaml.load(base_config.read_text(encoding="utf-8"), Loader=ConfigLoader) or {}
    names = list(MKDOCS_BUILTINS)
    options: dict = {}
    for item in data.get("markdown_extensions") or []:
        name, config = (item, None) if isinstance(item, str) else next(iter(item.items()))
        if name in NOT_FOR_WECHAT:
            continue
        if name not in names:
            names.append(name)
        if config:
            options[name] = config
    return tuple(names), options


def body_html(chamber: Chamber, post: Post) -> str:
    """The post's body as the site's post page holds it: converted and sanitized the same way."""
    names, options = site_extensions(project_dir_for(chamber.folder.parent) / "mkdocs.yml")
    converter = markdown.Markdown(extensions=list(names), extension_configs=options)
    return sanitize_html(converter.convert(post.body), chamber.info.embed_hosts)


class Addresses:
    """Where the post's links and pictures are on the published site (absolute URLs)."""

    def __init__(self, chamber: Chamber, post: Post, site_url: str) -> None:
        self.chamber, self.post, self.base = chamber, post, site_base(site_url)
        # Every post, page and the charter by its source file: links name them by their paths in content/.
        pages = {real_path(p.path): p.url for p in chamber.posts}
        pages |= {real_path(p.path): f"{p.name}/" for p in chamber.pages}
        if chamber.charter:
            pages[real_path(chamber.charter.path)] = "charter/"
        self.pages = pages

    def link(self, href: str) -> str | None:
        """The absolute address a link leads to, or None where it leads nowhere a reader can go."""
        value = href.strip()
        if value.startswith("//"):  # the scheme of the page: the site's own, https
            value = "https:" + value
        if _SCHEME.match(value):
            scheme = value.split(":", 1)[0].lower()
            if scheme in ("http", "https"):
                return web_url(value)
            return safe_url(value, ("mailto:", "tel:"))
        target = resolve_target(value, self.post.path, self.chamber.folder)
        if target is None or not target.is_file():
            return None
        if target.suffix.lower() == ".md":
            page = self.pages.get(real_path(target))
            return self.base + quote(page, safe="/") if page else None
        return self.file(target)

    def picture(self, src: str) -> str | None:
        """The absolute address of a picture of the chamber, or None (another site's: the site shows none)."""
        target = resolve_target(src, self.post.path, self.chamber.folder, image=True)
        return self.file(target) if target is not None and target.is_file() else None

    def file(self, target: Path) -> str | None:
        """The address of an image or attachment the site publishes; None for a file it does not."""
        if refusal(target) is not None:
            return None
        where = published_file(self.chamber, target)
        return self.base + quote(where, safe="/") if where else None


def make_article(chamber: Chamber, post: Post, site_url: str) -> Article:
    """The post as a paste-ready WeChat article."""
    addresses = Addresses(chamber, post, site_url)
    root = lxml_html.fragment_fromstring(body_html(chamber, post), create_parent="section")
    root.set("class", "wx-article")
    left_out: list[str] = []
    notes = _notes_for_links(root, addresses)
    pictures = _pictures(root, addresses, left_out)
    _media(root, left_out)
    _task_boxes(root)
    _code_lines(root)
    _scrolled_tables(root)
    _kept_elements(root)
    _empty_paragraphs(root)
    if notes:
        _notes_section(root, notes)
    html = _inline_styles(lxml_html.tostring(root, encoding="unicode"), colour_of(chamber))
    return Article(html, tuple(notes), tuple(pictures), tuple(left_out))


# --- reshaping -----------------------------------------------------------------------------------


def _element(tag: str, cls: str | None = None, text: str | None = None) -> HtmlElement:
    element = lxml_html.Element(tag)
    if cls:
        element.set("class", cls)
    element.text = text
    return element


def _add_after(element: HtmlElement, new: HtmlElement) -> None:
    """`new` right after `element`, taking over the text that followed it."""
    new.tail, element.tail = element.tail, None
    element.addnext(new)


def _notes_for_links(root: HtmlElement, addresses: Addresses) -> list[Note]:
    """Links WeChat would not let a reader follow become their text and a note mark [n]; each address once."""
    notes: dict[str, Note] = {}
    for link in list(root.iter("a")):
        classes = (link.get("class") or "").split()
        if "footnote-backref" in classes or "headerlink" in classes:
            link.drop_tree()  # the ↩ back to a footnote's mark, a heading's ¶: anchors of the site's page
            continue
        href = (link.get("href") or "").strip()
        url = addresses.link(href) if href and not href.startswith("#") else None
        if url is None:
            link.drop_tag()  # an anchor in the page, or nowhere to go: its text stays
            continue
        if urlsplit(url).hostname in WECHAT_HOSTS:
            link.attrib.clear()
            link.set("href", url)
            continue
        text = " ".join(link.text_content().split())
        shown = unquote(url.split(":", 1)[1]) if url.startswith(("mailto:", "tel:")) else unquote(url)
        if text in (url, shown):
            link.drop_tag()  # the address is its own text already
            continue
        note = notes.setdefault(url, Note(len(notes) + 1, text or shown, url))
        link.attrib.clear()
        link.tag = "span"
        link.set("class", "wx-linked")
        _add_after(link, _element("sup", "wx-mark", f"[{note.number}]"))
    return list(notes.values())


def _pictures(root: HtmlElement, addresses: Addresses, left_out: list[str]) -> list[str]:
    """Pictures by their absolute address; one alone in its paragraph becomes a figure captioned by its alt."""
    found = []
    for image in list(root.iter("img")):
        src = image.get("src") or ""
        url = addresses.picture(src) if src else None
        alt = " ".join((image.get("alt") or "").split())
        if url is None:
            left_out.append(src or alt or "?")
            image.drop_tree()
            continue
        width = image.get("width") or ""
        image.attrib.clear()
        image.set("src", url)
        image.set("alt", alt)
        if width.isdigit():
            image.set("style", f"width: {width}px")
        found.append(url)
        parent = image.getparent()
        alone = (
            parent is not None
            and parent.tag == "p"
            and len(parent) == 1
            and not (parent.text or "").strip()
            and not (image.tail or "").strip()
        )
        if alone:
            parent.tag = "figure"
            parent.attrib.clear()
            if alt:
                parent.append(_element("figcaption", None, alt))
    return found


def _media(root: HtmlElement, left_out: list[str]) -> None:
    """Players and frames (WeChat allows only its own): a line telling readers to watch on the site."""
    for player in [e for e in root.iter() if e.tag in MEDIA]:
        left_out.append(f"{MEDIA_NAME} {player.get('src') or ''}".strip())
        notice = _element("span", "wx-media", MEDIA_TEXT)
        notice.tail = player.tail
        player.getparent().replace(player, notice)


def _task_boxes(root: HtmlElement) -> None:
    """A task list's check boxes as the characters ☑ and ☐ (the editor keeps no form control)."""
    for box in list(root.iter("input")):
        mark = CHECKED_BOX if box.get("checked") is not None else EMPTY_BOX
        parent = box.getparent()
        previous = box.getprevious()
        text = mark + (box.tail or "").lstrip()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(box)


def _code_lines(root: HtmlElement) -> None:
    """Code blocks as plain lines joined by <br>, spaces made no-break: the editor folds white space."""
    for block in list(root.iter("pre")):
        lines = block.text_content().rstrip("\n").expandtabs(4).split("\n")
        code = _element("code", None, lines[0].replace(" ", NBSP))
        for line in lines[1:]:
            br = lxml_html.Element("br")
            br.tail = line.replace(" ", NBSP)
            code.append(br)
        tail = block.tail
        block.clear()
        block.append(code)
        block.tail = tail


def _scrolled_tables(root: HtmlElement) -> None:
    """Each table in a block of its own that scrolls sideways on a phone."""
    for table in list(root.iter("table")):
        wrapper = _element("section", "wx-table")
        wrapper.tail, table.tail = table.tail, None
        table.addprevious(wrapper)
        wrapper.append(table)


def _kept_elements(root: HtmlElement) -> None:
    """Every element one the editor keeps: others renamed, or unwrapped with their text kept."""
    for element in list(root.iter()):
        tag = element.tag
        if not isinstance(tag, str) or tag in KEPT_TAGS:
            continue
        if tag in DROPPED:
            element.drop_tree()
        elif tag in AS_SECTION:
            element.tag = "section"
        elif tag in AS_PARAGRAPH:
            element.tag = "p"
            if AS_PARAGRAPH[tag]:
                element.set("class", AS_PARAGRAPH[tag])
        elif tag in AS_SPAN:
            element.tag = "span"
        elif tag in AS_OTHER:
            element.tag = AS_OTHER[tag]
        else:
            element.drop_tag()


def _empty_paragraphs(root: HtmlElement) -> None:
    """Paragraphs left with nothing in them (a picture that could not come along)."""
    for paragraph in list(root.iter("p")):
        if len(paragraph) == 0 and not (paragraph.text or "").strip():
            paragraph.drop_tree()


def _notes_section(root: HtmlElement, notes: list[Note]) -> None:
    section = _element("section", "wx-notes")
    section.append(_element("p", "wx-notes-title", NOTES_TITLE))
    for note in notes:
        shown = unquote(note.url.split(":", 1)[1]) if note.url.startswith(("mailto:", "tel:")) else unquote(note.url)
        line = _element("p", "wx-note", f"[{note.number}] {note.text}：")
        line.append(_element("em", "wx-note-url", shown))
        section.append(line)
    root.append(section)


# --- styles --------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _stylesheet(colour: str) -> str:
    return STYLESHEET.read_text(encoding="utf-8").replace("var(--colour)", colour)


def _inline_styles(fragment: str, colour: str) -> str:
    """The stylesheet inlined into each element, then only what the editor keeps: no class, no id, no
    attribute but `style` and the few each element needs."""
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False)
    root = lxml_html.fragment_fromstring(inliner.inline_fragment(fragment, _stylesheet(colour)))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        align = (element.get("align") or "").lower()
        kept = KEPT_ATTRIBUTES.get(element.tag, set())
        for name in list(element.attrib):
            if name != "style" and name not in kept:
                del element.attrib[name]
        if align in _ALIGN:
            element.set("style", f"{element.get('style') or ''};text-align: {align}".lstrip(";"))
    # Comments and processing instructions (none are expected: the sanitizer strips comments).
    for other in [e for e in root.iter() if not isinstance(e.tag, str)]:
        other.drop_tree()
    return lxml_html.tostring(root, encoding="unicode")
