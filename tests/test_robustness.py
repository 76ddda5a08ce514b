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

from generator.cli import main
from generator.output import leftover_scratch
from conftest import ROOT, freed, settled, write_chamber


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_build_of_same_chamber_is_refused_clearly(content: Path, out: Path, capsys) -> None:
    write_chamber(content, "busy")
    assert main(["build", "busy", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "busy")
    with open(out / ".chamber" / "busy.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)   # as a running build holds it
        assert main(["build", "busy", "--force", "--content", str(content), "--out", str(out)]) == 1
    assert "another build of 'busy'" in capsys.readouterr().err
    assert snapshot(out / "busy") == before
    assert main(["build", "busy", "--force", "--content", str(content), "--out", str(out)]) == 0


def test_sigkill_mid_build_keeps_previous_site_and_next_build_succeeds(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "big")
    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "big")

    # Make the chamber large enough that the build is still running when it is killed.
    from bench.corpus import write_chamber as write_corpus

    write_corpus(tmp_path / "corpus", "big", seed=7, posts=400, members=50)
    for path in (tmp_path / "corpus/content/big/news").rglob("*"):
        if path.is_file():
            target = content / "big/news/bulk" / path.relative_to(tmp_path / "corpus/content/big/news")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())

    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "big", "--content", str(content),
                                "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def being_built() -> list[Path]:
        """The folder MkDocs writes the new site into: in memory where there is room, else on disk."""
        in_memory = [scratch / "site" for scratch in leftover_scratch(out, "big") if (scratch / "site").is_dir()]
        return in_memory + list((out / ".chamber").glob("building-big-*"))

    deadline = time.monotonic() + 60
    # Wait until MkDocs is writing pages into the folder being built, then kill without warning.
    while time.monotonic() < deadline:
        building = being_built()
        if building and sum(1 for _ in building[0].rglob("*.html")) > 20:
            break
        assert process.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert being_built(), "the kill should leave a partial build behind"
    assert snapshot(out / "big") == before

    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    assert freed(out, "big")                                          # memory scratch removed (in the background)
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-")]
    assert (out / "big/news/2026/11/20").is_dir()                     # the new posts are in
    assert snapshot(out / "big") != before


def test_rebuild_replaces_site_in_place(content: Path, out: Path) -> None:
    write_chamber(content, "swap")
    assert main(["build", "swap", "--content", str(content), "--out", str(out)]) == 0
    inode = os.stat(out / "swap").st_ino
    write_chamber(content, "swap", files={"pages/about.md": "---\ntitle: 关于本会\n---\n\n新的简介。\n"})
    assert main(["build", "swap", "--content", str(content), "--out", str(out)]) == 0
    assert "新的简介" in (out / "swap/about/index.html").read_text(encoding="utf-8")
    assert os.stat(out / "swap").st_ino != inode
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-")]   # the old site removed


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
        if calls["n"] > 3:   # some pages are written, then the disk is full
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
