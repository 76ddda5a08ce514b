"""The member pages as pure functions of the model: the directory, one profile per listed member, and the
leadership and organisation page (组织架构).

Only listed members are ever passed in, and only published fields are read (profiles through
`Member.public_fields()`), so nothing private can reach a page. Member text is escaped; the lists are raw
HTML so that a roster of thousands of members costs no Markdown parsing. Links inside raw HTML are not rewritten by MkDocs: they are written for
directory URLs (`use_directory_urls: true` in the shared mkdocs.yml), profiles at `members/<slug>/`.

URL name (slug): the part of a member's address made from the company name (members/<slug>/); the names
and pinyin sort keys made by earlier builds are kept in the slug memo (directory.slug_memo).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Iterator, Sequence

from chamberpress.content.chamber import ChamberInfo, OrgUnit
from chamberpress import chinese
from chamberpress.build.records import read_json, string_map, write_json
from chamberpress.chinese import format_date, pinyin_key, slug_memo_path
from chamberpress.markup import front_matter, html_text, md_text, plain_title
from chamberpress.content.members import LABELS, Member
from chamberpress.content.trade_names import LEGAL_FORMS, trade_name
from chamberpress.search.segmenter import segmenter
from chamberpress.i18n import _

if TYPE_CHECKING:
    from chamberpress.content.model import Chamber
    from chamberpress.content.news import Post

log = logging.getLogger(__name__)

MEMBERS_DIR = "members"
ORGANIZATION_PAGE = "organization.md"
# Each page links only the stylesheets and scripts it uses (front matter styles/scripts, theme main.html).
MEMBERS_CSS = "assets/stylesheets/members.css"
MEMBERS_JS = "assets/javascripts/members.js"
ORGCHART_CSS = "assets/stylesheets/orgchart.css"
ORDINARY_POSITIONS = ("会员", "普通会员", "会员单位", "一般会员")
NO_INDUSTRY = "其他"
RESERVED_SLUGS = {"index", "logos"}
# Legal-form endings add nothing to a URL: 安徽信达建筑有限公司 → anhui-xinda-jianzhu.
LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "公司")
SLUG_WORDS = 8  # words kept in a profile's URL name
CHART_NAMES = 6  # an organisation chart box lists this many names, then "等 N 人"


# Name → pinyin sort key: pypinyin is most of a large directory's time. Kept between builds with KNOWN_SLUGS
# (the slug memo).
KNOWN_READINGS: dict[str, str] = {}


def reading(text: str) -> str:
    """The pinyin sort key, computed once per name."""
    known = KNOWN_READINGS.get(text)
    if known is None:
        known = KNOWN_READINGS[text] = pinyin_key(text)
    return known


def _initial(text: str) -> str:
    """The A–Z letter a name is filed under; # for names that do not start with a letter or a hanzi."""
    letter = reading(text)[:1].upper()
    return letter if "A" <= letter <= "Z" else "#"


def _by_name(members: list[Member]) -> list[Member]:
    """By trade name (字号) in pinyin order: 温州红星电器 and 浙江红星五金 side by side, under H."""
    return sorted(members, key=lambda m: (reading(trade_name(m.name)), m.name))


def _spellings(text: str) -> str:
    """A name's pinyin as the filter matches it: in full and by initials (红星 → hongxing hx)."""
    syllables = [re.sub(r"[^a-z]", "", s) for s in reading(text).lower().split()]
    syllables = [s for s in syllables if s]
    return "".join(syllables) + " " + "".join(s[0] for s in syllables)


def is_leader(member: Member) -> bool:
    """Holds a position above an ordinary member (会长 … 理事)."""
    return bool(member.position) and member.position not in ORDINARY_POSITIONS


def load_dictionaries() -> None:
    """Load what naming members needs (the segmenter's and pypinyin's dictionaries) ahead of use."""
    segmenter()
    _pinyin_word("会")


# Member name → URL name, as member_slug made it: segmenting and pinyin are slow per name, and need the
# segmenter's dictionary (segmenter.py). Kept between builds by slug_memo.
KNOWN_SLUGS: dict[str, str] = {}


@contextlib.contextmanager
def slug_memo(chamber: Chamber) -> Iterator[None]:
    """Member URL names, pinyin sort keys and slugs made by earlier builds (KNOWN_SLUGS, KNOWN_READINGS,
    chinese.KNOWN_PINYIN), kept under .cache/ by the versions of everything that makes them; the new ones are
    added after the pages stage."""
    memos = {"slugs": KNOWN_SLUGS, "readings": KNOWN_READINGS, "pinyin": chinese.KNOWN_PINYIN}
    path = slug_memo_path(chamber.folder.parent)
    kept = read_json(path)
    for kind, memo in memos.items():
        memo.update(string_map(kept.get(kind)))
    # Written when this process knows names the file lacks (made by this build, or on loading: known_pinyin).
    before = [len(kept[kind]) if isinstance(kept.get(kind), dict) else 0 for kind in memos]
    yield
    if [len(memo) for memo in memos.values()] != before or not path.exists():
        try:
            write_json(path, memos)
        except OSError as exc:  # a memo that cannot be written only costs time
            log.warning("%s", _("member URL names not kept: {problem}").format(problem=exc))


def member_slug(name: str) -> str:
    """A stable URL name from the company name alone: pinyin by word, legal form dropped.

    安徽信达建筑有限公司 → 安徽/信/达/建筑 → anhui-xinda-jianzhu: single characters next to each other
    (usually a brand, 信达) make one word.
    """
    known = KNOWN_SLUGS.get(name)
    if known is None:
        known = KNOWN_SLUGS[name] = _member_slug(name)
    return known


def _member_slug(name: str) -> str:
    core = name.strip()
    for suffix in LEGAL_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    words: list[str] = []
    singles = ""

    def flush() -> None:
        nonlocal singles
        if singles:
            words.append(_pinyin_word(singles))
            singles = ""

    for token in segmenter().cut(core, HMM=False):
        if re.fullmatch(r"[\u3400-\u9fff]", token):
            singles += token
            continue
        flush()
        if re.fullmatch(r"[\u3400-\u9fff]+", token):
            words.append(_pinyin_word(token))
        elif re.fullmatch(r"[A-Za-z0-9]+", token):
            words.append(token.lower())
    flush()
    return "-".join(w for w in words[:SLUG_WORDS] if w) or "member"


@lru_cache(maxsize=65536)
def _pinyin_word(text: str) -> str:
    """A word's pinyin, lower case, without tones. Kept: a roster repeats its place and trade words from
    name to name (安徽, 建筑 …), and pypinyin is slow per word."""
    from pypinyin import Style, lazy_pinyin

    return "".join(re.sub(r"[^a-z]", "", s.lower().replace("ü", "v")) for s in lazy_pinyin(text, style=Style.NORMAL))


def profile_slugs(members: list[Member]) -> dict[str, str]:
    """Member name → URL name, unique: on a collision the names sort by code point and get -2, -3 …"""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for member in members:
        by_slug[member_slug(member.name)].append(member.name)
    slugs: dict[str, str] = {}
    taken = set(by_slug)
    for slug, names in by_slug.items():
        for index, name in enumerate(sorted(names)):
            candidate = slug
            if index > 0 or slug in RESERVED_SLUGS:
                number = 2
                while f"{slug}-{number}" in taken:
                    number += 1
                candidate = f"{slug}-{number}"
            taken.add(candidate)
            slugs[name] = candidate
    return slugs


def profile_path(slug: str) -> str:
    return f"{MEMBERS_DIR}/{slug}.md"


def is_profile_path(src_uri: str) -> bool:
    """Whether a page of the docs is a member profile (profile_path), by its path."""
    return src_uri.startswith(f"{MEMBERS_DIR}/") and src_uri.count("/") == 1 and src_uri != f"{MEMBERS_DIR}/index.md"


# A profile's Markdown as profile_markdown writes it: its heading, a blank line, then one block of HTML without
# blank lines (which would end the block) — Markdown leaves such a block as it is.
PROFILE_BODY = re.compile(r'(?P<heading># [^\n]+\n)\n(?P<block><div class="cp-profile">\n(?:[^\n]+\n)*</div>)\n?')


def profile_parts(markdown: str) -> tuple[str, str] | None:
    """A profile's Markdown (profile_markdown) as its heading and its block of HTML, or None if it is not
    in that shape."""
    match = PROFILE_BODY.fullmatch(markdown)
    return (match["heading"], match["block"]) if match else None


def logo_docs_path(member: Member, slug: str) -> str | None:
    """Where a member's logo sits in the site: as it is under assets/, else members/logos/<slug>.<ext>."""
    if not member.logo:
        return None
    if member.logo.startswith("assets/"):
        return member.logo
    return f"{MEMBERS_DIR}/logos/{slug}{PurePosixPath(member.logo).suffix.lower()}"


def _by_rank(members: list[Member]) -> list[tuple[str, list[Member]]]:
    """Leaders grouped by position, highest first, by pinyin within a position."""
    groups: dict[str, list[Member]] = {}
    for member in sorted((m for m in members if is_leader(m)), key=lambda m: (m.rank, reading(m.name), m.name)):
        groups.setdefault(member.position, []).append(member)
    return list(groups.items())


def _name_html(name: str) -> str:
    """A company name whose legal form (有限公司 …) is kept whole on its line: never a lone 司 on a phone."""
    for form in LEGAL_FORMS:
        if name.endswith(form) and len(name) > len(form):
            return f'{html_text(name[: -len(form)])}<span class="cp-nowrap">{html_text(form)}</span>'
    return html_text(name)


def _link(member: Member, slugs: dict[str, str], prefix: str) -> str:
    return f'<a href="{prefix}{slugs[member.name]}/">{_name_html(member.name)}</a>'


def _leaders_html(members: list[Member], slugs: dict[str, str]) -> list[str]:
    lines = ['<div class="cp-leaders">']
    for position, holders in _by_rank(members):
        lines.append(f'<section class="cp-leaders__rank"><h3>{html_text(position)}</h3><ul>')
        for m in holders:
            contact = f' <span class="cp-leader__contact">{html_text(m.contact)}</span>' if m.contact else ""
            lines.append(f'<li class="cp-leader">{_link(m, slugs, "")}{contact}</li>')
        lines.append("</ul></section>")
    lines.append("</div>")
    return lines


def search_text(member: Member) -> str:
    """What the directory's filter matches (the entry's data-search): name, trade name and their pinyin, industry,
    hometown and position; public fields only, lower case."""
    trade = trade_name(member.name)
    values = (member.name, trade, _spellings(member.name), _spellings(trade), member.industry, member.hometown)
    return " ".join(v for v in (*values, member.position) if v).lower()


def _meta_html(member: Member) -> str:
    """Position, contact and hometown, each kept whole on its line (cp-member__field); the dot that parts them
    ends the field before it, so that no line starts with one."""
    position = member.position if is_leader(member) else ""
    values = [html_text(v) for v in (position, member.contact, member.hometown) if v]
    if not values:
        return ""
    fields = [f'<span class="cp-member__field">{v} ·</span>' for v in values[:-1]]
    fields.append(f'<span class="cp-member__field">{values[-1]}</span>')
    return f' <span class="cp-member__meta">{" ".join(fields)}</span>'


def _industry_html(members: list[Member], slugs: dict[str, str]) -> list[str]:
    groups: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        groups[member.industry or NO_INDUSTRY].append(member)
    order = sorted(groups, key=lambda i: (i == NO_INDUSTRY, reading(i), i))
    lines = ['<div id="member-list" class="cp-member-list">']
    for number, industry in enumerate(order, start=1):
        group = _by_name(groups[industry])
        lines.append(
            f'<section class="cp-industry" id="industry-{number}">'
            f"<h3>{html_text(industry)} <small>{len(group)} 家</small></h3><ul>"
        )
        for m in group:
            lines.append(
                f'<li class="cp-member" data-search="{html_text(search_text(m))}">{_link(m, slugs, "")}{_meta_html(m)}</li>'
            )
        lines.append("</ul></section>")
    lines.append("</div>")
    return lines


def _az_html(members: list[Member], slugs: dict[str, str]) -> list[str]:
    letters: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        letters[_initial(trade_name(member.name))].append(member)
    order = sorted(letters, key=lambda c: (c == "#", c))
    bar = " ".join(f'<a href="#az-{"other" if c == "#" else c}">{c}</a>' for c in order)
    lines = [f'<nav class="cp-az-letters" aria-label="拼音首字母">{bar}</nav>', '<div class="cp-az">']
    for letter in order:
        anchor = "other" if letter == "#" else letter
        names = _by_name(letters[letter])
        items = "".join(
            f'<li>{_link(m, slugs, "")} <span class="cp-az__trade">（{html_text(trade_name(m.name))}）</span></li>'
            if trade_name(m.name) != m.name
            else f"<li>{_link(m, slugs, '')}</li>"
            for m in names
        )
        lines.append(f'<section class="cp-az__letter" id="az-{anchor}"><h3>{letter}</h3><ul>{items}</ul></section>')
    lines.append("</div>")
    return lines


def directory_markdown(members: list[Member], slugs: dict[str, str]) -> str:
    """members/index.md: the count, leadership by rank, every member by industry (filterable), A–Z by trade name."""
    parts = [
        front_matter({"title": "会员名录", "styles": [MEMBERS_CSS], "scripts": [MEMBERS_JS]}),
        "# 会员名录\n",
        # The listed members only: the audit counts every row, and the page says what it counts.
        f'<p class="cp-member-count">名录收录会员单位 <strong>{len(members)}</strong> 家。</p>\n',
    ]
    if not members:
        return "".join(parts) + "暂无公开的会员信息。\n"
    if any(is_leader(m) for m in members):
        parts += ["## 领导班子\n", "\n".join(_leaders_html(members, slugs)) + "\n"]
    parts += [
        "## 全部会员\n",
        '<div class="cp-member-filter">\n'
        '<label for="member-filter">筛选会员</label>\n'
        '<input id="member-filter" type="search" placeholder="名称、字号、拼音、行业、籍贯或职务" '
        'autocomplete="off" aria-controls="member-list">\n'
        f'<p class="cp-member-filter__status" aria-live="polite" data-total="{len(members)}"></p>\n'
        "</div>\n",
        "\n".join(_industry_html(members, slugs)) + "\n",
        "## 字号拼音索引\n",
        '<p class="cp-az-help">按字号（不含地名和“有限公司”等组织形式）的拼音首字母排列。</p>\n',
        "\n".join(_az_html(members, slugs)) + "\n",
    ]
    return "\n".join(parts)


def _phone_links(text: str) -> str:
    """Each number in a phone cell as a tel: link; the rest of the cell as plain text. A masked mobile
    (138****5678) is not a number, nor part of the one before it."""
    out, last = [], 0
    for match in re.finditer(r"\+?\d[\d -]{5,}\d(?![\d*])", text):
        out.append(html_text(text[last : match.start()]))
        number = re.sub(r"[^\d+]", "", match.group())
        out.append(f'<a href="tel:{number}">{html_text(match.group())}</a>')
        last = match.end()
    out.append(html_text(text[last:]))
    return "".join(out)


def profile_markdown(member: Member, slug: str, chamber_name: str, posts: Sequence[Post] = ()) -> str:
    """members/<slug>.md: the public fields, logo, intro, website and tel: links of one listed member, and the
    published posts that name it (content.mentions), newest first."""
    public = member.public_fields()
    # Material prints the title and description unescaped (in <head> too): plain_title makes them inert.
    meta = {
        "title": plain_title(public["name"]),
        "description": plain_title(f"{chamber_name}会员：{public['name']}"),
        "hide": ["navigation", "toc"],
        "styles": [MEMBERS_CSS],
    }
    lines = [front_matter(meta) + f"# {md_text(public['name'])}\n", '<div class="cp-profile">']
    lines.append('<p class="cp-profile__back"><a href="../">← 返回会员名录</a></p>')
    logo = logo_docs_path(member, slug)
    if logo:
        lines.append(
            f'<img class="cp-profile__logo" src="../../{html_text(logo)}" alt="{html_text(public["name"])}标志">'
        )
    lines.append('<dl class="cp-profile__fields">')
    for fname in ("position", "contact", "industry", "hometown", "address", "phone", "mobile", "website"):
        value = public.get(fname)
        if not value:
            continue
        if fname == "phone" or (fname == "mobile" and member.publish_mobile):
            shown = _phone_links(value)
        elif fname == "website":
            shown = f'<a href="{html_text(value)}" rel="nofollow noopener">{html_text(value)}</a>'
        else:
            shown = html_text(value)
        lines.append(f'<dt>{LABELS[fname]}</dt><dd class="cp-profile__{fname}">{shown}</dd>')
    lines.append("</dl>")
    if public.get("intro"):
        paragraphs = [p.strip() for p in re.split(r"\n+", public["intro"]) if p.strip()]
        lines.append(
            '<section class="cp-profile__intro"><h2>简介</h2>'
            + "".join(f"<p>{html_text(p)}</p>" for p in paragraphs)
            + "</section>"
        )
    if posts:
        items = "".join(
            f'<li><time datetime="{p.date.isoformat()}">{format_date(p.date)}</time> '
            f'<a href="../../{p.url}">{html_text(p.title)}</a></li>'
            for p in posts
        )
        lines.append(f'<section class="cp-profile__news"><h2>相关新闻</h2><ul>{items}</ul></section>')
    lines.append("</div>")
    return "\n".join(lines) + "\n"


# --- leadership and organisation ----------------------------------------------------------------------------


# The chart a chamber gets without `organization:` in chamber.yml. Units whose roles nobody holds give way to
# the units below them (a chamber without a 秘书长 shows 会长办公会议 → 秘书处).
DEFAULT_ORGANIZATION = [
    OrgUnit(
        "会员大会",
        units=[
            OrgUnit(
                "理事会",
                beside=[OrgUnit("监事会", roles=["监事长", "监事"])],
                units=[
                    OrgUnit(
                        "会长办公会议",
                        roles=["会长", "执行会长", "常务副会长", "副会长"],
                        units=[OrgUnit("秘书长", roles=["秘书长"], units=[OrgUnit("秘书处", departments=True)])],
                    )
                ],
            )
        ],
    )
]


@dataclass
class ChartUnit:
    """A box of the drawn chart: its name, lines of people (role, names) and the boxes beside and below."""

    name: str
    lines: list[tuple[str, list[str]]]
    note: str = ""
    beside: list["ChartUnit"] = field(default_factory=list)
    units: list["ChartUnit"] = field(default_factory=list)


def org_chart(members: list[Member], info: ChamberInfo) -> list[ChartUnit]:
    """The chart of `organization:` in chamber.yml, else DEFAULT_ORGANIZATION, with the roster's holders of
    each unit's roles and the departments (and their heads) of chamber.yml."""
    holders: dict[str, list[str]] = defaultdict(list)
    for member in sorted(members, key=lambda m: (m.rank, reading(m.name), m.name)):
        if member.position:
            holders[member.position].append(member.contact or member.name)
    heads = {d.name: d.head for d in info.departments if d.head}
    default = not info.organization

    def draw(unit: OrgUnit) -> list[ChartUnit]:
        lines = [(role, holders[role]) for role in unit.roles if holders.get(role)]
        head = unit.head or heads.get(unit.name)
        if head and not any(head in names for _, names in lines):  # a 秘书处 headed by its 秘书长: named once
            lines.insert(0, ("负责人", [head]))
        below = [c for u in unit.units for c in draw(u)]
        if unit.departments:
            below += [
                ChartUnit(d.name, [("", [d.head])] if d.head else []) for d in info.departments if d.name != unit.name
            ]
        beside = [c for u in unit.beside for c in draw(u)]
        if default and unit.roles and not lines:
            return below  # nobody holds this unit's roles: its units take its place
        return [ChartUnit(unit.name, lines, unit.note or "", beside, below)]

    return [c for u in (info.organization or DEFAULT_ORGANIZATION) for c in draw(u)]


def _chart_lines(unit: ChartUnit) -> str:
    """A box's note, then its people, a line per role (the role left out where it is the box's own name)."""
    out = [f'<div class="cp-org__note">{html_text(unit.note)}</div>'] if unit.note else []
    for role, names in unit.lines:
        shown = "、".join(f'<span class="cp-org__person">{html_text(n)}</span>' for n in names[:CHART_NAMES])
        if len(names) > CHART_NAMES:
            shown += f'<span class="cp-org__person">等 {len(names)} 人</span>'
        label = f'<span class="cp-org__role">{html_text(role)}</span> ' if role and role != unit.name else ""
        out.append(f'<div class="cp-org__line">{label}{shown}</div>')
    return "".join(out)


LEAF_ROW = 6  # this many boxes without units below, side by side, are written top to bottom on wide screens


def _chart_html(unit: ChartUnit) -> str:
    node = f'<div class="cp-org__node"><strong class="cp-org__name">{html_text(unit.name)}</strong>{_chart_lines(unit)}</div>'
    beside = ""
    if unit.beside:
        beside = (
            f'<ul class="cp-org__beside" aria-label="与{html_text(unit.name)}并列">'
            + "".join(_chart_html(b) for b in unit.beside)
            + "</ul>"
        )
    below = ""
    if unit.units:
        leaves = len(unit.units) >= LEAF_ROW and not any(u.units or u.beside for u in unit.units)
        kind = "cp-org__units cp-org__units--leaves" if leaves else "cp-org__units"
        below = f'<ul class="{kind}">' + "".join(_chart_html(u) for u in unit.units) + "</ul>"
    return f'<li class="cp-org__unit"><div class="cp-org__row">{node}{beside}</div>{below}</li>'


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def organization_markdown(members: list[Member], slugs: dict[str, str], info: ChamberInfo) -> str:
    """organization.md: chart, leaders from the roster; departments, meetings and dues from chamber.yml."""
    parts = [
        front_matter({"title": "组织架构", "styles": [ORGCHART_CSS]}),
        "# 组织架构\n",
        "## 组织机构图\n",
        '<div class="cp-orgchart" role="figure" aria-label="组织机构图"><ul class="cp-org">'
        + "".join(_chart_html(u) for u in org_chart(members, info))
        + "</ul></div>\n",
    ]
    leaders = _by_rank(members)
    if leaders:
        rows = []
        for position, holders in leaders:
            for m in holders:
                rows.append(
                    f"<tr><td>{html_text(position)}</td><td>{html_text(m.contact)}</td>"
                    f"<td>{_link(m, slugs, '../' + MEMBERS_DIR + '/')}</td></tr>"
                )
        # The table itself has no class: Material styles only tables without one.
        parts += [
            "## 领导班子\n",
            '<div class="cp-leadership"><table><thead><tr><th>职务</th><th>姓名</th>'
            "<th>单位</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n",
        ]
    if info.departments:
        parts += [
            "## 内设机构\n",
            _table(["部门", "负责人", "职责"], [[d.name, d.head or "", d.duties or ""] for d in info.departments]),
        ]
    if info.meetings:
        parts += [
            "## 会议制度\n",
            _table(
                ["会议", "召开频次", "说明"], [[m.name, m.frequency or "", m.description or ""] for m in info.meetings]
            ),
        ]
    if info.dues:
        parts += [
            "## 会费标准\n",
            _table(["职务", "会费（元/年）"], [[d.position, f"{d.amount:,}"] for d in info.dues]),
        ]
    return "\n".join(parts)


def has_organization_page(members: list[Member], info: ChamberInfo) -> bool:
    return any(is_leader(m) for m in members) or bool(
        info.departments or info.meetings or info.dues or info.organization
    )
