"""Reading the files editors write: text in any encoding Excel or Notepad saves, YAML with line numbers.

Nothing here writes; every problem goes to a `Problems` collector so that a whole chamber is checked at once.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chamberpress.errors import Problems
from chamberpress.content.markdown_limits import check_markdown
from chamberpress.paths import is_inside, real_path, record_read
from chamberpress.yaml_loaders import EditorLoader, FastEditorLoader
from chamberpress.i18n import N_, _

# A post or page larger than this is almost certainly a mistake (a pasted file, a binary); refuse it clearly.
MAX_TEXT_BYTES = 2 * 1024 * 1024

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


# What PyYAML says of the mistakes editors make most, as it says it: translated where reported.
YAML_PROBLEMS = (
    N_("mapping values are not allowed here"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("found unexpected end of stream"),
)
LINK_OUT = N_("is a link to a place outside the chamber folder")
LINK_OUT_FIX = N_("copy the file into the chamber folder instead of linking to it")


def is_ignored_name(name: str) -> bool:
    """Hidden files and folders (.draft.md, .git) and what editors leave beside a file they have open
    (~$x.md, x.md~, #x.md#, .#x.md): never read as content, never published."""
    return name.startswith((".", "~$", "#")) or name.endswith("~")


def editor_file(folder: Path, rel: str, problems: Problems) -> Path | None:
    """`folder/rel` if it is a file; a link (of the file or a folder on its way) that leads out of the
    chamber's `folder` is an error naming it, and the file is not read."""
    path = folder / rel
    if not (path.is_file() or path.is_symlink()):
        return None
    if not is_inside(path, folder):
        problems.error(path, _(LINK_OUT), expected=_(LINK_OUT_FIX))
        return None
    return path if path.is_file() else None


def editor_files(
    folder: Path, under: str, problems: Problems, suffixes: tuple[str, ...] | None = None, *, recursive: bool = True
) -> list[Path]:
    """The files below `folder/under` whose name ends with one of `suffixes` (any case; None: every file),
    sorted. The one place content files are found: hidden and editor lock files are left out; a link that
    leads out of the chamber's `folder` is an error naming it (its target is not read); links inside the
    chamber are followed (each folder once)."""
    found: list[Path] = []
    seen: set[Path] = set()

    def visit(directory: Path) -> None:
        if real_path(directory) in seen:
            return
        seen.add(real_path(directory))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            if is_ignored_name(entry.name):
                continue
            is_dir = entry.is_dir()
            wanted = is_dir or suffixes is None or entry.name.lower().endswith(suffixes)
            if not wanted or (is_dir and not recursive):
                continue
            if entry.is_symlink() and not is_inside(path, folder):
                problems.error(path, _(LINK_OUT), expected=_(LINK_OUT_FIX))
            elif is_dir:
                visit(path)
            elif entry.is_file():
                found.append(path)

    top = folder / under
    if top.is_dir():
        if is_inside(top, folder):
            visit(top)
        else:
            problems.error(top, _(LINK_OUT), expected=_(LINK_OUT_FIX))
    return sorted(found)


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text: UTF-8 (with or without BOM) or GB18030 as saved on Chinese Windows; None if unreadable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.error(path, _("cannot read the file: {strerror}").format(strerror=exc.strerror))
        return None
    if size > MAX_TEXT_BYTES:
        problems.error(
            path,
            _("the file is {size:.1f} MB, larger than the limit").format(size=size / 1048576),
            expected=_("at most {value} MB of text; put large files in assets/").format(
                value=MAX_TEXT_BYTES // 1048576
            ),
        )
        return None
    data = path.read_bytes()
    record_read(path, data)
    if b"\x00" in data:
        problems.error(
            path,
            _("this is not a text file (it contains binary data)"),
            expected=_("a Markdown or YAML file saved as UTF-8 text"),
        )
        return None
    decoded = decode_text(data)
    if decoded is None:
        problems.error(path, _("the text encoding is not recognised"), expected=_(SAVE_AS_UTF8))
        return None
    text, encoding = decoded
    if encoding == "gb18030":
        problems.warning(path, _(GB18030_READ), expected=_(SAVE_AS_UTF8))
    return text.replace("\r\n", "\n").replace("\r", "\n")


SAVE_AS_UTF8 = N_("save the file as UTF-8: in Notepad, File > Save As, Encoding UTF-8")
GB18030_READ = N_("the file is saved in the older Chinese Windows encoding (GB18030/GBK); it was read as such")


def decode_text(data: bytes) -> tuple[str, str] | None:
    """The text of a file as editors' programs save it, and the encoding it was in: UTF-8 with or without a
    byte-order mark (Notepad, Excel's "CSV UTF-8"), UTF-16 with its mark (Notepad's and Excel's "Unicode"),
    else GB18030 — the superset of GBK and GB2312 that older Notepad and Excel save on Chinese Windows —
    when the bytes are not UTF-8 and decode as GB18030 cleanly; None when neither fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # GB18030 maps almost any bytes to something; user-defined characters (private use) are a sign that
    # these bytes were never Chinese text.
    if PRIVATE_USE.search(text):
        return None
    return text, "gb18030"


PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass
class YamlDoc:
    """Parsed YAML with the line of every mapping key and list item, by path: ("plan", 0, "date")."""

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    line_offset: int = 0

    def line(self, *path: Any) -> int | None:
        """The line of the deepest part of the path that is known."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found + self.line_offset
        return None


def _record_lines(node: yaml.Node, path: tuple, lines: dict[tuple, int], twice: list[tuple[tuple, int, int]]) -> None:
    """Note the line of every key and item below `node`; a key given twice in one mapping goes to `twice`
    as (its path, first line, second line): YAML readers keep the last silently."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and sub in lines:
                twice.append((sub, lines[sub], line))
            lines[sub] = line
            _record_lines(value, sub, lines, twice)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            sub = path + (index,)
            lines[sub] = item.start_mark.line + 1
            _record_lines(item, sub, lines, twice)


def _read_lines(node: yaml.Node | None, data: Any, path: Path, problems: Problems, line_offset: int) -> YamlDoc:
    """The document with its lines; each key given twice in one mapping is an error naming both lines."""
    lines: dict[tuple, int] = {}
    twice: list[tuple[tuple, int, int]] = []
    if node is not None:
        _record_lines(node, (), lines, twice)
    for at, first, second in twice:
        problems.error(
            path,
            _("the key {at!r} is given twice, on lines {value} and {value2}").format(
                at=at[-1], value=first + line_offset, value2=second + line_offset
            ),
            line=second + line_offset,
            field=".".join(str(part) for part in at),
            expected=_("keep one of them: YAML would silently use the last"),
        )
    return YamlDoc(data, lines, line_offset)


def parse_yaml(text: str, path: Path, problems: Problems, *, line_offset: int = 0) -> YamlDoc | None:
    """Parse YAML text; a syntax error is reported with its line and a hint editors understand."""
    fast = FastEditorLoader(text)  # errors are told by the pure-Python loader: its messages are clearer
    try:
        node = fast.get_single_node()
        data = fast.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        pass
    else:
        return _read_lines(node, data, path, problems, line_offset)
    finally:
        fast.dispose()
    loader = EditorLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        hint = _("check the indentation and the colon after each key")
        if "\t" in problem or "'\\t'" in problem:
            problem, hint = _("a tab character is not allowed in YAML"), _("indent with spaces")
        problem = _(problem)  # PyYAML's words: the usual ones are in the catalogue (YAML_PROBLEMS)
        problems.error(path, _("YAML syntax error: {problem}").format(problem=problem), line=line, expected=hint)
        return None
    finally:
        loader.dispose()
    return _read_lines(node, data, path, problems, line_offset)


def load_yaml(path: Path, problems: Problems) -> YamlDoc | None:
    text = read_text(path, problems)
    if text is None:
        return None
    return parse_yaml(text, path, problems)


@dataclass
class MarkdownSource:
    """A Markdown file split into its front matter and body; `body_line` is the file line of the body's first."""

    path: Path
    meta: YamlDoc
    body: str
    body_line: int


COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"


def without_comments(text: str) -> str:
    """Markdown without its HTML comments (`<!-- … -->`, one left open hides the rest): they are the editor's
    notes, never text to publish. Their line breaks stay, so that later lines keep their numbers. A find loop,
    not a regex: linear however many openers a text holds."""
    start = text.find(COMMENT_OPEN)
    if start < 0:
        return text
    parts, last = [], 0
    while start >= 0:
        end = text.find(COMMENT_CLOSE, start + len(COMMENT_OPEN))
        stop = len(text) if end < 0 else end + len(COMMENT_CLOSE)
        parts += [text[last:start], "\n" * text.count("\n", start, stop)]
        last = stop
        start = text.find(COMMENT_OPEN, last)
    parts.append(text[last:])
    return "".join(parts)


def load_markdown(path: Path, problems: Problems, *, require_meta: bool = True) -> MarkdownSource | None:
    """A post, page or charter: front matter and body, the body without HTML comments."""
    text = read_text(path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.error(path, _("the file is empty"), expected=_("front matter between --- lines, then the text"))
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        if require_meta:
            problems.error(
                path,
                _("no front matter"),
                line=1,
                expected=_("the file starts with ---, then title: and date:, then ---"),
            )
            return None
        body = without_comments(text)
        check_markdown(body, path, problems)
        return MarkdownSource(path, YamlDoc({}), body, 1)
    meta = parse_yaml(match.group(1) or "", path, problems, line_offset=1)
    if meta is None:
        return None
    if meta.data is None:
        meta.data = {}
    if not isinstance(meta.data, dict):
        problems.error(path, _("front matter must be keys and values"), line=2, expected=_("key: value lines"))
        return None
    body_line = text.count("\n", 0, match.end()) + 1
    body = without_comments(text[match.end() :])  # the editor's notes: never read, never published
    check_markdown(body, path, problems, line_offset=body_line)
    return MarkdownSource(path, meta, body, body_line)
