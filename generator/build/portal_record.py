"""Whether the portal in an output folder is the one its inputs give now, told without drawing it: `chamber
build` with nothing to build leaves the portal as it is, without loading the portal's module (Jinja, YAML).

The portal (portal.py) is drawn from what the sites publish (`<out>/<slug>/chamber.json`, and whether each
has a search index), the office's `portal.yml`, the portal's templates and files (`theme/portal/`), the
generator and the installed packages, and the day. When it is written, its record keeps a key of those (files
by size, times and inode, as fingerprint.py keys inputs) and of the files written; the portal is current
while both are as recorded, so that a portal file replaced or deleted is written again too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from chamberpress.build.cache_layout import portal_record
from chamberpress.build.records import read_json, write_json
from chamberpress.fingerprint import Fingerprint, installation_stamp, tooling_key
from chamberpress.paths import PROJECT_DIR, file_signature
from chamberpress.search import INDEX_DIR

TEMPLATE_DIR = PROJECT_DIR / "theme" / "portal"
PORTAL_FILE = "portal.yml"  # in the content folder, beside the chamber folders
SUMMARY_FILE = "chamber.json"  # public facts of a chamber the portal lists, written into its site (pipeline)
PAGE_FILE = "index.html"
FEED_FILE = "feed.xml"
# Copied from theme/portal/ beside index.html. The icons are the portal's neutral mark (商 on red), drawn once
# from favicon.svg: also every chamber's without a logo of its own (site/icons.py).
ASSETS = ("portal-search.js", "favicon.svg", "favicon-32.png", "favicon.ico", "apple-touch-icon.png")


def portal_inputs_key(out_dir: Path, content_dir: Path, day: dt.date) -> str:
    """A key of everything the portal of `out_dir` is drawn from on `day`."""
    # The installed packages by their stamp, not their versions: Jinja's among them.
    key = Fingerprint(tooling_key(installation_stamp()), f"{day.isoformat()}\n")
    portal_yml = content_dir / PORTAL_FILE
    key.add(f"{PORTAL_FILE}\0{file_signature(portal_yml)}\0{_link_signature(portal_yml)}\n")
    key.add_stats(TEMPLATE_DIR)
    for site in _sites(out_dir):
        summary, index = site / SUMMARY_FILE, site / INDEX_DIR / "pagefind.js"
        # The index by whether it is there (all the portal draws of it): an edit writes it again.
        key.add(f"{site.name}\0{file_signature(summary)}\0{index.is_file()}\n")
    return key.hex()


def portal_current(out_dir: Path, content_dir: Path, day: dt.date) -> bool:
    """Whether the portal in `out_dir` was written from exactly the present inputs, and is as written."""
    record = read_json(portal_record(content_dir, out_dir))
    return record.get("written") == _written_key(out_dir) and record.get("inputs") == portal_inputs_key(
        out_dir, content_dir, day
    )


def remember_portal(out_dir: Path, content_dir: Path, inputs: str) -> None:
    """Note that the portal just written was drawn from `inputs` (portal_inputs_key, taken before reading
    them: one changed meanwhile makes the record stale)."""
    with contextlib.suppress(OSError):  # a record not kept only costs drawing the portal next time
        write_json(portal_record(content_dir, out_dir), {"inputs": inputs, "written": _written_key(out_dir)})


def _sites(out_dir: Path) -> list[Path]:
    """The sites the portal lists: every folder of `out_dir` with a summary, but those named `.…` or `_…`."""
    try:
        with os.scandir(out_dir) as listing:
            names = sorted(entry.name for entry in listing if not entry.name.startswith((".", "_")))
    except OSError:
        return []
    return [out_dir / name for name in names if (out_dir / name / SUMMARY_FILE).is_file()]


def _written_key(out_dir: Path) -> str:
    return Fingerprint(
        *(f"{name}\0{file_signature(out_dir / name)}\n" for name in (PAGE_FILE, FEED_FILE, *ASSETS))
    ).hex()


def _link_signature(path: Path) -> str:
    """The file itself, not where it leads (a link retargeted elsewhere changes it)."""
    try:
        stat = path.lstat()
    except OSError:
        return "-"
    return f"{stat.st_ino}\0{stat.st_mtime_ns}\0{os.path.realpath(path)}"
