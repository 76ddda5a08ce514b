"""Keys of inputs (fingerprint.py) and the one walk over a folder's files (folders.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from chamberpress.fingerprint import Fingerprint, fingerprint, installation_stamp
from chamberpress.folders import walk_files


def test_the_same_parts_give_the_same_key_and_text_is_its_utf8() -> None:
    assert fingerprint("商会", b"\0x") == fingerprint("商会".encode() + b"\0", "x")
    assert fingerprint("a", "b") != fingerprint("a", "c")
    assert Fingerprint("a").add("b").hex() == fingerprint("ab")
    assert len(Fingerprint("a").raw()) == 32


def test_a_file_counts_by_its_content(tmp_path: Path) -> None:
    one, two = tmp_path / "one.bin", tmp_path / "two.bin"
    one.write_bytes(b"x" * 100_000)
    two.write_bytes(b"x" * 100_000)
    assert Fingerprint().add_file(one).hex() == Fingerprint().add_file(two).hex()
    two.write_bytes(b"x" * 99_999 + b"y")
    assert Fingerprint().add_file(one).hex() != Fingerprint().add_file(two).hex()


def test_a_folder_counts_by_its_files_names_sizes_and_times(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    post = tmp_path / "news" / "post.md"
    post.write_text("正文", encoding="utf-8")

    def key(**skip: frozenset[str]) -> str:
        return Fingerprint().add_stats(tmp_path, **skip).hex()

    before = key()
    os.utime(post, ns=(post.stat().st_atime_ns, post.stat().st_mtime_ns + 1))
    assert key() != before
    touched = key()
    (tmp_path / "news" / "__pycache__").mkdir()
    (tmp_path / "news" / "__pycache__" / "x.pyc").write_bytes(b"")
    assert key() == touched  # Python's compiled files are never an input
    assert key(skip=frozenset({"news"})) != touched
    assert Fingerprint().add_stats(tmp_path / "gone").hex() != Fingerprint().add_stats(tmp_path / "other").hex()


def test_the_walk_lists_a_folders_files_first_names_in_order_links_to_folders_not_followed(tmp_path: Path) -> None:
    for rel in ("b.txt", "a/z.txt", "a/b/y.txt", "a/a.txt", "skipped/x.txt", "elsewhere/secret.txt"):
        (tmp_path / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / rel).write_text(rel, encoding="utf-8")
    (tmp_path / "site" / "a" / "link").symlink_to(tmp_path / "site" / "elsewhere", target_is_directory=True)
    (tmp_path / "site" / "a" / "file-link.txt").symlink_to(tmp_path / "site" / "b.txt")
    found = [rel for rel, _ in walk_files(tmp_path / "site", skip=frozenset({"skipped", "elsewhere"}))]
    assert found == ["b.txt", "a/a.txt", "a/file-link.txt", "a/z.txt", "a/b/y.txt"]
    assert list(walk_files(tmp_path / "missing")) == []


def test_the_installation_stamp_changes_when_a_package_is_installed_upgraded_or_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip writes a package's `name-version.dist-info` folder anew and deletes the old one: the folder it
    is installed into changes, and so does the stamp (the build records keep the versions with it)."""
    packages = tmp_path / "site-packages"
    (packages / "mkdocs-1.6.1.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    before = installation_stamp()
    assert installation_stamp() == before
    (packages / "mkdocs-1.6.1.dist-info").rename(packages / "mkdocs-1.6.2.dist-info")
    upgraded = installation_stamp()
    assert upgraded != before
    (packages / "mkdocs-1.6.2.dist-info").rmdir()
    removed = installation_stamp()
    assert removed not in (before, upgraded)
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path / "elsewhere")])
    assert installation_stamp() != removed  # one more folder to import from, even a missing one
    # A folder that is not an installation's (the current folder, a project's) changes with the work done
    # there: not counted, but by name.
    (tmp_path / "elsewhere").mkdir()
    more = installation_stamp()
    (tmp_path / "elsewhere" / ".cache").mkdir()
    assert installation_stamp() == more
