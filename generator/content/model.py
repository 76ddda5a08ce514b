"""The whole chamber as the build sees it: validated content, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from chamberpress.content.chamber import ChamberInfo, PlanItem
from chamberpress.content.charter import Charter
from chamberpress.content.members import Member, Roster
from chamberpress.content.news import Post
from chamberpress.content.pages import Page
from chamberpress.content.projects import Project


@dataclass
class Chamber:
    slug: str
    folder: Path  # content/<slug>
    info: ChamberInfo
    posts: list[Post]  # all posts, newest first (drafts and scheduled ones included)
    pages: list[Page]
    charter: Charter | None
    roster: Roster | None
    today: dt.date  # what "published" means: drafts and posts dated after today are not
    warnings: list = field(default_factory=list)
    assets: list[Path] = field(default_factory=list)  # the files of assets/ that are published
    projects: list[Project] = field(default_factory=list)  # all projects, newest first (drafts included)

    @property
    def published_posts(self) -> list[Post]:
        """Posts readers may see: pinned first, then newest first."""
        live = [p for p in self.posts if p.is_published(self.today)]
        return sorted(live, key=lambda p: (p.meta.pin, p.date, p.rel), reverse=True)

    def report_of(self, item: PlanItem) -> Post | None:
        """The published post that reports on a plan item (its `report`), if any."""
        post = report_post(self.folder, self.posts, item)
        return post if post is not None and post.is_published(self.today) else None

    @property
    def published_projects(self) -> list[Project]:
        """Projects readers may see, newest first."""
        return [p for p in self.projects if p.is_published(self.today)]

    @property
    def current_projects(self) -> list[Project]:
        return [p for p in self.published_projects if p.is_current(self.today)]

    @property
    def past_projects(self) -> list[Project]:
        """Expired (valid_until passed) or ended projects: listed under 往期项目."""
        return [p for p in self.published_projects if not p.is_current(self.today)]

    @property
    def members(self) -> list[Member]:
        """Every roster row, unlisted members included (for internal figures only)."""
        return self.roster.members if self.roster else []

    @property
    def listed_members(self) -> list[Member]:
        """Members who may appear in public output."""
        return [m for m in self.members if m.listed]


def report_post(folder: Path, posts: list[Post], item: PlanItem) -> Post | None:
    """The post a plan item's `report` names: its path in the chamber folder (news/2026/….md)."""
    if not item.report:
        return None
    wanted = item.report.strip().replace("\\", "/").removeprefix("./")
    return next((p for p in posts if p.path.relative_to(folder).as_posix() == wanted), None)
