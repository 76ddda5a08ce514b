"""`chamber.yml`: the chamber's identity and its seven-haves facts, as one typed definition."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from chamberpress.errors import Problems
from chamberpress.chinese import parse_date, pinyin_slug
from chamberpress.markup import plain_title, web_host, web_url
from chamberpress.content.schema import convert, spec
from chamberpress.content.sources import YamlDoc, editor_file, load_yaml
from chamberpress.i18n import _

DEFAULT_CATEGORIES = ["商会动态", "通知公告", "会员风采", "项目合作", "维权服务", "政策法规", "培训活动"]
DEFAULT_POSITIONS = ["会长", "常务副会长", "执行会长", "监事长", "副会长", "秘书长", "常务理事", "理事", "会员"]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
BLEED = re.compile(r"^\s*([0-9](?:\.[0-9]+)?)\s*mm\s*$")  # 0–9.x mm: printers ask for 3 mm, some 5 mm
# No characters that end an attribute or a mailto: link's address.
EMAIL = re.compile(r"^[^@\s\"'<>()\[\]\\,;:]+@[^@\s\"'<>()\[\]\\,;:]+\.[^@\s\"'<>()\[\]\\,;:]+$")


@dataclass
class Department:
    name: str = spec("部门名称，如 秘书处", required=True)
    head: str | None = spec("负责人")
    duties: str | None = spec("职责")


@dataclass
class OrgUnit:
    """One box of the organisation chart (组织机构图), with the boxes beside it and below it."""

    name: str = spec("机构名称，如 理事会", required=True)
    roles: list[str] = spec("职务：名录中担任这些职务的会员列在框内，如 [会长, 副会长]", factory=list)
    head: str | None = spec("负责人，直接写姓名，如 孙晓燕")
    note: str | None = spec("说明：名称下方的一行小字")
    departments: bool = spec("是：把 departments（内设机构）画在这个机构下面", default=False)
    beside: list[OrgUnit] = spec("并列机构：画在这个机构旁边而不是下面，如 监事会 与 理事会 并列", factory=list)
    units: list[OrgUnit] = spec("下设机构：画在这个机构下面", factory=list)


ORG_DEPTH = 8  # a chart deeper than this cannot be read on a phone


@dataclass
class Meeting:
    name: str = spec("会议名称，如 会员大会、理事会", required=True)
    frequency: str | None = spec("召开频次，如 每年一次")
    description: str | None = spec("说明")


@dataclass
class PlanItem:
    date: dt.date = spec("日期，如 2026-06-12", required=True)
    title: str = spec("活动名称", required=True)
    description: str | None = spec("说明")
    time: str | None = spec('开始时间（时:分），如 "14:30"；不写则为全天活动')
    end: str | None = spec('结束时间（时:分），或多日活动的最后一天，如 "17:00" 或 2026-06-13')
    place: str | None = spec("地点")
    kind: str | None = spec("类别，如 会议、培训、考察、公益、联谊（可自拟）；“培训”计入七有检查的培训次数")
    signup: str | None = spec("报名方式，如 请于6月5日前向秘书处报名（0577-88880000）")
    report: str | None = spec("报道这次活动的新闻：新闻文件在商会文件夹中的路径，如 news/2026/2026-05-21-peixun.md")
    report_line: int | None = field(default=None, init=False, repr=False, compare=False)  # for its errors

    @property
    def start_time(self) -> dt.time | None:
        """The starting time (checked when chamber.yml was loaded)."""
        return _clock(self.time)

    @property
    def end_time(self) -> dt.time | None:
        return _clock(self.end)

    @property
    def last_day(self) -> dt.date:
        """The activity's last day: `end` when it is a date, else its own day."""
        try:
            return max(self.date, parse_date(self.end or ""))
        except ValueError:
            return self.date


CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:：]([0-5][0-9])$")


def _clock(text: str | None) -> dt.time | None:
    found = CLOCK.match(text or "")
    return dt.time(int(found.group(1)), int(found.group(2))) if found else None


def _sexagesimal(value: object) -> object:
    """YAML 1.1 reads 14:30 as the number 870 (base 60): give it back as the time written."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


@dataclass
class DuesRate:
    position: str = spec("职务，如 会长", required=True)
    amount: int = spec("每年会费（元），如 20000", required=True)


DEFAULT_JOIN_FIELDS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "联系人及职务",
    "手机",
    "地址",
    "所属行业",
    "籍贯",
    "申请担任职务",
    "推荐人",
]
DEFAULT_JOIN_STEPS = [
    "填写《入会申请表》，由法定代表人签字并加盖企业公章",
    "连同营业执照复印件、法定代表人身份证复印件交商会秘书处",
    "秘书处审核后提交会长办公会议（理事会）审议",
    "审议通过后按会费标准缴纳会费，颁发会员证书",
]


@dataclass
class JoinInfo:
    """The membership application form (join.pdf) and the join page's procedure."""

    fields: list[str] = spec("申请表上要填写的项目，按顺序列出", factory=lambda: list(DEFAULT_JOIN_FIELDS))
    procedure: list[str] = spec("入会程序，每项一步", factory=lambda: list(DEFAULT_JOIN_STEPS))


@dataclass
class NewsletterInfo:
    """The 会刊's name and the marks 《内部资料性出版物管理办法》 article 14 asks for (the imprint)."""

    title: str | None = spec("会刊名称（印在封面上）；不写则用商会名称")
    frequency: str | None = spec("出版周期，如 季刊")
    permit: str | None = spec("准印证号")
    printed: bool = spec("是否凭准印证印刷发行：是 则检查 permit、printer、copies 是否齐全", default=False)
    publisher: str | None = spec("编印单位；不写则用商会名称")
    audience: str | None = spec("发送对象；不写则为 本会会员")
    printer: str | None = spec("印刷单位，如 温州市某某印务有限公司")
    copies: int | None = spec("每期印数，如 500；某期的文件可另写 copies")
    wechat_qr: str | None = spec("微信公众号二维码图片（商会文件夹内），如 assets/wechat.png，印在封底")
    bleed: str | None = spec("给印刷厂的出血，如 3mm：页面加出血和裁切线（同 --bleed）")
    booklet: bool = spec("骑马钉装订：在封底前补空白页，使页数为 4 的倍数（同 --booklet）", default=False)

    @property
    def bleed_mm(self) -> float | None:
        """The bleed in millimetres (checked when chamber.yml was loaded)."""
        found = BLEED.match(self.bleed or "")
        return float(found.group(1)) if found else None


@dataclass
class FriendLink:
    """One of the home page's 友情链接, e.g. the supervising office's site."""

    name: str = spec("网站名称，如 温州市工商业联合会", required=True)
    url: str = spec("网址（http:// 或 https:// 开头），如 https://www.wzgsl.gov.cn/", required=True)


@dataclass
class PublishInfo:
    """Where `chamber publish` sends the site. Never a secret here: passwords and access keys come from the
    environment or the credentials file (publish/credentials.py)."""

    to: str = spec(
        "发布到哪里：本机文件夹（/srv/www/anhui）、sftp://用户@服务器[:端口]/路径 或 s3://存储桶/前缀", required=True
    )
    endpoint: str | None = spec("对象存储的访问地址（仅 s3://），如 https://oss-cn-hangzhou.aliyuncs.com")
    region: str | None = spec("对象存储的地域（仅 s3://），如 cn-hangzhou")
    addressing: str | None = spec(
        "访问方式：virtual（阿里云 OSS、腾讯云 COS、华为云 OBS、七牛云 Kodo）或 path（MinIO）"
    )


@dataclass
class ChamberInfo:
    """Everything `chamber.yml` may hold; required keys are marked."""

    name: str = spec("商会全称，如 温州市安徽商会", required=True)
    hometown: str = spec("籍贯（家乡）省份，如 安徽省", required=True)
    address: str = spec("固定会址", required=True)
    short_name: str | None = spec("简称，如 安徽商会")
    city: str | None = spec("所在城市，如 温州")
    founded: dt.date | None = spec("成立日期")
    phone: str | None = spec("联系电话")
    email: str | None = spec("电子邮箱")
    site_url: str | None = spec("网站地址，如 https://www.ahsh-wz.cn/；订阅、网站地图、公众号文章和会刊二维码都要用到")
    logo: str | None = spec("标志图片（商会文件夹内），如 assets/logo.png")
    color: str | None = spec('主题色，如 "#B71C1C"（太浅时会自动加深，保证白字看得清）')
    icp: str | None = spec("ICP备案号，如 浙ICP备2026000000号-1，显示在每页底部并链接到工信部备案网站")
    police_beian: str | None = spec("公安备案号，如 浙公网安备 33030202000000号，显示在每页底部")
    departments: list[Department] = spec("内设机构（七有检查：领导班子）", factory=list)
    meetings: list[Meeting] = spec("会议制度（七有检查：须有会员大会和理事会）", factory=list)
    plan: list[PlanItem] = spec("年度活动计划，也是网站的活动日程", factory=list)
    services: str | None = spec("会员服务与维权机制（一段文字）")
    dues: list[DuesRate] = spec("会费标准（七有检查：经费来源）", factory=list)
    join: JoinInfo = spec("入会申请表：申请表项目 fields 和入会程序 procedure", factory=JoinInfo)
    newsletter: NewsletterInfo = spec("会刊的名称和版权页", factory=NewsletterInfo)
    organization: list[OrgUnit] = spec(
        "组织机构图：从最高的机构（会员大会）写起，每个机构有 name，可选 roles、head、note、beside、units、"
        "departments；不写则为 会员大会 → 理事会（监事会并列）→ 会长办公会议 → 秘书长 → 秘书处 → 各部门",
        factory=list,
    )
    categories: list[str] = spec("新闻栏目，按显示顺序", factory=lambda: list(DEFAULT_CATEGORIES))
    notices_category: str = spec("首页与“新闻动态”并列显示的通知公告栏目，须是 categories 之一", default="通知公告")
    links: list[FriendLink] = spec("首页的友情链接：每项写 name（名称）和 url（网址）", factory=list)
    wechat_qr: str | None = spec("微信公众号二维码图片（商会文件夹内），如 assets/wechat-qr.png，显示在首页")
    positions: list[str] = spec("会员职务，从高到低", factory=lambda: list(DEFAULT_POSITIONS))
    project_kinds: list[str] = spec("项目合作的类别", factory=lambda: ["招商项目", "投资意向", "合作需求"])
    embed_hosts: list[str] = spec("允许嵌入视频、地图（iframe）的网站域名，如 player.bilibili.com", factory=list)
    publish: PublishInfo | None = spec("chamber publish 的发布目标：to，对象存储另有 endpoint、region、addressing")

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    @property
    def wechat_picture(self) -> str | None:
        """The WeChat account's QR code: `wechat_qr`, else the newsletter's."""
        return self.wechat_qr or self.newsletter.wechat_qr


def _check(info: ChamberInfo, doc: YamlDoc, path: Path, folder: Path, problems: Problems) -> None:
    """Rules beyond types: formats, and paths that must stay inside the chamber's folder."""
    if info.publish is not None:
        from chamberpress.publish.address import BadAddress, parse_address

        target = info.publish
        try:
            parse_address(target.to, endpoint=target.endpoint, region=target.region, addressing=target.addressing)
        except BadAddress as exc:
            problems.error(path, str(exc), line=doc.line("publish", "to"), field="publish")
    if info.color and not COLOR.match(info.color):
        problems.error(
            path,
            _("{color!r} is not a colour").format(color=info.color),
            line=doc.line("color"),
            field="color",
            expected=_("#RRGGBB, e.g. #B71C1C"),
        )
    if info.site_url:
        # Parsed and rebuilt, and the rebuilt address used: it goes into every page's <head> and the feed.
        url = web_url(info.site_url)
        if url is None or urlsplit(url).query or urlsplit(url).fragment:
            problems.error(
                path,
                _("{site_url!r} is not a web address").format(site_url=info.site_url),
                line=doc.line("site_url"),
                field="site_url",
                expected=_(
                    "http(s)://, a host name and a path, without spaces, quotes, < >, a user name, ? or #, e.g. https://example.cn/"
                ),
            )
        else:
            info.site_url = url
    for index, host in enumerate(info.embed_hosts):
        if web_host(host) is None:
            problems.error(
                path,
                _("{host!r} is not a host name").format(host=host),
                line=doc.line("embed_hosts", index),
                field="embed_hosts",
                expected=_("a host name alone, e.g. player.youku.com"),
            )
    info.embed_hosts = [found for host in info.embed_hosts if (found := web_host(host))]
    if info.email and not EMAIL.match(info.email):
        problems.error(
            path,
            _("{email!r} is not an e-mail address").format(email=info.email),
            line=doc.line("email"),
            field="email",
        )
    if info.logo:
        from chamberpress.paths import resolve_inside
        from chamberpress.content.published import image_problem  # here: it imports members, which imports us

        logo = resolve_inside(folder, info.logo, folder)
        if logo is None:
            problems.error(
                path,
                _("{logo!r} is not a file inside the chamber folder").format(logo=info.logo),
                line=doc.line("logo"),
                field="logo",
                expected=_("e.g. assets/logo.png"),
            )
        elif why := image_problem(logo):
            problems.error(
                path,
                _("{file!r} {why}").format(file=info.logo, why=why),
                line=doc.line("logo"),
                field="logo",
                expected=_("a picture (PNG, JPEG) or SVG drawing, e.g. assets/logo.png"),
            )
    _check_newsletter(info.newsletter, doc, path, folder, problems)
    _check_front_page(info, doc, path, folder, problems)
    _check_plan(info, doc, path, problems)
    for name, values in (("categories", info.categories), ("positions", info.positions)):
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value in seen:
                problems.error(
                    path, _("{value!r} is listed twice").format(value=value), line=doc.line(name, index), field=name
                )
            seen.add(value)
    if not info.categories:
        problems.error(
            path,
            _("no category is listed"),
            line=doc.line("categories"),
            field="categories",
            expected=_("at least one, e.g. [商会动态, 通知公告], or leave categories out for the default ones"),
        )
    # A category's page is at news/category/<pinyin>/: two names read alike (培训, 陪训) would share one page.
    # The default categories are known apart (a test checks), and not checking them spares loading
    # pypinyin's dictionary where nothing else needs it (checking content, printing a newsletter).
    by_slug: dict[str, str] = {}
    for index, value in enumerate(info.categories if info.categories != DEFAULT_CATEGORIES else []):
        other = by_slug.setdefault(category_slug(value), value)
        if other != value:
            problems.error(
                path,
                _(
                    "{other!r} and {value!r} read alike in pinyin and would share one page (news/category/{category_slug}/)"
                ).format(other=other, value=value, category_slug=category_slug(value)),
                line=doc.line("categories", index),
                field="categories",
                expected=_("rename one of them, e.g. add a word"),
            )
    for name in ("fields", "procedure"):
        values = getattr(info.join, name)
        if not values:
            problems.error(
                path,
                _("is empty"),
                line=doc.line("join", name),
                field=f"join.{name}",
                expected=_("leave it out for the default"),
            )
        for index, value in enumerate(values):
            if not value:
                problems.error(
                    path, _("an empty item"), line=doc.line("join", name, index), field=f"join.{name}.{index}"
                )
        if name == "fields" and len(set(values)) != len(values):
            problems.error(path, _("a field is listed twice"), line=doc.line("join", name), field=f"join.{name}")
    _check_organization(info, doc, path, problems)
    for index, rate in enumerate(info.dues):
        if rate.amount < 0:
            problems.error(
                path, _("a negative amount"), line=doc.line("dues", index, "amount"), field=f"dues.{index}.amount"
            )


def _check_organization(info: ChamberInfo, doc: YamlDoc, path: Path, problems: Problems) -> None:
    """The chart's roles are the chamber's positions; the departments are drawn once; the tree is not too deep."""
    if "organization" in (doc.data or {}) and not info.organization:
        problems.error(
            path,
            _("no unit is listed"),
            line=doc.line("organization"),
            field="organization",
            expected=_("units such as - name: 会员大会, or leave organization out for the default chart"),
        )
    holders: list[tuple] = []

    def walk(units: list[OrgUnit], at: tuple, depth: int) -> None:
        for index, unit in enumerate(units):
            here = (*at, index)
            where = ".".join(str(p) for p in here)
            if depth > ORG_DEPTH:
                problems.error(
                    path,
                    _("the chart is more than {depth} levels deep").format(depth=ORG_DEPTH),
                    line=doc.line(*here),
                    field=where,
                    expected=_("fewer levels: put units side by side"),
                )
                return
            for number, role in enumerate(unit.roles):
                if role not in info.positions:
                    problems.error(
                        path,
                        _("{role!r} is not one of the chamber's positions").format(role=role),
                        line=doc.line(*here, "roles", number),
                        field=f"{where}.roles.{number}",
                        expected=_("one of: {choices}").format(choices="、".join(info.positions)),
                    )
            if unit.departments:
                holders.append(here)
            walk(unit.beside, (*here, "beside"), depth + 1)
            walk(unit.units, (*here, "units"), depth + 1)

    walk(info.organization, ("organization",), 1)
    for here in holders[1:]:
        problems.error(
            path,
            _("the departments are already drawn below another unit"),
            line=doc.line(*here, "departments"),
            field=".".join(str(p) for p in here) + ".departments",
            expected=_("departments: yes on one unit only"),
        )
    if holders and not info.departments:
        problems.error(
            path,
            _("departments: yes, but chamber.yml lists no departments"),
            line=doc.line(*holders[0], "departments"),
            field=".".join(str(p) for p in holders[0]) + ".departments",
            expected=_("list them under `departments:` (name, head, duties)"),
        )


def _check_newsletter(newsletter: NewsletterInfo, doc: YamlDoc, path: Path, folder: Path, problems: Problems) -> None:
    """The print keys: a bleed the printer can use, a positive print run, a WeChat QR picture in the folder."""
    if newsletter.bleed is not None and newsletter.bleed_mm is None:
        problems.error(
            path,
            _("{bleed!r} is not a bleed").format(bleed=newsletter.bleed),
            line=doc.line("newsletter", "bleed"),
            field="newsletter.bleed",
            expected=_("millimetres, e.g. 3mm"),
        )
    if newsletter.copies is not None and newsletter.copies <= 0:
        problems.error(
            path,
            _("{copies} copies").format(copies=newsletter.copies),
            line=doc.line("newsletter", "copies"),
            field="newsletter.copies",
            expected=_("the number printed, e.g. 500"),
        )
    if newsletter.wechat_qr:
        _check_picture(newsletter.wechat_qr, ("newsletter", "wechat_qr"), doc, path, folder, problems)


def _check_picture(value: str, at: tuple[str, ...], doc: YamlDoc, path: Path, folder: Path, problems: Problems) -> None:
    """A picture named at `at` (e.g. the WeChat QR code) is a picture file inside the chamber's folder."""
    from chamberpress.paths import resolve_inside
    from chamberpress.content.published import image_problem  # here: it imports members, which imports us

    picture = resolve_inside(folder, value, folder)
    why = _("is not a file inside the chamber folder") if picture is None else image_problem(picture)
    if why:
        problems.error(
            path,
            _("{file!r} {why}").format(file=value, why=why),
            line=doc.line(*at),
            field=".".join(at),
            expected=_("a picture (PNG, JPEG) inside the chamber folder, e.g. assets/wechat.png"),
        )


def _check_front_page(info: ChamberInfo, doc: YamlDoc, path: Path, folder: Path, problems: Problems) -> None:
    """The home page's keys: the notices category is one of the categories (when given), each link a web
    address (rebuilt: it goes into an href), the QR code a picture in the folder."""
    given = isinstance(doc.data, dict) and "notices_category" in doc.data
    if given and info.notices_category not in info.categories:
        problems.error(
            path,
            _("{category!r} is not one of the categories").format(category=info.notices_category),
            line=doc.line("notices_category"),
            field="notices_category",
            expected=_("one of: {choices}").format(choices="、".join(info.categories)),
        )
    kept: list[FriendLink] = []
    for index, link in enumerate(info.links):
        url = web_url(link.url)
        if url is None:
            problems.error(
                path,
                _("{url!r} is not a web address").format(url=link.url),
                line=doc.line("links", index, "url"),
                field=f"links.{index}.url",
                expected=_(
                    "http:// or https://, a host name and a path, without spaces or quotes, e.g. https://www.wzgsl.gov.cn/"
                ),
            )
        elif not link.name.strip():
            problems.error(path, _("an empty name"), line=doc.line("links", index, "name"), field=f"links.{index}.name")
        else:
            kept.append(FriendLink(link.name.strip(), url))
    info.links = kept
    if info.wechat_qr:
        _check_picture(info.wechat_qr, ("wechat_qr",), doc, path, folder, problems)


def category_slug(name: str) -> str:
    """The URL name of a category's page, as Material's blog makes it (its categories_slugify)."""
    return pinyin_slug(plain_title(name))


def _read_clocks(doc: YamlDoc) -> None:
    """The plan's times as written (14:30), not as YAML 1.1 numbers them."""
    plan = doc.data.get("plan") if isinstance(doc.data, dict) else None
    for item in plan if isinstance(plan, list) else []:
        for key in ("time", "end"):
            if isinstance(item, dict) and key in item:
                item[key] = _sexagesimal(item[key])


def _check_plan(info: ChamberInfo, doc: YamlDoc, path: Path, problems: Problems) -> None:
    """Times as HH:MM; an end after the start."""
    for index, item in enumerate(info.plan):
        item.report_line = doc.line("plan", index, "report")
        if item.time is not None and item.start_time is None:
            problems.error(
                path,
                _("{time!r} is not a time").format(time=item.time),
                line=doc.line("plan", index, "time"),
                field=f"plan.{index}.time",
                expected=_("hours and minutes, e.g. 14:30"),
            )
        if item.end is None:
            continue
        wrong = None
        if item.end_time is not None:
            if item.start_time is None:
                wrong = _("an end time without a start time")
            elif item.end_time <= item.start_time:
                wrong = _("ends at {end} before it starts at {start}").format(end=item.end, start=item.time)
        elif item.last_day == item.date:
            wrong = _("{end!r} is neither a time nor a day after the activity's date").format(end=item.end)
        if wrong:
            problems.error(
                path,
                wrong,
                line=doc.line("plan", index, "end"),
                field=f"plan.{index}.end",
                expected=_("a time after `time`, e.g. 17:00, or the last day of several, e.g. 2026-06-13"),
            )


def _refuse_secrets(doc: YamlDoc, path: Path, problems: Problems) -> None:
    """A password or access key in chamber.yml is an error, reported as such (not as an unknown key) and
    removed before the rest is read: the file is shared with everyone who edits the site, and kept in git."""
    from chamberpress.publish.address import SECRET_KEYS
    from chamberpress.publish.credentials import credentials_file

    if not isinstance(doc.data, dict):
        return
    places = [((), doc.data)]
    if isinstance(doc.data.get("publish"), dict):
        places.append((("publish",), doc.data["publish"]))
    for at, mapping in places:
        for key in [key for key in mapping if str(key).lower().replace("-", "_") in SECRET_KEYS]:
            del mapping[key]
            problems.error(
                path,
                _("a password or access key never goes in chamber.yml (everyone who edits the site can read it)"),
                line=doc.line(*at, key),
                field=".".join(str(part) for part in (*at, key)),
                expected=_(
                    "remove it, and give it in the environment or in {credentials_file} (chamber publish --help)"
                ).format(credentials_file=credentials_file()),
            )


def load_chamber_info(folder: Path, problems: Problems) -> ChamberInfo | None:
    path = editor_file(folder, "chamber.yml", problems)
    if path is None:
        if (folder / "chamber.yml").is_symlink():
            return None  # a link out: reported
        problems.error(
            folder / "chamber.yml",
            _("chamber.yml is missing"),
            expected=_("create it with at least name, hometown, address"),
        )
        return None
    doc = load_yaml(path, problems)
    if doc is None:
        return None
    if doc.data is None:
        problems.error(path, _("chamber.yml is empty"), expected=_("at least name, hometown, address"))
        return None
    _refuse_secrets(doc, path, problems)
    _read_clocks(doc)
    info = convert(ChamberInfo, doc, path, problems)
    if info is not None:
        _check(info, doc, path, folder, problems)
    return info
