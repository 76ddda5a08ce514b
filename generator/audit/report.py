"""The seven-haves audit (七有): a chamber and a year → the checklist, the figures and the remedies.

The office checks every chamber at year end against the seven haves, membership growth (10% a year),
member training and dues collection. The checklist and the figures are computed from the loaded chamber
with no I/O, and hold counts only: no member's name, mobile, ID number or note reaches the report. The end
of the module renders and writes the report (`<out>/_audit/`) and the terminal table.

"Published" means what the sites show on the audit date (`chamber.today`): drafts never count, and a
scheduled post (dated after the audit date) counts only once its date has come, so a training announced
for December counts in a report made in January, not in one made in November.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from chamberpress.audit.charts import bar_chart, column_chart
from chamberpress.paths import PROJECT_DIR
from chamberpress.chinese import format_date
from chamberpress.errors import Problems
from chamberpress.content.model import Chamber
from chamberpress.content.projects import SIGNED
from chamberpress.i18n import _

log = logging.getLogger(__name__)

GROWTH_TARGET_PERCENT = 10  # the office's yearly target: new members over members at the start
TRAINING_CATEGORY = "培训活动"
TRAINING_KIND = "培训"  # a plan item's `kind`
VICE_PRESIDENTS = ("副会长", "常务副会长")  # a 常务副会长 is a vice-president too
ASSEMBLIES = ("会员大会", "会员代表大会")

# The seven haves in the office's order, with the label the report shows.
HAVES: dict[str, str] = {
    "leadership": "领导班子",
    "address": "固定会址",
    "meetings": "会议制度",
    "plan": "活动计划",
    "publicity": "宣传阵地",
    "services": "服务维权",
    "funding": "经费来源",
}
SHORT: dict[str, str] = {
    "leadership": "班子",
    "address": "会址",
    "meetings": "会议",
    "plan": "计划",
    "publicity": "宣传",
    "services": "服务",
    "funding": "经费",
}


@dataclass(frozen=True)
class Have:
    """One of the seven haves: whether the chamber has it, a sentence saying why, and what to add if not."""

    ok: bool
    detail: str
    remedy: str | None = None


@dataclass(frozen=True)
class Figures:
    members_total: int  # every roster row, unlisted members included
    members_at_start: int  # rows that joined before 1 January of the year (or with no joined date)
    members_new: int  # rows that joined in the year
    growth_rate: float | None  # members_new / members_at_start; None when nobody was a member at the start
    growth_target_met: bool
    dues_paid: int  # rows whose dues are paid to 31 December of the year or later
    dues_rate: float | None  # dues_paid / members_total; None for an empty roster
    trainings: int  # len(trainings_counted)
    news_count: int  # published posts dated in the year
    newsletters: int  # newsletter issues of the year
    last_news: dt.date | None  # the newest published post dated in the year or before
    projects: int = 0  # published projects (项目合作) dated in the year
    projects_signed: int = 0  # of those, the ones whose status is 已签约
    # What the training count counted, one line each: held 培训 activities of the plan, then published
    # posts of category 培训活动 that are no counted activity's report (a training is counted once).
    trainings_counted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Distributions:
    """The counts behind the charts."""

    joined_by_year: list[tuple[int, int]]  # (year, members who joined that year), every year in the range
    joined_unknown: int  # rows without a joined date
    industries: list[tuple[str, int]]  # most members first; "未填" for an empty industry
    news_by_month: list[int]  # published posts in each month of the year (12 numbers)


@dataclass(frozen=True)
class ChamberAudit:
    slug: str
    name: str
    year: int
    haves: dict[str, Have]
    figures: Figures
    distributions: Distributions
    notes: list[str] = field(default_factory=list)  # findings beyond the seven haves (growth, training …)

    @property
    def passed(self) -> int:
        return sum(1 for have in self.haves.values() if have.ok)

    @property
    def remedies(self) -> dict[str, str]:
        return {key: have.remedy for key, have in self.haves.items() if not have.ok and have.remedy}

    def to_json(self) -> dict[str, Any]:
        f = self.figures
        d = self.distributions
        return {
            "slug": self.slug,
            "name": self.name,
            "haves": {key: {"ok": have.ok, "detail": have.detail} for key, have in self.haves.items()},
            "remedies": self.remedies,
            "members_total": f.members_total,
            "members_at_start": f.members_at_start,
            "members_new": f.members_new,
            "growth_rate": _round(f.growth_rate),
            "growth_target_met": f.growth_target_met,
            "dues_paid": f.dues_paid,
            "dues_rate": _round(f.dues_rate),
            "trainings": f.trainings,
            "trainings_counted": list(f.trainings_counted),
            "news_count": f.news_count,
            "newsletters": f.newsletters,
            "last_news": f.last_news.isoformat() if f.last_news else None,
            "projects": f.projects,
            "projects_signed": f.projects_signed,
            "notes": self.notes,
            "charts": {
                "joined_by_year": [{"year": y, "members": n} for y, n in d.joined_by_year],
                "joined_unknown": d.joined_unknown,
                "industries": [{"industry": i, "members": n} for i, n in d.industries],
                "news_by_month": d.news_by_month,
            },
        }


@dataclass(frozen=True)
class CityAudit:
    year: int
    made_on: dt.date
    chambers: list[ChamberAudit]

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "made_on": self.made_on.isoformat(),
            "chambers": [c.to_json() for c in self.chambers],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def percent(value: float | None) -> str:
    """0.125 → 12.5%; None → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


def format_day(day: dt.date | None) -> str:
    return format_date(day) if day else "—"


# --- the seven haves ---------------------------------------------------------------------------------


def _roster_file(chamber: Chamber) -> str:
    return chamber.roster.path.name if chamber.roster else "members.xlsx"


def _leadership(chamber: Chamber) -> Have:
    positions = Counter(m.position for m in chamber.members)
    vice = sum(positions[p] for p in VICE_PRESIDENTS)
    departments = [d.name for d in chamber.info.departments]
    missing = [p for p, n in (("会长", positions["会长"]), ("副会长", vice), ("秘书长", positions["秘书长"])) if n == 0]
    people = f"会长 {positions['会长']} 人、副会长 {vice} 人、秘书长 {positions['秘书长']} 人"
    units = f"内设机构 {len(departments)} 个：{'、'.join(departments)}" if departments else "未列内设机构"
    if not missing and departments:
        return Have(True, f"会员名录中有{people}；{units}。")
    problems, remedies = [], []
    if chamber.roster is None:
        problems.append("没有会员名录")
        remedies.append("新建会员名录 members.xlsx（或 members.csv、members.yml），在“职务”列填写会长、副会长、秘书长")
    elif missing:
        problems.append(f"会员名录中没有{'、'.join(missing)}（现有{people}）")
        remedies.append(f"在会员名录 {_roster_file(chamber)} 的“职务”列中填写{'、'.join(missing)}")
    if not departments:
        problems.append("chamber.yml 未列内设机构")
        remedies.append("在 chamber.yml 中补充 departments：内设机构（name、head、duties），如秘书处、会员部")
    return Have(False, "；".join(problems) + "。", "；".join(remedies))


def _address(chamber: Chamber) -> Have:
    address = " ".join(chamber.info.address.split())
    if address:
        return Have(True, f"固定会址：{address}。")
    return Have(
        False,
        "chamber.yml 中的会址（address）为空。",
        "在 chamber.yml 中填写 address：固定会址（如 温州市鹿城区××路×号×室）",
    )


def _meetings(chamber: Chamber) -> Have:
    names = [m.name for m in chamber.info.meetings]
    has_assembly = any(a in n for n in names for a in ASSEMBLIES)
    # 常务理事会 is a smaller body than the council; "会员大会暨理事会" holds both.
    has_council = any("理事会" in n.replace("常务理事会", "") for n in names)
    missing = [label for label, ok in (("会员大会", has_assembly), ("理事会", has_council)) if not ok]
    if not missing:
        return Have(True, f"会议制度 {len(names)} 项：{'、'.join(names)}。")
    detail = f"会议制度中没有{'、'.join(missing)}" + (f"（现有：{'、'.join(names)}）。" if names else "。")
    return Have(False, detail, f"在 chamber.yml 中补充 meetings：{'、'.join(missing)}")


def _plan(chamber: Chamber, year: int) -> Have:
    items = sorted((p for p in chamber.info.plan if p.date.year == year), key=lambda p: p.date)
    if items:
        first, last = (f"{p.date.month}月{p.date.day}日" for p in (items[0], items[-1]))
        return Have(True, f"{year}年活动计划 {len(items)} 项（{first if first == last else f'{first}至{last}'}）。")
    other = len(chamber.info.plan)
    detail = (
        f"chamber.yml 的活动计划共 {other} 项，没有一项在 {year} 年。"
        if other
        else "chamber.yml 中没有活动计划（plan）。"
    )
    return Have(False, detail, f"在 chamber.yml 中补充 plan：{year} 年的活动计划（date、title、description）")


def _publicity(chamber: Chamber, year: int, newsletters: int) -> Have:
    url = chamber.info.site_url
    if url or newsletters:
        parts = ([f"网站 {url}"] if url else []) + ([f"{year}年会刊 {newsletters} 期"] if newsletters else [])
        return Have(True, "、".join(parts) + "。")
    return Have(
        False,
        f"chamber.yml 未填网站地址（site_url），{year} 年也没有会刊。",
        f"在 chamber.yml 中填写 site_url（网站的发布地址），或在 newsletters/ 中编一期 {year} 年的会刊"
        f"（如 newsletters/{year}-q4.yml）",
    )


def _services(chamber: Chamber) -> Have:
    page = next((p for p in chamber.pages if p.name == "services"), None)
    if (chamber.info.services or "").strip():
        return Have(
            True,
            "chamber.yml 写明了会员服务与维权机制（services）" + (f"，并设有页面“{page.title}”。" if page else "。"),
        )
    if page:
        return Have(True, f"设有会员服务页面“{page.title}”（pages/services.md）。")
    return Have(
        False,
        "未写明会员服务与维权机制。",
        "在 chamber.yml 中补充 services：会员服务与维权机制，或新建页面 pages/services.md",
    )


def _funding(chamber: Chamber) -> Have:
    dues = chamber.info.dues
    if dues:
        low, high = min(d.amount for d in dues), max(d.amount for d in dues)
        span = f"{low:,} 元" if low == high else f"{low:,} 元至 {high:,} 元"
        return Have(True, f"会费标准 {len(dues)} 档，每年 {span}。")
    return Have(
        False,
        "chamber.yml 未列会费标准（dues）。",
        "在 chamber.yml 中补充 dues：各职务每年的会费标准（position、amount）",
    )


# --- figures -----------------------------------------------------------------------------------------


def _figures(chamber: Chamber, year: int, newsletters: int) -> Figures:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = chamber.members
    # A row without a joined date is an older member the secretariat never dated: counted at the start.
    at_start = sum(1 for m in members if m.joined is None or m.joined < start)
    new = sum(1 for m in members if m.joined is not None and m.joined.year == year)
    growth = new / at_start if at_start else None
    # With nobody at the start (a new chamber) any new member meets the target.
    target_met = new * 100 >= at_start * GROWTH_TARGET_PERCENT if at_start else new > 0
    paid = sum(1 for m in members if m.dues_paid_until is not None and m.dues_paid_until >= end)
    published = [p for p in chamber.posts if p.is_published(chamber.today)]
    in_year = [p for p in published if p.date.year == year]
    last = max((p.date for p in published if p.date <= end), default=None)
    projects = [p for p in chamber.published_projects if p.date.year == year]
    trainings = trainings_counted(chamber, year)
    return Figures(
        members_total=len(members),
        members_at_start=at_start,
        members_new=new,
        growth_rate=growth,
        growth_target_met=target_met,
        dues_paid=paid,
        dues_rate=paid / len(members) if members else None,
        trainings=len(trainings),
        news_count=len(in_year),
        newsletters=newsletters,
        last_news=last,
        projects=len(projects),
        projects_signed=sum(1 for p in projects if p.meta.status == SIGNED),
        trainings_counted=trainings,
    )


def trainings_counted(chamber: Chamber, year: int) -> tuple[str, ...]:
    """The trainings of the year, each once: the plan's 培训 activities held by the audit date, then the
    published posts of the training category that do not report on one of those activities."""
    held = sorted(
        (i for i in chamber.info.plan if i.kind == TRAINING_KIND and i.date.year == year and i.date <= chamber.today),
        key=lambda i: (i.date, i.title),
    )
    reports = {post.path for item in held if (post := chamber.report_of(item)) is not None}
    posts = sorted(
        (
            p
            for p in chamber.posts
            if p.is_published(chamber.today)
            and p.date.year == year
            and p.category == TRAINING_CATEGORY
            and p.path not in reports
        ),
        key=lambda p: (p.date, p.rel),
    )
    lines = []
    for item in held:
        report = chamber.report_of(item)
        told = f"，报道：{report.title}" if report is not None and report.category == TRAINING_CATEGORY else ""
        lines.append(f"{format_date(item.date)} {item.title}（活动计划{told}）")
    lines += [f"{format_date(p.date)} {p.title}（“{TRAINING_CATEGORY}”栏目新闻）" for p in posts]
    return tuple(lines)


def _distributions(chamber: Chamber, year: int) -> Distributions:
    joined = Counter(m.joined.year for m in chamber.members if m.joined)
    years = range(min(joined), max(joined) + 1) if joined else range(0)
    industries = Counter(m.industry.strip() or "未填" for m in chamber.members)
    months = Counter(p.date.month for p in chamber.posts if p.is_published(chamber.today) and p.date.year == year)
    return Distributions(
        joined_by_year=[(y, joined[y]) for y in years],
        joined_unknown=sum(1 for m in chamber.members if m.joined is None),
        industries=sorted(industries.items(), key=lambda item: (-item[1], item[0])),
        news_by_month=[months[m] for m in range(1, 13)],
    )


def _notes(chamber: Chamber, year: int, f: Figures, d: Distributions) -> list[str]:
    """Findings the office asks about besides the seven haves."""
    notes = []
    if f.members_at_start and not f.growth_target_met:
        needed = -(-f.members_at_start * GROWTH_TARGET_PERCENT // 100)  # rounded up
        notes.append(
            f"会员增长率 {percent(f.growth_rate)}，未达到 {GROWTH_TARGET_PERCENT}% 的年度目标"
            f"（年初 {f.members_at_start} 家，需新增 {needed} 家，实际新增 {f.members_new} 家）。"
        )
    if f.trainings == 0:
        notes.append(
            f"{year} 年没有会员培训（活动计划中类别为“{TRAINING_KIND}”的已举办活动，或栏目“{TRAINING_CATEGORY}”的新闻），"
            "要求每年一至两次。"
        )
    if d.joined_unknown:
        notes.append(f"{d.joined_unknown} 家会员未填入会日期（按年初已入会计算）：请在会员名录的“入会日期”列补齐。")
    unpaid = f.members_total - f.dues_paid
    if f.members_total and unpaid:
        notes.append(f"{unpaid} 家会员的会费未缴至 {year} 年底（按会员名录“会费缴至”列）。")
    if not f.members_total:
        notes.append("会员名录为空或没有会员名录，会员数据无法统计。")
    return notes


def audit_chamber(chamber: Chamber, year: int, newsletter_years: list[int]) -> ChamberAudit:
    """The seven haves, the figures and the remedies of one chamber for one year."""
    newsletters = sum(1 for y in newsletter_years if y == year)
    haves = {
        "leadership": _leadership(chamber),
        "address": _address(chamber),
        "meetings": _meetings(chamber),
        "plan": _plan(chamber, year),
        "publicity": _publicity(chamber, year, newsletters),
        "services": _services(chamber),
        "funding": _funding(chamber),
    }
    figures = _figures(chamber, year, newsletters)
    distributions = _distributions(chamber, year)
    return ChamberAudit(
        chamber.slug,
        chamber.info.name,
        year,
        haves,
        figures,
        distributions,
        _notes(chamber, year, figures, distributions),
    )


# --- newsletter issues (read by print/newsletter.py's loader) ----------------------------------------------

_ISSUE_YEAR = re.compile(r"^(\d{4})(?:\D|$)")


def newsletter_issue_years(chamber: Chamber, problems: Problems) -> list[int]:
    """The year of each issue in `newsletters/<ID>.yml`: the year of `to`, else of `from`, else of the ID.

    An issue belongs to the year its period ends in, so a December–January issue is counted once. The
    issue files are read and checked by the newsletter's own loader (a broken one raises ContentError).
    """
    from chamberpress.print.newsletter import load_issues

    years = []
    for issue in load_issues(chamber):
        day = issue.definition.to or issue.definition.from_
        if day is not None:
            years.append(day.year)
        elif match := _ISSUE_YEAR.match(issue.id):
            years.append(int(match.group(1)))
        else:
            problems.warning(
                issue.path or chamber.folder,
                _("the issue's year is unknown, not counted in the audit"),
                field="to",
                expected=_("a date in `to`, or a file name starting with the year, e.g. 2026-q3.yml"),
            )
    return years


# --- the report: HTML pages, audit.json and the terminal table ---------------------------------------

REPORT_DIR = "_audit"  # under the output folder, beside the sites and never inside one
TEMPLATE_DIR = PROJECT_DIR / "theme" / "audit"


def page_name(slug: str) -> str:
    """The chamber's page in the report; a chamber called "index" must not replace the index."""
    return "index-chamber.html" if slug == "index" else f"{slug}.html"


def chamber_charts(audit: ChamberAudit) -> dict[str, str]:
    d = audit.distributions
    counts = [n for _, n in d.joined_by_year]
    return {
        "members": column_chart(
            [str(y) for y, _ in d.joined_by_year],
            counts,
            line=list(itertools.accumulate(counts)),
            unit=" 家",
            title=f"{audit.name}：按入会年份统计的会员数及累计",
            bar_name="当年入会",
            line_name="累计",
        ),
        "industries": bar_chart(
            [i for i, _ in d.industries], [n for _, n in d.industries], unit=" 家", title=f"{audit.name}：会员行业分布"
        ),
        "news": column_chart(
            [f"{m}月" for m in range(1, 13)],
            d.news_by_month,
            unit=" 篇",
            title=f"{audit.name}：{audit.year}年每月新闻数",
            bar_name="新闻",
        ),
    }


def city_chart(city: CityAudit) -> str:
    """How many chambers have each of the seven haves."""
    return bar_chart(
        list(HAVES.values()),
        [sum(1 for a in city.chambers if a.haves[k].ok) for k in HAVES],
        unit=" 家",
        title=f"{city.year}年七有达标商会数（共 {len(city.chambers)} 家）",
    )


def render_report(city: CityAudit, *, unaudited: dict[str, int] | None = None) -> dict[str, str]:
    """File name → text of every file of the report; `unaudited` maps a slug to its content error count."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(percent=percent, day=format_day, page=page_name)
    common = {"city": city, "haves": HAVES, "short": SHORT, "made_on": format_date(city.made_on)}
    files = {
        "index.html": env.get_template("index.html").render(
            **common, chart=Markup(city_chart(city)), unaudited=unaudited or {}
        )
    }
    for audit in city.chambers:
        charts = {key: Markup(svg) for key, svg in chamber_charts(audit).items()}
        files[page_name(audit.slug)] = env.get_template("chamber.html").render(**common, a=audit, charts=charts)
    files["audit.json"] = json.dumps(city.to_json(), ensure_ascii=False, indent=1) + "\n"
    return files


def write_report(city: CityAudit, out_dir: Path, *, unaudited: dict[str, int] | None = None) -> Path:
    """Write `<out>/_audit/` whole, replacing the previous report (and its stale pages) in one swap."""
    from chamberpress.build.site_folders import WORK_DIR, swap_into_place

    files = render_report(city, unaudited=unaudited)
    work = out_dir / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    target = out_dir / REPORT_DIR
    # Written in the build's work folder (same file system, never published), then swapped into place.
    building = Path(tempfile.mkdtemp(prefix="building-_audit-", dir=work))
    try:
        for name, text in files.items():
            (building / name).write_text(text, encoding="utf-8")
        print_report(files, city, building / pdf_name(city.year), work)
        swap_into_place(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def summary_table(city: CityAudit) -> str:
    """The terminal summary: one row per chamber, the seven haves as ✓/✗ and the key figures."""
    head = ["商会", *SHORT.values(), "达标", "会员", "新增", "增长率", "培训", "缴费率"]
    rows = [
        [
            a.name,
            *("✓" if a.haves[k].ok else "✗" for k in HAVES),
            f"{a.passed}/7",
            str(a.figures.members_total),
            str(a.figures.members_new),
            percent(a.figures.growth_rate),
            str(a.figures.trainings),
            percent(a.figures.dues_rate),
        ]
        for a in city.chambers
    ]
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    numeric = set(range(len(head) - 5, len(head)))
    lines = [
        "  ".join(_pad(cell, widths[i], i in numeric) for i, cell in enumerate(row)).rstrip() for row in [head, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([f"{city.year}年七有检查（{format_date(city.made_on)}）", *lines])


# --- the report on paper -------------------------------------------------------------------------

# What the printed report adds to the screen pages' style: the newsletter's fonts (print.pdf.fonts_css), the
# paper's margins, 内部资料 at the top of every page, a page number, and each chamber on a page of its own.
PRINT_CSS = """
@page { size: A4; margin: 18mm 14mm 16mm;
  @top-right { content: "内部资料"; color: #cf222e; font-size: 9pt; }
  @bottom-center { content: "— " counter(page) " —"; font-size: 9pt; color: #57606a; } }
body { font-size: 10.5pt; }
header, main, footer { max-width: none; padding: 0; }
a { color: inherit; text-decoration: none; }
nav.back { display: none; }
section.chamber { break-before: page; }
table.city { font-size: 8pt; }
table.city th, table.city td { padding: .2em .25em; }
h2, h3 { break-after: avoid; }
figure, tr, dl.figures div, section.remedies li { break-inside: avoid; }
"""


def pdf_name(year: int) -> str:
    return f"{year}.pdf"


def report_print_html(files: dict[str, str], city: CityAudit, fonts_css: str) -> str:
    """One print HTML of the report: the city's summary, then one section per chamber (charts included), the
    links between pages made links inside the document (pure: the same report gives the same text)."""
    from lxml import html as lxml_html

    anchors = {page_name(a.slug): f"#chamber-{a.slug}" for a in city.chambers} | {"index.html": "#summary"}

    def body_of(name: str) -> tuple[list, str]:
        tree = lxml_html.fromstring(files[name])
        for back in tree.xpath("//nav[@class='back']"):
            back.getparent().remove(back)
        for link in tree.xpath("//a[@href]"):
            link.set("href", anchors.get(link.get("href"), link.get("href")))
        (body,) = tree.xpath("//body")
        footer = body.xpath("footer")
        note = lxml_html.tostring(footer[0], encoding="unicode") if footer else ""
        for element in footer:
            body.remove(element)
        return list(body), note

    index = lxml_html.fromstring(files["index.html"])
    style = "".join(index.xpath("//head/style/text()"))
    parts, note = body_of("index.html")
    sections = [
        '<section id="summary">' + "".join(lxml_html.tostring(e, encoding="unicode") for e in parts) + "</section>"
    ]
    for audit in city.chambers:
        parts, _rest = body_of(page_name(audit.slug))
        inner = "".join(lxml_html.tostring(e, encoding="unicode") for e in parts)
        sections.append(f'<section class="chamber" id="chamber-{audit.slug}">{inner}</section>')
    title = f"{city.year}年异地商会七有检查报告（内部资料）"
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{style}\n{PRINT_CSS}\n{fonts_css}</style></head>"
        f"<body>{''.join(sections)}{note}</body></html>\n"
    )


def print_report(files: dict[str, str], city: CityAudit, target: Path, work: Path) -> Path:
    """`target` (the report as an A4 PDF), printed through print.pdf like the newsletter: its fonts, and the
    same bytes from the same report."""
    from chamberpress.print.pdf import find_fonts, fonts_css, write_pdf

    folder = Path(tempfile.mkdtemp(prefix="audit-print-", dir=work))
    try:
        html_file = folder / "report.html"
        html_file.write_text(report_print_html(files, city, fonts_css(find_fonts())), encoding="utf-8")
        write_pdf(html_file, target, root=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return target
