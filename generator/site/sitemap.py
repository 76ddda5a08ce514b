"""What the sitemap and robots.txt say beyond MkDocs' defaults.

- lastmod: the day a page last changed, where a real date is known (never the build's day, which would
  tell search engines every page changed at every build): a post's `updated` or else its date; a news
  list's (index, category, archive, each of its pages) its newest post's; the home page's, the newest post's; a page whose front
  matter sets `lastmod` (the charter: its last amendment; a project: its date).
- sitemap.xml.gz: packed again without a time in its header (MkDocs stamps the build's day there, so a
  build after midnight differed from the same site built before it).
- robots.txt: every page may be crawled; the sitemap's address when site_url is set (robots.txt needs an
  absolute one), no Sitemap line otherwise.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

from material.plugins.blog.structure import View
from mkdocs.structure.pages import Page

ROBOTS_FILE = "robots.txt"
SITEMAP_FILE = "sitemap.xml"


def pack_sitemap(site_dir: Path) -> None:
    """Write sitemap.xml.gz anew from sitemap.xml, the same bytes whatever the day (gzip -n)."""
    source = site_dir / SITEMAP_FILE
    if source.is_file():
        with open(source.with_name(f"{SITEMAP_FILE}.gz"), "wb") as raw:
            with gzip.GzipFile(filename=f"{SITEMAP_FILE}.gz", mode="wb", fileobj=raw, mtime=0) as packed:
                packed.write(source.read_bytes())


def _day(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else None


def _newest(posts) -> str | None:
    days = [_day(post.config.date.created) for post in posts]
    return max((d for d in days if d), default=None)


def page_lastmod(page: Page | None, newest_post: str | None, lists: dict[int, str | None]) -> str | None:
    """The page's lastmod (YYYY-MM-DD), or None where no real date is known. `lists` keeps each list's
    newest day by its first page, for its other pages (200 pages of a 2,000-post index: 400,000 dates)."""
    if page is None:
        return None
    meta = page.meta or {}
    if meta.get("lastmod"):
        return _day(meta["lastmod"])
    post = meta.get("chamber_post")
    if post:
        return post.get("updated_iso") or post.get("date_iso")
    if isinstance(page, View):
        first = page.pages[0] if page.pages else page  # pages 2, 3 … of a list share its first page's posts
        if id(first) not in lists:
            lists[id(first)] = _newest(first.posts)
        return lists[id(first)]
    if page.is_homepage:
        return newest_post
    return None


def robots_txt(site_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines += ["", f"Sitemap: {site_url.rstrip('/')}/sitemap.xml"]
    return "\n".join(lines) + "\n"
