"""The command's promises around the content: output never overlaps it, Ctrl-C ends cleanly, each message
once, exit codes that mean one thing each, and prints that builds do not take away."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from chamberpress.build.pipeline import build_chamber
from chamberpress.cli import EXIT_CODES, main
from chamberpress.paths import BadOutputFolder
from conftest import ROOT, TODAY, write_chamber
from test_robustness import add_posts, snapshot, wait_until_drawing


def _chamber_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "chamberpress.cli", *args, "--today", TODAY.isoformat()]


# --- the output folder never overlaps the content ------------------------------------------------------


@pytest.mark.parametrize(
    "out_rel",
    [
        "content",  # the content folder itself
        "content/test1",  # a chamber's folder
        "content/test1/assets/site",  # inside a chamber: the site would copy itself into every build
        "content/other",  # a new folder inside the content folder
        ".",  # the folder holding the content (a chamber named like a top folder)
        ".cache",  # the build records beside the content
        ".cache/spares",
        "linked",  # a symbolic link to the content folder
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["build", "test1"],
        ["build", "--all"],
        ["newsletter", "test1", "--from", "2026-01-01", "--to", "2026-06-30"],
        ["audit"],
    ],
)
def test_an_output_folder_overlapping_the_content_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch, capsys, out_rel: str, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    write_chamber(content, "test1")
    (tmp_path / "linked").symlink_to(content, target_is_directory=True)
    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--content", "content", "--out", out_rel, "--today", TODAY.isoformat()])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"--out {out_rel}" in err and ("is inside" in err or "contains" in err)
    assert snapshot(tmp_path) == before  # nothing moved, written or made, content or elsewhere
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "linked"]


@pytest.mark.parametrize("out_rel", ["elsewhere/pages", "elsewhere/pages/news", "elsewhere", "elsewhere/pages/out"])
def test_a_chamber_folder_that_is_a_link_elsewhere_is_protected_too(
    tmp_path: Path, monkeypatch, capsys, out_rel: str
) -> None:
    """A chamber kept elsewhere (content/pages → ../elsewhere/pages): a build into it, or into a folder
    holding it, would replace the chamber's own pages/ or news/ with the built site's."""
    monkeypatch.chdir(tmp_path)
    write_chamber(tmp_path / "elsewhere", "pages")
    (tmp_path / "content").mkdir()
    (tmp_path / "content/pages").symlink_to(tmp_path / "elsewhere/pages", target_is_directory=True)
    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["build", "pages", "--content", "content", "--out", out_rel, "--today", TODAY.isoformat()])
    assert stopped.value.code == 2
    assert "the chamber folder pages" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_an_output_folder_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    write_chamber(tmp_path / "content", "test1")
    (tmp_path / "sites").write_text("not a folder")
    with pytest.raises(SystemExit) as stopped:
        main(["build", "test1", "--content", str(tmp_path / "content"), "--out", str(tmp_path / "sites")])
    assert stopped.value.code == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_the_library_refuses_an_overlapping_output_folder_too(content: Path) -> None:
    write_chamber(content, "test1")
    before = snapshot(content)
    with pytest.raises(BadOutputFolder, match="is inside the content folder"):
        build_chamber("test1", content, content / "test1" / "site", today=TODAY)
    with pytest.raises(BadOutputFolder, match="contains the content folder"):
        build_chamber("test1", content, content.parent, today=TODAY)
    assert snapshot(content) == before


def test_a_site_folder_that_is_a_link_into_the_content_is_refused(tmp_path: Path, capsys) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "test1")
    out.mkdir()
    (out / "test1").symlink_to(content / "test1", target_is_directory=True)
    before = snapshot(content)
    with pytest.raises(SystemExit) as stopped:
        main(["build", "test1", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()])
    assert stopped.value.code == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert snapshot(content) == before and (out / "test1").is_symlink()


def test_output_folders_beside_the_content_are_fine(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_chamber(content, "test1")
    for out in (tmp_path / "sites", tmp_path / "content-sites", tmp_path / "public" / "sites"):
        assert main(["build", "test1", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
        assert (out / "test1/index.html").is_file()


# --- Ctrl-C ---------------------------------------------------------------------------------------------


def test_ctrl_c_mid_build_prints_one_line_exits_130_and_keeps_the_previous_site(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, "big")
    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out / "big")
    add_posts(tmp_path, content / "big", posts=300)  # still drawing pages when Ctrl-C comes
    # A terminal sends SIGINT to the whole process group: the command and every process it started.
    process = subprocess.Popen(
        _chamber_command("build", "big", "--content", str(content), "--out", str(out)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    wait_until_drawing(process, out, "big")
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().splitlines() == ["interrupted: the previous site is unchanged"]
    assert b"Traceback" not in stdout + stderr
    assert snapshot(out / "big") == before
    assert main(["build", "big", "--content", str(content), "--out", str(out)]) == 0
    assert (out / "big/news/2026/11/20").is_dir()  # the new posts are in


# --- each message once -------------------------------------------------------------------------------

WARNED_CHARTER = "---\ntitle: 测试商会章程\n---\n\n## 第一章　总则\n\n第一条　见本章程第九十条。\n"
WARNED_ROSTER = "名称,职务,网址\n甲公司,会长,ftp://x.example\n乙公司,会员,\n"


@pytest.mark.parametrize(
    "args", [["build", "one"], ["build", "--all", "--jobs", "2"], ["build", "one", "--jobs", "1"], ["check", "one"]]
)
def test_each_warning_is_printed_once(tmp_path: Path, args: list[str]) -> None:
    content = tmp_path / "content"
    for slug in ("one", "two"):
        write_chamber(content, slug, files={"charter.md": WARNED_CHARTER, "members.csv": WARNED_ROSTER})
    done = subprocess.run(
        _chamber_command(*args, "--content", str(content), "--out", str(tmp_path / "sites")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for slug in ["one", "two"] if "--all" in args else ["one"]:
        for warning in (
            f"content/{slug}/charter.md:7: cross-reference: 第九十条",
            f"content/{slug}/members.csv:2: column 网址: 'ftp://x.example'",
        ):
            assert done.stderr.count(warning) == 1, done.stderr


# --- exit codes ---------------------------------------------------------------------------------------


def test_exit_codes_mean_one_thing_each_and_are_listed_in_the_help(
    content: Path, out: Path, monkeypatch, capsys
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    help_text = capsys.readouterr().out
    for code, meaning in EXIT_CODES.items():
        assert f"{code:>3}  {meaning}" in help_text

    write_chamber(content, "test1")
    with pytest.raises(SystemExit) as stopped:  # usage: what to build is missing
        main(["build", "--content", str(content), "--out", str(out)])
    assert stopped.value.code == 2
    write_chamber(content, "test1", files={"news/2026/2026-05-21-falv-peixun.md": "---\ntitle: 无日期\n---\n"})
    assert main(["build", "test1", "--content", str(content), "--out", str(out)]) == 1  # content error

    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr("chamberpress.build.pipeline.load_issues", broken)
    write_chamber(content, "test1")
    assert main(["build", "test1", "--content", str(content), "--out", str(out)]) == 3
    assert "RuntimeError: something unexpected (run again with --debug" in capsys.readouterr().err


def test_serve_on_a_busy_address_names_it(content: Path, capsys) -> None:
    write_chamber(content, "test1")
    with socket.create_server(("127.0.0.1", 0)) as busy:
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        assert main(["serve", "test1", "--content", str(content), "--dev-addr", address]) == 3
    err = capsys.readouterr().err
    assert f"cannot listen on {address}" in err and "--dev-addr 127.0.0.1:" in err


# --- prints for the printer ---------------------------------------------------------------------------


def test_a_newsletter_printed_by_the_command_is_kept_by_the_next_build(content: Path, out: Path) -> None:
    write_chamber(content, "test1")
    args = ["--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]
    assert main(["build", "test1", *args]) == 0
    assert main(["newsletter", "test1", "--from", "2026-01-01", "--to", "2026-06-30", *args]) == 0
    printed = out / "_newsletter/test1/2026-01-01_2026-06-30.pdf"
    data = printed.read_bytes()
    assert data.startswith(b"%PDF")
    assert main(["build", "test1", "--force", *args]) == 0
    assert printed.read_bytes() == data
    # Not part of the site, nor a chamber of the portal.
    assert not list((out / "test1").rglob("2026-01-01_2026-06-30.*"))
    assert "_newsletter" not in (out / "index.html").read_text(encoding="utf-8")
