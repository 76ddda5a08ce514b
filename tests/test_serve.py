"""`chamber serve`: a live preview that rebuilds when the chamber's content changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT, write_chamber


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared at {url}")


def test_serve_previews_and_reloads_on_edit(content: Path) -> None:
    folder = write_chamber(content, "live")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chamberpress.cli",
            "serve",
            "live",
            "--content",
            str(content),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base, "温州市测试商会")
        wait_for(base + "about/", "本会成立于2015年。")
        (folder / "pages/about.md").write_text(
            "---\ntitle: 商会简介\n---\n\n本会成立于2015年，现有会员两千家。\n", encoding="utf-8"
        )
        wait_for(base + "about/", "现有会员两千家")
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not list(folder.rglob("index.md"))  # nothing was written into the content folder
