"""Personal data in free text: mainland mobile numbers, resident ID numbers and e-mail addresses.

Rosters carry them in any cell (联系电话, 简介, 地址 …) and in any form: 138 1234 5678, 138-1234-5678,
+86 13812345678, 86-138…, full-width digits (１３８…), an ID number with an X check character or the old
15-digit form. A number is a run of digit groups joined by at most a few spaces (any kind, zero-width ones
too), dashes or minus signs (any kind), tildes, dots or brackets; whole groups are put together, so a landline next to a mobile (0577-88880000 13812345678) is told apart
and a landline alone is never taken for a mobile.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

GROUP = re.compile(r"[0-9０-９]+")
# Joiner characters besides every space (Zs) and dash (Pd): a word processor or a phone's keyboard puts NBSP,
# thin spaces, zero-width spaces or a minus sign where the editor saw a space or a dash. The backslash lets RTF's
# non-breaking space (\~) through as written.
JOINER_CHARS = frozenset("\t.·()（）\u2212~～\\\u200b\u200c\u200d\u2060\ufeff")
MAX_JOINER = 3
PLUS = "+＋"
CHECK = "xXｘＸ"  # the last character of an 18-character ID number may be X
MOBILE = re.compile(r"1[3-9]\d{9}")
COUNTRY = ("86", "0086")
DATE = r"(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
ID_18 = re.compile(rf"[1-8]\d{{5}}(19|20)\d\d{DATE}\d{{3}}[\dX]")
ID_15 = re.compile(rf"[1-8]\d{{5}}\d\d{DATE}\d{{3}}")
# An e-mail address as typed, the @ full-width too (secret.person@qq.com, 张三＠163．com); never published.
_ADDRESS_PART = r"[A-Za-z0-9_%+\-Ａ-Ｚａ-ｚ０-９＿－]+"
EMAIL = re.compile(rf"{_ADDRESS_PART}(?:[.．]{_ADDRESS_PART})*\s?[@＠]\s?{_ADDRESS_PART}(?:[.．。]{_ADDRESS_PART})+")


@dataclass(frozen=True)
class Found:
    kind: Literal["mobile", "id", "email"]
    start: int
    end: int
    digits: str  # ASCII digits (and X) without a country code; "" for an e-mail address


def masked(digits: str) -> str:
    """A mobile as it may be shown without consent: 138****5678."""
    return digits[:3] + "****" + digits[-4:]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text).upper()


def _joins(between: str) -> bool:
    """Whether the characters between two digit groups join them into one number."""
    return 0 < len(between) <= MAX_JOINER and all(
        c in JOINER_CHARS or unicodedata.category(c) in ("Zs", "Pd") for c in between
    )


def _runs(text: str) -> list[list[re.Match]]:
    """Digit groups, each run holding the groups that only spaces, dashes, dots or brackets separate."""
    runs: list[list[re.Match]] = []
    for group in GROUP.finditer(text):
        last = runs[-1][-1] if runs else None
        if last is not None and _joins(text[last.end() : group.start()]):
            runs[-1].append(group)
        else:
            runs.append([group])
    return runs


def _number(digits: str) -> Literal["mobile", "id"] | None:
    if MOBILE.fullmatch(digits):
        return "mobile"
    if ID_18.fullmatch(digits) or ID_15.fullmatch(digits):
        return "id"
    return None


def find_numbers(text: str) -> list[Found]:
    """Every mobile and ID number in `text`, in order, each made of whole digit groups."""
    found: list[Found] = []
    for run in _runs(text):
        i = 0
        while i < len(run):
            match = None
            digits = ""
            for j in range(i, len(run)):
                digits += _ascii(run[j].group())
                end = run[j].end()
                if end < len(text) and text[end] in CHECK and len(digits) == 17:
                    digits, end = digits + "X", end + 1
                bare = next(
                    (digits[len(c) :] for c in COUNTRY if digits.startswith(c) and MOBILE.fullmatch(digits[len(c) :])),
                    digits,
                )
                kind = _number(bare)
                if kind:
                    start = run[i].start()
                    start -= 1 if start > 0 and text[start - 1] in PLUS else 0
                    match = Found(kind, start, end, bare), j
                if len(digits) >= 18:
                    break
            if match:
                found.append(match[0])
                i = match[1] + 1
            else:
                i += 1
    return found


DIGIT = re.compile(r"[0-9０-９]")
SHORTEST = 11  # digits of the shortest number found here (a mobile; an ID number has 15 or 18)


def find_emails(text: str) -> list[Found]:
    return [Found("email", m.start(), m.end(), "") for m in EMAIL.finditer(text)]


def scrub(text: str, *, keep_mobiles: bool, emails: bool = True) -> tuple[str, list[Found]]:
    """`text` with ID numbers and (with `emails`) e-mail addresses removed and mobiles masked (kept as written
    with `keep_mobiles`), and what was changed. A number inside an address (13900000001@qq.com) goes with it."""
    if len(DIGIT.findall(text)) < SHORTEST and not (emails and ("@" in text or "＠" in text)):
        return text, []  # most cells of a roster: too few digits for any number, no address
    addresses = find_emails(text) if emails else []
    numbers = [
        f
        for f in find_numbers(text)
        if f.kind == "id" or not keep_mobiles
        if not any(a.start < f.end and f.start < a.end for a in addresses)
    ]
    changed = sorted(addresses + numbers, key=lambda f: f.start)
    out, last = [], 0
    for f in changed:
        out.append(text[last : f.start])
        out.append(masked(f.digits) if f.kind == "mobile" else "")
        last = f.end
    out.append(text[last:])
    return "".join(out), changed
