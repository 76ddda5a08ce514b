"""Runs on Windows and macOS: the portable run, and each portable path on its own.

The portable run builds the demo chambers in a child process from which tests/portable/sitecustomize.py
has taken what only Linux offers (os.fork, register_at_fork, fcntl, user ids, statvfs), with renameat2,
prctl, /dev/shm and fc-list withheld (platform_support.WITHHOLD): every module must import, and the sites
and PDFs must be the very bytes of the normal build (the session's demo_sites).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from chamberpress import platform_support
from chamberpress.build import site_folders
from chamberpress.build.output import leftover_scratch, make_scratch
from chamberpress.build.pipeline import BuildLocked, chamber_lock
from chamberpress.print import pdf
from conftest import ROOT, TODAY, site_files

PORTABLE = ROOT / "tests" / "portable"
WITHHELD = "renameat2,prctl,/dev/shm,fc-list"


def portable_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(PORTABLE), PYTHONWARNINGS="ignore::UserWarning")
    env[platform_support.WITHHOLD] = WITHHELD
    return env


@pytest.fixture(scope="module")
def portable_build(tmp_path_factory) -> tuple[Path, dict]:
    """The demo chambers built in the portable run, from a copy of content/ (its own, empty .cache/ beside
    it: nothing is taken from the normal build's records)."""
    root = tmp_path_factory.mktemp("portable")
    shutil.copytree(ROOT / "content", root / "content")
    done = subprocess.run(
        [sys.executable, str(PORTABLE / "build_demo.py"), str(root / "sites"), str(root / "content"), str(TODAY)],
        env=portable_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return root / "sites", json.loads(done.stdout.splitlines()[-1])


def test_portable_run_takes_the_linux_features_away_and_every_module_imports(portable_build) -> None:
    _, report = portable_build
    assert report["failed"] == []
    assert report["taken"] == {"fork": False, "fcntl": False, "getuid": False, "statvfs": False}
    assert report["withheld"] == {"renameat2": None, "prctl": None, "memory": None, "fc-list": None}


def test_portable_build_makes_the_same_sites_and_pdfs(portable_build, demo_sites: Path) -> None:
    sites, _ = portable_build
    portable = {p: data for p, data in site_files(sites).items() if not p.startswith(".chamber/")}
    normal = {p: data for p, data in site_files(demo_sites).items() if not p.startswith(".chamber/")}
    assert sorted(portable) == sorted(normal)
    pdfs = [p for p in normal if p.endswith(".pdf")]
    assert len(pdfs) >= 9  # each chamber's charter, form and newsletters
    for rel in pdfs:  # read back first, for a failure that says what differs
        assert pdf_summary(sites / rel) == pdf_summary(demo_sites / rel), rel
    assert [p for p in normal if portable[p] != normal[p]] == []


def pdf_summary(path: Path) -> tuple[int, str, list[str]]:
    """Page count, text, and the fonts embedded (without the subset's random prefix)."""
    reader = PdfReader(path)
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(re.sub(r"^/([A-Z]{6}\+)?", "", str(font.get_object().get("/BaseFont"))))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages), sorted(fonts)


def test_portable_pdfs_use_the_chinese_faces_found_in_the_font_folders(portable_build) -> None:
    sites, _ = portable_build
    _, text, fonts = pdf_summary(sites / "anhui" / "charter.pdf")
    assert "章程" in text
    assert fonts == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]


# The swap of a site where the system has no atomic exchange (macOS, Windows), and a folder in use (Windows).


@pytest.fixture
def two_sites(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv(platform_support.WITHHOLD, "renameat2")
    monkeypatch.setattr(site_folders, "RENAME_WAIT", 0)
    new, target = tmp_path / ".chamber" / "building-a-x", tmp_path / "a"
    for folder, text in ((new, "新网站"), (target, "旧网站")):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(text, encoding="utf-8")
    return new, target


def renames_refused(monkeypatch, refused: set[str], times: int) -> list[str]:
    """os.rename refuses to move the folders named (by name) `times` times each, as Windows does with a
    folder in use; returns the renames tried."""
    real, tried, count = os.rename, [], {}

    def rename(source, destination) -> None:
        name = Path(source).name
        tried.append(f"{name}->{Path(destination).name}")
        if name in refused and count.get(name, 0) < times:
            count[name] = count.get(name, 0) + 1
            raise PermissionError(13, "The process cannot access the file because it is being used", str(source))
        real(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    return tried


def test_swap_without_exchange_renames_the_old_site_aside_first(two_sites, monkeypatch) -> None:
    new, target = two_sites
    tried = renames_refused(monkeypatch, set(), 0)
    site_folders.swap_into_place(new, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "新网站"
    assert (new / "index.html").read_text(encoding="utf-8") == "旧网站"  # the old site, for the caller
    assert tried == ["a->building-a-x-old", "building-a-x->a", "building-a-x-old->building-a-x"]


def test_swap_tries_again_while_the_site_is_briefly_in_use(two_sites, monkeypatch) -> None:
    new, target = two_sites
    renames_refused(monkeypatch, {"a"}, site_folders.RENAME_TRIES - 1)
    site_folders.swap_into_place(new, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "新网站"


def test_site_in_use_keeps_the_last_good_site_and_leaves_the_new_one_beside(two_sites, monkeypatch) -> None:
    new, target = two_sites
    renames_refused(monkeypatch, {"a"}, 99)
    with pytest.raises(site_folders.SiteInUse) as raised:
        site_folders.swap_into_place(new, target)
    beside = target.with_name("a.new")
    assert str(target) in str(raised.value) and str(beside) in str(raised.value)
    assert "in use" in str(raised.value)
    assert (target / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert (beside / "index.html").read_text(encoding="utf-8") == "新网站"


def test_new_site_refused_puts_the_old_one_back(two_sites, monkeypatch) -> None:
    new, target = two_sites
    renames_refused(monkeypatch, {"building-a-x"}, 99)
    with pytest.raises(site_folders.SiteInUse):
        site_folders.swap_into_place(new, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert not target.with_name("building-a-x-old").exists()


def test_site_in_use_is_reported_by_the_cli_with_exit_3(tmp_path: Path, monkeypatch, capsys) -> None:
    from chamberpress.cli import main
    from conftest import write_chamber

    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "busy")
    assert main(["build", "busy", "--content", str(content), "--out", str(out)]) == 0
    before = site_files(out / "busy")
    monkeypatch.setenv(platform_support.WITHHOLD, "renameat2")
    monkeypatch.setattr(site_folders, "RENAME_WAIT", 0)
    renames_refused(monkeypatch, {"busy"}, 99)
    assert main(["build", "busy", "--force", "--content", str(content), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert f"the site folder {out / 'busy'} is in use" in err and str(out / "busy.new") in err
    assert site_files(out / "busy") == before
    assert (out / "busy.new" / "index.html").is_file()


# Scratch space, the lock, and children that must not outlive a killed build.


def test_scratch_goes_to_the_temporary_folder_without_dev_shm(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(platform_support.WITHHOLD, "/dev/shm")
    monkeypatch.delattr(os, "getuid")  # as on Windows: no user ids, the temporary folder is the user's own
    scratch = make_scratch(tmp_path / "sites", "a")
    try:
        assert scratch is not None and scratch.parent == Path(tempfile.gettempdir())
        assert leftover_scratch(tmp_path / "sites", "a") == [scratch]
    finally:
        shutil.rmtree(scratch)


def test_lock_refuses_a_second_build_with_the_same_message(tmp_path: Path) -> None:
    with chamber_lock(tmp_path, "a"):
        with pytest.raises(BuildLocked, match=r"'a' in .* is being built or published by another command"):
            with chamber_lock(tmp_path, "a"):
                pass
    with chamber_lock(tmp_path, "a"):  # released
        pass


def test_lock_is_refused_to_another_process_in_the_portable_run(tmp_path: Path) -> None:
    """Without fcntl (Windows' lock is msvcrt's; here filelock's own), another process is refused too."""
    script = (
        "import sys; from pathlib import Path; from chamberpress.build.pipeline import BuildLocked, chamber_lock\n"
        "try:\n    chamber_lock(Path(sys.argv[1]), 'a').__enter__()\nexcept BuildLocked as exc:\n    print(exc)\n"
    )
    with chamber_lock(tmp_path, "a"):
        held = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)], env=portable_env(), capture_output=True, text=True
        )
    assert "being built or published by another command" in held.stdout, held.stderr


def test_forked_child_leaves_when_its_parent_dies_without_prctl(tmp_path: Path, monkeypatch) -> None:
    """Where the system cannot kill a child with its parent (macOS), the child watches its parent."""
    from chamberpress.build import forked

    monkeypatch.setenv(platform_support.WITHHOLD, "prctl")
    monkeypatch.setattr(forked, "ORPHAN_POLL", 0.05)
    pid_file = tmp_path / "child"
    middle = os.fork()
    if middle == 0:  # the build, killed while its child works
        child = os.fork()
        if child == 0:
            forked.die_with_parent(os.getppid())
            pid_file.write_text(str(os.getpid()))
            time.sleep(30)
            os._exit(0)
        while not pid_file.exists():
            time.sleep(0.01)
        os._exit(0)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 10
    child_pid = int(pid_file.read_text())
    while Path(f"/proc/{child_pid}").exists() and time.monotonic() < deadline:
        status = Path(f"/proc/{child_pid}/stat").read_text().split()[2] if Path(f"/proc/{child_pid}").exists() else ""
        if status == "Z":
            break
        time.sleep(0.05)
    assert time.monotonic() < deadline, "the orphaned child is still running"


# Chinese fonts without fontconfig's fc-list (Windows, macOS).


def test_fonts_found_by_file_name_and_checked_for_chinese(tmp_path: Path) -> None:
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    noto = Path("/usr/share/fonts/opentype/noto")
    (fonts / "msyh.ttc").symlink_to(noto / "NotoSansCJK-Regular.ttc")  # a Chinese face under a Windows name
    (fonts / "SONGTI.TTC").symlink_to(noto / "NotoSerifCJK-Regular.ttc")  # names matched in any case
    latin = next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"))
    (fonts / "simhei.ttf").symlink_to(latin)  # a known name whose face has no Chinese: left out
    (fonts / "arial.ttf").symlink_to(noto / "NotoSansCJK-Bold.ttc")  # a name not looked at
    faces = pdf.faces_in_folders([fonts, tmp_path / "missing"])
    assert {Path(face.file).name for face in faces} == {"msyh.ttc", "SONGTI.TTC"}
    assert pdf.choose_fonts(faces) == pdf.PrintFonts("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_without_fc_list_the_font_folders_are_searched(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(platform_support.WITHHOLD, "fc-list")
    monkeypatch.setattr(platform_support, "font_folders", lambda: [tmp_path])
    assert pdf.list_cjk_faces() == []
    with pytest.raises(pdf.FontMissing, match="Install one"):
        pdf.find_fonts(lister=pdf.list_cjk_faces)


@pytest.mark.parametrize(
    ("system", "advice"), [("win32", "Chinese (Simplified) language"), ("darwin", "Songti SC"), ("linux", "apt-get")]
)
def test_missing_font_says_what_to_install_on_each_system(monkeypatch, system: str, advice: str) -> None:
    monkeypatch.setattr(pdf.sys, "platform", system)
    assert advice in str(pdf.FontMissing())


def test_workers_are_spawned_where_there_is_no_fork(monkeypatch) -> None:
    assert platform_support.worker_start_method(single_thread=True) == "fork"
    assert platform_support.worker_start_method(single_thread=False) == "forkserver"
    monkeypatch.setenv(platform_support.WITHHOLD, "fork")
    assert platform_support.worker_start_method(single_thread=True) == "spawn"
    from chamberpress.build import pipeline

    assert pipeline._worker_context().get_start_method() == "spawn"
