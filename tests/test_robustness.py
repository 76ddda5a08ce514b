"""Nothing lost: a killed or concurrent build leaves the previous site exactly as it was."""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from chamberpress.cli import main
from chamberpress.build.output import leftover_scratch
from conftest import ROOT, freed, settled, write_chamber


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_posts(tmp_path: Path, folder: Path, *, posts: int) -> None:
    """Give the chamber at `folder` `posts` generated posts more (news/bulk/), with their photos."""
    from bench.corpus import write_chamber as write_corpus

    write_corpus(tmp_path / "corpus", "bulk", seed=7, posts=posts, members=50)
    news = tmp_path / "corpus/content/bulk/news"
    for path in news.rglob("*"):
        if path.is_file():
            target = folder / "news/bulk" / path.relative_to(news)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())


def being_built(out: Path, slug: str) -> list[Path]:
    """The folder MkDocs writes the new site into: in memory where there is room, else on disk."""
    in_memory = [scratch / "site" for scratch in leftover_scratch(out, slug) if (scratch / "site").is_dir()]
    return in_memory + list((out / ".chamber").glob(f"building-{slug}-*"))


def wait_until_drawing(process: subprocess.Popen, out: Path, slug: str) -> None:
    """Return once MkDocs is writing pages into the folder being built (more than 20 of them)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        building = being_built(out, slug)
        if building and sum(1 for _ in building[0].rglob("*.html")) > 20:
            return
        assert process.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.05)


def test_second_build_of_same_chamber_is_refused_clearly(content: Path, out: Path, capsys) -> None:
    write_chamber(content, "busy")
    assert main(["build", "busy", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "busy")
    with open(out / ".chamber" / "busy.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        assert main(["build", "busy", "--force", "--content", str(content), "--out", str(out)]) == 1
    assert "'busy' in" in (err := capsys.readouterr().err) and "being built or published by another command" in err
    assert snapshot(out / "busy") == before
    assert main(["build", "busy", "--force", "--content", str(content), "--out", str(out)]) == 0


def test_sigkill_mid_build_keeps_previous_site_and_next_build_succeeds(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "big")
    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "big")

    add_posts(tmp_path, content / "big", posts=400)  # the build is still running when it is killed
    process = subprocess.Popen(
        [sys.executable, "-m", "chamberpress.cli", "build", "big", "--content", str(content), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_drawing(process, out, "big")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert being_built(out, "big"), "the kill should leave a partial build behind"
    assert snapshot(out / "big") == before

    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    assert freed(out, "big")  # memory scratch removed (in the background)
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-")]
    assert (out / "big/news/2026/11/20").is_dir()  # the new posts are in
    assert snapshot(out / "big") != before


def test_rebuild_replaces_site_in_place(content: Path, out: Path) -> None:
    write_chamber(content, "swap")
    assert main(["build", "swap", "--content", str(content), "--out", str(out)]) == 0
    inode = os.stat(out / "swap").st_ino
    write_chamber(content, "swap", files={"pages/about.md": "---\ntitle: 关于本会\n---\n\n新的简介。\n"})
    assert main(["build", "swap", "--content", str(content), "--out", str(out)]) == 0
    assert "新的简介" in (out / "swap/about/index.html").read_text(encoding="utf-8")
    assert os.stat(out / "swap").st_ino != inode
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-")]  # the old site removed


def test_full_disk_mid_build_keeps_previous_site(content: Path, out: Path, monkeypatch, capsys) -> None:
    import errno

    import mkdocs.utils

    write_chamber(content, "disk")
    assert main(["build", "disk", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "disk")
    real_write = mkdocs.utils.write_file
    calls = {"n": 0}

    def failing_write(content_bytes: bytes, path: str) -> None:
        calls["n"] += 1
        if calls["n"] > 3:  # some pages are written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(content_bytes, path)

    monkeypatch.setattr(mkdocs.utils, "write_file", failing_write)
    monkeypatch.setattr("mkdocs.commands.build.utils.write_file", failing_write)
    code = main(["build", "disk", "--force", "--content", str(content), "--out", str(out)])
    assert code != 0
    err = capsys.readouterr().err
    assert code == 3
    assert "no room left on the disk" in err and "the previous site is unchanged" in err
    assert "memory" not in err and "Traceback" not in err
    assert calls["n"] > 3
    assert snapshot(out / "disk") == before
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-disk-")]
