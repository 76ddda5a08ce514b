"""The engines the build reaches into are checked at start: outside the versions known to work, a build
stops with their range rather than come out silently different; and the library names a build replaces are
Material's and MkDocs' own again once it is over."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from packaging.version import Version

from chamberpress import fingerprint
from chamberpress.build import engines
from chamberpress.cli import main
from conftest import ROOT, TODAY, write_chamber


def test_the_supported_ranges_are_those_pyproject_asks_for() -> None:
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for name, (low, high) in engines.SUPPORTED.items():
        [line] = [d for d in wanted if re.match(rf"{re.escape(name)}(\[\w+\])?>=", d)]
        found_low, found_high = re.search(r">=([\d.]+),<([\d.]+)", line).groups()
        assert (Version(found_low), Version(found_high)) == (Version(low), Version(high)), line


def test_the_installed_engines_are_supported() -> None:
    assert engines.unsupported() == []


def test_an_engine_outside_its_range_is_named_with_the_range() -> None:
    installed = {name: low for name, (low, _) in engines.SUPPORTED.items()}
    assert engines.unsupported(installed) == []
    found = engines.unsupported(installed | {"mkdocs-material": "9.9.0", "jieba": None, "mkdocs": "junk"})
    assert found == [
        "mkdocs junk is installed, but this version of ChamberPress works with mkdocs>=1.6,<1.7 (install that: "
        "pip install 'mkdocs>=1.6,<1.7')",
        "mkdocs-material 9.9.0 is installed, but this version of ChamberPress works with mkdocs-material>=9.7,<9.9 "
        "(install that: pip install 'mkdocs-material>=9.7,<9.9')",
        "jieba is not installed (install 'jieba>=0.42,<0.43')",
    ]


def test_a_build_with_an_unsupported_engine_stops_before_anything_is_written(
    content: Path, out: Path, monkeypatch, capsys
) -> None:
    write_chamber(content, "test1")
    real = engines._installed
    monkeypatch.setattr(engines, "_installed", lambda name: "10.0.0" if name == "mkdocs-material" else real(name))
    assert main(["build", "test1", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 3
    assert "mkdocs-material 10.0.0 is installed" in capsys.readouterr().err
    assert not out.exists()


def test_what_a_build_replaces_in_the_libraries_is_theirs_again_after_it(content: Path, out: Path) -> None:
    import material.plugins.blog.plugin as blog_plugin
    import material.plugins.blog.structure as blog_structure
    from mkdocs.utils import meta

    from chamberpress.build.pipeline import build_chamber

    before = [
        blog_plugin.Excerpt,
        blog_plugin.format_date,
        blog_plugin.BlogPlugin.on_page_markdown,
        blog_structure.SafeLoader,
        meta.SafeLoader,
    ]
    write_chamber(content, "test1")
    for plain in (False, True):
        build_chamber("test1", content, out, today=TODAY, plain=plain)
        assert [
            blog_plugin.Excerpt,
            blog_plugin.format_date,
            blog_plugin.BlogPlugin.on_page_markdown,
            blog_structure.SafeLoader,
            meta.SafeLoader,
        ] == before


def test_the_checked_engines_are_among_those_every_key_is_made_with() -> None:
    assert set(engines.SUPPORTED) <= set(fingerprint.ENGINES)


def test_the_engines_versions_are_recalled_while_the_installation_is_the_same(tmp_path: Path, monkeypatch) -> None:
    """A build's start takes the engines' versions from the record written under the same installation stamp
    (no package's metadata read); under another stamp they are read and the record written again."""
    record = tmp_path / ".cache" / "engines.json"
    read: list[tuple[str, ...]] = []
    installed = fingerprint.package_versions

    def versions(*packages: str) -> str:
        read.append(packages)
        return installed(*packages)

    monkeypatch.setattr(fingerprint, "package_versions", versions)
    fingerprint.forget_engines()
    try:
        engines.recall_engines(record)
        assert (
            read == [fingerprint.ENGINES, fingerprint.LIBRARIES]
            and json.loads(record.read_text())["stamp"] == fingerprint.installation_stamp()
        )
        first = fingerprint.engines()
        fingerprint.forget_engines()
        engines.recall_engines(record)
        assert len(read) == 2 and fingerprint.engines() == first  # recalled, not read
        assert engines.unsupported() == [] and fingerprint.installed_versions()["mkdocs"].startswith("1.6")
        # Another installation (a package installed or upgraded): read again, and kept for the next.
        record.write_text(json.dumps({"stamp": "another installation", "versions": "mkdocs=1.6.99\n"}))
        fingerprint.forget_engines()
        engines.recall_engines(record)
        assert len(read) == 4 and json.loads(record.read_text())["versions"] == first.versions
        # What the record says under this stamp is what the build takes (and checks).
        record.write_text(
            json.dumps({"stamp": fingerprint.installation_stamp(), "versions": "mkdocs=1.5.0\n", "libraries": ""})
        )
        fingerprint.forget_engines()
        engines.recall_engines(record)
        assert len(read) == 4 and engines.unsupported()[0].startswith("mkdocs 1.5.0 is installed")
    finally:
        fingerprint.forget_engines()
