"""The member directory: rosters in three formats, header variants, dates, bad rows, privacy, pages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from chamberpress.build.pipeline import build_chamber
from chamberpress.cli import main
from chamberpress.site.directory import (
    directory_markdown,
    is_profile_path,
    member_slug,
    profile_markdown,
    profile_parts,
    profile_path,
    profile_slugs,
)
from chamberpress.errors import ContentError, Problems
from chamberpress.content.members import Member, load_members, mask_mobile
from chamberpress.content.roster_headers import HEADERS, INVERSE
from conftest import CHAMBER_YML, TODAY, parse, site_texts, text_of, write_chamber

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def load(path: Path, positions: list[str] | None = None) -> tuple[list[Member], Problems]:
    problems = Problems(path.parent.parent)
    roster = load_members(path, problems, positions)
    return roster.members, problems


def messages(problems: Problems) -> list[str]:
    return [str(p) for p in problems.items]


def write_xlsx(
    path: Path, rows: list[list], *, title_rows: int = 0, sheet: str = "Sheet1", before: str | None = None
) -> openpyxl.Workbook:
    """A workbook as a secretariat keeps it: title rows merged across the table above the header."""
    book = openpyxl.Workbook()
    if before:
        book.active.title = before
        book.active.append(["填表说明：请勿修改表头"])
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    width = len(rows[0])
    for index in range(title_rows):
        ws.append([f"标题行{index + 1}：温州市测试商会会员名录"])
        ws.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1, end_column=width)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return book


# --- reading -----------------------------------------------------------------------------------------------


def test_xlsx_title_rows_merged_cells_dates_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c" / "members.xlsx"
    book = write_xlsx(
        path,
        [
            ["序号", "企业名称", "联系人", "商会职务", "所属行业", "手机号码", "办公电话", "入会时间", "会费缴至"],
            [
                1,
                "安徽信达建筑有限公司",
                "王建国",
                "会长",
                "建筑",
                13900000001,
                57788880001.0,
                dt.datetime(2019, 5, 6),
                "2026年12月31日",
            ],
            [2, "温州华强贸易有限公司", "李华", "副会长", None, 13900000002, "0577-88880002", 46091, "2026/12/31"],
            [3, None, None, None, None, None, None, None, None],  # a template row holding only its 序号
        ],
        title_rows=2,
        sheet="会员名录",
        before="说明",
    )
    ws = book["会员名录"]
    ws.merge_cells("E4:E5")  # one 行业 cell for both rows
    ws["I5"].number_format = "General"
    book.save(path)

    members, problems = load(path)
    assert messages(problems) == [
        "c/members.xlsx: only the sheet 会员名录 is read; not read: 说明 (keep the roster in "
        "one sheet (named 会员名录); mark members that must not be published 公开 否 there) "
        "[warning]"
    ]
    first, second = members
    assert (first.name, first.contact, first.position, first.industry) == (
        "安徽信达建筑有限公司",
        "王建国",
        "会长",
        "建筑",
    )
    assert second.industry == "建筑"
    assert first.mobile == "13900000001" and first.phone == "57788880001"
    assert first.joined == dt.date(2019, 5, 6) and first.dues_paid_until == dt.date(2026, 12, 31)
    assert second.joined == dt.date(2026, 3, 10)  # an Excel serial day typed into a number cell
    assert (first.row, second.row) == (4, 5)  # the rows Excel shows, below two title rows


@pytest.mark.parametrize(
    "encoding,delimiter",
    [("gb18030", ","), ("utf-8-sig", ","), ("utf-8-sig", "\t"), ("utf-8", ","), ("gb18030", "\t"), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [
        ["会员名录（2026年）", "", ""],
        ["名称", "籍贯", "简介"],
        ["瓯江口新材料科技有限公司", "安徽省合肥市", "专注新材料，产品远销海外。"],
        ["鹿城区星火餐饮店", "江西", "含, 逗号和\t制表符"],
    ]
    text = (
        "\r\n".join(delimiter.join(f'"{c}"' if delimiter in c or "\t" in c else c for c in row) for row in rows)
        + "\r\n"
    )
    path = tmp_path / "c" / "members.csv"
    path.parent.mkdir()
    path.write_bytes(text.encode(encoding))
    members, problems = load(path)
    # GB18030, as older Excel saves "CSV (逗号分隔)" on Chinese Windows: read, with a warning to save as UTF-8.
    warned = ["c/members.csv: the file is saved in the older Chinese Windows encoding (GB18030/GBK)"]
    assert [m.split("; it was read")[0] for m in messages(problems)] == (warned if encoding == "gb18030" else [])
    assert [(m.name, m.hometown, m.row) for m in members] == [
        ("瓯江口新材料科技有限公司", "安徽省合肥市", 3),
        ("鹿城区星火餐饮店", "江西", 4),
    ]
    assert members[1].intro == "含, 逗号和\t制表符"


def test_yaml_roster_list_of_mappings(tmp_path: Path) -> None:
    path = tmp_path / "c" / "members.yml"
    path.parent.mkdir()
    path.write_text(
        "- 名称: 甲公司\n  职务: 会长\n  入会日期: 2020-01-02\n  公开手机: true\n  手机: 13900000001\n"
        "- name: 乙公司\n  position: 付会长\n  joined: 2020-02-30\n",
        encoding="utf-8",
    )
    members, problems = load(path)
    assert [m.name for m in members] == ["甲公司"]
    assert members[0].joined == dt.date(2020, 1, 2) and members[0].publish_mobile
    assert members[0].public_mobile == "13900000001"
    assert "c/members.yml:7: position: '付会长' is not a position (did you mean '副会长'?" in "\n".join(
        messages(problems)
    )
    assert "c/members.yml:8: joined: '2020-02-30' is not a date" in "\n".join(messages(problems))


SAMPLE = {
    "name": "测试公司",
    "contact": "张三",
    "position": "副会长",
    "industry": "商贸",
    "hometown": "安徽",
    "address": "鹿城路1号",
    "phone": "0577-88880000",
    "mobile": "13900000001",
    "email": "a@b.cn",
    "website": "https://a.cn/",
    "joined": "2020-01-02",
    "dues_paid_until": "2026-12-31",
    "intro": "简介文字",
    "logo": "",
    "listed": "否",
    "publish_mobile": "是",
    "unlisted": "是",
    "mobile_hidden": "否",
}
EXPECTED = SAMPLE | {
    "joined": dt.date(2020, 1, 2),
    "dues_paid_until": dt.date(2026, 12, 31),
    "listed": False,
    "publish_mobile": True,
    "unlisted": False,
    "mobile_hidden": True,
}


# The yes/no columns' names are made from word lists (hundreds): a few of each here, the rules in
# test_roster_privacy.py.
@pytest.mark.parametrize(
    "fname,header", [(f, h) for f, names in HEADERS.items() for h in (names[::40] if len(names) > 40 else names)]
)
def test_every_header_variant(tmp_path: Path, fname: str, header: str) -> None:
    headers = [header] if fname == "name" else ["名称", header]
    values = [SAMPLE["name"]] if fname == "name" else [SAMPLE["name"], SAMPLE[fname]]
    path = tmp_path / "c" / "members.csv"
    path.parent.mkdir()
    path.write_text(f"序号,{','.join(headers)},备注\n1,{','.join(values)},内部\n", encoding="utf-8")
    (member,), problems = load(path)
    assert messages(problems) == []
    assert getattr(member, INVERSE.get(fname, fname)) == EXPECTED[fname]
    assert member.private == {"备注": "内部"}  # unknown columns kept (never published); 序号 ignored


@pytest.mark.parametrize("text", ["2026-03-10", "2026/3/10", "2026.3.10", "2026年3月10日", "2026-03-10 00:00:00"])
def test_date_forms(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c" / "members.csv"
    path.parent.mkdir()
    path.write_text(f"名称,入会日期\n甲公司,{text}\n", encoding="utf-8")
    (member,), _ = load(path)
    assert member.joined == dt.date(2026, 3, 10)


def test_every_problem_of_a_roster_at_once(tmp_path: Path) -> None:
    path = tmp_path / "content" / "bad" / "members.xlsx"
    write_xlsx(
        path,
        [
            ["序号", "企业名称", "商会职务", "入会日期", "是否公开", "网址"],
            [1, "甲公司", "付会长", "2026-01-01", "是", "https://jia.cn/"],
            [2, "乙公司", "会员", "2026-13-01", "是", "www.yi.cn"],
            [3, None, "会员", None, "是", None],
            [4, "丙公司", "会员", None, "也许", "javascript:alert(1)"],
            [5, "甲公司", "理事", None, None, None],
        ],
        title_rows=1,
        sheet="会员名录",
    )
    problems = Problems(tmp_path)
    roster = load_members(path, problems)
    got = messages(problems)
    assert (
        "content/bad/members.xlsx:3: sheet 会员名录, column 商会职务: '付会长' is not a position "
        "(did you mean '副会长'? allowed: 会长, 常务副会长, 执行会长, 监事长, 副会长, 秘书长, 常务理事, 理事, 会员; "
        "or list it under positions: in chamber.yml)" in got
    )
    assert any(
        m.startswith("content/bad/members.xlsx:4: sheet 会员名录, column 入会日期: '2026-13-01' is not a date")
        for m in got
    )
    assert any(
        m.startswith("content/bad/members.xlsx:5: sheet 会员名录, column 企业名称: the member's name is empty")
        for m in got
    )
    assert any(
        m.startswith("content/bad/members.xlsx:6: sheet 会员名录, column 是否公开: '也许' is not yes or no")
        for m in got
    )
    assert any(
        m.startswith(
            "content/bad/members.xlsx:6: sheet 会员名录, column 网址: 'javascript:alert(1)' "
            "is not a web address; the link is left out"
        )
        and m.endswith("[warning]")
        for m in got
    )
    assert any(
        m.startswith(
            "content/bad/members.xlsx:7: sheet 会员名录, column 企业名称: '甲公司' is listed twice (also row 3)"
        )
        for m in got
    )
    assert len(problems.errors) == 5
    assert roster.members == []  # every row above has an error

    csv_path = tmp_path / "c" / "members.csv"
    csv_path.parent.mkdir()
    csv_path.write_text("名称,网址\n乙公司,www.yi.cn\n丙公司,HTTPS://BING.CN/a\n", encoding="utf-8")
    members, problems = load(csv_path)
    assert [m.website for m in members] == [
        "http://www.yi.cn",
        "https://bing.cn/a",
    ]  # a bare domain: http://; rebuilt in lower case


def test_roster_errors_through_the_cli(content: Path) -> None:
    write_chamber(content, "bad", files={"members.csv": "名称,职务\n甲公司,付会长\n乙公司,会长\n乙公司,会员\n"})
    assert main(["check", "bad", "--content", str(content)]) == 1
    with pytest.raises(ContentError) as caught:
        load_members(content / "bad" / "members.csv")
    assert [p.line for p in caught.value.problems] == [2, 4]


def test_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "c" / "members.csv"
    path.parent.mkdir()
    path.write_text("联系人,职务\n张三,会长\n", encoding="utf-8")
    assert "c/members.csv: no header row found" in messages(load(path)[1])[0]
    path.write_text("名称,电话,联系电话,手机,手机\n甲公司,1,2,3,4\n", encoding="utf-8")
    got = messages(load(path)[1])
    assert "c/members.csv:1: columns 电话 and 联系电话 both mean phone (keep one of them)" in got
    assert "c/members.csv:1: two columns are headed 手机 (give every column its own header)" in got
    path.write_bytes(b"PK\x03\x04rest-of-a-zip")
    assert "this is an Excel workbook saved under a .csv name" in messages(load(path)[1])[0]
    broken = tmp_path / "c" / "members.xlsx"
    broken.write_bytes(b"not a workbook at all")
    assert messages(load(broken)[1]) == [
        "c/members.xlsx: cannot open the workbook (BadZipFile) (an .xlsx file saved by Excel or WPS)"
    ]


def test_positions_from_chamber_yml_replace_the_list(content: Path) -> None:
    yml = CHAMBER_YML + "positions: [会长, 名誉会长, 理事, 会员]\n"
    write_chamber(
        content,
        "pos",
        chamber_yml=yml,
        files={"members.csv": "名称,职务\n甲公司,名誉会长\n乙公司,副会长\n丙公司,会长\n"},
    )
    assert main(["check", "pos", "--content", str(content)]) == 1
    path = content / "pos" / "members.csv"
    members, problems = load(path, ["会长", "名誉会长", "理事", "会员"])
    assert "allowed: 会长, 名誉会长, 理事, 会员" in messages(problems)[0]
    assert [(m.name, m.rank) for m in members] == [("甲公司", 1), ("丙公司", 0)]


# --- privacy and slugs (pure) -----------------------------------------------------------------------------


def test_public_fields_are_a_whitelist_and_mobile_is_masked() -> None:
    member = Member(
        name="甲公司",
        row=2,
        contact="张三",
        mobile="139 0000 0001",
        email="secret@x.cn",
        joined=dt.date(2020, 1, 1),
        private={"身份证号": "330102198001011234"},
    )
    assert member.public_fields() == {"name": "甲公司", "contact": "张三", "mobile": "139****0001"}
    member.publish_mobile = True
    assert member.public_fields()["mobile"] == "139 0000 0001"
    member.listed = False
    assert member.public_fields() == {}
    assert mask_mobile("+86 13900000001 / 13800000002") == "139****0001 / 138****0002"
    assert mask_mobile("张总13900000001") == "139****0001"
    assert mask_mobile("１３９ ００００ ０００１") == "139****0001"


def test_a_profile_is_read_back_in_the_shape_it_is_written() -> None:
    """The shortcuts for profiles (render_cache, profile_pages) recognise them by directory's own reading of
    what profile_markdown writes."""
    member = Member(name="A&B <贸易> 公司", row=2, contact="张三", intro="主营贸易。\n\n第二段。")
    text = profile_markdown(member, "ab-maoyi", "温州市测试商会")
    body = text.split("---\n", 2)[2].lstrip("\n")  # as MkDocs hands it on: without the front matter
    parts = profile_parts(body)
    assert parts is not None and parts[0] == "# A&amp;B &lt;贸易&gt; 公司\n"
    assert parts[1].startswith('<div class="cp-profile">') and parts[1].endswith("</div>")
    assert profile_parts(body.replace("\n<dl", "\n\n<dl")) is None  # a blank line would end the HTML block
    assert is_profile_path(profile_path("ab-maoyi"))
    assert not is_profile_path("members/index.md") and not is_profile_path("news/2026/x.md")


def test_profile_slugs_are_pinyin_words_and_unique() -> None:
    assert member_slug("安徽信达建筑有限公司") == "anhui-xinda-jianzhu"
    assert member_slug("四川天府餐饮管理股份有限公司") == "sichuan-tianfu-canyin-guanli"
    assert member_slug("ABC国际贸易公司") == "abc-guojimaoyi"
    assert member_slug("温州皖鑫服饰有限公司") == "wenzhou-wanxin-fushi"  # 皖/鑫: one word
    names = ["新达建筑有限公司", "信达建筑有限公司", "鑫达建筑", "Index"]
    slugs = profile_slugs([Member(name=n, row=i) for i, n in enumerate(names)])
    assert slugs == {
        "信达建筑有限公司": "xinda-jianzhu",
        "新达建筑有限公司": "xinda-jianzhu-2",
        "鑫达建筑": "xinda-jianzhu-3",
        "Index": "index-2",
    }
    # Stable: the order of the rows does not change anyone's URL.
    assert profile_slugs([Member(name=n, row=i) for i, n in enumerate(reversed(names))]) == slugs


def test_segmenter_table_kept_in_our_form_is_jiebas_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jieba

    from chamberpress.search import segmenter

    tokenizer = jieba.Tokenizer()
    expected = tokenizer.gen_pfdict(tokenizer.get_dict_file())  # what jieba's initialize loads
    folder = tmp_path / "cache"
    assert segmenter.load_words(tokenizer, folder) == expected  # made, and a copy written
    (copy,) = folder.glob("jieba-*.words")

    def rebuilt(*_args):
        raise AssertionError("the dictionary was read again")

    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", rebuilt)
    assert segmenter.load_words(tokenizer, folder) == expected  # from the copy
    # A copy cut short is not used: the table is made again (and the copy mended).
    copy.write_bytes(copy.read_bytes()[:-100])
    monkeypatch.undo()
    assert segmenter.load_words(tokenizer, folder) == expected
    assert segmenter._read(copy) == expected
    # Without a folder to write in, the table is still made.
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert segmenter.load_words(tokenizer, blocked / "cache") == expected
    # The user's cache folder: from XDG_CACHE_HOME if absolute, else the home folder's; never relative.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert segmenter.user_cache_dir() == tmp_path / "xdg/chamberpress"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert segmenter.user_cache_dir() == tmp_path / "home/.cache/chamberpress"
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr("os.path.expanduser", lambda path: path)  # no home folder at all
    assert segmenter.user_cache_dir() is None
    assert segmenter.load_words(tokenizer, None) == expected


def test_leadership_rank_order_then_pinyin() -> None:
    people = [
        ("丁公司", "副会长"),
        ("乙公司", "会员"),
        ("白公司", "副会长"),
        ("甲公司", "秘书长"),
        ("安公司", "副会长"),
        ("丙公司", "会长"),
        ("戊公司", "常务副会长"),
    ]
    positions = ["会长", "常务副会长", "执行会长", "监事长", "副会长", "秘书长", "常务理事", "理事", "会员"]
    members = [Member(name=n, row=i, position=p, rank=positions.index(p)) for i, (n, p) in enumerate(people)]
    page = directory_markdown(members, profile_slugs(members))
    # The text of the leadership block, without its markup (a name's legal form is a span of its own).
    leaders = re.sub(r"<[^>]*>", "", page[page.index("cp-leaders") : page.index("全部会员")])
    order = [name for name, _ in people if name in leaders]
    assert sorted(order, key=leaders.index) == ["丙公司", "戊公司", "安公司", "白公司", "丁公司", "甲公司"]
    assert "乙公司" not in leaders


# --- a built site with sentinels in every private column ----------------------------------------------------

SENTINELS = {
    "mobile": "13955501234",
    "email": "sentinel-mail@private.example",
    "dues": "1987年6月5日",
    "id": "330102198706051234",
    "note": "SENTINEL备注内部",
    "unknown": "wx_sentinel_weixin",
    "joined": "1986-07-08",
}
UNLISTED = {
    "name": "隐秘未公开实业有限公司",
    "contact": "UNLISTEDCONTACT",
    "intro": "UNLISTEDINTRO不应出现",
    "address": "UNLISTEDADDRESS",
    "phone": "0577-66554433",
    "website": "https://unlisted-secret.example/",
}

ORG_YML = (
    CHAMBER_YML
    + """\
departments:
  - name: 秘书处
    head: 秘书长
    duties: 负责日常事务。
  - name: 维权部
    head: 赵六
    duties: 受理会员投诉。
meetings:
  - name: 会员大会
    frequency: 每年一次
    description: 选举理事会。
dues:
  - position: 会长
    amount: 50000
  - position: 会员
    amount: 2000
"""
)


@pytest.fixture(scope="session")
def member_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("members")
    header = [
        "序号",
        "企业名称",
        "联系人",
        "商会职务",
        "行业",
        "籍贯",
        "企业地址",
        "办公电话",
        "手机号码",
        "电子邮箱",
        "网站",
        "入会日期",
        "会费缴至",
        "企业简介",
        "标志",
        "是否公开",
        "公开手机",
        "身份证号",
        "备注",
        "微信号",
    ]
    private = [SENTINELS["email"], "https://xinda.example/", SENTINELS["joined"], SENTINELS["dues"]]
    rows = [
        header,
        [
            1,
            "安徽信达建筑有限公司",
            "王建国",
            "会长",
            "建筑",
            "安徽合肥",
            "鹿城路1号",
            "0577-88880001",
            SENTINELS["mobile"],
            *private,
            "信达建筑成立于2001年。\n承建市政工程。",
            "assets/members/xinda.png",
            "是",
            "否",
            SENTINELS["id"],
            SENTINELS["note"],
            SENTINELS["unknown"],
        ],
        [
            2,
            "温州华强贸易有限公司",
            "李华",
            "副会长",
            "商贸",
            "安徽芜湖",
            None,
            None,
            13900000002,
            None,
            "ftp://huaqiang.example/",
            None,
            None,
            "<script>alert('x')</script>**粗体**",
            None,
            "是",
            "是",
            None,
            None,
            None,
        ],
        [
            3,
            "白云物流有限公司",
            "陈白",
            "副会长",
            "物流",
            "安徽安庆",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "logos/baiyun.png",
            None,
            None,
            None,
            None,
            None,
        ],
        [
            4,
            "鹿城区星火餐饮店",
            "周火",
            "会员",
            "餐饮",
            "江西",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "../../outside.png",
            None,
            None,
            None,
            None,
            None,
        ],
        [
            5,
            "安平商贸有限公司",
            "吴平",
            "秘书长",
            "商贸",
            "安徽",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            6,
            UNLISTED["name"],
            UNLISTED["contact"],
            "理事",
            "金融",
            "安徽",
            UNLISTED["address"],
            UNLISTED["phone"],
            "13800009999",
            SENTINELS["email"],
            UNLISTED["website"],
            None,
            None,
            UNLISTED["intro"],
            "assets/members/hidden.png",
            "否",
            "是",
            SENTINELS["id"],
            SENTINELS["note"],
            SENTINELS["unknown"],
        ],
    ]
    write_chamber(
        root / "content",
        "mem",
        chamber_yml=ORG_YML,
        files={
            "members.csv": None,
            "assets/members/xinda.png": PNG,
            "assets/members/hidden.png": PNG,
            "logos/baiyun.png": PNG,
            "assets/会员名录备份.xlsx": b"PK\x03\x04copy-of-the-roster",
        },
    )
    (root / "outside.png").write_bytes(PNG)
    write_xlsx(root / "content" / "mem" / "members.xlsx", rows, title_rows=1, sheet="会员名录")
    result = build_chamber("mem", root / "content", root / "sites", today=TODAY)
    assert [str(w) for w in result.warnings] == [
        "content/mem/members.xlsx:4: sheet 会员名录, column 网站: 'ftp://huaqiang.example/' is not a web address; "
        "the link is left out (an address starting with http:// or https://) [warning]",
        "content/mem/members.xlsx:6: sheet 会员名录, column 标志: '../../outside.png' is not an image inside the "
        "chamber folder; it is left out (a picture (PNG, JPEG) or SVG drawing, e.g. assets/members/logo.png) [warning]",
        "content/mem/assets/会员名录备份.xlsx: is a spreadsheet, which is never published (rosters and their copies "
        "stay private): left out of the site (assets/ is for pictures, PDFs, office documents, audio and video) "
        "[warning]",
    ]
    return root / "sites" / "mem"


def test_no_private_value_anywhere_in_the_output(member_site: Path) -> None:
    texts = site_texts(member_site)
    assert any(p.suffix == ".pf_fragment" for p, _ in texts) and any(p.name == "sitemap.xml.gz" for p, _ in texts)
    assert any("安徽信达建筑有限公司" in t for p, t in texts if p.suffix == ".pf_fragment")  # the scan sees text
    secrets = list(SENTINELS.values()) + list(UNLISTED.values()) + ["1986年7月8日", "13800009999", "ftp://"]
    leaks = [(p.relative_to(member_site).as_posix(), s) for p, t in texts for s in secrets if s in t]
    assert leaks == []
    assert not [p for p in member_site.rglob("*") if p.suffix in (".xlsx", ".csv", ".yml") or "hidden" in p.name]


def test_directory_page(member_site: Path) -> None:
    doc = parse(member_site / "members/index.html")
    # The listed members only (the unlisted one is not counted), and the page says so.
    assert text_of(doc.cssselect(".cp-member-count")[0]) == "名录收录会员单位 5 家。"
    ranks = [
        (text_of(s.cssselect("h3")[0]), [text_of(a) for a in s.cssselect(".cp-leader a")])
        for s in doc.cssselect(".cp-leaders__rank")
    ]
    assert ranks == [
        ("会长", ["安徽信达建筑有限公司"]),
        ("副会长", ["白云物流有限公司", "温州华强贸易有限公司"]),
        ("秘书长", ["安平商贸有限公司"]),
    ]
    groups = [
        (text_of(s.cssselect("h3")[0]), [text_of(a) for a in s.cssselect(".cp-member > a")])
        for s in doc.cssselect(".cp-industry")
    ]
    assert groups == [
        ("餐饮 1 家", ["鹿城区星火餐饮店"]),
        ("建筑 1 家", ["安徽信达建筑有限公司"]),
        ("商贸 2 家", ["安平商贸有限公司", "温州华强贸易有限公司"]),
        ("物流 1 家", ["白云物流有限公司"]),
    ]
    # Filed by trade name: 安徽信达建筑 under X (信达), 温州华强贸易 under H, 鹿城区星火餐饮店 under X (星火).
    letters = {
        text_of(s.cssselect("h3")[0]): [text_of(a) for a in s.cssselect("a")] for s in doc.cssselect(".cp-az__letter")
    }
    assert letters == {
        "A": ["安平商贸有限公司"],
        "B": ["白云物流有限公司"],
        "H": ["温州华强贸易有限公司"],
        "X": ["安徽信达建筑有限公司", "鹿城区星火餐饮店"],  # xin before xing
    }
    assert [text_of(a) for a in doc.cssselect(".cp-az-letters a")] == ["A", "B", "H", "X"]
    for anchor in doc.cssselect(".cp-member > a"):
        assert (member_site / "members" / anchor.get("href") / "index.html").is_file()


def test_filter_markup_contract(member_site: Path) -> None:
    doc = parse(member_site / "members/index.html")
    (box,) = doc.cssselect("input#member-filter")
    assert box.get("type") == "search"
    entries = doc.cssselect(".cp-member")
    assert len(entries) == 5 and not [e for e in entries if e.get("hidden") is not None]  # all shown without JS
    search = {text_of(e.cssselect("a")[0]): e.get("data-search") for e in entries}
    # Name, trade name, their pinyin in full and by initials, industry, hometown, position: public fields only.
    assert search["安徽信达建筑有限公司"] == (
        "安徽信达建筑有限公司 信达建筑 anhuixindajianzhuyouxiangongsi ahxdjzyxgs xindajianzhu xdjz 建筑 安徽合肥 会长"
    )
    assert search["鹿城区星火餐饮店"] == (
        "鹿城区星火餐饮店 星火餐饮店 luchengquxinghuocanyindian lcqxhcyd xinghuocanyindian xhcyd 餐饮 江西 会员"
    )
    scripts = [s.get("src") for s in doc.cssselect("script[src]")]
    assert "../assets/javascripts/members.js" in scripts
    assert (member_site / "assets/javascripts/members.js").is_file()
    assert all(not s.startswith(("http:", "https:", "//")) for s in scripts)


def test_filter_data_holds_public_fields_only(member_site: Path) -> None:
    """Each entry's data-search is made of the name, trade name, their pinyin, industry, hometown and position
    alone: no contact, address, phone, mobile, e-mail, intro or private column, whatever the roster holds."""
    doc = parse(member_site / "members/index.html")
    for entry in doc.cssselect(".cp-member"):
        words = entry.get("data-search").split(" ")
        # name, trade name, pinyin of each (full, initials), industry, hometown, position
        assert words[0] == text_of(entry.cssselect("a")[0]) and len(words) == 9, words
        for secret in [*SENTINELS.values(), *UNLISTED.values(), "13900000002", "139****1234"]:
            assert secret.lower() not in entry.get("data-search")
    xinda = doc.xpath("//li[@class='cp-member'][a='安徽信达建筑有限公司']")[0].get("data-search")
    assert not [v for v in ("王建国", "鹿城路1号", "0577-88880001", "88880001", "信达建筑成立") if v in xinda]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("商贸 安徽", ["安平商贸有限公司", "温州华强贸易有限公司"]),
        ("HQ", ["温州华强贸易有限公司"]),  # pinyin initials of the trade name 华强贸易, any case
        ("xinda", ["安徽信达建筑有限公司"]),  # full pinyin
        ("副会长", ["温州华强贸易有限公司", "白云物流有限公司"]),  # a position
    ],
)
def test_filter_narrows_the_list_in_a_browser(member_site: Path, tmp_path: Path, typed: str, expected: list) -> None:
    page = member_site / "members" / "filter-check.html"
    script = member_site / "members" / "filter-check.js"
    # A script file of the site's own (the page's Content-Security-Policy allows no inline script).
    script.write_text(
        f"var box = document.getElementById('member-filter'); box.value = '{typed}';"
        "box.dispatchEvent(new Event('input'));",
        encoding="utf-8",
    )
    typed = '<script src="filter-check.js"></script></body>'
    page.write_text(
        (member_site / "members/index.html").read_text(encoding="utf-8").replace("</body>", typed), encoding="utf-8"
    )
    try:
        result = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--dump-dom",
                f"--user-data-dir={tmp_path}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        page.unlink()
        script.unlink()
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(result.stdout)
    shown = [text_of(e.cssselect("a")[0]) for e in doc.cssselect(".cp-member:not([hidden])")]
    assert shown == expected
    if typed == "商贸 安徽":
        assert [text_of(s.cssselect("h3")[0]) for s in doc.cssselect(".cp-industry:not([hidden])")] == ["商贸 2 家"]
    assert text_of(doc.cssselect(".cp-member-filter__status")[0]) == f"找到 {len(expected)} 家会员"


def test_profile_page(member_site: Path) -> None:
    doc = parse(member_site / "members/anhui-xinda-jianzhu/index.html")
    assert text_of(doc.cssselect("article h1")[0]).startswith("安徽信达建筑有限公司")
    fields = {
        text_of(dt_): text_of(dd)
        for dt_, dd in zip(doc.cssselect(".cp-profile__fields dt"), doc.cssselect(".cp-profile__fields dd"))
    }
    assert fields == {
        "职务": "会长",
        "联系人": "王建国",
        "行业": "建筑",
        "籍贯": "安徽合肥",
        "地址": "鹿城路1号",
        "电话": "0577-88880001",
        "手机": "139****1234",
        "网址": "https://xinda.example/",
    }
    assert doc.cssselect(".cp-profile__phone a")[0].get("href") == "tel:057788880001"
    assert not doc.cssselect(".cp-profile__mobile a")  # a masked number is not a link
    assert doc.cssselect(".cp-profile__website a")[0].get("href") == "https://xinda.example/"
    assert [text_of(p) for p in doc.cssselect(".cp-profile__intro p")] == ["信达建筑成立于2001年。", "承建市政工程。"]
    logo = doc.cssselect("img.cp-profile__logo")[0].get("src")
    assert (member_site / "members/anhui-xinda-jianzhu" / logo).resolve() == (
        member_site / "assets/members/xinda.png"
    ).resolve()
    other = parse(member_site / "members/baiyun-wuliu/index.html").cssselect("img.cp-profile__logo")[0].get("src")
    assert (member_site / "members/baiyun-wuliu" / other).resolve() == (member_site / "members/logos/baiyun-wuliu.png")
    assert not parse(member_site / "members/luchengqu-xinghuo-canyindian/index.html").cssselect("img.cp-profile__logo")
    assert not list(member_site.rglob("outside.png"))
    nav_links = [a.get("href") for a in doc.cssselect(".md-tabs a, .md-nav a")]
    assert not [h for h in nav_links if "anhui-xinda-jianzhu" in h or "huaqiang" in h]  # profiles not in navigation


def test_member_text_is_escaped_and_bad_links_dropped(member_site: Path) -> None:
    raw = (member_site / "members/wenzhou-huaqiang-maoyi/index.html").read_text(encoding="utf-8")
    doc = parse(member_site / "members/wenzhou-huaqiang-maoyi/index.html")
    assert "<script>alert" not in raw
    assert text_of(doc.cssselect(".cp-profile__intro p")[0]) == "<script>alert('x')</script>**粗体**"
    assert not doc.cssselect(".cp-profile__website")  # ftp:// was dropped
    mobile = doc.cssselect(".cp-profile__mobile a")[0]  # consented: in full, a tel: link
    assert (text_of(mobile), mobile.get("href")) == ("13900000002", "tel:13900000002")


def test_organisation_page(member_site: Path) -> None:
    doc = parse(member_site / "organization/index.html")
    tabs = [text_of(a) for a in doc.cssselect(".md-tabs__link")]
    assert "会员名录" in tabs and "组织架构" in tabs
    # The default chart from the roster and chamber.yml: each unit's box, then the units below it.
    chart = [
        (text_of(u.cssselect(".cp-org__name")[0]), len(u.xpath("ancestor::li"))) for u in doc.cssselect(".cp-org__unit")
    ]
    assert chart == [("会员大会", 0), ("理事会", 1), ("会长办公会议", 2), ("秘书长", 3), ("秘书处", 4), ("维权部", 5)]
    office = doc.xpath("//li[div/div/strong='会长办公会议']/div/div[@class='cp-org__node']")[0]
    assert [text_of(line) for line in office.cssselect(".cp-org__line")] == ["会长 王建国", "副会长 陈白、李华"]
    rows = [[text_of(td) for td in tr.cssselect("td")] for tr in doc.cssselect(".cp-leadership tbody tr")]
    assert rows == [
        ["会长", "王建国", "安徽信达建筑有限公司"],
        ["副会长", "陈白", "白云物流有限公司"],
        ["副会长", "李华", "温州华强贸易有限公司"],
        ["秘书长", "吴平", "安平商贸有限公司"],
    ]
    link = doc.cssselect(".cp-leadership a")[0].get("href")
    assert (member_site / "organization" / link / "index.html").resolve() == (
        member_site / "members/anhui-xinda-jianzhu/index.html"
    ).resolve()
    headings = [text_of(h).rstrip("¶") for h in doc.cssselect("article h2")]
    assert headings == ["组织机构图", "领导班子", "内设机构", "会议制度", "会费标准"]
    tables = [t for t in doc.cssselect("article table") if not t.xpath("ancestor::div[@class='cp-leadership']")]
    assert [text_of(td) for td in tables[0].cssselect("tbody tr")[1].cssselect("td")] == [
        "维权部",
        "赵六",
        "受理会员投诉。",
    ]
    assert [text_of(td) for td in tables[1].cssselect("tbody td")] == ["会员大会", "每年一次", "选举理事会。"]
    assert [text_of(td) for td in tables[2].cssselect("tbody tr")[0].cssselect("td")] == ["会长", "50,000"]


def test_demo_sites_publish_no_private_roster_value(demo_sites: Path) -> None:
    """Every demo roster's private values (e-mails, unconsented mobiles, ID numbers, notes, unlisted members)
    appear nowhere in its built site, while every listed member has a profile."""
    from chamberpress.content.load import chamber_slugs, load_chamber
    from chamberpress.site.directory import profile_slugs
    from conftest import ROOT

    for slug in chamber_slugs(ROOT / "content"):
        chamber = load_chamber(ROOT / "content", slug, today=TODAY)
        secrets: set[str] = set()
        for m in chamber.members:
            secrets |= {v for v in m.private.values() if len(v) >= 4} | {m.email} - {""}
            if m.mobile and not (m.listed and m.publish_mobile):
                secrets.add(m.mobile)
            if not m.listed:
                secrets |= {v for v in (m.name, m.intro, m.address, m.website) if v}
        assert secrets, slug
        texts = site_texts(demo_sites / slug)
        assert [(p.name, s) for p, t in texts for s in secrets if s in t] == []
        for name, url in profile_slugs(chamber.listed_members).items():
            assert (demo_sites / slug / "members" / url / "index.html").is_file(), name


def test_a_mobile_column_masks_numbers_whatever_joins_their_digits() -> None:
    assert mask_mobile("139−6607−0001") == "139****0001"  # the minus sign
    assert mask_mobile("139\u00a06607\u00a00001") == "139****0001"  # no-break spaces
    assert mask_mobile("139\u200b6607\u200b0001") == "139****0001"  # zero-width spaces
    assert mask_mobile("330102198706051234") == ""  # an ID number: not even in part
    assert mask_mobile("0577-88880000") == "057****0000"  # a landline typed there
