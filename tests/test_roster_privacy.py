"""The roster's privacy promises under unusual and hostile input.

Visibility is deny-by-default: a column about publishing or hiding is understood in any spelling or refused;
a yes/no cell that is not clearly yes or no (an uncomputed formula, a stray word) is refused. Personal
numbers (mobiles, ID numbers) in any published cell are masked or removed in every output. A workbook that
would unpack to far more than it weighs is refused before it is read.
"""

from __future__ import annotations

import io
import json
import signal
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from chamberpress.build.pipeline import build_chamber
from chamberpress.cli import main
from chamberpress.errors import ContentError, Problems
from chamberpress.content.members import load_members
from chamberpress.content.personal import find_numbers, scrub
from conftest import TODAY, parse, post, read_search_fragment, site_files, site_texts, text_of, write_chamber


def load(path: Path) -> tuple[list[str], list[str]]:
    """The listed members' names and every problem as the editor reads it."""
    problems = Problems(path.parent.parent.parent)
    roster = load_members(path, problems)
    return [m.name for m in roster.listed], [str(p) for p in problems.items]


def write_roster(folder: Path, kind: str, header: list[str], rows: list[list]) -> Path:
    """The same table as members.csv, members.xlsx or members.yml (keys in header order)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"members.{kind}"
    if kind == "csv":
        path.write_text("\n".join(",".join(str(c) for c in [*r]) for r in [header, *rows]) + "\n", encoding="utf-8")
    elif kind == "xlsx":
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        book.save(path)
    else:
        lines = []
        for row in rows:
            lines += [
                f"{'-' if i == 0 else ' '} {json.dumps(h, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                for i, (h, v) in enumerate(zip(header, row))
            ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- case 2: a visibility column is understood in any spelling, or refused ----------------------------------

SHOW_HEADERS = [
    "是否公开（是/否）",
    "是否公开(是/否)?",
    "公开？",
    "对外公开",
    " Listed (Y/N) ",
    "PUBLIC",
    "是否对外公开【必填】",
    "公开与否",
    "ＰＵＢＬＩＣ",
    "公 开",
    "Is Public?",
    "publish",
    "对外展示",
    "公开:",
    # Traditional Chinese and the further words of the review (finding 2)
    "對外公開",
    "公開",
    "是否顯示",
    "發佈",
    "發布",
    "公示",
    "是否上网",
    "是否上榜",
    "是否上網",
    "Opt-in",
]
HIDE_HEADERS = [
    "是否隐藏",
    "保密",
    "Hidden?",
    "不公开（是/否）",
    "PRIVATE",
    "是否保密（填是或否）",
    "不对外公开",
    "Confidential",
    "隱藏",
    "不公開",
    "非公開",
    "非公开",
    "秘密",
    "隐",
    "隱",
    "屏蔽",
    "下架",
    "内部",
    "仅内部",
    "僅內部",
    "Opt-out",
    "opt out",
    "OPTOUT",
    "不上榜",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "yml"])
@pytest.mark.parametrize("header", SHOW_HEADERS + HIDE_HEADERS)
def test_visibility_column_understood_in_any_spelling(tmp_path: Path, kind: str, header: str) -> None:
    hide = header in HIDE_HEADERS
    yes, no = ("否", "是") if hide else ("是", "否")
    path = write_roster(
        tmp_path / "content" / "c",
        kind,
        ["名称", header, "简介"],
        [["甲公司", yes, "公开的"], ["乙公司", no, "不公开的"], ["丙公司", "", "空白"]],
    )
    listed, problems = load(path)
    assert problems == []
    assert listed == ["甲公司", "丙公司"]  # an empty cell: listed, as documented


@pytest.mark.parametrize(
    "header,consent",
    [
        ("手机号是否公开", True),
        ("公开手机号码（是/否）", True),
        ("Show Mobile?", True),
        ("publish_mobile", True),
        ("手机保密", False),
        ("隐藏手机号", False),
    ],
)
def test_mobile_consent_column_understood(tmp_path: Path, header: str, consent: bool) -> None:
    path = write_roster(tmp_path / "content" / "c", "csv", ["名称", "手机", header], [["甲公司", "13900000001", "是"]])
    problems = Problems(tmp_path)
    (member,) = load_members(path, problems).members
    assert problems.items == []
    assert member.publish_mobile is consent
    assert member.public_mobile == ("13900000001" if consent else "139****0001")


@pytest.mark.parametrize("kind,line", [("csv", 1), ("xlsx", 1)])
@pytest.mark.parametrize(
    "header",
    [
        "是否展示给外部",
        "公开状态",
        "Visibility",
        "Show on website?",
        "（公开）",
        "网站隐藏",
        "对外可见(Y/N)",
        "保密等级",
        # spellings in no word list: the broad detector refuses them (finding 2)
        "是否公布",
        "網上可見",
        "对外显",
        "披露",
        "隐身",
        "密级",
        "内部资料",
        "榜单",
        "屏蔽否",
        "公開狀態",
        "Web listing",
        "online?",
        "Opt-in/out",
        "Hid",
        "privé",
    ],
)
def test_unknown_visibility_column_is_an_error(tmp_path: Path, kind: str, line: int, header: str) -> None:
    path = write_roster(tmp_path / "content" / "c", kind, ["名称", header], [["甲公司", "否"]])
    listed, problems = load(path)
    sheet = "sheet Sheet, " if kind == "xlsx" else ""
    assert problems == [
        f"content/c/members.{kind}:{line}: {sheet}column {header}: this column seems to decide whether members "
        f"are published, but it is not understood (name it 公开 (否: the member is not published) or 隐藏 (是: "
        f"not published); or rename it if it is about something else)"
    ]


def test_unknown_consent_column_and_yaml_keys_are_errors(tmp_path: Path) -> None:
    path = write_roster(
        tmp_path / "content" / "c", "csv", ["名称", "手机", "手机可见性"], [["甲公司", "13900000001", "是"]]
    )
    (problem,) = load(path)[1]
    assert problem.startswith(
        "content/c/members.csv:1: column 手机可见性: this column seems to decide whether the "
        "mobile is published, but it is not understood (name it 公开手机"
    )
    path = tmp_path / "content" / "y" / "members.yml"
    path.parent.mkdir(parents=True)
    path.write_text("- 名称: 甲公司\n  对外公开: 否\n- 名称: 乙公司\n  简介: 好\n  公开状态: 否\n", encoding="utf-8")
    listed, problems = load(path)
    assert problems == [
        "content/y/members.yml:5: 公开状态: this column seems to decide whether members are "
        "published, but it is not understood (name it 公开 (否: the member is not published) or "
        "隐藏 (是: not published); or rename it if it is about something else)"
    ]
    assert listed == []  # 甲公司: 对外公开 否; 乙公司 refused


def test_columns_holding_public_characters_in_another_sense_stay_private(tmp_path: Path) -> None:
    """公司, 办公, 公众号 and 外贸 hold 公 or 外 but say nothing about publishing: private columns, no error."""
    path = write_roster(
        tmp_path / "content" / "c",
        "csv",
        ["名称", "公司类型", "办公地址", "微信公众号", "外贸"],
        [["甲公司", "有限", "某路", "jia", "是"]],
    )
    problems = Problems(tmp_path)
    (member,) = load_members(path, problems).members
    assert problems.items == []
    assert member.private == {"公司类型": "有限", "办公地址": "某路", "微信公众号": "jia", "外贸": "是"}


def test_yaml_traditional_keys_and_nested_values(tmp_path: Path) -> None:
    """Finding 2: 隱藏: 是 was not understood, and a nested 会员信息: {公开: 否} was read as a private note."""
    path = tmp_path / "content" / "y" / "members.yml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "- 名稱: 甲公司\n  隱藏: 是\n- 名称: 乙公司\n  会员信息: {公开: 否}\n"
        "- 名称: 丙公司\n  标签:\n    - 商贸\n- 名称: 丁公司\n",
        encoding="utf-8",
    )
    listed, problems = load(path)
    expected = (
        "expected one value (text, a number, a date, 是/否), found a list or a set of keys (write every "
        "key on its own line under the member)"
    )
    assert problems == [f"content/y/members.yml:4: 会员信息: {expected}", f"content/y/members.yml:6: 标签: {expected}"]
    assert listed == ["丁公司"]


def _sheets(path: Path, sheets: list[tuple[str, str, list[list]]], hidden_rows: tuple[int, ...] = ()) -> Path:
    """A workbook of (title, state, rows) sheets; `hidden_rows` hidden in the first visible one."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    for row in hidden_rows:
        next(ws for ws in book.worksheets if ws.sheet_state == "visible").row_dimensions[row].hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_xlsx_reads_a_visible_sheet_and_names_the_others(tmp_path: Path) -> None:
    """Finding 2: a hidden first sheet 数据 was read instead of the visible one, and 不公开名单 was ignored silently."""
    path = _sheets(
        tmp_path / "content" / "c" / "members.xlsx",
        [
            ("数据", "hidden", [["名称", "简介"], ["甲公司", "x"], ["乙公司", "y"]]),
            ("2026会员", "visible", [["名称", "公开"], ["甲公司", "是"], ["乙公司", "否"]]),
            ("不公开名单", "visible", [["名称"], ["丙公司"]]),
        ],
    )
    listed, problems = load(path)
    assert listed == ["甲公司"]
    assert problems == [
        "content/c/members.xlsx: only the sheet 2026会员 is read; not read: 数据 (hidden), 不公开名单 "
        "(keep the roster in one sheet (named 会员名录); mark members that must not be published 公开 否 "
        "there) [warning]"
    ]
    path = _sheets(
        tmp_path / "content" / "d" / "members.xlsx",
        [("会员名录", "veryHidden", [["名称"], ["乙公司"]]), ("名单", "visible", [["名称"], ["甲公司"]])],
    )
    assert load(path)[0] == ["甲公司"]
    path = _sheets(
        tmp_path / "content" / "e" / "members.xlsx",
        [("会员名录", "hidden", [["名称"], ["乙公司"]]), ("名单", "visible", [["名称"], ["甲公司"]])],
    )
    with zipfile.ZipFile(path) as archive:  # Excel refuses to hide every sheet; a program may not
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'state="visible"', b'state="hidden"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert load(path) == (
        [],
        ["content/e/members.xlsx: every sheet of the workbook is hidden (show the sheet 会员名录)"],
    )


def test_xlsx_row_hidden_in_excel_is_an_error(tmp_path: Path) -> None:
    """Finding 2: the editor hid a row instead of marking 公开 否; it was published."""
    path = _sheets(
        tmp_path / "content" / "c" / "members.xlsx",
        [("会员名录", "visible", [["名称", "公开"], ["甲公司", "是"], ["乙公司", "是"], ["丙公司", ""]])],
        hidden_rows=(3,),
    )
    assert load(path) == (
        ["甲公司", "丙公司"],
        [
            "content/c/members.xlsx:3: sheet 会员名录: this row is hidden in Excel (show the row; mark 公开 否 for a member "
            "who must not be published, or delete the row)"
        ],
    )


@pytest.mark.parametrize(
    "header,fname",
    [
        ("地址（不公开）", "address"),
        ("简介(仅内部、不对外)", "intro"),
        ("手机【保密】", "mobile"),
        ("联系人 (hidden)", "contact"),
    ],
)
def test_published_column_with_a_note_about_hiding_is_an_error(tmp_path: Path, header: str, fname: str) -> None:
    path = write_roster(
        tmp_path / "content" / "c",
        "csv",
        ["名称", header, "备注（不公开）", "邮箱(保密)"],
        [["甲公司", "x", "内部", "a@b.cn"]],
    )
    assert load(path) == (
        [],
        [
            f"content/c/members.csv:1: column {header}: this column is read as {fname}, which is always published, but "
            "its note speaks of publishing or hiding (remove the note, and leave the value out where it must not be "
            "published)"
        ],
    )


def test_two_visibility_columns_are_an_error(tmp_path: Path) -> None:
    path = write_roster(tmp_path / "content" / "c", "csv", ["名称", "公开", "是否隐藏"], [["甲公司", "是", "是"]])
    assert load(path)[1] == ["content/c/members.csv:1: columns 公开 and 是否隐藏 both mean listed (keep one of them)"]


def test_case_2_member_marked_no_is_published_nowhere(content: Path, out: Path) -> None:
    """The review's roster: 是否公开（是/否） was not recognised, so the member marked 否 was published."""
    write_chamber(
        content,
        "c2",
        files={
            "members.csv": "名称,职务,是否公开（是/否）,简介\n甲公司,会长,是,公开简介\n隐秘实业有限公司,副会长,否,SECRETINTRO\n",
        },
    )
    build_chamber("c2", content, out, today=TODAY)
    site = out / "c2"
    leaks = [p.relative_to(site).as_posix() for p, t in site_texts(site) if "隐秘实业" in t or "SECRETINTRO" in t]
    assert leaks == []
    assert "甲公司" in text_of(parse(site / "members/index.html"))
    assert [text_of(a) for a in parse(site / "organization/index.html").cssselect(".cp-leadership a")] == ["甲公司"]
    fragments = [read_search_fragment(p) for p in (site / "pagefind/fragment").glob("*.pf_fragment")]
    assert any("甲公司" in f["content"].replace("\u200b", "") for f in fragments)


# --- case 3: a yes/no cell must be clearly yes or no ------------------------------------------------------


def test_case_3_uncomputed_formula_in_a_yes_no_cell_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "content" / "c" / "members.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "手机", "公开", "公开手机", "行业"])
    sheet.append(["甲公司", "13900000001", '=IF(1=1,"否","是")', "否", "商贸"])
    sheet.append(["乙公司", "13900000002", None, '=IF(1=1,"否","是")', '=CONCAT("商","贸")'])
    sheet.append(["丙公司", "13900000003", None, None, None])  # really empty: 公开 是, 公开手机 否
    book.save(path)  # openpyxl writes formulas without computed values
    listed, problems = load(path)
    fix = "(open the file in Excel or WPS and save it, so that the value is computed; or type the value)"
    assert problems == [
        f'content/c/members.xlsx:2: sheet Sheet, column 公开: the formula =IF(1=1,"否","是") has no computed value {fix}',
        f'content/c/members.xlsx:3: sheet Sheet, column 行业: the formula =CONCAT("商","贸") has no computed value; '
        f"the cell is read as empty {fix} [warning]",
        f'content/c/members.xlsx:3: sheet Sheet, column 公开手机: the formula =IF(1=1,"否","是") has no computed value '
        f"{fix}",
    ]
    assert listed == ["丙公司"]
    problems_ = Problems(tmp_path)
    (third,) = load_members(path, problems_).members
    assert third.listed and not third.publish_mobile


def test_formula_saved_with_its_value_is_read(tmp_path: Path) -> None:
    """As Excel and WPS save a formula: its computed value beside it, which is what counts."""
    path = tmp_path / "content" / "c" / "members.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    book.active.append(["名称", "公开"])
    book.active.append(["甲公司", '=IF(1=1,"否","是")'])
    book.active.append(["乙公司", "=IF(1=1,1,0)"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2"><f>', b'<c r="B2" t="str"><f>', 1)
                data = data.replace(b"</f><v></v>", "</f><v>否</v>".encode(), 1).replace(
                    b"</f><v></v>", b"</f><v>1</v>"
                )
            target.writestr(item, data)
    assert load(path) == (["乙公司"], [])


@pytest.mark.parametrize("value", ["#N/A", "也许", "2", "是的", "yes please", "否否"])
def test_unclear_yes_no_is_an_error(tmp_path: Path, value: str) -> None:
    path = write_roster(tmp_path / "content" / "c", "xlsx", ["名称", "是否公开"], [["甲公司", value]])
    listed, problems = load(path)
    assert problems == [
        f"content/c/members.xlsx:2: sheet Sheet, column 是否公开: {value!r} is not yes or no "
        "(是/否, Y/N, yes/no, true/false, 1/0)"
    ]
    assert listed == []


def test_clear_yes_no_in_other_forms(tmp_path: Path) -> None:
    path = write_roster(
        tmp_path / "content" / "c",
        "xlsx",
        ["名称", "公开"],
        [["甲", "Ｙ"], ["乙", False], ["丙", 0], ["丁", "  "], ["戊", "不公开"], ["己", True]],
    )
    assert load(path) == (["甲", "丁", "己"], [])


# --- case 4: personal numbers in any published cell -------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("手机 138 1234 5678", "手机 138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 13812345678", "138****5678"),
        ("86-138-1234-5678", "138****5678"),
        ("＋８６ １３８１２３４５６７８", "138****5678"),
        ("0086 138.1234.5678", "138****5678"),
        ("张总13900000001，李总15800000002", "张总139****0001，李总158****0002"),
        ("0577-88880000 13812345678", "0577-88880000 138****5678"),
        ("身份证号：330102198001011234。", "身份证号：。"),
        ("33010219800101123x", ""),
        ("旧证330102800101123", "旧证"),
        ("330102 19800101 123X 在此", " 在此"),
        # Any space (NBSP, thin, narrow no-break, figure, ideographic), zero-width characters, any dash or minus
        # sign, and tildes join groups, as word processors and phone keyboards type them (review finding 3).
        ("电话\u00a0139\u00a01111\u00a02212", "电话\u00a0139****2212"),
        ("139\u20091111\u202f2212", "139****2212"),
        ("139\u20071111\u205f2212", "139****2212"),
        ("139−6607−0001", "139****0001"),
        ("139\u200b6607\u200b0001", "139****0001"),
        ("\ufeff139\u20606607\u200d0001", "\ufeff139****0001"),
        ("139〜6607〜0001", "139****0001"),
        ("139~6607～0001", "139****0001"),
        ("139\u2012 6607\u2e3a0001", "139****0001"),
        ("139\\~2222\\~5506", "139****5506"),
        ("邮箱secret.person@qq.com。", "邮箱。"),  # e-mail addresses are never published
        ("zhang.san＠１６３．com 或 13900000001@139.com", " 或 "),
        ("Mail: a_b-c+d@mail.example.com.cn, 谢谢", "Mail: , 谢谢"),  # RTF's non-breaking space, as read from the file
        ("330102\u00a019800101\u2212123X", ""),
    ],
)
def test_personal_numbers_found_in_any_form(text: str, expected: str) -> None:
    assert scrub(text, keep_mobiles=False)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "0577-88880000",
        "(0577)88880000",
        "400-888-8888",
        "0577\u00a088880000",
        "0577−88880000",
        "0577〜88880000",
        "400\u200b888\u200b8888",
        "95588",
        "成立于2001年，员工138人",
        "注册资本12345678元",
        "订单20260101123456789012",
        "2019年13800元",
        "057788880001",
        "No. 913301006798765432",
    ],
)
def test_landlines_and_other_numbers_stay(text: str) -> None:
    assert find_numbers(text) == []


FULL = [
    "13812345678",
    "138 1234 5678",
    "13955501111",
    "139 5550 2222",
    "13955503333",
    "13955504444",
    "13955505555",
    "330102198001011234",
    "330102800101123",
]


def _numbers_chamber(content: Path, consent: str) -> Path:
    """Mobiles and ID numbers in every published column of a listed member, who joined within a newsletter."""
    header = "名称,联系人,行业,籍贯,地址,联系电话,简介,手机,公开手机,入会日期"
    row = (
        "信达13955505555建筑有限公司,王总13955504444,建筑 13955503333,安徽 330102800101123,"
        '鹿城路1号 身份证330102198001011234,0577-88880000 138-1234-5678,"请拨 138 1234 5678 或 +86 13955501111",'
        f"139 5550 2222,{consent},2026-08-01"
    )
    return write_chamber(
        content,
        "num",
        files={
            "members.csv": f"{header}\n{row}\n",
            "newsletters/2026-q3.yml": "number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-12-31\nnew_members: true\n",
            "news/2026/2026-09-10-zoufang.md": post("会员企业走访活动", "2026-09-10"),
        },
    )


def test_case_4_personal_numbers_masked_in_every_output(content: Path, out: Path) -> None:
    _numbers_chamber(content, "否")
    result = build_chamber("num", content, out, today=TODAY)
    site = out / "num"
    texts = site_texts(site)
    assert any(p.name == "2026-q3.pdf" for p, _ in texts) and any(p.suffix == ".pf_fragment" for p, _ in texts)
    leaks = [(p.relative_to(site).as_posix(), s) for p, t in texts for s in FULL if s in t.replace("\n", "")]
    assert leaks == []
    pdf = next(t for p, t in texts if p.name == "2026-q3.pdf")
    assert "信达139****5555建筑有限公司" in pdf and "建筑 139****3333" in pdf
    doc = parse(next((site / "members").glob("*/index.html")))
    fields = {
        text_of(d): text_of(v)
        for d, v in zip(doc.cssselect(".cp-profile__fields dt"), doc.cssselect(".cp-profile__fields dd"))
    }
    assert fields == {
        "联系人": "王总139****4444",
        "行业": "建筑 139****3333",
        "籍贯": "安徽",
        "地址": "鹿城路1号 身份证",
        "电话": "0577-88880000 138****5678",
        "手机": "139****2222",
    }
    assert [a.get("href") for a in doc.cssselect(".cp-profile__phone a")] == ["tel:057788880000"]
    assert text_of(doc.cssselect(".cp-profile__intro p")[0]) == "请拨 138****5678 或 139****1111"
    warnings = [str(w) for w in result.warnings]
    consent = "(shown in full only if the member consents: 公开手机 是) [warning]"
    removed = "an ID-card number is left out (ID-card numbers are never published; remove it) [warning]"
    assert warnings == [
        f"content/num/members.csv:2: column 名称: a mobile number is published masked (139****5555) {consent}",
        f"content/num/members.csv:2: column 联系人: a mobile number is published masked (139****4444) {consent}",
        f"content/num/members.csv:2: column 行业: a mobile number is published masked (139****3333) {consent}",
        f"content/num/members.csv:2: column 籍贯: {removed}",
        f"content/num/members.csv:2: column 地址: {removed}",
        f"content/num/members.csv:2: column 联系电话: a mobile number is published masked (138****5678) {consent}",
        f"content/num/members.csv:2: column 简介: a mobile number is published masked (138****5678, 139****1111) "
        f"{consent}",
    ]
    first = site_files(site)
    build_chamber("num", content, out, today=TODAY)  # pages and PDFs kept from the first build
    assert site_files(site) == first


def test_email_addresses_removed_from_every_published_cell(content: Path, out: Path) -> None:
    """Review finding 8: secret.person@qq.com typed into 简介 was published in full."""
    write_chamber(
        content,
        "mail",
        files={
            "members.csv": (
                "名称,联系人,地址,简介,邮箱,网址,公开手机\n"
                '甲公司,张三 zs@corp.cn,鹿城路1号（来信 post@corp.cn）,"联系 secret.person@qq.com 或 1390000@163.com",'
                "internal@corp.cn,https://corp.cn,是\n"
            )
        },
    )
    result = build_chamber("mail", content, out, today=TODAY)
    everything = "".join(t for _, t in site_texts(out / "mail"))
    assert "甲公司" in everything
    for address in ("zs@corp.cn", "post@corp.cn", "secret.person", "1390000@163", "internal@corp.cn"):
        assert address not in everything
    doc = parse(next((out / "mail" / "members").glob("*/index.html")))
    assert text_of(doc.cssselect(".cp-profile__intro p")[0]) == "联系 或"
    left_out = (
        "an e-mail address is left out (e-mail addresses are never published; keep them in the 邮箱 column) [warning]"
    )
    assert [str(w) for w in result.warnings] == [
        f"content/mail/members.csv:2: column {column}: {left_out}" for column in ("联系人", "地址", "简介")
    ]


def test_consent_keeps_mobiles_but_never_id_numbers(content: Path, out: Path) -> None:
    _numbers_chamber(content, "是")
    result = build_chamber("num", content, out, today=TODAY)
    texts = site_texts(out / "num")
    everything = "".join(t for _, t in texts)
    assert "138-1234-5678" in everything and "139 5550 2222" in everything and "13955505555" in everything
    assert not [s for s in ("330102198001011234", "330102800101123") if s in everything]
    assert [w.field for w in result.warnings] == ["column 籍贯", "column 地址"]


# --- case 19: a workbook that unpacks to far more than it weighs ---------------------------------------------


def _workbook_with(tmp_path: Path, extra: dict[str, bytes], count: int = 0) -> Path:
    """A valid roster workbook with parts added (or replaced), and `count` tiny parts more."""
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["名称"])
    book.active.append(["甲公司"])
    book.save(buffer)
    path = tmp_path / "content" / "c" / "members.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra:
                target.writestr(item, source.read(item))
        for name, data in extra.items():
            target.writestr(name, data)
        for index in range(count):
            target.writestr(f"xl/media/pad{index}.bin", b"")
    return path


@pytest.fixture
def deadline():
    """A hang fails the test instead of stalling the suite (the bound itself is asserted by the error)."""

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError("still reading the workbook after 60 s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_case_19_zip_bomb_refused_before_reading(tmp_path: Path, deadline: None) -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + b"<!--"
        + b"A" * (40 * 1024 * 1024)
        + b"-->"
        + b"</sheetData></worksheet>"
    )
    path = _workbook_with(tmp_path, {"xl/worksheets/sheet1.xml": sheet})
    assert path.stat().st_size < 200_000
    started = time.monotonic()
    listed, problems = load(path)
    assert time.monotonic() - started < 5
    (problem,) = problems
    assert problem.startswith(
        "content/c/members.xlsx: the workbook is refused: the workbook's part xl/worksheets/sheet1.xml unpacks "
    )
    assert problem.endswith(
        "times its packed size (at most 50) (save the roster again from Excel or WPS; it may "
        "be damaged or not a roster)"
    )


def test_workbook_size_and_part_count_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: None) -> None:
    path = _workbook_with(tmp_path, {}, count=2001)
    assert load(path)[1] == [
        "content/c/members.xlsx: the workbook is refused: the workbook holds 2010 parts "
        "(at most 2000) (save the roster again from Excel or WPS; it may be damaged or not a "
        "roster)"
    ]
    monkeypatch.setattr("chamberpress.content.members.MAX_XLSX_UNPACKED", 3 * 1024 * 1024)
    path = _workbook_with(tmp_path, {"xl/media/noise.bin": bytes(range(256)) * 16384})  # 4 MB, packs badly
    assert "the workbook unpacks to 4 MB (at most 3 MB)" in load(path)[1][0]


def test_far_flung_cell_refused_before_the_grid_is_read(tmp_path: Path, deadline: None) -> None:
    path = tmp_path / "content" / "c" / "members.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    book.active.append(["名称"])
    book.active.append(["甲公司"])
    book.active.cell(row=500_000, column=300, value="x")
    book.save(path)
    assert load(path)[1] == [
        "content/c/members.xlsx: sheet Sheet: the sheet reaches row 500000 and column 300, too "
        "many cells to read (at most 1,000,000) (delete the empty rows and columns below and "
        "right of the roster)"
    ]


def test_roster_errors_stop_the_build(content: Path, out: Path) -> None:
    write_chamber(content, "bad", files={"members.csv": "名称,公开状态\n甲公司,否\n"})
    with pytest.raises(ContentError) as caught:
        build_chamber("bad", content, out, today=TODAY)
    assert [p.field for p in caught.value.problems] == ["column 公开状态"]
    assert not (out / "bad").exists()


# --- review finding 7: a CSV cell too long for the csv module ---------------------------------------------


def test_csv_cell_over_the_field_limit_is_a_content_error(
    content: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_chamber(content, "long", files={"members.csv": f'名称,简介\n甲公司,短\n乙公司,"{"长" * 140_000}"\n'})
    _, problems = load(content / "long" / "members.csv")
    assert problems == [
        "content/long/members.csv:3: a cell holds more than 131,072 characters (shorten the cell; "
        "a long text belongs in a page, not the roster)"
    ]
    for command in ("check", "build"):
        assert main([command, "long", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 1
        assert "members.csv:3: a cell holds more than 131,072 characters" in capsys.readouterr().err
    assert not (out / "long").exists()
