"""The roster's column headers as editors write them, read as the roster's fields: 姓名 → contact, 是否公开（是/否）
→ listed. Shared by the roster's reader (members.py) and by the check that no published file looks like a roster
(published.py)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

ROSTER_NAMES = ("members.xlsx", "members.csv", "members.yml")

# Canonical field → the header names editors use. Matching ignores case, width, spaces, _ and -, punctuation,
# a note in brackets (（是/否）, (Y/N), 【必填】) and 是否/与否: 是否公开（是/否）？ reads as 公开.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "企业名称", "单位名称", "会员名称", "公司名称", "会员单位", "name", "company", "company name"),
    "contact": ("联系人", "姓名", "负责人", "contact"),
    "position": ("职务", "商会职务", "会内职务", "position"),
    "industry": ("行业", "所属行业", "industry"),
    "hometown": ("籍贯", "家乡", "hometown"),
    "address": ("地址", "企业地址", "单位地址", "address"),
    "phone": ("电话", "办公电话", "联系电话", "phone", "tel"),
    "mobile": ("手机", "手机号", "手机号码", "mobile"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "website": ("网址", "网站", "主页", "website"),
    "joined": ("入会日期", "入会时间", "joined"),
    "dues_paid_until": ("会费缴至", "dues_paid_until", "dues paid until"),
    "intro": ("简介", "企业简介", "intro"),
    "logo": ("标志", "logo"),
}
IGNORED_HEADERS = ("序号", "no")  # and headers of punctuation only (#)

# Visibility is deny-by-default: a column about publishing or hiding is either one of these, or an error.
SHOW_WORDS = (
    "公开",
    "对外",
    "对外公开",
    "公开展示",
    "对外展示",
    "展示",
    "公开发布",
    "对外发布",
    "发布",
    "公开显示",
    "显示",
    "公示",
    "上网",
    "上榜",
    "网上公开",
    "optin",
    "listed",
    "list",
    "public",
    "publish",
    "published",
    "show",
    "visible",
    "display",
)
HIDE_WORDS = (
    "隐藏",
    "保密",
    "不公开",
    "不对外",
    "不对外公开",
    "不展示",
    "不发布",
    "不显示",
    "非公开",
    "秘密",
    "隐",
    "屏蔽",
    "下架",
    "内部",
    "仅内部",
    "仅限内部",
    "内部使用",
    "不公示",
    "不上网",
    "不上榜",
    "optout",
    "hidden",
    "hide",
    "private",
    "unlisted",
    "notlisted",
    "notpublic",
    "donotpublish",
    "confidential",
)
MOBILE_WORDS = ("手机", "手机号", "手机号码", "移动电话", "mobile", "cell", "cellphone", "mobilephone")
# A field whose column says the opposite: 隐藏 是 = not listed; 手机保密 是 = the mobile stays masked.
INVERSE = {"unlisted": "listed", "mobile_hidden": "publish_mobile"}
HEADERS |= {
    "listed": SHOW_WORDS + ("islisted", "ispublic", "ispublished", "isvisible"),
    "unlisted": HIDE_WORDS + ("ishidden", "isprivate", "isunlisted", "isconfidential"),
    "publish_mobile": tuple(
        a + b for s in SHOW_WORDS for m in MOBILE_WORDS if s.isascii() == m.isascii() for a, b in ((s, m), (m, s))
    ),
    "mobile_hidden": tuple(
        a + b for s in HIDE_WORDS for m in MOBILE_WORDS if s.isascii() == m.isascii() for a, b in ((s, m), (m, s))
    ),
}
# What each field is, in the words of the guide's reference (content/reference.py lists every header above).
MEANINGS = {
    "name": "会员单位名称，必填；每个会员一行，同一名称不能出现两次",
    "contact": "联系人",
    "position": "在商会的职务，须是 chamber.yml 的 positions 之一（默认：会长、常务副会长……会员）",
    "industry": "所属行业；名录页按行业分组",
    "hometown": "籍贯",
    "address": "企业地址",
    "phone": "办公电话（座机原样公开）",
    "mobile": "手机号码；网站上打码显示（如 139****0001），“公开手机”为 是 时完整显示",
    "email": "电子邮箱；从不公开",
    "website": "企业网站；须是 http(s) 网址（www.example.cn 也可），否则不链接并给出警告",
    "joined": "入会日期，如 2026-03-10、2026年3月10日 或 Excel 日期；七有检查据此统计新会员",
    "dues_paid_until": "会费缴至哪一天；七有检查据此统计缴费率；从不公开",
    "intro": "企业简介",
    "logo": "企业标志图片（商会文件夹内），如 assets/members/xinda.png",
    "listed": "是否公开：是/否，空着为 是；为 否 的会员在网站、搜索和会刊中都不出现",
    "unlisted": "与“公开”相反：是 = 不公开",
    "publish_mobile": "是否公开手机：是/否，空着为 否（手机打码显示）",
    "mobile_hidden": "与“公开手机”相反：是 = 手机打码显示",
}
# Word parts that make an unrecognised header an error rather than a private column. Deny by default: no list
# of words is complete, so single characters of the words for showing, hiding, the public and the web count
# (a private column named with one of them must be renamed), less the common words that hold them in another
# sense (公司, 办公, 公众号).
VISIBILITY_STEMS = (
    "公",
    "隐",
    "密",
    "屏",
    "藏",
    "示",
    "网",
    "榜",
    "显",
    "露",
    "见",
    "内部",
    "对外",
    "外部",
    "发布",
    "可见",
    "下架",
    "opt",
    "hid",
    "priv",
    "public",
    "publish",
    "list",
    "visib",
    "show",
    "display",
    "secret",
    "confiden",
    "conceal",
    "internal",
    "web",
    "online",
)
NOT_VISIBILITY = ("公司", "办公", "公众号", "外贸")
NOTE = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕|〈.*?〉|是否|与否|y/n|是/否")
# Traditional characters of the headers' words, folded to the Simplified ones the tables above use: 對外公開,
# 隱藏, 發佈, 會員名稱, 手機號碼. A small table of the characters in question, not a general converter.
TRADITIONAL = str.maketrans(
    "開隱顯發佈對祕內僅網見號碼機電話聯絡稱單業務職會員簡與為鄉貫圖誌標頁屬類傳護覽設狀態級",
    "开隐显发布对秘内仅网见号码机电话联络称单业务职会员简与为乡贯图志标页属类传护览设状态级",
)


def _folded(header: Any) -> str:
    """The header in one width, case and script: ＰＵＢＬＩＣ → public, 對外公開 → 对外公开."""
    return unicodedata.normalize("NFKC", str(header or "")).lower().translate(TRADITIONAL)


@functools.lru_cache(maxsize=4096)  # a roster's few headers, asked for again and again
def normal_header(header: Any, notes: bool = False) -> str:
    """The header as matched: 是否公开（是/否）？ → 公开, 對外公開 → 对外公开; with `notes`, bracketed notes kept
    (（公开） → 公开)."""
    text = _folded(header)
    return re.sub(r"[\W_]+", "", text if notes else NOTE.sub("", text))


def _has_visibility_stem(text: str) -> bool:
    for word in NOT_VISIBILITY:
        text = text.replace(word, "")
    return any(stem in text for stem in VISIBILITY_STEMS)


HEADER_TO_FIELD = {normal_header(h): f for f, names in HEADERS.items() for h in names}


def header_field(header: Any) -> str | None:
    """The roster field a column header names (姓名 → contact), or None."""
    return HEADER_TO_FIELD.get(normal_header(header))


IGNORED = {normal_header(h) for h in IGNORED_HEADERS}


def about_visibility(header: str) -> bool:
    """Whether a header speaks of publishing or hiding; a note counts only when it is all there is."""
    return _has_visibility_stem(normal_header(header) or normal_header(header, notes=True))


def about_visibility_note(header: str) -> bool:
    """Whether a bracketed note speaks of publishing or hiding: 地址（不公开） must not be read as 地址."""
    return _has_visibility_stem(re.sub(r"[\W_]+", "", "".join(NOTE.findall(_folded(header)))))


def ignored_header(header: Any) -> bool:
    """序号 and headers without a word (#) are ignored; an empty header or one about visibility never is."""
    text = normal_header(header)
    return bool(str(header or "").strip()) and (text in IGNORED or not text and not about_visibility(header))
