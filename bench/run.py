"""`make bench`: build times and memory, side by side in one run; writes bench/RESULTS.md.

Scenarios (medians of --repeat runs, each a fresh process):
- stock MkDocs + Material (blog + search, lang zh) over the same posts, vs our cold build (cache emptied);
- the Python-Markdown floor: the post bodies converted alone;
- a no-change rebuild, and a rebuild after editing one post;
- `--all` over 10 chambers, serial (--jobs 1) vs parallel (--jobs 2);
- peak memory of the large chamber's build;
- the newsletter PDF: one issue printed (bench/newsletter_bench.py, our stylesheet), each in a fresh process.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, via GNU time when present."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    wrapped = [gnu_time, "-f", "%e %M", *cmd] if os.path.exists(gnu_time) else cmd
    started = time.perf_counter()
    result = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True)
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


def median_run(
    cmd: list[str], cwd: Path, repeat: int, before=None, env: dict | None = None, work: Path | None = None
) -> tuple[float, int]:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        if work is not None:
            quiet(work)
        runs.append(timed(cmd, cwd, env))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench")
    args = parser.parse_args(argv)

    from bench.corpus import write_chamber

    # The generator's modules compiled once, as Python does at an installed program's first run (pip
    # compiles the packages it installs, stock MkDocs among them; this project is installed editable, and
    # where PYTHONDONTWRITEBYTECODE is set every command compiled them again: ~0.05 s a run).
    compileall.compile_dir(ROOT / "generator", quiet=1)
    work = args.work
    trash = Trash(work.with_name(work.name + "-trash"))
    trash.set_aside(work)  # a previous benchmark's corpus: deleted with the trash at the end
    write_chamber(work / "large", "large", seed=1, posts=args.posts, members=args.members)
    write_chamber(work / "small", "small", seed=2, posts=args.small, members=300)
    for number in range(10):
        write_chamber(work / "city", f"c{number:02d}", seed=100 + number, posts=100, members=200)

    chamber = [str(BIN / "chamber")]
    env = dict(os.environ)
    rows: list[tuple[str, str]] = []

    def clear_cache(name: str):
        """Before a cold build of a corpus: its .cache/ (beside its content folder: build records, pages,
        images, the spare copies of the sites) gone, so that every file is converted, drawn and written.
        Only that corpus's: the large chamber's rebuilds below start, as an editor's do, from the cache its
        last build left (clearing every corpus's before each cold build of the small one had left the first
        "edit" a build without cache, whose median was then the slower of the other two)."""
        return lambda: trash.set_aside(work / name / ".cache")

    def our_build(name: str, slug: str, extra: list[str] | None = None) -> list[str]:
        return chamber + [
            "build",
            slug,
            "--content",
            str(work / name / "content"),
            "--out",
            str(work / name / "sites"),
            "--today",
            "2026-11-25",
            *(extra or []),
        ]

    print("stock MkDocs + Material …", flush=True)
    # Its site/ set aside before each run: MkDocs would delete it (see Trash).
    stock_large, stock_large_mem = median_run(
        [str(BIN / "mkdocs"), "build", "-q"],
        work / "large/stock/large",
        args.repeat,
        before=lambda: trash.set_aside(work / "large/stock/large/site"),
    )
    stock_small, _ = median_run(
        [str(BIN / "mkdocs"), "build", "-q"],
        work / "small/stock/small",
        args.repeat,
        before=lambda: trash.set_aside(work / "small/stock/small/site"),
    )
    # A median like every other figure: one measurement of it moved by ±7% between runs.
    floor_large = statistics.median(markdown_floor(work / "large/content") for _ in range(args.repeat))

    print("our cold builds …", flush=True)
    cold_large, cold_large_mem = median_run(
        our_build("large", "large"), ROOT, args.repeat, before=clear_cache("large"), env=env, work=work
    )
    cold_small, _ = median_run(
        our_build("small", "small"), ROOT, args.repeat, before=clear_cache("small"), env=env, work=work
    )

    print("rebuilds …", flush=True)
    nochange, _ = median_run(our_build("large", "large"), ROOT, args.repeat, env=env, work=work)
    post = work / "large/content/large/news/post-01000.md"
    original = post.read_text(encoding="utf-8")
    counter = iter(range(1000))

    def edit_post() -> None:
        post.write_text(original + f"\n补充说明第{next(counter)}次。\n", encoding="utf-8")

    edited, _ = median_run(our_build("large", "large"), ROOT, args.repeat, before=edit_post, env=env, work=work)
    post.write_text(original, encoding="utf-8")

    print("10 chambers, serial and parallel …", flush=True)
    city = chamber + [
        "build",
        "--all",
        "--content",
        str(work / "city/content"),
        "--out",
        str(work / "city/sites"),
        "--today",
        "2026-11-25",
    ]
    serial, _ = median_run(city + ["--jobs", "1"], ROOT, args.repeat, before=clear_cache("city"), env=env, work=work)
    parallel, _ = median_run(city + ["--jobs", "2"], ROOT, args.repeat, before=clear_cache("city"), env=env, work=work)
    city_nochange, _ = median_run(city, ROOT, args.repeat, env=env, work=work)

    print("newsletter PDF …", flush=True)
    from bench.newsletter_bench import IMAGES, POSTS, measure, write_issue_chamber

    shutil.rmtree(work / "newsletter", ignore_errors=True)
    printed = measure(write_issue_chamber(work / "newsletter"), "ours", args.repeat)

    rows = [
        (f"stock MkDocs+Material, {args.posts} posts", f"{stock_large:.2f} s, peak {stock_large_mem / 1024:.0f} MiB"),
        (f"stock MkDocs+Material, {args.small} posts", f"{stock_small:.2f} s"),
        (f"Python-Markdown alone, {args.posts} post bodies", f"{floor_large:.2f} s"),
        (
            f"ours cold, {args.posts} posts + {args.members} members + charter",
            f"{cold_large:.2f} s ({cold_large / stock_large:.2f}× stock, {cold_large / floor_large:.1f}× floor), "
            f"peak {cold_large_mem / 1024:.0f} MiB",
        ),
        (f"ours cold, {args.small} posts", f"{cold_small:.2f} s (2,000 vs 500: {cold_large / cold_small:.2f}×)"),
        ("ours, no-change rebuild of the large chamber", f"{nochange:.2f} s"),
        ("ours, rebuild after editing one post", f"{edited:.2f} s ({edited / cold_large:.2f}× cold)"),
        ("ours, --all 10 chambers × 100 posts, --jobs 1", f"{serial:.2f} s"),
        ("ours, --all 10 chambers × 100 posts, --jobs 2", f"{parallel:.2f} s ({parallel / serial:.2f}× serial)"),
        ("ours, --all 10 chambers, no change", f"{city_nochange:.2f} s"),
        (
            f"newsletter PDF: one issue, {POSTS} posts, {IMAGES} photos, {printed[-1]['pages']} A4 pages",
            f"{statistics.median(r['seconds'] for r in printed):.2f} s "
            f"({statistics.median(r['with_imports'] for r in printed):.2f} s with imports), "
            f"peak {max(r['peak_mb'] for r in printed)} MiB, {printed[-1]['pdf_kb']} KB",
        ),
    ]
    write_results(rows, args)
    trash.empty()


def write_results(rows: list[tuple[str, str]], args: argparse.Namespace) -> None:
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    section = (
        f"## Build (`make bench`, {dt.date.today().isoformat()})\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{versions()}. Medians of {args.repeat} runs, each a fresh process; a cold run starts without "
        f"`.cache/` (so without the spare copies of the sites: every file is written).\n\n"
        f"| scenario | result |\n| --- | --- |\n{table}\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    marker = "## Build (`make bench`"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
