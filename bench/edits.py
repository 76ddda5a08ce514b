"""The edits an editor makes between two builds, each with its undoing, for `make bench` (bench/run.py).

Every edit is a file's bytes before and after: applying it writes the after, restoring it writes the before
back exactly (or removes the file it added), so that each timed rebuild starts from the same corpus.
A run number picks a different post (or member) for each run of the same scenario.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import INDUSTRIES, post_body

BOM = "\ufeff"


@dataclass(frozen=True)
class Edit:
    """One file's bytes before and after an edit; None: the file does not exist on that side."""

    path: Path
    before: bytes | None
    after: bytes | None

    def apply(self) -> None:
        _put(self.path, self.after)

    def restore(self) -> None:
        _put(self.path, self.before)


def _put(path: Path, data: bytes | None) -> None:
    if data is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(data)


def pick(count: int, run: int, runs: int) -> int:
    """The index of run `run` of `runs` among `count` items: spread evenly, never the same twice while
    `count` >= `runs`, so that each run edits another post of another year."""
    return min(count - 1, (run + 1) * count // (runs + 1))


def posts(chamber: Path) -> list[Path]:
    return sorted((chamber / "news").glob("*.md"))


def unlinked_posts(chamber: Path) -> list[Path]:
    """The posts no other post links to: deleting one leaves no broken link for the content check."""
    found = posts(chamber)
    linked = set()
    for post in found:
        linked.update(re.findall(r"\]\(([^)\s]+\.md)\)", post.read_text(encoding="utf-8")))
    return [post for post in found if post.name not in linked]


def append_sentence(post: Path, run: int) -> Edit:
    """A sentence appended at the end of the post: its summary (first paragraph, or the part before
    `<!-- more -->`) unchanged."""
    before = post.read_bytes()
    return Edit(post, before, before + f"\n补充说明：本文第{run + 1}次修订，补充了会后的工作安排。\n".encode())


def change_summary(post: Path, run: int) -> Edit:
    """The post's first paragraph, its summary in the lists and feeds, edited at its start (the summary is
    cut after a number of characters: an edit at the end of a long paragraph might not change it)."""
    before = post.read_bytes()
    head, fence, body = before.decode("utf-8").partition("\n---\n\n")
    changed = f"{head}{fence}本报讯（第{run + 1}次修订）{body}"
    return Edit(post, before, changed.encode("utf-8"))


def add_post(chamber: Path, run: int, today: dt.date) -> Edit:
    """A new post, dated a few weeks before `today` (within the last year, so on the first list pages)."""
    rng = random.Random(run)
    body = post_body(rng, 0, 1, 900, [])
    date = today - dt.timedelta(days=20 + run)
    text = (
        f"---\ntitle: 商会召开新一期会员座谈会（增补{run + 1}）\ndate: {date.isoformat()}\ncategory: 商会动态\n"
        f"author: 秘书处\nsource: 商会秘书处\n---\n\n{body}"
    )
    return Edit(chamber / "news" / f"added-{run + 1:02d}.md", None, text.encode("utf-8"))


def delete_post(post: Path) -> Edit:
    return Edit(post, post.read_bytes(), None)


def change_member(roster: Path, run: int, runs: int) -> Edit:
    """One member's industry changed (to the next in the corpus's list), the rest of the roster as it was."""
    before = roster.read_bytes()
    text = before.decode("utf-8")
    bom = BOM if text.startswith(BOM) else ""
    lines = text.removeprefix(BOM).split("\n")
    header = next(csv.reader([lines[0]]))
    rows = [n for n, line in enumerate(lines) if n and line]
    number = rows[pick(len(rows), run, runs)]
    fields = next(csv.reader([lines[number]]))
    column = header.index("行业")
    fields[column] = INDUSTRIES[(INDUSTRIES.index(fields[column]) + 1) % len(INDUSTRIES)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    lines[number] = buffer.getvalue()
    return Edit(roster, before, (bom + "\n".join(lines)).encode("utf-8"))


def _roster(chamber: Path) -> Path | None:
    found = [chamber / name for name in ("members.csv", "members.xlsx", "members.yml") if (chamber / name).exists()]
    return found[0] if found else None


def _one_post(chamber: Path, run: int, runs: int, today: dt.date) -> Edit:
    found = posts(chamber)
    return append_sentence(found[pick(len(found), run, runs)], run)


def _summary(chamber: Path, run: int, runs: int, today: dt.date) -> Edit:
    found = posts(chamber)  # the post before the one the scenario above edits
    return change_summary(found[max(0, pick(len(found), run, runs) - 1)], run)


def _added(chamber: Path, run: int, runs: int, today: dt.date) -> Edit:
    return add_post(chamber, run, today)


def _deleted(chamber: Path, run: int, runs: int, today: dt.date) -> Edit:
    found = unlinked_posts(chamber)
    return delete_post(found[pick(len(found), run, runs)])


def _member(chamber: Path, run: int, runs: int, today: dt.date) -> Edit | None:
    roster = _roster(chamber)
    return change_member(roster, run, runs) if roster is not None else None


# The scenarios in the order they are run and shown: run `run` of `runs`'s edit of a chamber's folder, or
# None where the corpus has nothing to edit (no roster).
Scenario = Callable[[Path, int, int, dt.date], "Edit | None"]
SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "edit": ("one post edited, summary unchanged", _one_post),
    "summary": ("a post's summary changed", _summary),
    "added": ("a post added", _added),
    "deleted": ("a post deleted", _deleted),
    "roster": ("a roster row changed", _member),
}
