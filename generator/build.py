"""`chamber build`: load → check → print (PDF) → pages → MkDocs → swap into place, one chamber at a time, then the portal."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .chinese import format_date
from .content import load_chamber
from .docs import logo_docs_path
from .errors import Problem
from .mkdocs_adapter import build_site, write_chamber_config
from .model import Chamber
from .newsletter import load_issues, print_chamber

log = logging.getLogger(__name__)

SUMMARY_FILE = "chamber.json"   # public facts the portal lists, written into each site


@dataclass
class BuildResult:
    slug: str
    site_dir: Path
    pages: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)


def build_chamber(slug: str, content_dir: Path, out_dir: Path, *, today: dt.date | None = None) -> BuildResult:
    """Build one chamber into `<out>/<slug>/`; on any error the previous site stays as it was."""
    started = time.perf_counter()
    # Load and check everything first: a content error stops here, before anything is written.
    chamber = load_chamber(content_dir, slug, today=today)
    issues = load_issues(chamber)

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / slug
    with tempfile.TemporaryDirectory(prefix=f"chamber-{slug}-") as stage_name:
        stage = Path(stage_name)
        # Build beside the target so that the final rename stays on one file system.
        building = Path(tempfile.mkdtemp(prefix=f".{slug}.building-", dir=out_dir))
        try:
            # Print the newsletter issues and the charter first: the site build copies the PDFs in.
            printed = print_chamber(chamber, issues, stage / "print")
            config_file = write_chamber_config(stage, slug=slug, content_dir=content_dir, site_dir=building,
                                               today=today.isoformat() if today else None)
            build_site(config_file, chamber, printed)
            _write_summary(chamber, building)
            pages = sum(1 for _ in building.rglob("*.html"))
            _swap(building, target)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    return BuildResult(slug, target, pages, time.perf_counter() - started, list(chamber.warnings))


def _swap(new: Path, target: Path) -> None:
    """Put the new site in place of the old with two renames; the old one is removed afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    os.rename(new, target)
    os.chmod(target, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_summary(chamber: Chamber, site_dir: Path) -> None:
    info = chamber.info
    newest = max(chamber.published_posts, key=lambda p: p.date, default=None)
    summary = {
        "slug": chamber.slug,
        "name": info.name,
        "short_name": info.display_short_name,
        "hometown": info.hometown,
        "city": info.city,
        "founded": info.founded.isoformat() if info.founded else None,
        "founded_zh": format_date(info.founded) if info.founded else None,
        "members": len(chamber.listed_members),
        "color": info.color,
        "logo": logo_docs_path(chamber),
        "latest_news": {"title": newest.title, "url": newest.url, "date_zh": format_date(newest.date)}
        if newest else None,
    }
    (site_dir / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
