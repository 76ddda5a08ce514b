"""A site is built in memory and only what changed reaches the disk; the result is the same as a full write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chamberpress.build import site_folders as folders_module
from chamberpress.build import pipeline as build_module
from chamberpress.cli import main
from chamberpress.build.cache_layout import spare_dir
from chamberpress.build.output import leftover_scratch, make_scratch, sync_tree
from conftest import ROOT, TODAY, freed, needs_memory_builds, post, settled, site_files, write_chamber


def write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_sync_writes_only_what_differs_and_removes_what_is_gone(tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "old"
    write(
        source,
        {
            "index.html": "首页",
            "news/a/index.html": "新闻甲",
            "same/index.html": "不变",
            "was-a-file/index.html": "现在是目录",
            "pagefind/x.pf_index": "新索引",
        },
    )
    write(
        target,
        {
            "index.html": "旧首页",
            "news/b/index.html": "已删除的新闻",
            "same/index.html": "不变",
            "was-a-file": "原来是文件",
            "pagefind/old.pf_index": "旧索引",
        },
    )
    unchanged = (target / "same/index.html").stat().st_ino
    outside = tmp_path / "outside.html"
    outside.write_text("别处的文件", encoding="utf-8")
    (target / "news/a").mkdir(parents=True)
    (target / "news/a/index.html").symlink_to(outside)  # a link where a page goes: replaced, not followed

    synced = sync_tree(source, target, leave="pagefind")

    assert (synced.written, synced.removed, synced.kept) == (3, 1, 1)
    assert outside.read_text(encoding="utf-8") == "别处的文件" and not (target / "news/a/index.html").is_symlink()
    assert site_files(target) == {
        "index.html": "首页".encode(),
        "news/a/index.html": "新闻甲".encode(),
        "same/index.html": "不变".encode(),
        "was-a-file/index.html": "现在是目录".encode(),
        "pagefind/old.pf_index": "旧索引".encode(),
    }  # left alone, synced on its own
    assert not (target / "news/b").exists()
    assert (target / "same/index.html").stat().st_ino == unchanged  # not written again
    sync_tree(source / "pagefind", target / "pagefind")
    assert site_files(target / "pagefind") == {"x.pf_index": "新索引".encode()}


def test_no_memory_file_system_means_building_on_disk(tmp_path: Path) -> None:
    assert make_scratch(tmp_path / "sites", "a", memory=tmp_path / "no-such-folder") is None


def test_scratch_folders_are_private_fresh_and_never_a_planted_link(tmp_path: Path, monkeypatch) -> None:
    import chamberpress.build.output as output

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(output, "MEMORY_NEEDED", 0)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("不可删除", encoding="utf-8")
    prefix = output._prefix(tmp_path / "sites", "a")
    (memory / f"{prefix}planted").symlink_to(victim, target_is_directory=True)  # another user's trap
    (memory / f"{prefix}cut-short").mkdir()  # a build killed earlier
    (memory / f"{output._prefix(tmp_path / 'sites', 'a-b')}other").mkdir()  # chamber a-b's own

    scratch = make_scratch(tmp_path / "sites", "a", memory=memory)

    assert scratch is not None and scratch.parent == memory and scratch.name.startswith(prefix)
    assert not scratch.is_symlink() and (scratch.stat().st_mode & 0o777) == 0o700 and not list(scratch.iterdir())
    assert not (memory / f"{prefix}cut-short").exists()  # leftovers of this chamber removed
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "不可删除"  # a link is never followed
    assert leftover_scratch(tmp_path / "sites", "a", memory=memory) == [scratch]
    assert len(leftover_scratch(tmp_path / "sites", "a-b", memory=memory)) == 1
    assert make_scratch(tmp_path / "sites", "a", memory=memory) != scratch  # a fresh name every build


def edit_and_build(content: Path, out: Path, number: int) -> None:
    write_chamber(
        content,
        "inc",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", body=f"第{number}次修改后的正文。", category="培训活动"
            )
        },
    )
    # Two processes (whatever this machine has): built in memory, the pages are written by a process of their own.
    assert (
        main(
            ["build", "inc", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat(), "--jobs", "2"]
        )
        == 0
    )


@pytest.mark.parametrize("in_memory", [True, False], ids=["memory", "disk"])
def test_rebuilds_equal_a_fresh_build_and_leave_unchanged_pages_alone(
    tmp_path: Path, monkeypatch, in_memory: bool
) -> None:
    if not in_memory:
        monkeypatch.setattr(folders_module, "make_scratch", lambda out, slug: None)
    else:
        needs_memory_builds(tmp_path / "sites")
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "inc")
    assert (
        main(
            ["build", "inc", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat(), "--jobs", "2"]
        )
        == 0
    )
    for number in range(1, 4):
        edit_and_build(content, out, number)

    fresh = tmp_path / "fresh"
    assert main(["build", "inc", "--content", str(content), "--out", str(fresh), "--today", TODAY.isoformat()]) == 0
    assert site_files(out / "inc") == site_files(fresh / "inc")
    assert "第3次修改后的正文" in (out / "inc/news/2026/05/21/falv-peixun/index.html").read_text(encoding="utf-8")
    spare = spare_dir(content, out, "inc")
    if in_memory:
        # Two copies take turns: the site before last is brought up to date, so a page no edit touched is
        # the file written by the first build, never written again.
        assert spare.is_dir() and "第2次修改后的正文" in (spare / "news/2026/05/21/falv-peixun/index.html").read_text(
            encoding="utf-8"
        )
        ino = {(p.relative_to(out / "inc").as_posix()): p.stat().st_ino for p in (out / "inc").rglob("*.html")}
        edit_and_build(content, out, 4)
        edit_and_build(content, out, 5)
        after = {(p.relative_to(out / "inc").as_posix()): p.stat().st_ino for p in (out / "inc").rglob("*.html")}
        assert after["about/index.html"] == ino["about/index.html"]
        assert freed(out, "inc")  # memory freed
    else:
        assert not spare.exists()


def test_a_failure_writing_the_pages_fails_the_build_and_keeps_the_site(tmp_path: Path, monkeypatch) -> None:
    """With two processes the pages are written by a forked one: its error is the build's, and the
    published site stays as it was."""
    needs_memory_builds(tmp_path / "sites")
    content, out = tmp_path / "content", tmp_path / "sites"
    edit_and_build(content, out, 1)
    before = site_files(out / "inc")

    def disk_full(source: Path, target: Path, *, leave: str | None = None):
        raise OSError(5, "Input/output error", str(target))

    monkeypatch.setattr(folders_module, "sync_tree", disk_full)
    write_chamber(
        content,
        "inc",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", body="第2次修改后的正文。", category="培训活动"
            )
        },
    )
    with pytest.raises(OSError, match="Input/output error"):
        build_module.build_chamber("inc", content, out, today=TODAY, workers=2)
    assert site_files(out / "inc") == before


def test_a_drawing_process_that_fails_fails_the_build_and_keeps_the_site(tmp_path: Path, monkeypatch) -> None:
    """With two processes, the one forked to draw pages may fail: its error is the cause of the build's,
    and the published site stays as it was."""
    import os

    from chamberpress.site import mkdocs_adapter

    content, out = tmp_path / "content", tmp_path / "sites"
    edit_and_build(content, out, 1)
    before = site_files(out / "inc")
    this = os.getpid()
    draw_from = mkdocs_adapter._draw_from

    def failing_in_child(*args, **kwargs):
        if os.getpid() != this:
            raise RuntimeError("a template error in the drawing process")
        return draw_from(*args, **kwargs)

    monkeypatch.setattr(mkdocs_adapter, "_draw_from", failing_in_child)
    write_chamber(
        content,
        "inc",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", body="第2次修改后的正文。", category="培训活动"
            )
        },
    )
    with pytest.raises(mkdocs_adapter.PageWorkerError, match="1 of 2 page-drawing processes failed") as failed:
        build_module.build_chamber("inc", content, out, today=TODAY, workers=2)
    assert "a template error in the drawing process" in str(failed.value.__cause__)
    assert site_files(out / "inc") == before


def test_a_post_taken_down_is_in_no_file_under_the_sites_folder(tmp_path: Path) -> None:
    """The spare copy (the site before last) lives under .cache/, never beside the published sites: a post
    taken down is gone from every file under sites/, hidden folders included."""
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "down", files={"news/2026/2026-06-01-chehui.md": post("待撤回的通知", "2026-06-01")})
    for _ in range(2):
        assert main(["build", "down", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    write_chamber(content, "down", files={"news/2026/2026-06-01-chehui.md": None})
    assert main(["build", "down", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    left = [path for path in out.rglob("*") if path.is_file() and "待撤回的通知".encode() in path.read_bytes()]
    assert left == []
    assert "待撤回的通知" not in (out / "down/news/index.html").read_text(encoding="utf-8")


def test_without_a_spare_on_the_sites_file_system_a_fresh_folder_is_swapped_in(tmp_path: Path, monkeypatch) -> None:
    needs_memory_builds(tmp_path / "sites")
    monkeypatch.setattr(folders_module, "_same_file_system", lambda folder, other: False)
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "far")
    assert main(["build", "far", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    write_chamber(content, "far", files={"pages/about.md": "---\ntitle: 关于本会\n---\n\n新的简介。\n"})
    assert main(["build", "far", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    assert not spare_dir(content, out, "far").exists()
    assert "新的简介" in (out / "far/about/index.html").read_text(encoding="utf-8")
    assert not [p for p in settled(out / ".chamber") if p.name.startswith("building-")]  # old site removed


def test_memory_filling_up_mid_build_builds_on_disk_instead(tmp_path: Path, monkeypatch, caplog) -> None:
    import errno

    import mkdocs.utils

    from chamberpress import platform_support

    needs_memory_builds(tmp_path / "sites")
    real_write = mkdocs.utils.write_file
    full = {"n": 0}

    def memory_full(content_bytes: bytes, path: str) -> None:
        if str(path).startswith(str(platform_support.scratch_parent())):
            full["n"] += 1
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real_write(content_bytes, path)

    monkeypatch.setattr(mkdocs.utils, "write_file", memory_full)
    monkeypatch.setattr("mkdocs.commands.build.utils.write_file", memory_full)
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "full")
    with caplog.at_level("WARNING"):
        assert main(["build", "full", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    assert full["n"] >= 1
    assert "no room left in memory" in caplog.text and "building on disk" in caplog.text
    assert "商会召开2025年年会" in (out / "full/news/index.html").read_text(encoding="utf-8")
    assert freed(out, "full")


def test_workers_forked_after_a_build_start_indexers_of_their_own(tmp_path: Path) -> None:
    """`--all` forks its workers from the running process. One that has built before keeps its indexer
    processes: the workers start their own (two processes talking to one indexer would mix their answers;
    a kept one is not a worker's child and counts as stopped there), and the kept ones still serve this
    process afterwards. (In a process of its own: this one may run other threads, and then a fork server
    starts the workers.)"""
    import json
    import subprocess
    import sys

    content, sites = tmp_path / "content", tmp_path / "sites"
    for slug in ("one", "two", "three"):
        write_chamber(content, slug)
    script = f"""
import datetime, json, os
from pathlib import Path
from chamberpress.build import pipeline as build
from chamberpress.search import indexer
from chamberpress.search import index as search
content, sites, used = Path({str(content)!r}), Path({str(sites)!r}), Path({str(tmp_path / "used")!r})
today = datetime.date.fromisoformat({TODAY.isoformat()!r})
build.build_chamber("one", content, sites, today=today)
kept = sorted(i._process.pid for idle in indexer._kept.values() for i in idle)
take = search.take_indexer

def recording(*args, **kwargs):
    taken = take(*args, **kwargs)
    with open(used, "a") as handle:
        handle.write(f"{{os.getpid()}} {{taken._process.pid}}\\n")
    return taken

search.take_indexer = recording
start = build._worker_context().get_start_method()
results = dict(build.build_many(["two", "three"], content, sites, today=today, jobs=2))
built = sorted(slug for slug, result in results.items() if isinstance(result, build.BuildResult))
running = all(i.running() for idle in indexer._kept.values() for i in idle)
search.index_site(sites / "one", index_dir=Path({str(tmp_path / "again")!r}))
print(json.dumps({{"pid": os.getpid(), "kept": kept, "start": start, "built": built, "running": running}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["start"] == "fork" and report["built"] == ["three", "two"] and report["running"]
    lent = [tuple(map(int, line.split())) for line in (tmp_path / "used").read_text().splitlines()]
    in_workers = {indexer for process, indexer in lent if process != report["pid"]}
    in_this = {indexer for process, indexer in lent if process == report["pid"]}
    assert report["kept"] and len(in_workers) >= 2 and not in_workers & set(report["kept"])
    assert in_this and in_this <= set(report["kept"])  # the index made afterwards used a kept one
