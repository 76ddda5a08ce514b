"""`<out>/index.html`: the city-wide portal over every chamber built into the output folder.

The portal reads only what each site publishes (its `chamber.json`, build/site_summary.py) and the
office's own `content/portal.yml`: each chamber as a card, the latest news of all chambers merged, their
upcoming activities, one Atom feed (`<out>/feed.xml`) and one search merging every chamber's Pagefind index.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from chamberpress.build.portal_record import (
    ASSETS,
    FEED_FILE,
    PAGE_FILE,
    PORTAL_FILE,
    SUMMARY_FILE,
    TEMPLATE_DIR,
    portal_inputs_key,
    remember_portal,
)
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import editor_file, load_yaml
from chamberpress.errors import ContentError, Problems
from chamberpress.search import INDEX_DIR
from chamberpress.site.colour import readable_colour
from chamberpress.i18n import _

log = logging.getLogger(__name__)

NEWS_ITEMS = 20  # the merged news on the page and in the feed
ACTIVITIES = 12  # the upcoming activities on the page
ATOM = "http://www.w3.org/2005/Atom"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
CHINA = dt.timezone(dt.timedelta(hours=8))  # posts carry a day: published at midnight in China


@dataclass
class PortalInfo:
    """`content/portal.yml`: the city office's front page over its chambers."""

    name: str = spec("门户名称，如 温州市在温异地商会", required=True)
    intro: str | None = spec("简介：名称下方的一两句话")
    office: str | None = spec("主办单位，如 温州市人民政府驻外办（经合办），显示在页脚")
    icp: str | None = spec("ICP备案号，如 浙ICP备2026000000号-1")
    police_beian: str | None = spec("公安备案号，如 浙公网安备 33030202000000号")


@dataclass
class NewsItem:
    chamber: dict
    post: dict

    @property
    def href(self) -> str:
        return f"{self.chamber['slug']}/{self.post['url']}"


@dataclass
class Activity:
    chamber: dict
    item: dict


def load_portal_info(content_dir: Path) -> PortalInfo | None:
    """The office's portal.yml, or None when there is none; a bad one raises ContentError naming line and field."""
    problems = Problems(content_dir.parent)
    path = editor_file(content_dir, PORTAL_FILE, problems)
    if path is None:
        problems.raise_if_errors()
        return None
    doc = load_yaml(path, problems)
    info = None
    if doc is not None:
        if doc.data is None:
            problems.error(path, _("portal.yml is empty"), expected=_("at least name: the portal's name"))
        else:
            info = convert(PortalInfo, doc, path, problems)
    if problems.errors:
        raise ContentError(problems.items)
    return info


def portal_entries(out_dir: Path) -> list[dict]:
    """The summary of every site in the output folder, by name."""
    entries = []
    for summary in sorted(out_dir.glob(f"*/{SUMMARY_FILE}")):
        if summary.parent.name.startswith((".", "_")):
            continue
        try:
            entry = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("%s", _("skipping {file}: {problem}").format(file=summary, problem=exc))
            continue
        # White text on the chamber's colour (the names on the portal) must read as on its own site.
        colour = entry.get("color")
        entry["color"] = readable_colour(colour) if isinstance(colour, str) and HEX_COLOUR.fullmatch(colour) else None
        entries.append(entry)

    def order(entry: dict) -> str:
        if isinstance(entry.get("sort_key"), str):
            return entry["sort_key"]
        from chamberpress.chinese import pinyin_key  # a site built before chamber.json had its sort key

        return pinyin_key(entry.get("name", ""))

    return sorted(entries, key=order)


def portal_title(entries: list[dict]) -> str:
    """温州异地商会 when every chamber is in one city (as in a city office's repository), else 异地商会."""
    cities = {e.get("city") for e in entries}
    return f"{cities.pop()}异地商会" if len(cities) == 1 and None not in cities else "异地商会"


def merged_news(entries: list[dict], limit: int = NEWS_ITEMS) -> list[NewsItem]:
    """The newest posts of all chambers, newest first (a day's posts in the chambers' order)."""
    items = [NewsItem(entry, post) for entry in entries for post in entry.get("latest_posts") or []]
    items.sort(key=lambda n: n.post["date"], reverse=True)  # stable: the chambers' order within a day
    return items[:limit]


def upcoming_activities(entries: list[dict], today: dt.date, limit: int = ACTIVITIES) -> list[Activity]:
    """The plan items of all chambers from today on, soonest first."""
    items = [
        Activity(entry, item)
        for entry in entries
        for item in entry.get("upcoming") or []
        if item.get("date", "") >= today.isoformat()
    ]
    items.sort(key=lambda a: (a.item["date"], a.item.get("time") or ""))
    return items[:limit]


def _searchable(out_dir: Path, entries: list[dict]) -> list[str]:
    """The chambers whose site holds a search index, for the portal's merged search."""
    return [e["slug"] for e in entries if (out_dir / e["slug"] / INDEX_DIR / "pagefind.js").is_file()]


def render_portal(
    entries: list[dict],
    *,
    info: PortalInfo | None = None,
    title: str | None = None,
    today: dt.date | None = None,
    searchable: list[str] | None = None,
) -> str:
    import jinja2  # imported when the portal is drawn (a build that changes nothing draws it)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=jinja2.StrictUndefined
    )
    day = today or dt.date.today()
    name = (info.name if info else None) or title or portal_title(entries)
    by_slug = {e["slug"]: e for e in entries}
    return env.get_template("index.html").render(
        chambers=entries,
        title=name,
        info=info,
        description=(info.intro if info and info.intro else None) or f"{name}：{len(entries)}家商会的新闻、活动和会员",
        news=merged_news(entries),
        activities=upcoming_activities(entries, day),
        searchable=searchable or [],
        searchable_names=[by_slug[slug].get("short_name") or by_slug[slug]["name"] for slug in searchable or []],
        searchable_colors=[by_slug[slug].get("color") for slug in searchable or []],
        feed=FEED_FILE,
        updated=day,
    )


def _stamp(day: str) -> str:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), CHINA).isoformat()


def _id(path: str) -> str:
    """A stable id per chamber and post, the same as the chamber's own feed gives it (site/feeds.py)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"chamberpress:{path}").urn


def portal_feed(entries: list[dict], name: str) -> str:
    """One Atom feed of the latest news of all chambers; each entry names its chamber (author, category).
    Links are relative to the feed (the portal has no site_url of its own)."""
    news = merged_news(entries)
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    ET.SubElement(feed, "title").text = f"{name} · 新闻动态"
    ET.SubElement(feed, "subtitle").text = f"{name}各商会的最新消息"
    ET.SubElement(feed, "id").text = _id("portal/")
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": "./"})
    ET.SubElement(feed, "updated").text = _stamp(news[0].post["date"] if news else "2000-01-01")
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = name
    for item in news:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = f"{item.post['title']}（{item.chamber['name']}）"
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": item.href})
        ET.SubElement(entry, "id").text = _id(f"{item.chamber['slug']}/{item.post['url']}")
        ET.SubElement(entry, "published").text = _stamp(item.post["date"])
        ET.SubElement(entry, "updated").text = _stamp(item.post["date"])
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = item.chamber["name"]
        ET.SubElement(entry, "category", {"term": item.chamber["slug"], "label": item.chamber["name"]})
        if item.post.get("summary"):
            ET.SubElement(entry, "summary", {"type": "text"}).text = item.post["summary"]
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_portal(out_dir: Path, content_dir: Path | None = None, *, today: dt.date | None = None) -> Path:
    """Write the portal (index.html, feed.xml, its script and icon) into `out_dir`; a bad `portal.yml` under
    `content_dir` raises ContentError before anything is written. With `content_dir`, what it was drawn from
    is recorded beside it (portal_record.py)."""
    day = today or dt.date.today()
    inputs = portal_inputs_key(out_dir, content_dir, day) if content_dir is not None else None  # before reading
    info = load_portal_info(content_dir) if content_dir is not None else None
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = portal_entries(out_dir)
    name = info.name if info else portal_title(entries)
    for asset in ASSETS:
        shutil.copyfile(TEMPLATE_DIR / asset, out_dir / asset)
    _write(out_dir / FEED_FILE, portal_feed(entries, name))
    path = out_dir / PAGE_FILE
    _write(path, render_portal(entries, info=info, today=day, searchable=_searchable(out_dir, entries)))
    if inputs is not None:
        remember_portal(out_dir, content_dir, inputs)
    return path
