"""The activity calendar: the `events/` page (upcoming, then past by year, and a month view made of tables,
so it works without script), the home page's next activities, and `events.ics` (RFC 5545).

Everything comes from chamber.yml's `plan:` and the day the site is built for (`chamber.today`): nothing
depends on the build's clock, so an unchanged chamber gives the same bytes. An activity is upcoming until
its last day has passed. The month view begins with the month built in; the reader's today is marked by
events.js in the reader's browser (a site is built once and read for weeks), so the page changes with the
day only where `changes_on` says.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
from collections.abc import Iterable
from itertools import groupby
from zoneinfo import ZoneInfo


from chamberpress.chinese import format_date
from chamberpress.content.chamber import PlanItem
from chamberpress.content.model import Chamber
from chamberpress.markup import front_matter, safe_url

EVENTS_DIR = "events"
EVENTS_PAGE = f"{EVENTS_DIR}/index.md"
ICS_FILE = "events.ics"
TIME_ZONE = "Asia/Shanghai"  # the chambers' activities are all in China
HOME_EVENTS = 2
EVENTS_JS = "assets/javascripts/events.js"
WEEKDAYS = "一二三四五六日"


def _order(item: PlanItem) -> tuple:
    return (item.date, item.start_time or dt.time(), item.title)


def upcoming(chamber: Chamber) -> list[PlanItem]:
    """Activities whose last day is today or later, soonest first."""
    return sorted((i for i in chamber.info.plan if i.last_day >= chamber.today), key=_order)


def past(chamber: Chamber) -> list[PlanItem]:
    """Activities that are over, latest first."""
    return sorted((i for i in chamber.info.plan if i.last_day < chamber.today), key=_order, reverse=True)


def anchor(item: PlanItem) -> str:
    """The activity's id on the events page and in its UID: its day and a digest of its title."""
    return f"e{item.date:%Y%m%d}-{hashlib.sha1(item.title.encode()).hexdigest()[:8]}"


def when_text(item: PlanItem) -> str:
    """The date and times as read: 2026年6月12日 14:30—17:00, or 2026年6月12日—6月13日."""
    text = format_date(item.date)
    if item.last_day != item.date:
        text += "—" + (
            format_date(item.last_day)
            if item.last_day.year != item.date.year
            else f"{item.last_day.month}月{item.last_day.day}日"
        )
    if item.start_time:
        text += f" {item.start_time:%H:%M}" + (f"—{item.end_time:%H:%M}" if item.end_time else "")
    return text


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _item_html(chamber: Chamber, item: PlanItem, to_root: str) -> str:
    """One activity: title, when, kind, place, description, how to take part, and its report when published."""
    rows = [("时间", _e(when_text(item)))]
    if item.kind:
        rows.append(("类别", _e(item.kind)))
    if item.place:
        rows.append(("地点", _e(item.place)))
    if item.signup:
        rows.append(("报名", _e(item.signup)))
    report = chamber.report_of(item)
    if report is not None:
        rows.append(("报道", f'<a href="{_e(to_root + report.url)}">{_e(report.title)}</a>'))
    parts = [f'<article class="cp-event" id="{anchor(item)}">', f'<h3 class="cp-event__title">{_e(item.title)}</h3>']
    parts.append('<dl class="cp-event__facts">')
    parts += [f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows]
    parts.append("</dl>")
    if item.description:
        parts.append(f'<p class="cp-event__description">{_e(item.description)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def changes_on(chamber: Chamber) -> list[dt.date]:
    """The days after `chamber.today` on which what the events page, the home page and chamber.json show
    of the plan changes: an activity's first day is over (chamber.json lists those to come), its last day
    is over (it moves to 往期活动), a new month begins (the month view begins with this month)."""
    if not chamber.info.plan:
        return []
    year, month = divmod(chamber.today.year * 12 + chamber.today.month, 12)  # the month after this one
    days = [dt.date(year, month + 1, 1)]
    for item in chamber.info.plan:
        days += [item.date + dt.timedelta(days=1), item.last_day + dt.timedelta(days=1)]
    return [day for day in days if day > chamber.today]


def _months(chamber: Chamber) -> list[tuple[int, int]]:
    """The months the month view shows: this month, then each later month that holds an activity."""
    this = (chamber.today.year, chamber.today.month)
    later = {(i.date.year, i.date.month) for i in chamber.info.plan if (i.date.year, i.date.month) > this}
    return [this, *sorted(later)]


def _days_of(items: Iterable[PlanItem]) -> dict[dt.date, list[PlanItem]]:
    found: dict[dt.date, list[PlanItem]] = {}
    for item in sorted(items, key=_order):
        day = item.date
        while day <= item.last_day:
            found.setdefault(day, []).append(item)
            day += dt.timedelta(days=1)
    return found


def month_table(chamber: Chamber, year: int, month: int) -> str:
    """One month as a table, Monday first; a day with activities links to them on the page."""
    days = _days_of(chamber.info.plan)
    lines = [f'<table class="cp-month" id="m{year}{month:02d}">', f"<caption>{year}年{month}月</caption>"]
    lines.append("<thead><tr>" + "".join(f'<th scope="col">{d}</th>' for d in WEEKDAYS) + "</tr></thead><tbody>")
    for week in calendar.Calendar().monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append('<td class="cp-month__out"></td>')
                continue
            links = "".join(
                f'<a class="cp-month__event" href="#{anchor(i)}">{_e(i.title)}</a>' for i in days.get(day, [])
            )
            klass = ' class="cp-month__busy"' if links else ""
            cells.append(f'<td{klass}><span class="cp-month__day">{day.day}</span>{links}</td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def events_markdown(chamber: Chamber) -> str:
    """The events page: the calendar link, upcoming activities, the month view, then past ones by year."""
    lines = [front_matter({"title": "活动日程", "scripts": [EVENTS_JS]}), "# 活动日程\n"]
    lines.append(
        f'<p class="cp-events__subscribe"><a href="../{ICS_FILE}" download>订阅日历</a>'
        "（iCalendar 格式，可导入手机或电脑日历）</p>\n"
    )
    coming = upcoming(chamber)
    lines.append('<section class="cp-events__upcoming">\n<h2 id="upcoming">近期活动</h2>')
    lines += [_item_html(chamber, item, "../") for item in coming] or ["<p>暂无近期活动。</p>"]
    lines.append("</section>\n")
    lines.append('<section class="cp-events__months">\n<h2 id="months">月历</h2>')
    lines += [month_table(chamber, year, month) for year, month in _months(chamber)]
    lines.append("</section>\n")
    over = past(chamber)
    if over:
        lines.append('<section class="cp-events__past">\n<h2 id="past">往期活动</h2>')
        for year, items in groupby(over, key=lambda i: i.date.year):
            lines.append(f'<h3 id="y{year}">{year}年</h3>')
            lines += [_item_html(chamber, item, "../") for item in items]
        lines.append("</section>\n")
    return "\n".join(lines) + "\n"


def home_events_markdown(chamber: Chamber) -> str:
    """The home page's block of the next activities, or nothing when none is coming."""
    coming = upcoming(chamber)[:HOME_EVENTS]
    if not coming:
        return ""
    lines = ['<section class="cp-home-events" markdown>\n', "## 近期活动 {: .cp-home-events__title }\n"]
    for item in coming:
        place = f"，{_e(item.place)}" if item.place else ""
        lines.append(f'- <a href="{EVENTS_DIR}/#{anchor(item)}">{_e(item.title)}</a>（{_e(when_text(item))}{place}）')
    lines.append(f"\n[全部活动 →]({EVENTS_PAGE})\n\n</section>\n")
    return "\n".join(lines)


def _uid(chamber: Chamber, item: PlanItem) -> str:
    return f"{anchor(item)}@{chamber.slug}.chamberpress"


def events_ics(chamber: Chamber) -> str:
    """Every plan item as a VEVENT, in the chamber's time zone (a VTIMEZONE is included)."""
    import icalendar  # imported where a calendar is written (a text edit writes none)

    zone = ZoneInfo(TIME_ZONE)
    info = chamber.info
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//ChamberPress//{chamber.slug}//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # An X- property is written as given: a name on several lines (YAML allows it) made one line.
    cal.add("x-wr-calname", " ".join(f"{info.name}活动日程".split()))
    cal.add("x-wr-timezone", TIME_ZONE)
    page = f"{info.site_url.rstrip('/')}/{EVENTS_DIR}/" if info.site_url else None
    for item in sorted(info.plan, key=_order):
        event = icalendar.Event()
        event.add("uid", _uid(chamber, item))
        # DTSTAMP must be given; the activity's day keeps the file the same from build to build.
        event.add("dtstamp", dt.datetime.combine(item.date, dt.time(), zone).astimezone(dt.timezone.utc))
        event.add("summary", item.title)
        if item.start_time:
            event.add("dtstart", dt.datetime.combine(item.date, item.start_time, zone))
            if item.end_time:
                event.add("dtend", dt.datetime.combine(item.date, item.end_time, zone))
            elif item.last_day != item.date:
                event.add("dtend", dt.datetime.combine(item.last_day + dt.timedelta(days=1), dt.time(), zone))
        else:
            event.add("dtstart", item.date)
            event.add("dtend", item.last_day + dt.timedelta(days=1))  # DTEND of a whole day is exclusive
        if item.place:
            event.add("location", item.place)
        if item.kind:
            event.add("categories", [item.kind])
        notes = [text for text in (item.description, item.signup and f"报名：{item.signup}") if text]
        if notes:
            event.add("description", "\n".join(notes))
        if page and safe_url(page):
            event.add("url", f"{page}#{anchor(item)}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
