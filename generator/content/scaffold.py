"""`chamber new <slug>`: a chamber folder that builds at once, each file an example to edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chamberpress.content.chamber import SLUG
from chamberpress.errors import ContentError, Problem
from chamberpress.i18n import _

SCAFFOLD = Path(__file__).parent / "scaffold"

# (file in the scaffold, path in the chamber folder, what the editor does with it)
FILES = [
    ("chamber.yml", "chamber.yml", "商会基本信息、组织机构、会议制度、活动计划、会费标准"),
    ("news.md", "news/{year}/{date}-wangzhan-kaitong.md", "一篇新闻：每篇新闻一个文件，文件名以日期开头"),
    ("charter.md", "charter.md", "章程：## 第一章 为章，“第一条”开头的段落为条"),
    ("members.csv", "members.csv", "会员名录（可换成 members.xlsx 或 members.yml）"),
    ("about.md", "pages/about.md", "商会简介（pages/ 下的页面显示在顶部导航）"),
    ("join.md", "pages/join.md", "入会指南"),
    ("contact.md", "pages/contact.md", "联系我们"),
    ("assets/logo.svg", "assets/logo.svg", "商会标志"),
]


def scaffold(
    content_dir: Path, slug: str, *, name: str | None = None, today: dt.date | None = None
) -> list[tuple[Path, str]]:
    """Write the example chamber; refuses an invalid slug or an existing folder. Returns (path, purpose)."""
    folder = content_dir / slug
    if not SLUG.match(slug):
        raise ContentError(
            [
                Problem(
                    str(folder),
                    _("{slug!r} is not a valid chamber folder name").format(slug=slug),
                    expected=_("lower-case letters a-z, digits and -, e.g. anhui"),
                )
            ]
        )
    if folder.exists():
        raise ContentError([Problem(str(folder), _("the folder exists already"), expected=_("choose another name"))])
    today = today or dt.date.today()
    name = name or f"温州市{slug}商会"
    short = name.removeprefix("温州市")
    values = {
        "__NAME__": name,
        "__SHORT__": short,
        "__SLUG__": slug,
        "__TODAY__": today.isoformat(),
        "__YEAR__": str(today.year),
    }
    written = []
    for source, target, purpose in FILES:
        path = folder / target.format(year=today.year, date=today.isoformat())
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (SCAFFOLD / source).read_bytes()
        if source.endswith((".yml", ".md", ".csv")):
            text = data.decode("utf-8")
            for key, value in values.items():
                text = text.replace(key, value)
            data = text.encode("utf-8")
        path.write_bytes(data)
        written.append((path, purpose))
    return written
