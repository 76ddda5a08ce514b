"""Limits on the Markdown constructs that make Python-Markdown (with the project's extensions) slow.

Some of Python-Markdown's own processors take quadratic time or worse on small inputs: tag openers that are
never closed (`<a <a <a …`, whole document), thousands of emphasis markers or link openers in one block,
many abbreviations or footnotes in one file. The conversion runs inside MkDocs and cannot be stopped safely,
so each editor text is scanned first, in linear time, and a construct beyond its limit is a content error
naming the file and line. The limits are far above real posts and far below where a conversion slows
(bench/RESULTS.md has the measurements)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chamberpress.errors import Problems
from chamberpress.i18n import N_, _

# Per file: an opener `<x`, `</`, `<!` with no `>` before the next `<` (the raw-HTML parser looks ahead for
# the `>` of each one: quadratic in their number).
MAX_UNCLOSED_TAGS = 100
# Per file: abbreviation definitions (each one is searched for in the whole text) and footnote marks.
MAX_ABBREVIATIONS = 100
# Per file: words marked as abbreviations (each becomes an element Python-Markdown handles one by one).
MAX_ABBREVIATION_USES = 5000
MAX_FOOTNOTES = 1000
# Per file: headings (each gets a table-of-contents entry and a unique anchor).
MAX_HEADINGS = 2000
# Per block (text between blank lines): inline markers that the inline patterns try to pair.
MAX_EMPHASIS_MARKERS = 5000
MAX_LINK_OPENERS = 5000
MAX_LINK_TARGETS = 1000

UNCLOSED_TAG = re.compile(r"<[A-Za-z/!?][^<>]*(?=<|\Z)")
ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[", re.MULTILINE)
ABBREVIATION_TERM = re.compile(r"^[ ]{0,3}\*\[([^\]\n]+)\][ ]?:", re.MULTILINE)
FOOTNOTE = re.compile(r"\[\^")
HEADING = re.compile(r"^[ ]{0,3}#|^[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
BLANK_LINES = re.compile(r"\n[ \t]*\n")
EMPHASIS = re.compile(r"[*_~=^`]")


@dataclass(frozen=True)
class Excess:
    """One construct beyond its limit: the line (in the text) where the limit was passed."""

    line: int
    field: str
    message: str


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _per_file(text: str) -> list[Excess]:
    found = []
    for pattern, limit, field, what in (
        (UNCLOSED_TAG, MAX_UNCLOSED_TAGS, "HTML", N_("tag openers '<…' without their '>'")),
        (ABBREVIATION, MAX_ABBREVIATIONS, "abbreviations", N_("abbreviation definitions '*[…]:'")),
        (FOOTNOTE, MAX_FOOTNOTES, "footnotes", N_("footnote marks '[^…]'")),
        (HEADING, MAX_HEADINGS, "headings", N_("headings")),
    ):
        for count, match in enumerate(pattern.finditer(text), 1):
            if count > limit:
                found.append(
                    Excess(
                        _line_at(text, match.start()),
                        field,
                        _("more than {limit} {what} in one file").format(limit=limit, what=_(what)),
                    )
                )
                break
    terms = sorted({m.group(1) for m in ABBREVIATION_TERM.finditer(text)}, key=len, reverse=True)
    if terms and len(terms) <= MAX_ABBREVIATIONS:
        uses = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b")
        for count, match in enumerate(uses.finditer(text), 1):
            if count > MAX_ABBREVIATION_USES + len(terms):
                found.append(
                    Excess(
                        _line_at(text, match.start()),
                        "abbreviations",
                        _("more than {limit} uses of abbreviations in one file").format(limit=MAX_ABBREVIATION_USES),
                    )
                )
                break
    return found


def _per_block(text: str) -> list[Excess]:
    found = []
    start = 0
    for end in [m.start() for m in BLANK_LINES.finditer(text)] + [len(text)]:
        block = text[start:end]
        # The names are translated only for a message: this runs for every paragraph of every file.
        for count, limit, what in (
            (len(EMPHASIS.findall(block)), MAX_EMPHASIS_MARKERS, N_("emphasis or code markers (* _ ~ = ^ `)")),
            (block.count("["), MAX_LINK_OPENERS, N_("'[' link openers")),
            (block.count("]("), MAX_LINK_TARGETS, N_("'](' link targets")),
        ):
            if count > limit:
                found.append(
                    Excess(
                        _line_at(text, start + len(block) - len(block.lstrip("\n"))),
                        "Markdown",
                        _("{count} {what} in one paragraph, more than {limit}").format(
                            count=count, what=_(what), limit=limit
                        ),
                    )
                )
        start = end + 1
    return found


def excesses(text: str) -> list[Excess]:
    """Every construct of `text` beyond its limit, in linear time."""
    return sorted(_per_file(text) + _per_block(text), key=lambda e: e.line)


EXPECTED = N_("split the text, close the tags, or put such text in a code block or an attached file")


def check_markdown(
    text: str, path: Path, problems: Problems, *, line_offset: int = 1, field: str | None = None
) -> bool:
    """Report each construct of `text` beyond its limit as an error of `path`; `line_offset` is the file
    line of the text's first line. False when the text must not be converted."""
    found = excesses(text)
    for excess in found:
        problems.error(
            path,
            _("{problem} (too slow to convert)").format(problem=excess.message),
            line=excess.line + line_offset - 1,
            field=field or excess.field,
            expected=_(EXPECTED),
        )
    return not found
