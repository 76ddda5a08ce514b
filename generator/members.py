"""The member directory: one `load_members(path)` over a reader per format (XLSX, CSV, YAML).

Only the fields in PUBLIC_FIELDS are ever published; the mobile is masked unless the member consented;
every other column is kept in `private` for internal use (the audit) and never reaches a site or a PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .chinese import parse_date
from .errors import Problems
from .schema import parse_bool
from .sources import MAX_TEXT_BYTES

ROSTER_NAMES = ("members.xlsx", "members.csv", "members.yml")

# Canonical field → header names editors use (Chinese and English, lower-cased for English).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "企业名称", "单位名称", "会员名称", "公司名称", "name", "company"),
    "contact": ("联系人", "姓名", "负责人", "contact"),
    "position": ("职务", "商会职务", "会内职务", "position"),
    "industry": ("行业", "所属行业", "industry"),
    "hometown": ("籍贯", "家乡", "hometown"),
    "address": ("地址", "企业地址", "单位地址", "address"),
    "phone": ("电话", "办公电话", "联系电话", "phone"),
    "mobile": ("手机", "手机号", "手机号码", "mobile"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "website": ("网址", "网站", "主页", "website"),
    "joined": ("入会日期", "入会时间", "joined"),
    "dues_paid_until": ("会费缴至", "dues_paid_until"),
    "intro": ("简介", "企业简介", "intro"),
    "logo": ("标志", "logo"),
    "listed": ("公开", "是否公开", "listed"),
    "publish_mobile": ("公开手机", "手机公开", "publish_mobile"),
}
IGNORED_HEADERS = {"序号", "no", "no.", "#"}
HEADER_TO_FIELD = {h: f for f, names in HEADERS.items() for h in names}

# Published as they are; the mobile is published masked (or in full with consent); nothing else ever.
PUBLIC_FIELDS = ("name", "contact", "position", "industry", "hometown", "address", "phone", "website",
                 "intro", "logo")


@dataclass
class Member:
    name: str
    row: int                      # the row number the editor sees (Excel row, CSV line, YAML item)
    contact: str = ""
    position: str = ""
    industry: str = ""
    hometown: str = ""
    address: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    website: str = ""
    intro: str = ""
    logo: str = ""
    joined: dt.date | None = None
    dues_paid_until: dt.date | None = None
    listed: bool = True
    publish_mobile: bool = False
    private: dict[str, str] = field(default_factory=dict)   # unknown columns: never published

    @property
    def public_mobile(self) -> str:
        """The mobile as it may be shown: in full with consent, else masked as 139****0001."""
        if not self.mobile:
            return ""
        if self.publish_mobile:
            return self.mobile
        digits = re.sub(r"\D", "", self.mobile)
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


@dataclass
class RawRow:
    row: int
    cells: dict[str, Any]   # header (as written) → value


@dataclass
class Roster:
    path: Path
    sheet: str | None
    members: list[Member]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(value).strip()


def _read_csv(path: Path, problems: Problems) -> Iterator[RawRow]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.error(path, "the text encoding is not recognised", expected="save as CSV UTF-8 or CSV (GB18030)")
        return
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    for line_no, cells in enumerate(reader, start=1):
        if header is None:
            if _looks_like_header(cells):
                header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        yield RawRow(line_no, dict(zip(header, cells)))
    if header is None:
        problems.error(path, "no header row found", expected="a row with 名称 (or name) and the other column names")


def _looks_like_header(cells: list[Any]) -> bool:
    names = {str(c).strip().lower() for c in cells if c is not None}
    return any(h in names for h in HEADERS["name"])


def _read_xlsx(path: Path, problems: Problems) -> tuple[str | None, list[RawRow]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problems.error(path, f"cannot open the workbook: {exc}", expected="an .xlsx file saved by Excel or WPS")
        return None, []
    sheet = book["会员名录"] if "会员名录" in book.sheetnames else book.worksheets[0]
    rows: list[RawRow] = []
    header: list[str] | None = None
    for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        if header is None:
            if _looks_like_header(cells):
                header = [_cell_text(c) for c in cells]
            continue
        if not any(_cell_text(c) for c in cells):
            continue
        rows.append(RawRow(row_no, dict(zip(header, cells))))
    if header is None:
        problems.error(path, "no header row found", field=f"sheet {sheet.title}",
                       expected="a row with 名称 (or name) and the other column names")
    return sheet.title, rows


def _read_yaml(path: Path, problems: Problems) -> list[RawRow]:
    from .sources import load_yaml

    doc = load_yaml(path, problems)
    if doc is None:
        return []
    if not isinstance(doc.data, list):
        problems.error(path, "expected a list of members (each item starting with '- name:')", line=1)
        return []
    rows = []
    for index, item in enumerate(doc.data):
        line = doc.line(index) or index + 1
        if not isinstance(item, dict):
            problems.error(path, "expected a member's keys and values", line=line)
            continue
        rows.append(RawRow(line, {str(k): v for k, v in item.items()}))
    return rows


def _member(raw: RawRow, where: str, path: Path, positions: list[str], problems: Problems) -> Member | None:
    values: dict[str, Any] = {}
    private: dict[str, str] = {}
    for header, value in raw.cells.items():
        key = str(header).strip()
        fname = HEADER_TO_FIELD.get(key) or HEADER_TO_FIELD.get(key.lower())
        if fname:
            values[fname] = value
        elif key and key.lower() not in IGNORED_HEADERS:
            private[key] = _cell_text(value)
    ok = True

    def bad(fname: str, message: str, expected: str | None = None) -> None:
        nonlocal ok
        ok = False
        header = next((h for h in raw.cells if HEADER_TO_FIELD.get(str(h).strip()) == fname
                       or HEADER_TO_FIELD.get(str(h).strip().lower()) == fname), fname)
        problems.error(path, message, line=raw.row, field=f"{where}column {header}", expected=expected)

    name = _cell_text(values.get("name"))
    if not name:
        bad("name", "the member's name is empty")
    member = Member(name=name, row=raw.row, private=private)
    for fname in ("contact", "position", "industry", "hometown", "address", "phone", "mobile", "email",
                  "website", "intro", "logo"):
        setattr(member, fname, _cell_text(values.get(fname)))
    if member.position and member.position not in positions:
        bad("position", f"unknown position {member.position!r}", "one of: " + ", ".join(positions))
    for fname in ("joined", "dues_paid_until"):
        value = values.get(fname)
        if value in (None, ""):
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            setattr(member, fname, value.date() if isinstance(value, dt.datetime) else value)
            continue
        try:
            setattr(member, fname, parse_date(_cell_text(value)))
        except ValueError as exc:
            bad(fname, str(exc), "a date such as 2026-03-10, 2026/3/10 or 2026年3月10日")
    for fname, default in (("listed", True), ("publish_mobile", False)):
        value = values.get(fname)
        if value in (None, ""):
            setattr(member, fname, default)
            continue
        try:
            setattr(member, fname, parse_bool(value))
        except ValueError:
            bad(fname, f"{_cell_text(value)!r} is not yes or no", "是/否, Y/N, yes/no, true/false, 1/0")
    return member if ok else None


def load_members(path: Path, problems: Problems, positions: list[str]) -> Roster:
    """Read a roster in any of the three formats; every problem of every row is reported."""
    if path.stat().st_size > 50 * MAX_TEXT_BYTES:
        problems.error(path, "the roster file is too large", expected="at most 100 MB")
        return Roster(path, None, [])
    sheet = None
    if path.suffix == ".xlsx":
        sheet, raws = _read_xlsx(path, problems)
    elif path.suffix == ".csv":
        raws = list(_read_csv(path, problems))
    else:
        raws = _read_yaml(path, problems)
    where = f"sheet {sheet}, " if sheet else ""
    members = []
    seen: dict[str, int] = {}
    for raw in raws:
        member = _member(raw, where, path, positions, problems)
        if member is None:
            continue
        if member.name in seen:
            problems.error(path, f"{member.name!r} is listed twice (also row {seen[member.name]})",
                           line=raw.row, field=f"{where}column name")
            continue
        seen[member.name] = raw.row
        members.append(member)
    return Roster(path, sheet, members)


def find_roster(folder: Path, problems: Problems) -> Path | None:
    found = [folder / n for n in ROSTER_NAMES if (folder / n).is_file()]
    if len(found) > 1:
        problems.error(found[1], "more than one member roster", expected="keep exactly one of " + ", ".join(ROSTER_NAMES))
    return found[0] if found else None
