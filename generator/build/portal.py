"""`<out>/index.html`: the portal listing every chamber built into the output folder."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import jinja2

from chamberpress.build.pipeline import SUMMARY_FILE
from chamberpress.paths import PROJECT_DIR

log = logging.getLogger(__name__)

TEMPLATE_DIR = PROJECT_DIR / "theme" / "portal"


def portal_entries(out_dir: Path) -> list[dict]:
    """The summary of every site in the output folder, by name."""
    entries = []
    for summary in sorted(out_dir.glob(f"*/{SUMMARY_FILE}")):
        if summary.parent.name.startswith("."):
            continue
        try:
            entries.append(json.loads(summary.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            log.warning("skipping %s: %s", summary, exc)

    def order(entry: dict) -> str:
        if isinstance(entry.get("sort_key"), str):
            return entry["sort_key"]
        from chamberpress.chinese import pinyin_key  # a site built before chamber.json had its sort key

        return pinyin_key(entry.get("name", ""))

    return sorted(entries, key=order)


def portal_title(entries: list[dict]) -> str:
    """温州异地商会 when every chamber is in one city (as in a city office's repository), else 异地商会."""
    cities = {e.get("city") for e in entries}
    return f"{cities.pop()}异地商会" if len(cities) == 1 and None not in cities else "异地商会"


def render_portal(entries: list[dict], *, title: str | None = None) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return env.get_template("index.html").render(
        chambers=entries, title=title or portal_title(entries), updated=dt.date.today()
    )


def write_portal(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_portal(portal_entries(out_dir)), encoding="utf-8")
    tmp.replace(path)
    return path
