"""`make lighthouse`: Lighthouse (npm, package.json) on the demo sites as a host would serve them, gzip-compressed;
the four category scores go into bench/RESULTS.md, the JSON reports into bench/lighthouse-reports/ (git-ignored).

Pages: anhui's home, a post, the directory, the charter, the organisation chart, and the portal. Lighthouse's
default mobile run (a mid-range phone, throttled network and CPU) in Debian's chromium, headless. Not a test:
its scores move with the machine's load. Run it with nothing else busy, e.g.

    python -m bench.lighthouse --label before
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
REPORTS = ROOT / "bench" / "lighthouse-reports"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
# Headless chromium as root on a machine without outside network (no sandbox, no background connections).
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PAGES = {
    "home": "anhui/",
    "post": "anhui/news/2026/09/24/hetong-jiufen-tiaojie/",
    "directory": "anhui/members/",
    "charter": "anhui/charter/",
    "organisation": "anhui/organization/",
    "portal": "",
}
CATEGORIES = (
    ("performance", "performance"),
    ("accessibility", "accessibility"),
    ("best-practices", "best practices"),
    ("seo", "SEO"),
)
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ics", ".mjs"}
MARKER = "## Lighthouse (mobile, served compressed)"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the browser accepts it (as nginx's `gzip on` would), with a
    day's cache lifetime for assets."""

    _cache: dict[Path, bytes] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        if "/assets/" in self.path or "/pagefind/" in self.path:
            self.send_header("Cache-Control", "public, max-age=86400")
        super().end_headers()

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSED
            or not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not self.path.split("?")[0].endswith(("/", path.name))
        ):
            return super().send_head()
        body = self._cache.get(path)
        if body is None:
            body = self._cache[path] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def build_demo(out: Path) -> None:
    """The demo chambers and the portal, built as `make demo` builds them."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "chamberpress.cli",
            "build",
            "--all",
            "--out",
            str(out),
            "--content",
            str(ROOT / "content"),
        ],
        check=True,
        cwd=ROOT,
    )


def run_lighthouse(url: str, report: Path) -> dict[str, int]:
    env = dict(os.environ, CHROME_PATH=CHROME)
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            "--only-categories=" + ",".join(key for key, _ in CATEGORIES),
            "--max-wait-for-load=60000",
        ],
        check=True,
        env=env,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    return {key: round(100 * (data["categories"][key]["score"] or 0)) for key, _ in CATEGORIES}


def table(label: str, scores: dict[str, dict[str, int]], version: str) -> str:
    lines = [
        f"### {label} ({dt.date.today().isoformat()}, Lighthouse {version})",
        "",
        "| page | " + " | ".join(title for _, title in CATEGORIES) + " |",
        "| --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    for page, got in scores.items():
        lines.append(f"| {page} | " + " | ".join(str(got[key]) for key, _ in CATEGORIES) + " |")
    return "\n".join(lines) + "\n"


def write_results(label: str, block: str) -> None:
    """The table under MARKER in RESULTS.md, replacing an earlier one of the same label."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    intro = (
        f"{MARKER}\n\n"
        "Command (from the repository root, with the project's venv and `npm ci` done): "
        "`python -m bench.lighthouse --label <label>` (or `make lighthouse`). The demo sites built, served by a "
        "small Python server with gzip (bench/lighthouse.py), Lighthouse's default mobile run in Debian's "
        "chromium, headless; JSON reports in bench/lighthouse-reports/. Target (issue 24): ≥ 95 in every category.\n\n"
    )
    start = text.find(MARKER)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + intro
        start = text.find(MARKER)
    end = text.find("\n## ", start + 1)
    end = len(text) if end < 0 else end + 1
    section = text[start:end]
    heading = f"### {label} ("
    at = section.find(heading)
    if at >= 0:
        stop = section.find("\n### ", at + 1)
        section = section[:at] + section[stop + 1 if stop >= 0 else len(section) :]
    section = section.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text[:start] + section + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="latest", help="the table's name in RESULTS.md (e.g. before, after)")
    parser.add_argument("--sites", type=Path, help="an already built output folder (default: build the demo)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is missing: run `npm ci` (package.json)")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temp:
        sites = args.sites
        if sites is None:
            sites = Path(temp) / "sites"
            build_demo(sites)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(sites)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        REPORTS.mkdir(parents=True, exist_ok=True)
        scores = {}
        try:
            for page, path in PAGES.items():
                scores[page] = run_lighthouse(base + path, REPORTS / f"{args.label}-{page}.json")
                print(page, scores[page], flush=True)
        finally:
            httpd.shutdown()
    version = json.loads((REPORTS / f"{args.label}-home.json").read_text(encoding="utf-8"))["lighthouseVersion"]
    write_results(args.label, table(args.label, scores, version))


if __name__ == "__main__":
    main()
