"""The activity calendar: plan items with times, places and reports; events/, events.ics and the home block."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from chamberpress.build.pipeline import build_chamber
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from conftest import CHAMBER_YML, TODAY, parse, post, text_of, write_chamber

SHANGHAI = ZoneInfo("Asia/Shanghai")

PLAN = """\
plan:
  - date: 2026-05-21
    title: 法律知识培训
    time: 14:30
    end: "17:00"
    place: 商会培训室
    kind: 培训
    report: news/2026/2026-05-21-falv-peixun.md
  - date: 2026-12-03
    title: 冬季联谊会
    time: "18:00"
    place: 温州市鹿城区测试饭店
    kind: 联谊
    signup: 请向秘书处报名
  - date: 2026-12-20
    title: 两日考察
    end: 2026-12-21
    kind: 考察
  - date: 2027-02-01
    title: 新春年会
"""


@pytest.fixture(scope="module")
def events_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("events")
    write_chamber(root / "content", chamber_yml=CHAMBER_YML + PLAN)
    build_chamber("test", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "test"


def test_events_ics_holds_every_plan_item_with_its_times_and_zone(events_site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((events_site / "events.ics").read_bytes())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"法律知识培训", "冬季联谊会", "两日考察", "新春年会"}
    training = events["法律知识培训"]
    assert training["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert training.decoded("DTSTART") == dt.datetime(2026, 5, 21, 14, 30, tzinfo=SHANGHAI)
    assert training.decoded("DTEND") == dt.datetime(2026, 5, 21, 17, 0, tzinfo=SHANGHAI)
    assert str(training["LOCATION"]) == "商会培训室"
    assert events["冬季联谊会"].decoded("DTSTART") == dt.datetime(2026, 12, 3, 18, 0, tzinfo=SHANGHAI)
    assert "DTEND" not in events["冬季联谊会"]
    # Whole days: DATE values, the end exclusive.
    assert events["两日考察"].decoded("DTSTART") == dt.date(2026, 12, 20)
    assert events["两日考察"].decoded("DTEND") == dt.date(2026, 12, 22)
    assert events["新春年会"].decoded("DTSTART") == dt.date(2027, 2, 1)
    uids = [str(e["UID"]) for e in events.values()]
    assert len(set(uids)) == 4 and all(uid.endswith("@test.chamberpress") for uid in uids)


def test_events_ics_read_by_hand_as_rfc_5545_says(events_site: Path) -> None:
    """The same file read without the library that wrote it: CRLF lines of at most 75 octets, folded lines
    joined, one VEVENT per item with its start in Beijing time or as a whole day."""
    raw = (events_site / "events.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines) and b"\n" not in b"".join(lines)
    unfolded: list[str] = []
    for line in (line.decode("utf-8") for line in lines[:-1]):
        if line.startswith((" ", "\t")):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    events: list[dict[str, str]] = []
    for line in unfolded:
        if line == "BEGIN:VEVENT":
            events.append({})
        elif events and line != "END:VEVENT" and ":" in line:
            name, value = line.split(":", 1)
            events[-1].setdefault(name, value)
    starts = {
        event["SUMMARY"]: next(f"{k}:{v}" for k, v in event.items() if k.startswith("DTSTART")) for event in events
    }
    assert starts == {
        "法律知识培训": "DTSTART;TZID=Asia/Shanghai:20260521T143000",
        "冬季联谊会": "DTSTART;TZID=Asia/Shanghai:20261203T180000",
        "两日考察": "DTSTART;VALUE=DATE:20261220",
        "新春年会": "DTSTART;VALUE=DATE:20270201",
    }
    assert any(line.startswith("TZID:Asia/Shanghai") for line in unfolded)


def test_events_ics_is_the_same_from_build_to_build(events_site: Path, tmp_path: Path) -> None:
    write_chamber(tmp_path / "content", chamber_yml=CHAMBER_YML + PLAN)
    build_chamber("test", tmp_path / "content", tmp_path / "sites", today=TODAY)
    assert (tmp_path / "sites/test/events.ics").read_bytes() == (events_site / "events.ics").read_bytes()


def test_events_page_lists_upcoming_then_past_with_reports(events_site: Path) -> None:
    page = parse(events_site / "events/index.html")
    upcoming = page.cssselect(".cp-events__upcoming .cp-event__title")
    assert [text_of(h) for h in upcoming] == ["冬季联谊会", "两日考察", "新春年会"]
    past = page.cssselect(".cp-events__past .cp-event")
    assert [text_of(a.cssselect(".cp-event__title")[0]) for a in past] == ["法律知识培训"]
    assert text_of(page.cssselect(".cp-events__past h3")[0]) == "2026年"
    (report,) = past[0].cssselect("dd a")
    assert report.get("href") == "../news/2026/05/21/falv-peixun/"
    assert (events_site / "news/2026/05/21/falv-peixun/index.html").is_file()
    subscribe = page.cssselect(".cp-events__subscribe a")[0]
    assert text_of(subscribe) == "订阅日历" and subscribe.get("href") == "../events.ics"


def test_month_view_is_tables_that_need_no_script(events_site: Path) -> None:
    page = parse(events_site / "events/index.html")
    months = page.cssselect("table.cp-month")
    assert [text_of(m.cssselect("caption")[0]) for m in months] == ["2026年11月", "2026年12月", "2027年2月"]
    december = months[1]
    busy = {text_of(td.cssselect(".cp-month__day")[0]) for td in december.cssselect("td.cp-month__busy")}
    assert busy == {"3", "20", "21"}
    link = december.cssselect("a.cp-month__event")[0]
    assert link.get("href").startswith("#") and page.get_element_by_id(link.get("href")[1:]) is not None
    assert not page.cssselect(".md-content script")


def test_home_page_shows_the_next_two_activities(events_site: Path) -> None:
    page = parse(events_site / "index.html")
    items = page.cssselect(".cp-home-events li")
    assert [text_of(li.cssselect("a")[0]) for li in items] == ["冬季联谊会", "两日考察"]
    nav = [text_of(a) for a in page.cssselect(".md-tabs a, .md-nav--primary a")]
    assert "活动日程" in nav


def test_a_report_naming_a_missing_post_is_an_error_with_its_line(content: Path) -> None:
    plan = PLAN.replace("2026-05-21-falv-peixun.md", "2026-05-22-missing.md")
    plan += "  - date: 2026-06-01\n    title: 草稿报道\n    report: news/2026/2026-06-01-draft.md\n"
    plan += "  - date: 2026-06-02\n    title: 错误时间\n    time: 25:00\n    end: 2026-06-01\n"
    write_chamber(
        content,
        "bad",
        chamber_yml=CHAMBER_YML + plan,
        files={"news/2026/2026-06-01-draft.md": post("草稿", "2026-06-01", draft="true")},
    )
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "bad", today=TODAY)
    problems = {p.field: p for p in caught.value.problems}
    yml_lines = (CHAMBER_YML + plan).splitlines()
    missing = problems["plan.0.report"]
    assert "'news/2026/2026-05-22-missing.md' is not a post of news/" in missing.message
    assert yml_lines[missing.line - 1].strip().startswith("report: news/2026/2026-05-22-missing.md")
    assert "is a draft" in problems["plan.4.report"].message
    assert problems["plan.5.time"].message == "'25:00' is not a time"
    assert problems["plan.5.end"].line == yml_lines.index("    end: 2026-06-01") + 1


def test_a_chamber_name_on_two_lines_gives_a_calendar_name_on_one(content: Path, tmp_path: Path) -> None:
    """A quoted YAML name may hold a line break; the calendar's X-WR-CALNAME is written as given, where a
    line break would end the line (the build stopped with icalendar's error)."""
    yml = CHAMBER_YML.replace("name: 温州市测试商会", 'name: "温州市\\n测试商会"') + PLAN
    assert yml != CHAMBER_YML + PLAN
    write_chamber(content, chamber_yml=yml)
    build_chamber("test", content, tmp_path / "sites", today=TODAY)
    calendar = icalendar.Calendar.from_ical((tmp_path / "sites/test/events.ics").read_bytes())
    assert calendar["x-wr-calname"] == "温州市 测试商会活动日程"
