"""The member directory: one `load_members(path)` over a reader per format (XLSX, CSV, YAML).

Readers turn a file into header → value rows, keeping the row number the editor sees (the Excel row, the
CSV row as Excel shows it, the YAML line). One converter turns rows into `Member`s and reports every
problem of the roster at once, naming the file, sheet, row, column header and value.

Privacy: only the fields in PUBLIC_FIELDS are ever published, through `Member.public_fields()`; the mobile
is masked unless the member consented; everything else (e-mail, dates, dues, unknown columns such as ID
numbers or notes) is kept for internal use (the audit) and never reaches a site or a PDF. Visibility is
deny-by-default: a header about publishing or hiding that is not understood, or a yes/no cell that is not
clearly yes or no, is an error. Personal numbers typed into published cells are masked or removed here, once,
so a Member's published fields hold only what may be shown, on every page and in every PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chamberpress.content.chamber import DEFAULT_POSITIONS
from chamberpress.chinese import parse_date
from chamberpress.errors import Problems
from chamberpress.markup import web_url
from chamberpress.paths import resolve_inside
from chamberpress.content.personal import find_numbers, masked, scrub
from chamberpress.content.roster_headers import (
    HEADER_TO_FIELD,
    INVERSE,
    MOBILE_WORDS,
    ROSTER_NAMES,
    about_visibility,
    about_visibility_note,
    ignored_header,
    normal_header,
)
from chamberpress.content.schema import parse_bool
from chamberpress.content.sources import GB18030_READ, MAX_TEXT_BYTES, decode_text, editor_file
from chamberpress.i18n import N_, _

log = logging.getLogger(__name__)

MAX_ROSTER_BYTES = 50 * MAX_TEXT_BYTES
ROSTER_SHEET = "会员名录"
# Bounds on a workbook, checked before it is unpacked: far above what a real roster unpacks to, low enough that
# openpyxl is never kept busy for long (the figures behind them are in bench/RESULTS.md).
MAX_XLSX_ENTRIES = 2000
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
MAX_XLSX_RATIO = 50  # unpacked ÷ packed, for a part of more than MAX_XLSX_RATIO_FROM
MAX_XLSX_RATIO_FROM = 4 * 1024 * 1024
MAX_SHEET_CELLS = 1_000_000  # rows × columns of the sheet read
# A formula cell saved without a computed value: <f>…</f> (or <f …/>), then no <v> or an empty one, then </c>.
UNCOMPUTED = re.compile(
    rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)

TEXT_FIELDS = (
    "name",
    "contact",
    "position",
    "industry",
    "hometown",
    "address",
    "phone",
    "mobile",
    "email",
    "website",
    "intro",
    "logo",
)
DATE_FIELDS = ("joined", "dues_paid_until")
YES_NO_FIELDS = {"listed": True, "publish_mobile": False}  # field → the value of an empty cell
FORMULA_FIX = N_("open the file in Excel or WPS and save it, so that the value is computed; or type the value")

# What may be published, in display order, with the label readers see. The mobile is published masked
# (in full only with the member's consent); nothing outside this list is ever published.
PUBLIC_FIELDS = (
    "name",
    "position",
    "contact",
    "industry",
    "hometown",
    "address",
    "phone",
    "mobile",
    "website",
    "intro",
    "logo",
)
LABELS = {
    "name": "名称",
    "position": "职务",
    "contact": "联系人",
    "industry": "行业",
    "hometown": "籍贯",
    "address": "地址",
    "phone": "电话",
    "mobile": "手机",
    "website": "网址",
    "intro": "简介",
    "logo": "标志",
}


def mask_mobile(text: str) -> str:
    """Every number in the cell as 139****0001 (a leading +86 dropped), whatever joins its digits (spaces of
    any width, dashes, the minus sign: personal.find_numbers); an ID number typed there is left out; nothing
    else of the cell is kept."""
    shown = [masked(found.digits) for found in find_numbers(text) if found.kind == "mobile"]
    if shown:
        return " / ".join(shown)
    # No mobile recognised (a landline, a number cut short): still shown only in part.
    shown = []
    for token in re.findall(r"\+?\d[\d -]{5,}\d", unicodedata.normalize("NFKC", text)):
        digits = re.sub(r"\D", "", token)
        if find_numbers(digits):  # an ID number: never shown, not even in part
            continue
        shown.append(digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****")
    return " / ".join(shown)


@dataclass
class Member:
    """One roster row. Read published values through `public_fields()`; the rest is for internal use."""

    name: str
    row: int  # the row number the editor sees (Excel row, CSV row, YAML line)
    contact: str = ""
    position: str = ""  # one of the chamber's positions, or "" (an ordinary member)
    industry: str = ""
    hometown: str = ""
    address: str = ""
    phone: str = ""
    mobile: str = ""  # private in full: publish `public_mobile`
    email: str = ""  # never published
    website: str = ""  # http(s) only; anything else was dropped while loading
    intro: str = ""
    logo: str = ""  # a path inside the chamber folder, checked while loading
    joined: dt.date | None = None
    dues_paid_until: dt.date | None = None
    listed: bool = True
    publish_mobile: bool = False
    rank: int = 0  # index of `position` in the chamber's positions; ordinary members last
    private: dict[str, str] = field(default_factory=dict)  # unknown columns: never published

    @property
    def public_mobile(self) -> str:
        """The mobile as it may be shown: in full with consent, else masked as 139****0001."""
        if not self.mobile:
            return ""
        return self.mobile if self.publish_mobile else mask_mobile(self.mobile)

    def public_fields(self) -> dict[str, str]:
        """Every published field that has a value, in display order (keys from PUBLIC_FIELDS; see LABELS).

        An unlisted member has none: callers should not list them at all, and this is a second lock.
        """
        if not self.listed:
            return {}
        values = {f: (self.public_mobile if f == "mobile" else getattr(self, f)) for f in PUBLIC_FIELDS}
        return {f: v for f, v in values.items() if v}


@dataclass
class Roster:
    path: Path
    sheet: str | None
    members: list[Member]
    positions: list[str] = field(default_factory=lambda: list(DEFAULT_POSITIONS))

    @property
    def listed(self) -> list[Member]:
        return [m for m in self.members if m.listed]


# --- readers: a file → header row and data rows ------------------------------------------------------------


@dataclass
class RawRow:
    row: int
    cells: dict[str, Any]  # header (as written) → value
    lines: dict[str, int] | None = None  # YAML: header → line of that key


@dataclass
class Table:
    sheet: str | None
    header_row: int | None
    rows: list[RawRow]
    headers: list[str] | None = None  # tabular formats; YAML rows carry their own keys


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its computed value (a file written by a program, not by Excel or WPS)."""

    text: str


def _cell_text(value: Any) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _is_header(cells: list[Any]) -> bool:
    return any(HEADER_TO_FIELD.get(normal_header(c)) == "name" for c in cells if c is not None)


def _table(path: Path, sheet: str | None, grid: list[tuple[int, list[Any]]], problems: Problems) -> Table:
    """Find the header row below any title rows; every later non-empty row is a member."""
    header: list[str] | None = None
    header_row = None
    rows: list[RawRow] = []
    for row_no, cells in grid:
        if header is None:
            if _is_header(cells):
                header, header_row = [_cell_text(c) for c in cells], row_no
                read = [h if h and not ignored_header(h) else None for h in header]  # the columns read
            continue
        named = {h: v for h, v in zip(read, cells) if h is not None}
        if any(_cell_text(v) for v in named.values()):  # rows holding only a 序号 are template leftovers
            rows.append(RawRow(row_no, named))
    where = f"sheet {sheet}" if sheet else None
    if header is None:
        problems.error(
            path,
            _("no header row found"),
            field=where,
            expected=_("a row with 名称 (or 企业名称, name …) above the members, then 联系人, 职务 …"),
        )
        return Table(sheet, None, [], [])
    named_headers = [h for h in header if h and not ignored_header(h)]
    for name in sorted({h for h in named_headers if named_headers.count(h) > 1}):
        problems.error(
            path,
            _("two columns are headed {name}").format(name=name),
            line=header_row,
            field=where,
            expected=_("give every column its own header"),
        )
    return Table(sheet, header_row, rows, named_headers)


def _zip_problem(path: Path) -> str | None:
    """Why the workbook must not be unpacked (a zip bomb: small on disk, huge inside), from the sizes its
    directory declares (Python's zipfile never unpacks more than that); None if it may be."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip at all: openpyxl says so below
    if len(entries) > MAX_XLSX_ENTRIES:
        return _("the workbook holds {count} parts (at most {limit})").format(
            count=len(entries), limit=MAX_XLSX_ENTRIES
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_XLSX_UNPACKED:
        return _("the workbook unpacks to {size} MB (at most {limit} MB)").format(
            size=unpacked // 1048576, limit=MAX_XLSX_UNPACKED // 1048576
        )
    for entry in entries:
        if entry.file_size > MAX_XLSX_RATIO_FROM and entry.file_size > MAX_XLSX_RATIO * max(entry.compress_size, 1):
            return _("the workbook's part {part} unpacks {ratio} times its packed size (at most {limit})").format(
                part=entry.filename, ratio=entry.file_size // max(entry.compress_size, 1), limit=MAX_XLSX_RATIO
            )
    return None


def _uncomputed(path: Path, sheet: str) -> dict[tuple[int, int], Formula]:
    """(row, column) → formula of every formula cell of `sheet` (whose computed value, as data_only reads it,
    is None where none was saved); read only when some sheet has a formula without a value."""
    with zipfile.ZipFile(path) as archive:
        if not any(
            UNCOMPUTED.search(archive.read(e)) for e in archive.infolist() if e.filename.startswith("xl/worksheets/")
        ):
            return {}
    import openpyxl

    cells = openpyxl.load_workbook(path, data_only=False)[sheet].iter_rows()
    return {
        (c.row, c.column): Formula(str(getattr(c.value, "text", c.value)))
        for row in cells
        for c in row
        if c.data_type == "f"
    }


def _read_xlsx(path: Path, problems: Problems) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    refused = _zip_problem(path)
    if refused:
        problems.error(
            path,
            _("the workbook is refused: {refused}").format(refused=refused),
            expected=_("save the roster again from Excel or WPS; it may be damaged or not a roster"),
        )
        return Table(None, None, [])
    try:
        # Not read-only: merged ranges are only known in the full mode.
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        problems.error(
            path,
            _("cannot open the workbook ({kind})").format(kind=exc.__class__.__name__),
            expected=_("an .xlsx file saved by Excel or WPS"),
        )
        return Table(None, None, [])
    # A hidden sheet is never read (a leftover 数据 sheet must not replace the roster the editor sees).
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if not visible:
        problems.error(
            path,
            _("every sheet of the workbook is hidden"),
            expected=_("show the sheet {sheet}").format(sheet=ROSTER_SHEET),
        )
        return Table(None, None, [])
    sheet = next((ws for ws in visible if ws.title == ROSTER_SHEET), visible[0])
    others = [
        ws.title + ("" if ws.sheet_state == "visible" else " (hidden)") for ws in book.worksheets if ws is not sheet
    ]
    if others:
        problems.warning(
            path,
            _("only the sheet {title} is read; not read: {others}").format(title=sheet.title, others=", ".join(others)),
            expected=_(
                "keep the roster in one sheet (named {sheet}); mark members that must not be published 公开 否 there"
            ).format(sheet=ROSTER_SHEET),
        )
    if sheet.max_row * sheet.max_column > MAX_SHEET_CELLS:
        problems.error(
            path,
            _(
                "the sheet reaches row {max_row} and column {max_column}, too many cells to read (at most {limit:,})"
            ).format(max_row=sheet.max_row, max_column=sheet.max_column, limit=MAX_SHEET_CELLS),
            field=_("sheet {title}").format(title=sheet.title),
            expected=_("delete the empty rows and columns below and right of the roster"),
        )
        return Table(sheet.title, None, [])
    grid = [(row_no, list(values)) for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    for (r, c), formula in _uncomputed(path, sheet.title).items():
        if grid[r - 1][1][c - 1] is None:
            grid[r - 1][1][c - 1] = formula
    # A merged range shows its value in every cell it covers (e.g. one 行业 cell spanning several rows).
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            cells = grid[r - 1][1]
            for c in range(merged.min_col, merged.max_col + 1):
                cells[c - 1] = value
    table = _table(path, sheet.title, grid, problems)
    # A row hidden in Excel is not a row left out: the member would be published. Deny by default.
    hidden = {r for r, dim in sheet.row_dimensions.items() if dim.hidden}
    for raw in table.rows:
        if raw.row in hidden:
            problems.error(
                path,
                _("this row is hidden in Excel"),
                line=raw.row,
                field=_("sheet {title}").format(title=sheet.title),
                expected=_("show the row; mark 公开 否 for a member who must not be published, or delete the row"),
            )
    table.rows = [raw for raw in table.rows if raw.row not in hidden]
    return table


def _read_csv(path: Path, problems: Problems) -> Table:
    data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        problems.error(
            path,
            _("this is an Excel workbook saved under a .csv name"),
            expected=_("rename it members.xlsx, or save as CSV from Excel"),
        )
        return Table(None, None, [])
    decoded = decode_text(data)
    if decoded is None or "\x00" in decoded[0]:
        problems.error(
            path, _("the text encoding is not recognised"), expected=_("save from Excel as CSV UTF-8 or CSV (逗号分隔)")
        )
        return Table(None, None, [])
    text, encoding = decoded
    if encoding == "gb18030":
        problems.warning(path, _(GB18030_READ), expected=_("save from Excel as CSV UTF-8 (逗号分隔)"))
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    grid: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row_no, cells in enumerate(reader, start=1):
            grid.append((row_no, cells))
    except csv.Error as exc:
        # csv refuses a cell over its field limit (131,072 characters): no roster cell is that long.
        too_long = "field limit" in str(exc)
        problems.error(
            path,
            _("a cell holds more than {limit:,} characters").format(limit=csv.field_size_limit())
            if too_long
            else _("the row cannot be read as CSV ({problem})").format(problem=exc),
            line=len(grid) + 1,
            expected=_("shorten the cell; a long text belongs in a page, not the roster")
            if too_long
            else _("save from Excel as CSV UTF-8 or CSV (逗号分隔)"),
        )
        return Table(None, None, [])
    return _table(path, None, grid, problems)


def _read_yaml(path: Path, problems: Problems) -> Table:
    from chamberpress.content.sources import load_yaml

    doc = load_yaml(path, problems)
    if doc is None:
        return Table(None, None, [])
    data = doc.data.get("members") if isinstance(doc.data, dict) and "members" in doc.data else doc.data
    prefix: tuple = ("members",) if data is not doc.data else ()
    if not isinstance(data, list):
        problems.error(path, _("expected a list of members, each item starting with '- 名称:' (or '- name:')"), line=1)
        return Table(None, None, [])
    rows = []
    for index, item in enumerate(data):
        line = doc.line(*prefix, index) or index + 1
        if not isinstance(item, dict):
            problems.error(path, _("expected a member's keys and values (名称: …, 职务: …)"), line=line)
            continue
        cells = {str(k): v for k, v in item.items() if not ignored_header(k)}
        lines = {str(k): doc.line(*prefix, index, k) or line for k in item}
        # A value is one cell: a list or a set of keys (会员信息: {公开: 否}) may hide a visibility column.
        nested = [k for k, v in cells.items() if isinstance(v, (dict, list))]
        for key in nested:
            problems.error(
                path,
                _("expected one value (text, a number, a date, 是/否), found a list or a set of keys"),
                line=lines[key],
                field=key,
                expected=_("write every key on its own line under the member"),
            )
        if not nested:
            rows.append(RawRow(line, cells, lines))
    return Table(None, None, rows)


READERS = {".xlsx": _read_xlsx, ".csv": _read_csv, ".yml": _read_yaml, ".yaml": _read_yaml}


# --- rows → members --------------------------------------------------------------------------------------


@dataclass
class _RowContext:
    path: Path
    sheet: str | None
    raw: RawRow
    columns: dict[str, str]  # field → header as written
    inverted: set[str]  # yes/no fields whose column says the opposite (隐藏 for listed)
    problems: Problems
    ok: bool = True

    def where(self, fname: str) -> tuple[int, str]:
        header = self.columns.get(fname, fname)
        line = (self.raw.lines or {}).get(header, self.raw.row)
        place = _("column {header}").format(header=header) if self.raw.lines is None else header
        return line, (_("sheet {title}").format(title=self.sheet) + ", " if self.sheet else "") + place

    def error(self, fname: str, message: str, expected: str | None = None) -> None:
        self.ok = False
        line, where = self.where(fname)
        self.problems.error(self.path, message, line=line, field=where, expected=expected)

    def warning(self, fname: str, message: str, expected: str | None = None) -> None:
        line, where = self.where(fname)
        self.problems.warning(self.path, message, line=line, field=where, expected=expected)


def _columns(headers: list[str], report: Any) -> tuple[dict[str, str], set[str]]:
    """field → header as written, and the fields read inverted (隐藏 → listed). Problems go to
    `report(message, expected, header)`: two headers meaning one field, and a header about visibility that is
    not understood (a member must never be published because a column was not recognised)."""
    columns: dict[str, str] = {}
    inverted: set[str] = set()
    for header in headers:
        fname = HEADER_TO_FIELD.get(normal_header(header))
        if not fname:
            if about_visibility(header):
                report(*_not_understood(header), header)
            continue
        if fname in PUBLIC_FIELDS and about_visibility_note(header):
            report(
                _(
                    "this column is read as {field}, which is always published, but its note speaks of publishing or hiding"
                ).format(field=fname),
                _("remove the note, and leave the value out where it must not be published"),
                header,
            )
            continue
        target = INVERSE.get(fname, fname)
        if target in columns:
            report(
                _("columns {first} and {second} both mean {field}").format(
                    first=columns[target], second=header, field=target
                ),
                _("keep one of them"),
                None,
            )
            continue
        columns[target] = header
        if fname in INVERSE:
            inverted.add(target)
    return columns, inverted


def _not_understood(header: str) -> tuple[str, str]:
    text = normal_header(header, notes=True)
    if any(word in text for word in MOBILE_WORDS):
        return (
            _("this column seems to decide whether the mobile is published, but it is not understood"),
            _("name it 公开手机 (是: the mobile is shown in full) or 手机保密 (是: it stays masked)"),
        )
    return (
        _("this column seems to decide whether members are published, but it is not understood"),
        _(
            "name it 公开 (否: the member is not published) or 隐藏 (是: not published); or rename it if it is about something else"
        ),
    )


def _date(value: Any, excel: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if excel and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date typed into a cell formatted as a number: Excel's serial day count.
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    return parse_date(_cell_text(value))


def _website(text: str) -> str | None:
    """An http(s) address, rebuilt from its parts (markup.web_url); a bare domain (www.example.cn) is read as http://; anything else is None."""
    if re.fullmatch(r"(?i)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?", text):
        text = "http://" + text
    return web_url(text)


def _closest(value: str, allowed: list[str]) -> str | None:
    """The likeliest intended value; one of the same length wins a tie (付会长 → 副会长, not 会长)."""

    def score(candidate: str) -> float:
        same_length = 0.2 if len(candidate) == len(value) else 0.0
        return difflib.SequenceMatcher(None, value, candidate).ratio() + same_length

    best = max(allowed, key=score, default=None)
    return best if best is not None and score(best) >= 0.6 else None


def _member(raw: RawRow, ctx: _RowContext, positions: list[str], folder: Path, excel: bool) -> Member:
    """The member of one row; its problems go to `ctx` (`ctx.ok` is False if any is an error)."""
    values = {f: raw.cells[h] for f, h in ctx.columns.items() if h in raw.cells}
    private = {
        str(h): _cell_text(v) for h, v in raw.cells.items() if h and h not in ctx.columns.values() and _cell_text(v)
    }
    for fname, value in values.items():
        if isinstance(value, Formula) and fname not in YES_NO_FIELDS:
            ctx.warning(
                fname,
                _("the formula {text} has no computed value; the cell is read as empty").format(text=value.text),
                _(FORMULA_FIX),
            )
    member = Member(name=" ".join(_cell_text(values.get("name")).split()), row=raw.row, private=private)
    if not member.name:
        ctx.error("name", _("the member's name is empty"), _("every member needs 名称 (the company or person)"))
    for fname in TEXT_FIELDS[1:]:
        text = _cell_text(values.get(fname))
        # Line breaks typed into a cell (Alt+Enter) only matter in the intro.
        setattr(member, fname, text if fname == "intro" else " ".join(text.split()))

    # Spaces do not count (会 长 is 会长), on either side; the member gets chamber.yml's spelling.
    spelled = {re.sub(r"\s+", "", p): p for p in positions}
    member.position = re.sub(r"\s+", "", member.position)
    member.position = spelled.get(member.position, member.position)
    if member.position and member.position not in positions:
        close = _closest(member.position, positions)
        hint = _("did you mean {close!r}? ").format(close=close) if close else ""
        ctx.error(
            "position",
            _("{position!r} is not a position").format(position=member.position),
            _("{hint}allowed: {positions}; or list it under positions: in chamber.yml").format(
                hint=hint, positions=", ".join(positions)
            ),
        )
    member.rank = positions.index(member.position) if member.position in positions else len(positions)

    for fname in DATE_FIELDS:
        value = values.get(fname)
        if value is None or _cell_text(value) == "":
            continue
        try:
            setattr(member, fname, _date(value, excel))
        except ValueError:
            ctx.error(
                fname,
                _("{value!r} is not a date").format(value=_cell_text(value)),
                _("a date such as 2026-03-10, 2026/3/10, 2026.3.10 or 2026年3月10日"),
            )
    for fname, default in YES_NO_FIELDS.items():
        value = values.get(fname)
        if isinstance(value, Formula):  # unknown, so neither yes nor the default
            ctx.error(fname, _("the formula {text} has no computed value").format(text=value.text), _(FORMULA_FIX))
            continue
        text = unicodedata.normalize("NFKC", _cell_text(value))
        if text == "":
            setattr(member, fname, default)
            continue
        try:
            setattr(member, fname, parse_bool(text) != (fname in ctx.inverted))
        except ValueError:
            ctx.error(fname, _("{text!r} is not yes or no").format(text=text), _("是/否, Y/N, yes/no, true/false, 1/0"))
    _remove_personal_numbers(member, ctx)

    if member.website:
        url = _website(member.website)
        if url is None:
            ctx.warning(
                "website",
                _("{website!r} is not a web address; the link is left out").format(website=member.website),
                _("an address starting with http:// or https://"),
            )
        member.website = url or ""
    if member.logo:
        from chamberpress.content.published import image_problem  # published.py reads the roster's headers from here

        found = resolve_inside(folder, member.logo, folder)
        why = _("is not an image inside the chamber folder") if found is None else image_problem(found)
        if why:
            ctx.warning(
                "logo",
                _("{logo!r} {why}; it is left out").format(logo=member.logo, why=why),
                _("a picture (PNG, JPEG) or SVG drawing, e.g. assets/members/logo.png"),
            )
            member.logo = ""
        else:
            member.logo = found.relative_to(folder.resolve()).as_posix()
    return member


def _remove_personal_numbers(member: Member, ctx: _RowContext) -> None:
    """Mask mobiles (unless the member consented) and remove ID numbers and e-mail addresses in every published
    cell, so that no
    page, list, search entry or PDF can show them; warnings only for listed members (the rest is unpublished).
    The 手机 cell keeps its mobiles here: `public_mobile` masks it as a whole."""
    for fname in PUBLIC_FIELDS:
        link = fname in ("website", "logo")  # a masked address or path would lead elsewhere
        # logo@2x.png is a file name: an e-mail address in a link cell is refused as a link anyway.
        text, found = scrub(
            getattr(member, fname), keep_mobiles=member.publish_mobile or fname == "mobile", emails=not link
        )
        if not found:
            continue
        setattr(member, fname, "" if link else text if fname == "intro" else " ".join(text.split()))
        if not member.listed:
            continue
        mobiles = [masked(f.digits) for f in found if f.kind == "mobile"]
        if link:
            ctx.warning(fname, _("holds a mobile or ID-card number; it is left out"), _("remove the number"))
        elif mobiles:
            ctx.warning(
                fname,
                _("a mobile number is published masked ({numbers})").format(numbers=", ".join(mobiles)),
                _("shown in full only if the member consents: 公开手机 是"),
            )
        if any(f.kind == "id" for f in found) and not link:
            ctx.warning(fname, _("an ID-card number is left out"), _("ID-card numbers are never published; remove it"))
        if any(f.kind == "email" for f in found):
            ctx.warning(
                fname,
                _("an e-mail address is left out"),
                _("e-mail addresses are never published; keep them in the 邮箱 column"),
            )


def load_members(path: Path, problems: Problems | None = None, positions: list[str] | None = None) -> Roster:
    """Read a roster in any of the three formats, reporting every problem of every row.

    Without a `problems` collector, a ContentError listing them all is raised.
    """
    # Without a collector, paths in messages read from the content folder's parent: content/<slug>/members.*
    collector = problems if problems is not None else Problems(path.resolve().parent.parent.parent)
    positions = list(positions or DEFAULT_POSITIONS)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        collector.error(path, _("not a roster format"), expected=_("members.xlsx, members.csv or members.yml"))
        table = Table(None, None, [])
    elif path.stat().st_size > MAX_ROSTER_BYTES:
        collector.error(
            path,
            _("the roster file is too large"),
            expected=_("at most {value} MB").format(value=MAX_ROSTER_BYTES // 1048576),
        )
        table = Table(None, None, [])
    else:
        table = reader(path, collector)

    folder = path.parent
    excel = path.suffix.lower() == ".xlsx"
    members: list[Member] = []
    seen: dict[str, int] = {}
    header_columns: tuple[dict[str, str], set[str]] | None = None
    header_errors = 0
    if table.headers is not None:
        # Tabular formats share one header: check it once, at the header row.
        def header_problem(message: str, expected: str, header: str | None) -> None:
            nonlocal header_errors
            header_errors += 1
            where = [_("sheet {title}").format(title=table.sheet)] if table.sheet else []
            where += [_("column {header}").format(header=header)] if header is not None else []
            collector.error(path, message, line=table.header_row, field=", ".join(where) or None, expected=expected)

        header_columns = _columns(table.headers, header_problem)
    for raw in table.rows:
        key_errors: list[str] = []
        if header_columns is not None:
            columns, inverted = header_columns
        else:

            def key_problem(message: str, expected: str, header: str | None, raw: RawRow = raw) -> None:
                key_errors.append(message)
                line = (raw.lines or {}).get(header, raw.row) if header is not None else raw.row
                collector.error(path, message, line=line, field=header, expected=expected)

            columns, inverted = _columns(list(raw.cells), key_problem)
        ctx = _RowContext(path, table.sheet, raw, columns, inverted, collector)
        ctx.ok = not (header_errors or key_errors)  # a column not understood: no member is trusted
        member = _member(raw, ctx, positions, folder, excel)
        if member.name in seen:
            ctx.error(
                "name",
                _("{name!r} is listed twice (also row {seen})").format(name=member.name, seen=seen[member.name]),
                _("one row per member"),
            )
        elif member.name:
            seen[member.name] = raw.row
        if ctx.ok:
            members.append(member)
    if problems is None:
        collector.raise_if_errors()
    return Roster(path, table.sheet, members, positions)


def find_roster(folder: Path, problems: Problems) -> Path | None:
    found = [path for n in ROSTER_NAMES if (path := editor_file(folder, n, problems)) is not None]
    if len(found) > 1:
        problems.error(
            found[1],
            _("more than one member roster"),
            expected=_("keep exactly one of {names}").format(names=", ".join(ROSTER_NAMES)),
        )
    old = folder / "members.xls"
    if not found and old.is_file():
        problems.error(
            old, _("the old Excel format .xls is not read"), expected=_("save it as members.xlsx (Excel 工作簿)")
        )
    return found[0] if found else None
