"""Where one chamber's build spends its time: wall seconds per stage, one build in this process.

    python -m bench.phases CONTENT SLUG OUT [--jobs N] [--today YYYY-MM-DD]

Wraps the stages of `chamberpress.build.pipeline.build_chamber` and of MkDocs' build with timers (nothing else is
changed). With --jobs 2 the "draw" line is this process's share of the pages; waiting for the other
process is in "the rest", as is any wait for the PDFs (a second process prints them meanwhile).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import time
from pathlib import Path


# With --jobs 1, the pages are written onto the spare in a thread while the search index is made (not
# counted again in "the rest"); with more, by a forked process this timer does not see, and what it sees is
# the index written after it is made.
MEANWHILE = "(meanwhile) write what changed onto the spare site"
WRITE_INDEX = "write the search index onto the spare site (the pages: by another process meanwhile)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", type=Path)
    parser.add_argument("slug")
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--today", default="2026-11-25")
    args = parser.parse_args(argv)

    import mkdocs.commands.build as mkdocs_build
    import mkdocs.plugins as mkdocs_plugins

    import chamberpress.build.pipeline as build
    import chamberpress.build.site_folders as site_folders
    import chamberpress.site.prepare as prepare

    seconds: dict[str, float] = {}

    def timed(owner: object, name: str, label: str) -> None:
        function = getattr(owner, name)

        @functools.wraps(function)
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)

    timed(build, "load_chamber", "load and check content")
    timed(prepare, "content_tree", "pages stage (content_tree)")
    timed(prepare, "write_tree", "write the staged docs")
    timed(mkdocs_plugins.PluginCollection, "on_files", "MkDocs on_files (blog reads the posts)")
    timed(mkdocs_build, "_populate_page", "MkDocs read + convert pages")
    timed(mkdocs_build, "_build_page", "MkDocs draw pages (templates)")
    timed(mkdocs_plugins.PluginCollection, "on_post_build", "MkDocs on_post_build (page cache saved)")
    timed(build, "index_site", "search index (Pagefind)")
    timed(site_folders, "sync_tree", MEANWHILE if args.jobs <= 1 else WRITE_INDEX)
    started = time.perf_counter()
    result = build.build_chamber(
        args.slug, args.content, args.out, today=dt.date.fromisoformat(args.today), workers=args.jobs
    )
    total = time.perf_counter() - started
    print(f"{args.slug}: {result.pages} pages, {total:.2f} s (--jobs {args.jobs})")
    for label, value in seconds.items():
        print(f"  {value:6.2f} s  {label}")
    print(f"  {total - sum(v for k, v in seconds.items() if k != MEANWHILE):6.2f} s  the rest")


if __name__ == "__main__":
    main()
