"""`make bench`'s figures as Markdown: one table per corpus shape, its targets marked met or not, and the
section of bench/RESULTS.md that one run replaces."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.edits import SCENARIOS

MARKER = "## Build (`make bench`"
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Figure:
    """One scenario's runs (wall seconds) and the largest peak RSS (KiB) among them; `note` says where a
    figure not measured in this run comes from, or why there is none (no runs)."""

    runs: tuple[float, ...]
    peak_kib: int = 0
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None


@dataclass(frozen=True)
class Target:
    """An upper bound on a figure (seconds, a ratio or MiB), as written beside it."""

    text: str
    limit: float
    inclusive: bool = False

    def met(self, value: float) -> bool:
        return value <= self.limit if self.inclusive else value < self.limit


def mark(value: float | None, target: Target | None) -> str:
    if target is None:
        return ""
    if value is None:
        return NOT_MEASURED
    return "met" if target.met(value) else "**not met**"


# The targets, per shape (#29). Peak memory keeps the bound of the first benchmarks.
TARGETS = {
    "cold_vs_stock": Target("≤ 0.3× stock", 0.3, inclusive=True),
    "cold_vs_floor": Target("≤ 4× floor", 4.0, inclusive=True),
    "peak": Target("< 1 GiB", 1024.0),
    "nochange": Target("< 0.05 s per chamber", 0.05),
    "edit": Target("< 1 s", 1.0),
    "summary": Target("< 2 s", 2.0),
    "added": Target("< 2 s", 2.0),
}


@dataclass(frozen=True)
class Row:
    scenario: str
    value: str = ""
    runs: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


def seconds(figure: Figure | None) -> str:
    if figure is None:
        return NOT_MEASURED
    if figure.median is None:
        return figure.note or NOT_MEASURED
    return f"{figure.median:.2f} s" + (f" ({figure.note})" if figure.note else "")


def runs(figure: Figure | None) -> str:
    return ", ".join(f"{r:.2f}" for r in figure.runs) if figure else ""


def ratio(part: Figure | None, whole: Figure | None) -> float | None:
    if part is None or whole is None or part.median is None or not whole.median:
        return None
    return part.median / whole.median


def shape_rows(figures: dict[str, Figure]) -> list[Row]:
    """The rows of one shape's table from its figures (keys: stock, floor, cold, nochange and the
    scenarios of bench/edits.py; a missing one is shown as not measured), each target marked."""
    stock, floor, cold = figures.get("stock"), figures.get("floor"), figures.get("cold")
    stock_peak = f", peak {stock.peak_kib / 1024:.0f} MiB" if stock and stock.peak_kib else ""
    to_stock, to_floor = ratio(cold, stock), ratio(cold, floor)
    peak = cold.peak_kib / 1024 if cold and cold.peak_kib else None
    rows = [
        Row("stock MkDocs + Material", seconds(stock) + stock_peak, runs(stock)),
        Row("Python-Markdown alone, the post bodies", seconds(floor), runs(floor)),
        Row(
            "ours, cold (no `.cache/`)",
            seconds(cold),
            runs(cold),
            _times(to_stock, "stock"),
            TARGETS["cold_vs_stock"].text,
            mark(to_stock, TARGETS["cold_vs_stock"]),
        ),
        Row(
            "ours, cold, against the floor",
            ratio=_times(to_floor, "floor"),
            target=TARGETS["cold_vs_floor"].text,
            met=mark(to_floor, TARGETS["cold_vs_floor"]),
        ),
        Row(
            "ours, cold: peak memory",
            f"{peak:.0f} MiB" if peak is not None else NOT_MEASURED,
            target=TARGETS["peak"].text,
            met=mark(peak, TARGETS["peak"]),
        ),
    ]
    labels = {"nochange": "ours, rebuild with no change"}
    labels.update({key: f"ours, {label}" for key, (label, _) in SCENARIOS.items()})
    for key, label in labels.items():
        figure, target = figures.get(key), TARGETS.get(key)  # a scenario that may not apply has no target
        rows.append(
            Row(
                label,
                seconds(figure),
                runs(figure),
                _times(ratio(figure, cold), "cold") if figure and figure.median is not None else "",
                target.text if target else "",
                mark(figure.median if figure else None, target),
            )
        )
    return rows


def _times(value: float | None, name: str) -> str:
    return f"{value:.2f}× {name}" if value is not None else f"{name} {NOT_MEASURED}"


def table(rows: list[Row]) -> str:
    head = "| scenario | median | runs (s) | ratio | target | met |\n| --- | ---: | --- | ---: | --- | --- |\n"
    return head + "".join(f"| {r.scenario} | {r.value} | {r.runs} | {r.ratio} | {r.target} | {r.met} |\n" for r in rows)


@dataclass(frozen=True)
class Section:
    """What one `make bench` run writes: a heading line's date, an introduction, and titled tables."""

    date: str
    intro: str
    parts: list[tuple[str, str]] = field(default_factory=list)  # (title, Markdown under it)

    def text(self) -> str:
        body = "".join(f"### {title}\n\n{markdown.rstrip()}\n\n" for title, markdown in self.parts)
        return f"{MARKER}, {self.date})\n\n{self.intro.rstrip()}\n\n{body}".rstrip() + "\n"


def replace_section(results: str, section: str) -> str:
    """RESULTS.md with the previous `make bench` section replaced by `section` (the sections around it as
    they were), or `section` appended where there was none."""
    if MARKER not in results:
        return results.rstrip() + "\n\n" + section
    start = results.index(MARKER)
    end = results.find("\n## ", start + 1)
    return results[:start] + section + ("\n" + results[end + 1 :] if end != -1 else "")
