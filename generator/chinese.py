"""Chinese text conventions: long dates (2026年5月21日), numerals (第一百零三条), pinyin slugs, reading time.

slug memo: the pinyin slugs made by earlier builds, kept under .cache/ (directory.slug_memo) and loaded into
KNOWN_PINYIN, so that a build meeting no new name never loads pypinyin's dictionary.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from chamberpress.build.cache_layout import cache_root
from chamberpress.build.records import read_json, string_map
from chamberpress.fingerprint import Fingerprint, engines, tooling_key
from chamberpress.i18n import _

_DATE_FORMS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]


def parse_date(text: str) -> dt.date:
    """2026-03-10, 2026/3/10, 2026.3.10 or 2026年3月10日 (an optional time after a space is ignored).

    Raises ValueError with a message an editor understands.
    """
    value = text.strip().split(" ")[0].split("T")[0]
    for form in _DATE_FORMS:
        match = form.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(_("{text!r} is not a real date").format(text=text)) from None
    raise ValueError(_("{text!r} is not a date").format(text=text))


def format_date(day: dt.date) -> str:
    """2026年5月21日 — the long form Chinese readers expect everywhere."""
    return f"{day.year}年{day.month}月{day.day}日"


_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_numeral(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103, 一千零一 → 1001; ValueError otherwise."""
    if not text:
        raise ValueError(_("empty numeral"))
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            raise ValueError(_("{text!r} is not a Chinese numeral").format(text=text))
    return total + (digit or 0)


def format_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 103 → 一百零三 (the style of 章程 article numbers)."""
    if number < 0 or number >= 10000:
        raise ValueError(_("numeral out of range"))
    if number < 10:
        return _DIGITS[number]
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(_DIGITS[digit] + unit)
            zero = False
        else:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def reading_minutes(text: str, chars_per_minute: int = 400) -> int:
    """Reading time for Chinese: CJK characters plus Latin words, at about 400 characters a minute."""
    cjk = sum(map(len, _CJK_RUN.findall(text)))  # by runs: not a string made per character
    latin_words = len(_LATIN_WORD.findall(text))
    return max(1, round((cjk + latin_words) / chars_per_minute))


# Text → its pinyin_slug (default options): the blog asks for each post's category slug once per post, for a
# few distinct names. Filled from the slug memo (directory.slug_memo), so a build that meets no new name does
# not load pypinyin's dictionary.
KNOWN_PINYIN: dict[str, str] = {}


def slug_memo_path(content_dir: Path) -> Path:
    """Where the names made from Chinese text are kept between builds (KNOWN_PINYIN here, and the member URL
    names and sort keys of directory.slug_memo), by the versions of everything that makes them."""
    key = Fingerprint(tooling_key(), engines().libraries).hex()  # jieba's version is in the tooling key
    return cache_root(content_dir) / "slugs" / f"{key[:16]}.json"


def known_pinyin(content_dir: Path) -> None:
    """The pinyin slugs slug_memo keeps, known from the start: loading a chamber checks its categories' URL
    names (chamber.category_slug) before a build opens the memo, and loading pypinyin's dictionary is slow."""
    KNOWN_PINYIN.update(string_map(read_json(slug_memo_path(content_dir)).get("pinyin")))


def pinyin_slug(text: str, separator: str = "-", *, max_words: int = 8) -> str:
    """A readable ASCII slug: 法律培训 → fa-lv-pei-xun; ASCII words kept, everything else dropped."""
    if separator != "-" or max_words != 8:
        return _pinyin_slug(text, separator, max_words)
    known = KNOWN_PINYIN.get(text)
    if known is None:
        known = KNOWN_PINYIN[text] = _pinyin_slug(text, separator, max_words)
    return known


def _pinyin_slug(text: str, separator: str, max_words: int) -> str:
    from pypinyin import Style, lazy_pinyin  # imported here: its dictionary is slow to load

    words: list[str] = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False):
        for word in re.findall(r"[a-z0-9]+", part.lower().replace("ü", "v")):
            words.append(word)
    return separator.join(words[:max_words]) or "item"


def pinyin_key(text: str) -> str:
    """Sort key by pinyin, so that 安 comes before 白 whatever the code points."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.TONE3))
