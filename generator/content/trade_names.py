"""A company's trade name (字号): its name without the place names that lead it and the legal form that ends it.

A Chinese company name is 行政区划 + 字号 + 行业 + 组织形式 (温州 · 红星 · 电器 · 有限公司), and most members of a
chamber share the first part (温州…, 浙江…): filed by the whole name, a directory puts everyone under W and Z.
The trade name keeps the 字号 and the trade (红星电器), which is what readers look for and how posts name a
member. Pure: the place names are a list shipped with the package (places.txt).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Endings that say the legal form, longest first: stripped again and again (…集团有限公司 → … → …).
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "股份合作公司",
    "专业合作社",
    "有限公司",
    "股份公司",
    "集团公司",
    "分公司",
    "合作社",
    "经营部",
    "门市部",
    "工作室",
    "事务所",
    "公司",
    "集团",
    "商行",
    "总厂",
    "厂",
)
# A legal form or a place in brackets, anywhere: 红星电器（温州）有限公司, 某某（普通合伙）.
BRACKETED = re.compile(r"[（(][^（）()]{1,12}[）)]")
PARTNERSHIP = re.compile(r"普通合伙|有限合伙|特殊普通合伙|个人独资|个体")


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], int]:
    """The place names (places.txt) and the length of the longest."""
    text = (Path(__file__).with_name("places.txt")).read_text(encoding="utf-8")
    words = frozenset(w for w in (line.strip() for line in text.splitlines()) if w and not w.startswith("#"))
    return words, max(map(len, words))


def is_place(text: str) -> bool:
    """Whether the text is a place name of the list (温州, 浙江省, 鹿城区)."""
    return text in _places()[0]


def _without_legal_form(name: str) -> str:
    core = name
    while core not in LEGAL_FORMS:
        for form in LEGAL_FORMS:
            if core.endswith(form) and len(core) > len(form):
                core = core[: -len(form)].rstrip()
                break
        else:
            break
    return core


def _leading_place(text: str) -> int:
    """The length of the place name that starts `text` (the longest known), or 0."""
    places, longest = _places()
    for length in range(min(longest, len(text)), 1, -1):
        if text[:length] in places:
            return length
    return 0


@lru_cache(maxsize=None)  # the directory asks for each member's several times (sort key, letter, label)
def trade_name(name: str) -> str:
    """温州市鹿城区红星电器有限公司 → 红星电器. A name that would be left empty (浙江集团有限公司) keeps what the last
    step left (浙江), and a name that is only a legal form is given back as it is."""
    core = name.strip()
    core = BRACKETED.sub(lambda m: "" if _is_bracket_noise(m.group()[1:-1]) else m.group(), core).strip()
    core = _without_legal_form(core)
    while (length := _leading_place(core)) and length < len(core):
        core = core[length:].lstrip()
    return core or name.strip()


def _is_bracket_noise(inside: str) -> bool:
    places, _ = _places()
    return inside in places or inside in LEGAL_FORMS or bool(PARTNERSHIP.fullmatch(inside))
