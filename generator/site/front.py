"""The home page as a chamber's front page: what it shows besides the posts, as a pure function of the model.

The posts' part (the lead story, 新闻动态 and 通知公告) comes from Material's blog (site/blog.front_posts);
this module gives the rest: the quick entries, the leadership and the secretariat's contact, the WeChat
account's QR code and the 友情链接. `theme/material/home.html` lays them out. Every address here is a site
path from the site's root (the home page's own folder), for the template's `url` filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chamberpress.content.chamber import category_slug
from chamberpress.content.model import Chamber
from chamberpress.content.published import image_problem
from chamberpress.paths import resolve_inside
from chamberpress.site.directory import MEMBERS_DIR, ORGANIZATION_PAGE, has_organization_page, profile_slugs
from chamberpress.site.events import EVENTS_PAGE

QR_DOCS_NAME = "assets/wechat-qr"  # where a QR code outside assets/ is published, with its suffix
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class Tile:
    title: str
    url: str
    icon: str  # a Material icon's name, e.g. material/newspaper-variant-outline


@dataclass(frozen=True)
class Leader:
    position: str
    person: str  # the member's 联系人, the person holding the position
    company: str
    url: str  # the member's profile


@dataclass(frozen=True)
class Secretariat:
    head: str | None
    phone: str | None
    phone_tel: str
    email: str | None


@dataclass(frozen=True)
class FrontPage:
    tiles: list[Tile]
    leaders: list[Leader]
    secretariat: Secretariat
    links: list[tuple[str, str]]  # name, address
    qr: str | None  # the QR code's site path
    qr_alt: str
    notices: str | None  # the notices category's name, when the chamber has that category
    notices_url: str | None


def site_url_of(docs_path: str) -> str:
    """The directory URL of a docs page from the site's root: news/index.md → news/, charter.md → charter/."""
    stem = docs_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def wechat_qr_docs_path(chamber: Chamber) -> tuple[str, Path] | None:
    """Where the WeChat QR code is published, and its source: as it is under assets/, else
    assets/wechat-qr.<ext>; None without one, or when it is not a picture (reported when loading)."""
    value = chamber.info.wechat_picture
    source = resolve_inside(chamber.folder, value, chamber.folder) if value else None
    if source is None or image_problem(source) is not None:
        return None
    rel = source.relative_to(chamber.folder.resolve()).as_posix()
    if rel.startswith("assets/") and _PLAIN_PATH.fullmatch(rel):
        return rel, source
    suffix = source.suffix.lower()
    return QR_DOCS_NAME + (suffix if _PLAIN_PATH.fullmatch(suffix) else ""), source


def notices_category(chamber: Chamber) -> str | None:
    """The category listed beside 新闻动态, when the chamber has it."""
    name = chamber.info.notices_category
    return name if name in chamber.info.categories else None


def tiles(chamber: Chamber, has_newsletter: bool) -> list[Tile]:
    """The quick entries: the sections a visitor most often looks for, those the site has."""
    found = [Tile("新闻动态", "news/", "material/newspaper-variant-outline")]
    notices = notices_category(chamber)
    if notices:
        found.append(Tile(notices, f"news/category/{category_slug(notices)}/", "material/bullhorn-outline"))
    if chamber.charter:
        found.append(Tile("商会章程", "charter/", "material/book-open-variant"))
    if chamber.roster:
        found.append(Tile("会员名录", f"{MEMBERS_DIR}/", "material/account-group-outline"))
    if has_organization_page(chamber.listed_members, chamber.info):
        found.append(Tile("组织架构", site_url_of(ORGANIZATION_PAGE), "material/sitemap-outline"))
    if has_newsletter:
        found.append(Tile("会刊", "newsletter/", "material/book-outline"))
    if chamber.info.plan:
        found.append(Tile("活动日程", site_url_of(EVENTS_PAGE), "material/calendar-month-outline"))
    for page in chamber.pages:
        if page.name == "join":
            found.append(Tile(page.title, "join/", "material/account-plus-outline"))
    return found


def leaders(chamber: Chamber) -> list[Leader]:
    """Those who hold the highest position (会长) and the 秘书长, from the roster's public values."""
    members = chamber.listed_members
    positions = chamber.info.positions
    wanted = [positions[0]] if positions else []
    if "秘书长" in positions and "秘书长" not in wanted:
        wanted.append("秘书长")
    holders = [m for position in wanted for m in members if m.position == position]
    if not holders:
        return []
    slugs = profile_slugs(members)
    # Read through public_fields, as every member page is: only what the roster publishes.
    shown = [(m, m.public_fields()) for m in holders]
    return [
        Leader(m.position, public.get("contact", ""), m.name, site_url_of(f"{MEMBERS_DIR}/{slugs[m.name]}.md"))
        for m, public in shown
    ]


def secretariat(chamber: Chamber) -> Secretariat:
    info = chamber.info
    head = next((d.head for d in info.departments if d.name == "秘书处" and d.head), None)
    return Secretariat(head, info.phone, re.sub(r"[^\d+]", "", info.phone or ""), info.email)


def front_page(chamber: Chamber, *, has_newsletter: bool) -> FrontPage:
    qr = wechat_qr_docs_path(chamber)
    notices = notices_category(chamber)
    return FrontPage(
        tiles=tiles(chamber, has_newsletter),
        leaders=leaders(chamber),
        secretariat=secretariat(chamber),
        links=[(link.name, link.url) for link in chamber.info.links],
        qr=qr[0] if qr else None,
        qr_alt=f"{chamber.info.name}微信公众号二维码",
        notices=notices,
        notices_url=f"news/category/{category_slug(notices)}/" if notices else None,
    )
