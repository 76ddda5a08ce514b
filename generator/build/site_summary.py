"""`chamber.json`, the public summary each site carries for the portal (build/portal.py reads it): the
chamber's name, members as published, logo, its newest posts with their summaries, the plan from the build's
day on. Published facts only."""

from __future__ import annotations

import json
from pathlib import Path

from chamberpress.build.portal_record import SUMMARY_FILE
from chamberpress.chinese import format_date
from chamberpress.content.model import Chamber

SUMMARY_POSTS = 10  # the newest posts in the summary: the portal's merged news takes from these
PLAN_FACTS = ("time", "end", "place", "kind")  # the plan item's public keys the portal shows, when given


def _plan_fact(item: object) -> dict:
    """One activity of the published plan, with the keys the plan item has (time, place: when given)."""
    fact = {"date": item.date.isoformat(), "date_zh": format_date(item.date), "title": item.title}
    for key in PLAN_FACTS:
        value = getattr(item, key, None)
        if value is not None:
            fact[key] = value if isinstance(value, str) else str(value)
    return fact


def site_summary(chamber: Chamber) -> bytes:
    """The chamber's `chamber.json`: what its site publishes for the portal."""
    from chamberpress.site.directory import reading
    from chamberpress.site.docs import logo_docs_path
    from chamberpress.site.icons import shown_logos

    info = chamber.info
    newest = max(chamber.published_posts, key=lambda p: p.date, default=None)
    summary = {
        "slug": chamber.slug,
        "name": info.name,
        "sort_key": reading(info.name),  # the name's pinyin: the portal's order, without loading pypinyin
        "short_name": info.display_short_name,
        "hometown": info.hometown,
        "city": info.city,
        "founded": info.founded.isoformat() if info.founded else None,
        "founded_zh": format_date(info.founded) if info.founded else None,
        "members": len(chamber.listed_members),
        "color": info.color,
        "logo": shown_logos(chamber, logo_docs_path(chamber)).portal,  # the copy at the portal's size
        "latest_news": {"title": newest.title, "url": newest.url, "date_zh": format_date(newest.date)}
        if newest
        else None,
        # What the portal merges across chambers: published facts only (the posts' own summaries, the plan).
        "latest_posts": [
            {
                "title": post.title,
                "url": post.url,
                "date": post.date.isoformat(),
                "date_zh": format_date(post.date),
                "category": post.category,
                "summary": post.summary,
            }
            for post in sorted(chamber.published_posts, key=lambda p: (p.date, p.rel), reverse=True)[:SUMMARY_POSTS]
        ],
        "upcoming": [
            _plan_fact(item) for item in sorted(info.plan, key=lambda i: i.date) if item.date >= chamber.today
        ],
    }
    return json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8")


def write_site_summary(chamber: Chamber, site_dir: Path) -> None:
    (site_dir / SUMMARY_FILE).write_bytes(site_summary(chamber))
