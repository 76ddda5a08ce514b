"""Unchanged chambers are skipped; any change to what a site is built from rebuilds it, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from conftest import ROOT, post, write_chamber


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of its own (base config and theme copied), so that the test may edit them."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    write_chamber(tmp_path / "content", "cached")
    return tmp_path


def build(project: Path, capsys, *extra: str) -> str:
    code = main(["build", "cached", "--content", str(project / "content"), "--out", str(project / "sites"),
                 "--today", "2026-11-25", *extra])
    assert code == 0
    return capsys.readouterr().out


def page(project: Path, rel: str) -> str:
    return (project / "sites/cached" / rel).read_text(encoding="utf-8")


def test_unchanged_chamber_is_skipped(project: Path, capsys) -> None:
    assert "✓ cached" in build(project, capsys)
    assert "· cached: unchanged" in build(project, capsys)
    assert "✓ cached" in build(project, capsys, "--force")


def test_edited_post_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    write_chamber(project / "content", "cached", files={
        "news/2026/2026-05-21-falv-peixun.md": post("法律知识培训班圆满结业", "2026-05-21", category="培训活动")})
    assert "✓ cached" in build(project, capsys)
    assert "法律知识培训班圆满结业" in page(project, "news/2026/05/21/falv-peixun/index.html")


def test_edited_template_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    footer = project / "theme/material/partials/copyright.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("会址：", "地址："), encoding="utf-8")
    assert "✓ cached" in build(project, capsys)
    from conftest import parse, text_of

    footer = text_of(parse(project / "sites/cached/index.html").cssselect(".cp-footer")[0])
    assert "地址：温州市鹿城区测试路1号" in footer and "会址：" not in footer


def test_edited_roster_row_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    write_chamber(project / "content", "cached", files={
        "members.csv": "名称,联系人,职务,行业\n甲公司,张三,会长,商贸\n丙新公司,王五,会员,餐饮\n"})
    assert "✓ cached" in build(project, capsys)
    directory = page(project, "members/index.html")
    assert "丙新公司" in directory and "乙公司" not in directory


def test_edited_base_config_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("permalink_title: 本段链接",
                                                                 "permalink_title: 本节链接"), encoding="utf-8")
    assert "✓ cached" in build(project, capsys)
    assert "本节链接" in page(project, "about/index.html") or "本节链接" in page(project, "charter/index.html")


def test_scheduled_post_coming_due_rebuilds(project: Path, capsys) -> None:
    write_chamber(project / "content", "cached", files={"news/2026/2026-12-01-later.md": post("十二月的新闻", "2026-12-01")})
    build(project, capsys)
    assert "· cached: unchanged" in build(project, capsys)
    code = main(["build", "cached", "--content", str(project / "content"), "--out", str(project / "sites"),
                 "--today", "2026-12-01"])
    assert code == 0 and "✓ cached" in capsys.readouterr().out
    assert (project / "sites/cached/news/2026/12/01/later/index.html").is_file()


def test_deleted_site_or_cache_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    shutil.rmtree(project / "sites/cached")
    assert "✓ cached" in build(project, capsys)
    shutil.rmtree(project / ".cache")
    assert "✓ cached" in build(project, capsys)
    assert "· cached: unchanged" in build(project, capsys)
