"""The Atom feed of a chamber's latest posts (feed.xml at the site's root), from the model alone.

Dates come from the posts' front matter, never from the build time or git, so an unchanged chamber gives a
byte-identical feed. Links are absolute when chamber.yml has `site_url`, else relative to the feed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from xml.etree import ElementTree as ET

from chamberpress.content.model import Chamber
from chamberpress.content.news import Post
from chamberpress.content.projects import Project

FEED_FILE = "feed.xml"
FEED_POSTS = 20
ATOM = "http://www.w3.org/2005/Atom"
# Posts carry a day, not a time: they count as published at midnight in China.
CHINA = dt.timezone(dt.timedelta(hours=8))


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), CHINA).isoformat()


def _id(chamber: Chamber, path: str) -> str:
    """A stable id that survives a change of site_url."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"chamberpress:{chamber.slug}/{path}").urn


def feed_posts(chamber: Chamber) -> list[Post]:
    """The newest published posts, by date (pinning orders lists, not the feed)."""
    posts = sorted(chamber.published_posts, key=lambda p: (p.date, p.rel), reverse=True)
    return posts[:FEED_POSTS]


def atom_feed(chamber: Chamber) -> str:
    info = chamber.info
    base = info.site_url.rstrip("/") + "/" if info.site_url else ""
    posts = feed_posts(chamber)

    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    ET.SubElement(feed, "title").text = f"{info.name} · 新闻动态"
    ET.SubElement(feed, "subtitle").text = f"{info.name}官方网站的最新消息"
    ET.SubElement(feed, "id").text = _id(chamber, "")
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": base or "./"})
    if base:
        ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": base + FEED_FILE})
    # Projects (项目合作) are entries too; a stable sort by date keeps the posts' own order within a day.
    projects = chamber.published_projects[:FEED_POSTS]
    entries: list[Post | Project] = sorted([*posts, *projects], key=lambda e: e.date, reverse=True)[:FEED_POSTS]
    newest = max((e.date for e in entries), default=info.founded or dt.date(2000, 1, 1))
    ET.SubElement(feed, "updated").text = _stamp(newest)
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = info.name
    for item in entries:
        if isinstance(item, Project):
            _project_entry(feed, chamber, base, item)
            continue
        post = item
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = post.title
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": base + post.url})
        ET.SubElement(entry, "id").text = _id(chamber, post.url)
        ET.SubElement(entry, "published").text = _stamp(post.date)
        ET.SubElement(entry, "updated").text = _stamp(post.date)
        if post.meta.author:
            ET.SubElement(ET.SubElement(entry, "author"), "name").text = post.meta.author
        ET.SubElement(entry, "category", {"term": post.category, "label": post.category})
        ET.SubElement(entry, "summary", {"type": "text"}).text = post.summary
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _project_entry(feed: ET.Element, chamber: Chamber, base: str, project: Project) -> None:
    """A project (项目合作) as an entry of the feed, in the category 项目合作."""
    entry = ET.SubElement(feed, "entry")
    ET.SubElement(entry, "title").text = project.title
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": base + project.url})
    ET.SubElement(entry, "id").text = _id(chamber, project.url)
    ET.SubElement(entry, "published").text = _stamp(project.date)
    ET.SubElement(entry, "updated").text = _stamp(project.date)
    ET.SubElement(ET.SubElement(entry, "author"), "name").text = project.meta.member
    ET.SubElement(entry, "category", {"term": "项目合作", "label": "项目合作"})
    meta = project.meta
    summary = " · ".join(v for v in (meta.kind, meta.industry, meta.region, meta.amount, meta.status) if v)
    ET.SubElement(entry, "summary", {"type": "text"}).text = summary + (
        "。" + project.summary if project.summary else ""
    )
