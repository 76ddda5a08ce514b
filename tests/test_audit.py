"""The seven-haves audit: the checklist item by item, figures computed by hand, charts parsed, the report kept
out of the public sites and free of private roster values."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from lxml import etree

from chamberpress.audit.report import (
    HAVES,
    CityAudit,
    audit_chamber,
    newsletter_issue_years,
    render_report,
    summary_table,
)
from chamberpress.build.pipeline import build_chamber
from chamberpress.audit.charts import bar_chart, column_chart
from chamberpress.cli import main
from chamberpress.content.load import load_chamber
from chamberpress.errors import Problems
from chamberpress.build.portal import write_portal
from conftest import ROOT, TODAY, parse, post, text_of, write_chamber

FULL = {
    "name": "温州市测试商会",
    "hometown": "测试省",
    "address": "温州市鹿城区测试路1号",
    "site_url": "https://test.example.cn/",
    "departments": [{"name": "秘书处", "head": "王五"}, {"name": "会员部"}],
    "meetings": [{"name": "会员大会", "frequency": "每年一次"}, {"name": "理事会"}, {"name": "会长办公会议"}],
    "plan": [
        {"date": "2025-12-01", "title": "年终座谈"},
        {"date": "2026-03-15", "title": "安全生产培训"},
        {"date": "2026-09-20", "title": "金秋助学"},
    ],
    "services": "设立维权部，提供法律咨询和纠纷调解。",
    "dues": [{"position": "会长", "amount": 50000}, {"position": "会员", "amount": 2000}],
}

# Eight rows, hand-computed for 2026 (audit date 2026-11-25):
#   at the start of 2026 (joined before 1 Jan 2026, or undated): 甲 乙 丙 己 庚 = 5
#   new in 2026: 丁 (1 Jan) 戊 (31 Dec) = 2 → growth 2/5 = 40%
#   dues paid to 31 Dec 2026 or later: 甲 乙 丁 庚 辛 = 5 of 8 → 62.5%
#   己 and 庚 are unlisted; 辛 joins in 2027 (neither at the start nor new in 2026)
ROSTER = """\
名称,联系人,职务,行业,手机,入会日期,会费缴至,公开,身份证号,备注
甲公司,张三,会长,商贸,13911110001,2015-06-18,2026-12-31,是,330302199001011111,NOTE-SENTINEL-1
乙公司,李四,常务副会长,物流,13911110002,2018/3/1,2027-12-31,是,330302199001012222,
丙公司,王五,秘书长,商贸,13911110003,2020-01-01,2025-12-31,,,
丁公司,赵六,会员,餐饮,13911110004,2026-01-01,2026-12-31,,,
戊公司,钱七,会员,,13911110005,2026年12月31日,,,,
隐秘公司,孙八,会员,物流,13987654321,,2026-06-30,否,330302199912319999,NOTE-SENTINEL-2
庚公司,周九,会员,商贸,13911110007,2025-12-31,2026-12-31,否,,
辛公司,吴十,会员,商贸,13911110008,2027-02-01,2027-12-31,,,
"""
PRIVATE_VALUES = [
    "13911110001",
    "13987654321",
    "330302199001011111",
    "330302199912319999",
    "NOTE-SENTINEL",
    "隐秘公司",
    "张三",
    "孙八",
]

POSTS = {
    "news/2026/2026-05-21-peixun.md": post("法律知识培训", "2026-05-21", category="培训活动"),
    "news/2026/2026-03-02-caogao.md": post("草稿培训", "2026-03-02", category="培训活动", draft="true"),
    "news/2026/2026-12-10-jihua.md": post("年底培训", "2026-12-10", category="培训活动"),  # scheduled
    "news/2026/2026-11-25-jinri.md": post("今日动态", "2026-11-25"),  # published today
    "news/2026/2026-01-15-tongzhi.md": post("通知", "2026-01-15", category="通知公告"),
    "news/2026/2026-11-30-weilai.md": post("下周通知", "2026-11-30", category="通知公告"),  # scheduled
    "news/2025/2025-12-30-nianhui.md": post("年会", "2025-12-30"),
}

NEWSLETTERS = {
    "newsletters/2026-q3.yml": "number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-09-30\n",
    "newsletters/2025-q4.yml": "number: 2025年第4期\n",  # year from the file name
    "newsletters/special.yml": "title: 特刊\nto: 2026年12月31日\n",
    "newsletters/2026-winter.yml": "from: 2026-12-01\nto: 2027-02-28\n",  # ends in 2027: counted there
}


def chamber_yml(**changes: object) -> str:
    data = copy.deepcopy(FULL)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def files(**overrides: str | None) -> dict[str, str | None]:
    return {"members.csv": ROSTER, **POSTS, **NEWSLETTERS, **overrides}


def audit_of(
    content: Path,
    yml: str | None = None,
    extra: dict[str, str | None] | None = None,
    *,
    year: int = 2026,
    today: dt.date = TODAY,
    slug: str = "t",
):
    write_chamber(
        content,
        slug,
        chamber_yml=yml or chamber_yml(),
        files=extra if extra is not None else files(),
        default_files=False,
    )
    chamber = load_chamber(content, slug, today=today)
    problems = Problems(content.parent)
    years = newsletter_issue_years(chamber, problems)
    assert not problems.errors
    return audit_chamber(chamber, year, years)


# --- the seven haves ---------------------------------------------------------------------------------


def test_a_complete_chamber_passes_every_item(content: Path) -> None:
    audit = audit_of(content)
    assert list(audit.haves) == list(HAVES)
    assert {k: h.ok for k, h in audit.haves.items()} == dict.fromkeys(HAVES, True)
    assert audit.remedies == {} and audit.passed == 7
    h = audit.haves
    assert h["leadership"].detail == "会员名录中有会长 1 人、副会长 1 人、秘书长 1 人；内设机构 2 个：秘书处、会员部。"
    assert h["address"].detail == "固定会址：温州市鹿城区测试路1号。"
    assert h["meetings"].detail == "会议制度 3 项：会员大会、理事会、会长办公会议。"
    assert h["plan"].detail == "2026年活动计划 2 项（3月15日至9月20日）。"
    assert h["publicity"].detail == "网站 https://test.example.cn/、2026年会刊 2 期。"
    assert h["funding"].detail == "会费标准 2 档，每年 2,000 元至 50,000 元。"


FAILING = [
    # (item, chamber.yml changes, file changes, words in the detail, the remedy)
    (
        "leadership",
        {},
        {"members.csv": ROSTER.replace(",秘书长,", ",会员,")},
        "会员名录中没有秘书长",
        "在会员名录 members.csv 的“职务”列中填写秘书长",
    ),
    (
        "leadership",
        {"departments": None},
        {},
        "chamber.yml 未列内设机构",
        "在 chamber.yml 中补充 departments：内设机构（name、head、duties），如秘书处、会员部",
    ),
    (
        "leadership",
        {},
        {"members.csv": None},
        "没有会员名录",
        "新建会员名录 members.xlsx（或 members.csv、members.yml），在“职务”列填写会长、副会长、秘书长",
    ),
    (
        "address",
        {"address": ""},
        {},
        "会址（address）为空",
        "在 chamber.yml 中填写 address：固定会址（如 温州市鹿城区××路×号×室）",
    ),
    (
        "meetings",
        {"meetings": None},
        {},
        "会议制度中没有会员大会、理事会。",
        "在 chamber.yml 中补充 meetings：会员大会、理事会",
    ),
    (
        "meetings",
        {"meetings": [{"name": "会员大会"}, {"name": "常务理事会"}]},
        {},
        "会议制度中没有理事会（现有：会员大会、常务理事会）。",
        "在 chamber.yml 中补充 meetings：理事会",
    ),
    (
        "plan",
        {"plan": [{"date": "2025-12-01", "title": "年终座谈"}]},
        {},
        "共 1 项，没有一项在 2026 年",
        "在 chamber.yml 中补充 plan：2026 年的活动计划（date、title、description）",
    ),
    (
        "plan",
        {"plan": None},
        {},
        "没有活动计划",
        "在 chamber.yml 中补充 plan：2026 年的活动计划（date、title、description）",
    ),
    (
        "publicity",
        {"site_url": None},
        {"newsletters/2026-q3.yml": None, "newsletters/special.yml": None},
        "未填网站地址（site_url），2026 年也没有会刊",
        "在 chamber.yml 中填写 site_url（网站的发布地址），或在 newsletters/ 中编一期 2026 年的会刊（如 newsletters/2026-q4.yml）",
    ),
    (
        "services",
        {"services": None},
        {},
        "未写明会员服务与维权机制",
        "在 chamber.yml 中补充 services：会员服务与维权机制，或新建页面 pages/services.md",
    ),
    (
        "funding",
        {"dues": None},
        {},
        "未列会费标准",
        "在 chamber.yml 中补充 dues：各职务每年的会费标准（position、amount）",
    ),
]


@pytest.mark.parametrize(
    "item, yml, extra, detail, remedy", FAILING, ids=[f"{c[0]}-{i}" for i, c in enumerate(FAILING)]
)
def test_each_item_fails_alone_with_its_remedy(
    content: Path, item: str, yml: dict, extra: dict, detail: str, remedy: str
) -> None:
    audit = audit_of(content, chamber_yml(**yml), files(**extra))
    assert [k for k, h in audit.haves.items() if not h.ok] == [item]
    assert detail in audit.haves[item].detail
    assert audit.remedies == {item: remedy}
    assert audit.passed == 6


def test_leadership_lists_every_missing_position_and_the_departments(content: Path) -> None:
    roster = "名称,职务\n甲公司,会员\n"
    audit = audit_of(content, chamber_yml(departments=None), {"members.csv": roster})
    have = audit.haves["leadership"]
    assert have.detail == (
        "会员名录中没有会长、副会长、秘书长（现有会长 0 人、副会长 0 人、秘书长 0 人）；chamber.yml 未列内设机构。"
    )
    assert have.remedy.startswith(
        "在会员名录 members.csv 的“职务”列中填写会长、副会长、秘书长；在 chamber.yml 中补充 departments"
    )


def test_a_joint_meeting_name_and_a_services_page_count(content: Path) -> None:
    page = "---\ntitle: 会员服务\n---\n\n法律咨询。\n"
    audit = audit_of(
        content,
        chamber_yml(meetings=[{"name": "会员大会暨理事会"}], services=None),
        files(**{"pages/services.md": page}),
    )
    assert audit.haves["meetings"].ok
    assert (
        audit.haves["services"].ok
        and audit.haves["services"].detail == "设有会员服务页面“会员服务”（pages/services.md）。"
    )


def test_a_newsletter_of_the_year_is_publicity_without_a_site(content: Path) -> None:
    audit = audit_of(content, chamber_yml(site_url=None), files(**{"newsletters/special.yml": None}))
    assert audit.haves["publicity"].ok
    assert audit.haves["publicity"].detail == "2026年会刊 1 期。"


# --- figures -----------------------------------------------------------------------------------------


def test_figures_are_exact(content: Path) -> None:
    audit = audit_of(content)
    data = audit.to_json()
    expected = {
        "slug": "t",
        "name": "温州市测试商会",
        "members_total": 8,
        "members_at_start": 5,
        "members_new": 2,
        "growth_rate": 0.4,
        "growth_target_met": True,
        "dues_paid": 5,
        "dues_rate": 0.625,
        "trainings": 1,
        "news_count": 3,
        "newsletters": 2,
        "last_news": "2026-11-25",
    }
    assert {k: data[k] for k in expected} == expected
    charts = data["charts"]
    assert charts["news_by_month"] == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert charts["industries"] == [
        {"industry": "商贸", "members": 4},
        {"industry": "物流", "members": 2},
        {"industry": "未填", "members": 1},
        {"industry": "餐饮", "members": 1},
    ]
    assert charts["joined_unknown"] == 1
    by_year = {e["year"]: e["members"] for e in charts["joined_by_year"]}
    assert list(by_year) == list(range(2015, 2028))
    assert {y: n for y, n in by_year.items() if n} == {2015: 1, 2018: 1, 2020: 1, 2025: 1, 2026: 2, 2027: 1}


def test_figures_of_an_earlier_year(content: Path) -> None:
    data = audit_of(content, year=2025).to_json()
    # start of 2025: 甲 乙 丙 隐秘 (undated); new: 庚; dues to 31 Dec 2025 or later: all but 戊
    assert (data["members_at_start"], data["members_new"], data["growth_rate"]) == (4, 1, 0.25)
    assert (data["dues_paid"], data["dues_rate"]) == (7, 0.875)
    assert (data["trainings"], data["news_count"], data["newsletters"], data["last_news"]) == (0, 1, 1, "2025-12-30")
    assert data["haves"]["plan"]["detail"] == "2025年活动计划 1 项（12月1日）。"


def test_drafts_never_count_and_scheduled_posts_count_once_their_date_has_come(content: Path) -> None:
    # The same content audited in January 2027 for 2026: the December training has now taken place.
    data = audit_of(content, today=dt.date(2027, 1, 5)).to_json()
    assert (data["trainings"], data["news_count"], data["last_news"]) == (2, 5, "2026-12-10")
    assert data["charts"]["news_by_month"][10:] == [2, 1]


@pytest.mark.parametrize("at_start, new, met", [(10, 1, True), (11, 1, False), (20, 2, True), (21, 2, False)])
def test_the_growth_target_is_ten_percent(content: Path, at_start: int, new: int, met: bool) -> None:
    rows = [f"老会员{i},会员,2020-01-01" for i in range(at_start)] + [f"新会员{i},会员,2026-05-01" for i in range(new)]
    audit = audit_of(content, extra={"members.csv": "名称,职务,入会日期\n" + "\n".join(rows) + "\n"})
    assert audit.figures.growth_rate == new / at_start
    assert audit.figures.growth_target_met is met
    assert any("未达到 10% 的年度目标" in n for n in audit.notes) is not met


def test_an_empty_roster(content: Path) -> None:
    audit = audit_of(content, extra={"members.csv": "名称,职务,入会日期\n"})
    f = audit.figures
    assert (f.members_total, f.members_at_start, f.members_new, f.dues_paid) == (0, 0, 0, 0)
    assert f.growth_rate is None and f.dues_rate is None and f.growth_target_met is False
    assert not audit.haves["leadership"].ok
    assert "会员名录为空或没有会员名录，会员数据无法统计。" in audit.notes
    data = audit.to_json()
    assert data["growth_rate"] is None and data["charts"]["joined_by_year"] == [] and data["charts"]["industries"] == []
    page = render_report(CityAudit(2026, TODAY, [audit]))["t.html"]
    assert page.count("暂无数据") == 2  # members and industries charts; the news chart has its 12 months
    assert "—" in page


def test_a_new_chamber_with_only_new_members_meets_the_target(content: Path) -> None:
    audit = audit_of(content, extra={"members.csv": "名称,职务,入会日期\n甲公司,会长,2026-02-01\n"})
    assert audit.figures.members_at_start == 0 and audit.figures.growth_rate is None
    assert audit.figures.growth_target_met


def test_unlisted_members_count_in_every_figure(content: Path) -> None:
    listed_only = "\n".join(line for line in ROSTER.splitlines() if ",否," not in line) + "\n"
    full = audit_of(content, slug="a").figures
    public = audit_of(content, extra=files(**{"members.csv": listed_only}), slug="b").figures
    assert full.members_total - public.members_total == 2
    assert full.members_at_start - public.members_at_start == 2
    assert full.dues_paid - public.dues_paid == 1


# --- newsletter issues -------------------------------------------------------------------------------


def test_newsletter_issue_years_from_to_from_or_the_file_name(content: Path) -> None:
    write_chamber(
        content,
        "t",
        chamber_yml=chamber_yml(),
        files={**NEWSLETTERS, "newsletters/chuangkan.yml": "title: 创刊号\n"},
        default_files=False,
    )
    problems = Problems(content.parent)
    years = newsletter_issue_years(load_chamber(content, "t", today=TODAY), problems)
    assert years == [2025, 2026, 2027, 2026]  # 2025-q4, 2026-q3, 2026-winter, special (by file name)
    assert [str(p) for p in problems.warnings] == [
        "content/t/newsletters/chuangkan.yml: to: the issue's year is unknown, not counted in the audit "
        "(a date in `to`, or a file name starting with the year, e.g. 2026-q3.yml) [warning]"
    ]


# --- charts ------------------------------------------------------------------------------------------


def test_column_chart_is_well_formed_with_one_bar_per_value() -> None:
    svg = column_chart(
        ["2024", "2025", "2026"],
        [3, 0, 5],
        line=[3, 3, 8],
        title="会员 <测试> & 累计",
        unit=" 家",
        bar_name="当年入会",
        line_name="累计",
    )
    root = etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = root.findall(".//s:rect[@class='bar']", ns)
    assert [b.get("data-value") for b in bars] == ["3", "0", "5"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0 and abs(heights[0] / heights[2] - 0.6) < 0.01
    assert [p.get("data-value") for p in root.findall(".//s:circle[@class='point']", ns)] == ["3", "3", "8"]
    assert root.findtext("s:title", namespaces=ns) == "会员 <测试> & 累计"
    assert not root.findall(".//s:script", ns) and b"href" not in svg.encode()


def test_bar_chart_escapes_labels() -> None:
    labels = ["<script>alert(1)</script>", 'A&B "引号"']
    svg = bar_chart(labels, [2, 1], title="行业")
    root = etree.fromstring(svg.encode())
    bars = root.findall(".//{http://www.w3.org/2000/svg}rect[@class='bar']")
    assert [b.findtext("{http://www.w3.org/2000/svg}title") for b in bars] == [
        "<script>alert(1)</script>：2",
        'A&B "引号"：1',
    ]
    assert "<script>" not in svg


def test_empty_charts_and_bad_input() -> None:
    for svg in (column_chart([], [], title="空"), bar_chart([], [], title="空")):
        root = etree.fromstring(svg.encode())
        assert not root.findall(".//{http://www.w3.org/2000/svg}rect[@class='bar']")
        assert "暂无数据" in svg
    with pytest.raises(ValueError):
        column_chart(["a"], [1, 2], title="x")


# --- the report through the command ------------------------------------------------------------------


def _svgs(page: str) -> list[etree._Element]:
    return [etree.fromstring(m.encode()) for m in re.findall(r"<svg .*?</svg>", page, flags=re.S)]


def _bars(svg: etree._Element) -> list[int]:
    return [int(b.get("data-value")) for b in svg.iter("{http://www.w3.org/2000/svg}rect") if b.get("class") == "bar"]


@pytest.fixture(scope="module")
def site_and_audit(tmp_path_factory) -> tuple[Path, Path, str]:
    """Two chambers; one built as a site and both audited into the same output folder."""
    root = tmp_path_factory.mktemp("audit")
    content, out = root / "content", root / "sites"
    write_chamber(content, "t", chamber_yml=chamber_yml(), files=files(), default_files=False)
    write_chamber(
        content,
        "weak",
        chamber_yml=chamber_yml(
            name="温州市薄弱商会", site_url=None, meetings=None, dues=None, services=None, plan=None
        ),
        files={
            "members.csv": "名称,职务,行业,入会日期\n甲公司,会长,商贸,2010-01-01\n"
            "乙公司,副会长,商贸,2012-01-01\n丙公司,秘书长,物流,2012-01-01\n"
        },
        default_files=False,
    )
    build_chamber("t", content, out, today=TODAY)
    write_portal(out)
    before = sorted((p.relative_to(content), p.stat().st_mtime_ns) for p in content.rglob("*"))
    import contextlib
    import io

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["audit", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()])
    assert code == 0
    assert sorted((p.relative_to(content), p.stat().st_mtime_ns) for p in content.rglob("*")) == before
    write_portal(out)
    return out, content, stdout.getvalue()


def test_report_files_and_json_layout(site_and_audit) -> None:
    out, _, _ = site_and_audit
    report = out / "_audit"
    assert sorted(p.name for p in report.iterdir()) == ["2026.pdf", "audit.json", "index.html", "t.html", "weak.html"]
    data = json.loads((report / "audit.json").read_text(encoding="utf-8"))
    assert data["year"] == 2026  # the current year of the (pinned) audit date
    assert [c["slug"] for c in data["chambers"]] == ["t", "weak"]
    for chamber in data["chambers"]:
        assert list(chamber["haves"]) == list(HAVES)
        assert all(set(h) == {"ok", "detail"} and h["detail"].endswith("。") for h in chamber["haves"].values())
        for key in (
            "members_total",
            "members_new",
            "growth_rate",
            "growth_target_met",
            "dues_paid",
            "dues_rate",
            "trainings",
            "news_count",
            "newsletters",
            "last_news",
            "projects",
            "projects_signed",
        ):
            assert key in chamber
    weak = data["chambers"][1]
    assert sorted(weak["remedies"]) == ["funding", "meetings", "plan", "publicity", "services"]
    assert weak["remedies"]["meetings"] == "在 chamber.yml 中补充 meetings：会员大会、理事会"


def test_report_printed_as_an_a4_pdf_one_section_per_chamber(site_and_audit, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from chamberpress.audit.report import print_report, render_report

    out, content, _ = site_and_audit
    pdf = out / "_audit/2026.pdf"
    reader = PdfReader(pdf)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    texts = [re.sub(r"\s+", "", page) for page in pages.stdout.split("\f") if page.strip()]
    assert all(text.startswith("内部资料") for text in texts)  # marked at the top of every page
    assert texts[0].startswith("内部资料2026年异地商会七有检查报告")
    starts = [i for i, text in enumerate(texts) if re.match(r"内部资料温州市\w+商会·2026年七有检查", text)]
    assert [re.match(r"内部资料(温州市\w+?商会)", texts[i]).group(1) for i in starts] == [
        "温州市测试商会",
        "温州市薄弱商会",
    ]
    chamber_text = "".join(texts[starts[0] : starts[1]])
    assert "会员行业分布" in chamber_text and "2026年发布项目" in chamber_text
    # The charts are drawn into the PDF (their labels are text of the page), with the newsletter's fonts.
    assert "商贸4物流2" in chamber_text and "11月12月" in chamber_text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    # The same report gives the same bytes.
    data = json.loads((out / "_audit/audit.json").read_text(encoding="utf-8"))
    assert data["chambers"][0]["name"] == "温州市测试商会"
    city = _city(content)
    again = print_report(render_report(city), city, tmp_path / "a.pdf", tmp_path)
    twice = print_report(render_report(city), city, tmp_path / "b.pdf", tmp_path)
    assert again.read_bytes() == twice.read_bytes()


def _city(content: Path):
    from chamberpress.audit.report import CityAudit

    audits = []
    for slug in ("t", "weak"):
        chamber = load_chamber(content, slug, today=TODAY)
        audits.append(audit_chamber(chamber, 2026, newsletter_issue_years(chamber, Problems(content.parent))))
    return CityAudit(2026, TODAY, audits)


def test_terminal_summary(site_and_audit) -> None:
    out, _, printed = site_and_audit
    lines = printed.splitlines()
    assert lines[0] == "2026年七有检查（2026年11月25日）"
    row = next(line for line in lines if line.startswith("温州市薄弱商会"))
    assert row.split()[1:] == ["✓", "✓", "✗", "✗", "✗", "✗", "✗", "2/7", "3", "0", "0.0%", "0", "0.0%"]
    row = next(line for line in lines if line.startswith("温州市测试商会"))
    assert row.split()[1:] == ["✓"] * 7 + ["7/7", "8", "2", "40.0%", "1", "62.5%"]
    assert f"{out / '_audit'}/index.html" in printed


def test_index_table_and_remedies(site_and_audit) -> None:
    out, _, _ = site_and_audit
    doc = parse(out / "_audit" / "index.html")
    rows = doc.cssselect("table.city tbody tr")
    assert [r.get("data-slug") for r in rows] == ["t", "weak"]
    weak = rows[1]
    marks = {td.get("data-have"): text_of(td) for td in weak.cssselect("td.mark")}
    assert marks == {
        "leadership": "✓",
        "address": "✓",
        "meetings": "✗",
        "plan": "✗",
        "publicity": "✗",
        "services": "✗",
        "funding": "✗",
    }
    assert text_of(weak.cssselect("td.growth")[0]) == "0.0%" and text_of(rows[0].cssselect("td.dues")[0]) == "62.5%"
    assert weak.cssselect("td.name a")[0].get("href") == "weak.html"
    remedies = [text_of(li) for li in doc.cssselect('section.remedies ul[data-slug="weak"] li.remedy')]
    assert "会议制度：在 chamber.yml 中补充 meetings：会员大会、理事会" in remedies and len(remedies) == 5
    svg = _svgs((out / "_audit" / "index.html").read_text(encoding="utf-8"))[0]
    assert _bars(svg) == [2, 2, 1, 1, 1, 1, 1]  # chambers having each of the seven haves


def test_chamber_page_has_haves_figures_and_charts(site_and_audit) -> None:
    out, _, _ = site_and_audit
    path = out / "_audit" / "t.html"
    doc = parse(path)
    assert [r.get("data-have") for r in doc.cssselect("table.haves tbody tr")] == list(HAVES)
    assert text_of(doc.cssselect("dd.growth_rate")[0]) == "40.0%"
    assert text_of(doc.cssselect("dd.dues_paid")[0]) == "5 家（62.5%）"
    assert text_of(doc.cssselect("dd.last_news")[0]) == "2026年11月25日"
    members, industries, news = _svgs(path.read_text(encoding="utf-8"))
    assert _bars(members) == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 2, 1]  # 2015 … 2027
    assert [int(c.get("data-value")) for c in members.iter("{http://www.w3.org/2000/svg}circle")][-1] == 7
    assert _bars(industries) == [4, 2, 1, 1]
    assert _bars(news) == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert "另有 1 家未填入会日期" in text_of(doc.cssselect("figure.members figcaption")[0])
    weak = parse(out / "_audit" / "weak.html")
    row = weak.cssselect('table.haves tr[data-have="funding"]')[0]
    assert (
        text_of(row.cssselect("td.remedy")[0]) == "在 chamber.yml 中补充 dues：各职务每年的会费标准（position、amount）"
    )


def test_report_is_self_contained_and_prints_on_a4(site_and_audit) -> None:
    out, _, _ = site_and_audit
    for page in (out / "_audit").glob("*.html"):
        doc = parse(page)
        assert not doc.cssselect("script, link, img, iframe, object"), page
        assert {a.get("href") for a in doc.cssselect("a")} <= {"index.html", "t.html", "weak.html"}
        assert doc.cssselect('meta[name="robots"]')[0].get("content") == "noindex, nofollow"
        css = text_of(doc.cssselect("style")[0])
        assert "@page { size: A4;" in css and "@media print" in css
        assert "http" not in css


def test_report_is_outside_every_public_site(site_and_audit) -> None:
    out, _, _ = site_and_audit
    site = out / "t"
    assert (site / "index.html").is_file() and (out / "_audit" / "index.html").is_file()
    assert not list(site.rglob("_audit*")) and not list(site.rglob("audit.json"))
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".js", ".txt", ".css"}:
            assert "_audit" not in path.read_text(encoding="utf-8", errors="replace"), path
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert "_audit" not in portal and "七有" not in portal
    assert [li.get("data-slug") for li in parse(out / "index.html").cssselect("li.chamber")] == ["t"]


def test_report_holds_no_private_roster_value(site_and_audit) -> None:
    out, _, _ = site_and_audit
    for path in (out / "_audit").iterdir():
        if path.suffix == ".pdf":  # its text, read back
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
        else:
            text = path.read_text(encoding="utf-8")
        for value in PRIVATE_VALUES:
            assert value not in text, (path.name, value)


def test_audit_of_some_chambers_replaces_the_report(content: Path, tmp_path: Path, capsys) -> None:
    for slug in ("one", "two"):
        write_chamber(content, slug, chamber_yml=chamber_yml(), files={"members.csv": ROSTER}, default_files=False)
    out = tmp_path / "sites"
    args = ["--content", str(content), "--out", str(out), "--today", "2026-11-25"]
    assert main(["audit", *args]) == 0
    assert main(["audit", "two", "--year", "2025", *args]) == 0
    assert sorted(p.name for p in (out / "_audit").iterdir()) == ["2025.pdf", "audit.json", "index.html", "two.html"]
    data = json.loads((out / "_audit" / "audit.json").read_text(encoding="utf-8"))
    assert data["year"] == 2025 and [c["slug"] for c in data["chambers"]] == ["two"]
    assert sorted(p.name for p in out.iterdir()) == [".chamber", "_audit"]
    assert not list((out / ".chamber").iterdir())  # no temporary folder left behind


def test_content_errors_exit_1_and_the_other_chambers_are_still_audited(content: Path, tmp_path: Path, capsys) -> None:
    write_chamber(content, "good", chamber_yml=chamber_yml(), files={"members.csv": ROSTER}, default_files=False)
    write_chamber(
        content,
        "bad",
        chamber_yml=chamber_yml(),
        files={"members.csv": ROSTER, "newsletters/2026-q1.yml": "to: 2026-02-30\n"},
        default_files=False,
    )
    out = tmp_path / "sites"
    assert main(["audit", "--content", str(content), "--out", str(out), "--today", "2026-11-25"]) == 1
    err = capsys.readouterr().err
    assert "✗ bad: 1 content error; not audited" in err
    assert "content/bad/newsletters/2026-q1.yml:1: to: '2026-02-30' is not a real date" in err
    data = json.loads((out / "_audit" / "audit.json").read_text(encoding="utf-8"))
    assert [c["slug"] for c in data["chambers"]] == ["good"]
    assert "bad（1 处错误）" in text_of(parse(out / "_audit" / "index.html").cssselect("p.unaudited")[0])


def test_usage_errors_exit_2(content: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--year", "26", "--content", str(content), "--out", str(tmp_path)])
    assert exc.value.code == 2 and "'26' is not a year such as 2026" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--content", str(content), "--out", str(tmp_path)])  # no chamber at all
    assert exc.value.code == 2


def test_summary_table_aligns_chinese_names(content: Path) -> None:
    audits = [audit_of(content, slug="a"), audit_of(content, chamber_yml(name="温州市短商会"), slug="b")]
    lines = summary_table(CityAudit(2026, TODAY, audits)).splitlines()[1:]
    # Display width (a CJK character is two columns, as its GB18030 bytes): the marks line up under 班子.
    starts = [len(line[: re.search("[班✓✗]", line).start()].encode("gb18030")) for line in lines if line[0] != "-"]
    assert starts == [16, 16, 16]


def test_demo_chambers_pass_the_audit() -> None:
    from chamberpress.content.load import chamber_slugs

    slugs = chamber_slugs(ROOT / "content")
    if not slugs:
        pytest.skip("no demo content under content/")
    for slug in slugs:
        chamber = load_chamber(ROOT / "content", slug, today=TODAY)
        problems = Problems(ROOT)
        audit = audit_chamber(chamber, 2026, newsletter_issue_years(chamber, problems))
        assert not problems.errors
        assert audit.passed == 7, (slug, audit.remedies)
        assert audit.figures.members_total == len(chamber.members) > len(chamber.listed_members)
        assert audit.figures.trainings >= 1 and audit.figures.news_count >= 1


def test_trainings_count_held_plan_trainings_and_training_posts_each_once(content: Path) -> None:
    plan = [
        # Held, reported by a training post: counted once, as the activity.
        {"date": "2026-05-21", "title": "法律培训", "kind": "培训", "report": "news/2026/2026-05-21-peixun.md"},
        {"date": "2026-03-15", "title": "安全生产培训", "kind": "培训"},  # held, no report
        {"date": "2026-12-05", "title": "年底培训班", "kind": "培训"},  # not held yet on 2026-11-25
        {"date": "2025-10-01", "title": "去年培训", "kind": "培训"},  # another year
        # Not a training activity: the training post reporting on it still counts, as a post.
        {"date": "2026-06-01", "title": "项目考察", "kind": "考察", "report": "news/2026/2026-06-02-kaocha.md"},
    ]
    extra = files() | {
        "news/2026/2026-06-02-kaocha.md": post("考察中的培训", "2026-06-02", category="培训活动"),
        "news/2026/2026-07-01-peixun2.md": post("电商培训", "2026-07-01", category="培训活动"),
    }
    audit = audit_of(content, chamber_yml(plan=plan), extra)
    assert audit.figures.trainings_counted == (
        "2026年3月15日 安全生产培训（活动计划）",
        "2026年5月21日 法律培训（活动计划，报道：法律知识培训）",
        "2026年6月2日 考察中的培训（“培训活动”栏目新闻）",
        "2026年7月1日 电商培训（“培训活动”栏目新闻）",
    )
    assert audit.to_json()["trainings"] == 4
    page = render_report(CityAudit(2026, TODAY, [audit]))["t.html"]
    assert "2026年5月21日 法律培训（活动计划，报道：法律知识培训）" in page
