"""`make bench`: build times and memory on corpora of several shapes; writes its section of bench/RESULTS.md.

    python -m bench.run [--shapes today,sparse] [--repeat 3] [--skip-stock]

For each shape (SHAPES: posts per year, years, `<!-- more -->`, photos, members; fixed seeds), medians of
--repeat runs, each a fresh process:
- stock MkDocs + Material (blog + search, lang zh) over the same posts, and the Python-Markdown floor (the
  post bodies converted alone), against our cold build (its `.cache/` emptied) and its peak memory;
- a no-change rebuild, and the rebuild after each edit an editor makes (bench/edits.py: a post edited with
  its summary unchanged, a summary changed, a post added, a post deleted, a roster row changed), each run
  on another post, from a built, unchanged site: the corpus is restored and built again (untimed) after it;
- each figure beside its target (bench/tables.py), marked met or not.
Once: `--all` over 10 chambers, serial (--jobs 1) vs parallel (--jobs 2), and the newsletter PDF (one issue,
bench/newsletter_bench.py). --skip-stock reuses each shape's stock figure from the last run that measured it
(bench/stock-last.json).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.edits import SCENARIOS
from bench.tables import Figure, Section, replace_section, shape_rows, table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
STOCK_LAST = ROOT / "bench" / "stock-last.json"
TODAY = dt.date(2026, 11, 25)  # every build pinned to one day, as the corpus's dates are


@dataclass(frozen=True)
class Shape:
    """One corpus (bench.corpus.write_chamber's arguments): posts over years, the share with a
    `<!-- more -->` separator, photos in every post (0: one post in seven has one), roster rows."""

    name: str
    posts: int
    years: float
    members: int
    more: float = 0.0
    images: int = 0
    seed: int = 1

    def describe(self) -> str:
        photos = f"{self.images} photos in every post" if self.images else "a photo in one post in seven"
        return (
            f"{self.posts:,} posts over {self.years:g} year{'s' if self.years != 1 else ''} (~{self.posts / self.years:,.0f} a year), "
            f"{self.more:.0%} with `<!-- more -->`, {photos}, "
            + (f"{self.members:,} members" if self.members else "no roster")
            + f"; seed {self.seed}"
        )


# The shapes of the issue (#29): posts per year from 100 to 1,000, summaries with and without
# `<!-- more -->`, rosters from none to 3,000 rows, pages with many images.
SHAPES = {
    shape.name: shape
    for shape in (
        Shape("today", posts=2000, years=2, members=3000, seed=1),
        Shape("five-years", posts=2000, years=5, members=3000, more=1.0, seed=3),
        Shape("dense", posts=1000, years=1, members=1000, more=0.5, seed=4),
        Shape("sparse", posts=2000, years=20, members=0, seed=5),
        Shape("photos", posts=1000, years=2, members=300, images=4, seed=6),
    )
}
EXTRAS = ("chambers", "newsletter")  # the scenarios run once, not per shape


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, via GNU time when present."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    wrapped = [gnu_time, "-f", "%e %M", *cmd] if os.path.exists(gnu_time) else cmd
    started = time.perf_counter()
    result = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")
    match = re.search(r"([\d.]+) (\d+)\s*$", result.stderr)
    return seconds, int(match.group(2)) if match else 0


class Trash:
    """Output of earlier runs, moved aside instead of deleted until the benchmark is over.

    ext4 does not hand out again, for one to six minutes, the inodes of files it just deleted
    (`recently_deleted` in its inode allocator), and it walks past each of them for every file it creates
    meanwhile: here, creating 5,000 empty files took 0.10 s, and 2.99 s right after 10,000 others were
    deleted (`perf record` puts the time in recently_deleted). Deleting a site before each cold run (ours
    or stock MkDocs' own cleaning of site/) made the next run pay that, by seconds that varied with how much
    was deleted how recently. Renaming frees no inode: every run creates its files as a first build does."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def set_aside(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            while (self.folder / f"{self.count:04d}-{path.name}").exists():  # an earlier benchmark's too
                self.count += 1
            os.rename(path, self.folder / f"{self.count:04d}-{path.name}")

    def empty(self) -> None:
        """Delete what was set aside, and write the deletion out: ext4 skips a deleted inode for 60 s once
        its inode table is written back, for 360 s while it is not (`recently_deleted`); a benchmark run
        right after this one starts with stock MkDocs' builds (over a minute), so its own builds no longer
        pay for these deletions."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if hasattr(os, "sync"):
            os.sync()


def quiet(work: Path, limit: float = 120.0) -> None:
    """Wait until the sites replaced by earlier runs, deleted in the background, are gone: each run starts
    on a quiet disk, as an editor's next build does."""
    deadline = time.monotonic() + limit
    while any(work.glob("*/sites/.chamber/building-*")) and time.monotonic() < deadline:
        time.sleep(0.2)


def median_run(cmd: list[str], cwd: Path, repeat: int, before=None, work: Path | None = None) -> Figure:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        if work is not None:
            quiet(work)
        runs.append(timed(cmd, cwd))
    return Figure(tuple(r[0] for r in runs), max(r[1] for r in runs))


def markdown_floor(content: Path) -> float:
    import markdown

    bodies = [p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(content.rglob("news/*.md"))]
    started = time.perf_counter()
    md = markdown.Markdown(extensions=["tables", "toc", "attr_list", "md_in_html"])
    for body in bodies:
        md.reset().convert(body)
    return time.perf_counter() - started


def versions() -> str:
    from importlib.metadata import version

    names = ["mkdocs", "mkdocs-material", "markdown", "jieba", "weasyprint", "pagefind"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except Exception:
            pass
    return ", ".join(found)


def our_build(root: Path, which: str, extra: list[str] | None = None) -> list[str]:
    """`chamber build` of a corpus folder's chamber `which` (or `--all`), pinned to TODAY."""
    return [
        str(BIN / "chamber"),
        "build",
        which,
        "--content",
        str(root / "content"),
        "--out",
        str(root / "sites"),
        "--today",
        TODAY.isoformat(),
        *(extra or []),
    ]


def clear_cache(trash: Trash, root: Path):
    """Before a cold build of a corpus: its .cache/ (beside its content folder: build records, pages,
    images, the spare copies of the sites) set aside, so that every file is converted, drawn and written.
    Only that corpus's: the rebuilds start, as an editor's do, from the cache its last build left."""
    return lambda: trash.set_aside(root / ".cache")


def load_stock() -> dict:
    try:
        return json.loads(STOCK_LAST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def reused_stock(stock_last: dict, shape: Shape) -> Figure | None:
    """The stock figure an earlier run measured on this very corpus (same shape, same seed), if any."""
    last = stock_last.get(shape.name)
    if not last or last.get("shape") != asdict(shape):
        return None
    return Figure(tuple(last["runs"]), last["peak_kib"], f"from the run of {last['date']}")


def run_shape(
    shape: Shape, work: Path, trash: Trash, repeat: int, stock_last: dict | None, stock_repeat: int | None = None
) -> dict[str, Figure]:
    """Every figure of one shape. `stock_last`: the stock figures of an earlier run to reuse (--skip-stock),
    None to measure stock MkDocs again, `stock_repeat` times (default: `repeat`)."""
    from bench.corpus import write_chamber

    root = work / shape.name
    trash.set_aside(root)
    write_chamber(
        root,
        shape.name,
        seed=shape.seed,
        posts=shape.posts,
        members=shape.members,
        years=shape.years,
        more=shape.more,
        images=shape.images,
    )
    chamber = root / "content" / shape.name
    figures: dict[str, Figure] = {}
    if stock_last is None:
        print(f"{shape.name}: stock MkDocs + Material …", flush=True)
        stock_dir = root / "stock" / shape.name
        # Its site/ set aside before each run: MkDocs would delete it (see Trash).
        figures["stock"] = median_run(
            [str(BIN / "mkdocs"), "build", "-q"],
            stock_dir,
            stock_repeat or repeat,
            before=lambda: trash.set_aside(stock_dir / "site"),
        )
    elif (reused := reused_stock(stock_last, shape)) is not None:
        figures["stock"] = reused
    figures["floor"] = Figure(tuple(markdown_floor(root / "content") for _ in range(repeat)))

    print(f"{shape.name}: our cold build, no change …", flush=True)
    build = our_build(root, shape.name)
    figures["cold"] = median_run(build, ROOT, repeat, before=clear_cache(trash, root), work=work)
    figures["nochange"] = median_run(build, ROOT, repeat, work=work)
    for key, (label, scenario) in SCENARIOS.items():
        print(f"{shape.name}: {label} …", flush=True)
        seconds = []
        for run in range(repeat):
            edit = scenario(chamber, run, repeat, TODAY)
            if edit is None:
                break
            edit.apply()
            quiet(work)
            seconds.append(timed(build, ROOT)[0])
            edit.restore()
            quiet(work)
            timed(build, ROOT)  # the next run starts from a built, unchanged site
        figures[key] = Figure(tuple(seconds), note="" if seconds else "n/a: nothing to edit")
    return figures


def run_extras(names: list[str], work: Path, trash: Trash, repeat: int) -> list[tuple[str, str]]:
    """The scenarios measured once, not per shape: 10 chambers built with `--all`, the newsletter PDF."""
    from bench.corpus import write_chamber

    rows = []
    if "chambers" in names:
        print("10 chambers, serial and parallel …", flush=True)
        city = work / "city"
        trash.set_aside(city)
        for number in range(10):
            write_chamber(city, f"c{number:02d}", seed=100 + number, posts=100, members=200)
        build = our_build(city, "--all")
        serial = median_run(build + ["--jobs", "1"], ROOT, repeat, before=clear_cache(trash, city), work=work)
        parallel = median_run(build + ["--jobs", "2"], ROOT, repeat, before=clear_cache(trash, city), work=work)
        unchanged = median_run(build, ROOT, repeat, work=work)
        rows += [
            ("ours, --all 10 chambers × 100 posts, --jobs 1", f"{serial.median:.2f} s"),
            (
                "ours, --all 10 chambers × 100 posts, --jobs 2",
                f"{parallel.median:.2f} s ({parallel.median / serial.median:.2f}× serial)",
            ),
            ("ours, --all 10 chambers, no change", f"{unchanged.median:.2f} s"),
        ]
    if "newsletter" in names:
        print("newsletter PDF …", flush=True)
        from bench.newsletter_bench import IMAGES, POSTS, measure, write_issue_chamber

        shutil.rmtree(work / "newsletter", ignore_errors=True)
        printed = measure(write_issue_chamber(work / "newsletter"), "ours", repeat)
        rows.append(
            (
                f"newsletter PDF: one issue, {POSTS} posts, {IMAGES} photos, {printed[-1]['pages']} A4 pages",
                f"{statistics.median(r['seconds'] for r in printed):.2f} s "
                f"({statistics.median(r['with_imports'] for r in printed):.2f} s with imports), "
                f"peak {max(r['peak_mb'] for r in printed)} MiB, {printed[-1]['pdf_kb']} KB",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--shapes",
        default=",".join([*SHAPES, *EXTRAS]),
        help=f"what to run, comma-separated: shapes ({', '.join(SHAPES)}) and the scenarios run once "
        f"({', '.join(EXTRAS)}); all by default",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario (the median is shown)")
    parser.add_argument(
        "--skip-stock",
        action="store_true",
        help="reuse each shape's stock MkDocs figure from the last run that measured it (else: not measured)",
    )
    parser.add_argument(
        "--stock-repeat", type=int, help="runs of stock MkDocs per shape (default: --repeat); 1 to save time"
    )
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.shapes.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SHAPES) - set(EXTRAS))
    if unknown:
        parser.error(f"unknown shape(s): {', '.join(unknown)}; known: {', '.join([*SHAPES, *EXTRAS])}")

    # The generator's modules compiled once, as Python does at an installed program's first run (pip
    # compiles the packages it installs, stock MkDocs among them; this project is installed editable, and
    # where PYTHONDONTWRITEBYTECODE is set every command compiled them again: ~0.05 s a run).
    compileall.compile_dir(ROOT / "generator", quiet=1)
    work = args.work
    trash = Trash(work.with_name(work.name + "-trash"))
    trash.set_aside(work)  # a previous benchmark's corpora: deleted with the trash at the end
    load_before = os.getloadavg()
    stock_last = load_stock()
    parts = []
    for name in names:
        if name not in SHAPES:
            continue
        shape = SHAPES[name]
        figures = run_shape(shape, work, trash, args.repeat, stock_last if args.skip_stock else None, args.stock_repeat)
        if not args.skip_stock:
            stock = figures["stock"]
            stock_last[name] = {
                "shape": asdict(shape),
                "runs": list(stock.runs),
                "peak_kib": stock.peak_kib,
                "date": dt.date.today().isoformat(),
            }
            STOCK_LAST.write_text(json.dumps(stock_last, indent=1) + "\n", encoding="utf-8")
        parts.append((f"{name}: {shape.describe()}", table(shape_rows(figures))))
    extras = run_extras(names, work, trash, args.repeat)
    if extras:
        rows = "".join(f"| {scenario} | {result} |\n" for scenario, result in extras)
        parts.append(("Measured once", f"| scenario | result |\n| --- | --- |\n{rows}"))
    load_after = os.getloadavg()
    intro = (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{versions()}. Load average (1, 5, 15 min) {_load(load_before)} before, {_load(load_after)} after. "
        f"Medians of {args.repeat} runs"
        + (f" ({args.stock_repeat} for stock MkDocs)" if args.stock_repeat and not args.skip_stock else "")
        + ", each a fresh process (`python -m bench.run "
        f"{' '.join(argv if argv is not None else sys.argv[1:])}`); a cold run starts without `.cache/` (so "
        "without the spare copies of the sites: every file is written); each edit is made on another post "
        "in each run, from a built, unchanged site, and undone after it (bench/edits.py)."
    )
    section = Section(dt.date.today().isoformat(), intro, parts).text()
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    RESULTS.write_text(replace_section(text, section), encoding="utf-8")
    print(section)
    trash.empty()


def _load(average: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in average)


if __name__ == "__main__":
    main()
