"""Unchanged chambers are skipped; any change to what a site is built from rebuilds it, never stale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chamberpress import fingerprint
from chamberpress.build import freshness
from chamberpress.build.freshness import is_fresh
from chamberpress.cli import main
from conftest import (
    CHAMBER_YML,
    ROOT,
    TODAY,
    calls_recorded,
    freed,
    needs_memory_builds,
    post,
    site_files,
    write_chamber,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of its own (base config and theme copied), so that the test may edit them."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    write_chamber(tmp_path / "content", "cached")
    return tmp_path


def build(project: Path, capsys, *extra: str) -> str:
    code = main(
        [
            "build",
            "cached",
            "--content",
            str(project / "content"),
            "--out",
            str(project / "sites"),
            "--today",
            "2026-11-25",
            *extra,
        ]
    )
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
    write_chamber(
        project / "content",
        "cached",
        files={
            "news/2026/2026-05-21-falv-peixun.md": post("法律知识培训班圆满结业", "2026-05-21", category="培训活动")
        },
    )
    assert "✓ cached" in build(project, capsys)
    assert "法律知识培训班圆满结业" in page(project, "news/2026/05/21/falv-peixun/index.html")


def test_edited_template_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    # Templates are compiled once and kept (Jinja's bytecode cache): an edited one is compiled again.
    assert len(list((project / ".cache/templates").glob("*/__jinja2_*"))) > 10
    footer = project / "theme/material/partials/copyright.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("会址：", "地址："), encoding="utf-8")
    assert "✓ cached" in build(project, capsys)
    from conftest import parse, text_of

    footer = text_of(parse(project / "sites/cached/about/index.html").cssselect(".cp-footer")[0])
    assert "地址：温州市鹿城区测试路1号" in footer and "会址：" not in footer


def test_edited_roster_row_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    write_chamber(
        project / "content",
        "cached",
        files={"members.csv": "名称,联系人,职务,行业\n甲公司,张三,会长,商贸\n丙新公司,王五,会员,餐饮\n"},
    )
    assert "✓ cached" in build(project, capsys)
    directory = page(project, "members/index.html")
    assert "丙新公司" in directory and "乙公司" not in directory


def test_edited_base_config_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("permalink_title: 本段链接", "permalink_title: 本节链接"),
        encoding="utf-8",
    )
    assert "✓ cached" in build(project, capsys)
    assert "本节链接" in page(project, "about/index.html") or "本节链接" in page(project, "charter/index.html")


def test_scheduled_post_coming_due_rebuilds(project: Path, capsys) -> None:
    write_chamber(
        project / "content", "cached", files={"news/2026/2026-12-01-later.md": post("十二月的新闻", "2026-12-01")}
    )
    build(project, capsys)
    assert "· cached: unchanged" in build(project, capsys)
    code = main(
        [
            "build",
            "cached",
            "--content",
            str(project / "content"),
            "--out",
            str(project / "sites"),
            "--today",
            "2026-12-01",
        ]
    )
    assert code == 0 and "✓ cached" in capsys.readouterr().out
    assert (project / "sites/cached/news/2026/12/01/later/index.html").is_file()


def test_a_later_day_rebuilds_where_the_site_shows_it_and_an_earlier_one_always(project: Path, capsys) -> None:
    """The day is an input where the site shows it (the events page's month view begins with this month)
    and only there; a day before the one built for is another site (a build with `--today` in the future,
    then one without)."""
    from conftest import CHAMBER_YML

    plan = CHAMBER_YML + "plan:\n  - date: 2026-12-10\n    title: 年终座谈会\n"
    write_chamber(project / "content", "cached", chamber_yml=plan)
    build(project, capsys)  # 2026-11-25
    assert "✓ cached" not in build(project, capsys, "--today", "2026-11-30")  # nothing shown changes
    assert "✓ cached" in build(project, capsys, "--today", "2026-12-01")  # a new month
    events = page(project, "events/index.html")
    assert 'id="m202612"' in events and 'id="m202611"' not in events
    # The reader's today is marked in the reader's browser (events.js), not the build's.
    assert "cp-month__today" not in events and "assets/javascripts/events.js" in events
    assert "✓ cached" in build(project, capsys, "--today", "2026-11-28")  # an earlier day
    assert 'id="m202611"' in page(project, "events/index.html")


def test_deleted_site_or_cache_rebuilds(project: Path, capsys) -> None:
    build(project, capsys)
    shutil.rmtree(project / "sites/cached")
    assert "✓ cached" in build(project, capsys)
    shutil.rmtree(project / ".cache")
    assert "✓ cached" in build(project, capsys)
    assert "· cached: unchanged" in build(project, capsys)


# What `chamber build` loads when nothing changed: the build records, a stat of every input, the catalogue.
NOT_LOADED_WHEN_UNCHANGED = {
    # The build's libraries (the task of the build, not of the answer that there is none).
    "jinja2",
    "yaml",
    "markdown",
    "mkdocs",
    "material",
    "pymdownx",
    "babel",  # the catalogue is read from its compiled copy (i18n.py)
    # Large imports the answer has no use for: logging, set up once there is work to do (cli._log_in_language);
    # the installed versions, taken from the record while the installation is the same (freshness.py).
    "logging",
    "dataclasses",
    "importlib.metadata",
}


def chamber_command(project: Path, *extra: str) -> subprocess.CompletedProcess:
    """`chamber build cached` as the editor runs it (the installed script, in Chinese), each import listed."""
    script = Path(sys.executable).with_name("chamber")
    command = [sys.executable, "-X", "importtime", str(script), "build", "cached", "--today", "2026-11-25", *extra]
    env = os.environ | {"CHAMBERPRESS_LANG": "zh"}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=True)


def imported(result: subprocess.CompletedProcess) -> set[str]:
    names = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return {name for name in names if name and name != "package"}


def test_a_build_with_nothing_to_do_loads_only_what_says_so(project: Path) -> None:
    """Nothing changed: the answer (each chamber skipped, the portal left as it is) comes without loading
    any of the build's libraries, and without touching the portal; the portal is still drawn again when it
    would differ."""
    assert "✓ cached" in chamber_command(project).stdout
    portal = project / "sites/index.html"
    before = portal.stat()
    unchanged = chamber_command(project)
    assert "· cached：自上次构建以来没有变化，跳过" in unchanged.stdout and "门户页：" in unchanged.stdout
    loaded = imported(unchanged)
    assert "chamberpress.build.freshness" in loaded  # the list of imports is read right
    assert not {
        name for name in loaded if name in NOT_LOADED_WHEN_UNCHANGED or name.split(".")[0] in NOT_LOADED_WHEN_UNCHANGED
    }
    assert not {name for name in loaded if name.startswith(("chamberpress.site", "chamberpress.content"))}
    after = portal.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # A portal file gone: the portal is drawn again (and the chamber still skipped).
    (project / "sites/feed.xml").unlink()
    again = chamber_command(project)
    assert "· cached：" in again.stdout and "jinja2" in imported(again)
    assert (project / "sites/feed.xml").is_file() and portal.stat().st_ino != before.st_ino
    assert "jinja2" not in imported(chamber_command(project))


def test_the_installed_versions_are_read_only_when_the_installation_changed(project: Path, capsys, monkeypatch) -> None:
    """The build record keeps the engines' versions its key was made with and the installation stamp they
    were read under: while the stamp is the same they are not read again; when it differs they are, and
    other versions build the chamber again."""
    build(project, capsys)
    read: list[tuple[str, ...]] = []
    installed = fingerprint.package_versions

    def versions(*packages: str) -> str:
        read.append(packages)
        return installed(*packages)

    def fresh() -> bool:
        return is_fresh("cached", project / "content", project / "sites", project, TODAY)

    monkeypatch.setattr(fingerprint, "package_versions", versions)
    fingerprint.forget_engines()
    try:
        assert fresh() and read == []
        monkeypatch.setattr(freshness, "installation_stamp", lambda: "another installation")
        assert fresh() and read[0] == fingerprint.ENGINES  # read, and the same
        fingerprint.forget_engines()
        monkeypatch.setattr(fingerprint, "package_versions", lambda *packages: "mkdocs=1.6.99\n")
        assert not fresh()  # an engine upgraded
    finally:
        fingerprint.forget_engines()


# --- the page cache (converted Markdown, .cache/pages/) -------------------------------------------------------


def test_page_linking_to_a_moved_post_follows_it(project: Path, capsys) -> None:
    """A page whose own Markdown is unchanged is converted again when a page it links to moves."""
    about = "---\ntitle: 商会简介\n---\n\n见[培训班](../news/2026/2026-05-21-falv-peixun.md)。\n"
    write_chamber(project / "content", "cached", files={"pages/about.md": about})
    build(project, capsys)
    assert 'href="../news/2026/05/21/falv-peixun/"' in page(project, "about/index.html")
    write_chamber(
        project / "content",
        "cached",
        files={
            "pages/about.md": about,
            "news/2026/2026-05-21-falv-peixun.md": post(
                "法律知识培训班开班", "2026-05-21", category="培训活动", slug="peixun-ban"
            ),
        },
    )
    assert "✓ cached" in build(project, capsys)
    about_html = page(project, "about/index.html")
    assert 'href="../news/2026/05/21/peixun-ban/"' in about_html and "falv-peixun" not in about_html


def test_a_post_added_is_the_one_page_converted(project: Path, capsys, monkeypatch) -> None:
    """A page's cached conversion holds while the files its links name are as they were: a post added
    converts that post alone (not every page, as when the cache was keyed by all the site's files)."""
    from chamberpress.site import render_cache

    about = "---\ntitle: 商会简介\n---\n\n见[培训班](../news/2026/2026-05-21-falv-peixun.md)。\n"
    write_chamber(project / "content", "cached", files={"pages/about.md": about})
    build(project, capsys, "--jobs", "1")
    converted: list[str] = []
    convert = render_cache.PageRenderer._convert
    monkeypatch.setattr(
        render_cache.PageRenderer,
        "_convert",
        lambda self, page: converted.append(page.file.src_uri) or convert(self, page),
    )
    added = project / "content/cached/news/2026/2026-06-01-xinwen.md"
    added.write_text(post("新增的一篇新闻", "2026-06-01", body="新增正文。"), encoding="utf-8")
    assert "✓ cached" in build(project, capsys, "--jobs", "1")
    assert converted == ["news/posts/2026/2026-06-01-xinwen.md"]
    assert "新增正文" in page(project, "news/2026/06/01/xinwen/index.html")


def test_a_deleted_post_s_frame_is_removed_by_the_next_build(project: Path, capsys) -> None:
    """Frames (site/frames.py) are kept for the posts of the site only: a post deleted leaves none behind."""
    from chamberpress.build.cache_layout import frames_dir
    from chamberpress.site.frames import FrameStore

    build(project, capsys)
    frames = FrameStore(frames_dir(project / "content", "cached"))
    deleted, kept = "news/2025/12/30/nianhui/index.html", "news/2026/05/21/falv-peixun/index.html"
    assert frames.load(deleted) is not None and frames.load(kept) is not None
    (project / "content/cached/news/2025/2025-12-30-nianhui.md").unlink()
    assert "✓ cached" in build(project, capsys)
    assert frames.load(deleted) is None and frames.load(kept) is not None


def cached_pages(project: Path) -> dict[str, dict]:
    """The page cache of the test chamber: its shards' pages together."""
    pages: dict[str, dict] = {}
    for shard in sorted((project / ".cache/pages/cached").glob("*.json")):
        pages.update(json.loads(shard.read_text(encoding="utf-8"))["values"])
    return pages


def test_page_cache_holds_this_build_only_and_may_be_deleted(project: Path, capsys) -> None:
    build(project, capsys)
    first = cached_pages(project)
    assert any("正文第一段" in entry["content"] for entry in first.values())
    assert all(
        key.startswith(shard.stem)
        for shard in (project / ".cache/pages/cached").glob("*.json")
        for key in json.loads(shard.read_text(encoding="utf-8"))["values"]
    )
    shards = [*(project / ".cache/pages/cached").glob("*.json"), *(project / ".cache/staged/cached").glob("*.json")]
    stamps = {shard: shard.stat().st_mtime_ns for shard in shards}
    staged = {
        k: v
        for shard in (project / ".cache/staged/cached").glob("*.json")
        for k, v in json.loads(shard.read_text(encoding="utf-8"))["values"].items()
    }
    assert len(staged) == 2 and all(text.startswith("---\n") for text in staged.values())  # the published posts
    write_chamber(
        project / "content",
        "cached",
        files={"news/2025/2025-12-30-nianhui.md": post("商会召开2025年年会", "2025-12-30", body="改写后的正文。")},
    )
    build(project, capsys)
    second = cached_pages(project)
    assert len(second) == len(first)  # the old version of the post is dropped
    # Only the shards of the page's old and new keys are written again (converted pages, staged posts).
    rewritten = [shard for shard in stamps if shard.stat().st_mtime_ns != stamps[shard]]
    new = [
        p
        for p in [*(project / ".cache/pages/cached").glob("*.json"), *(project / ".cache/staged/cached").glob("*.json")]
        if p not in stamps
    ]
    assert 2 <= len(rewritten) + len(new) <= 4, (rewritten, new)
    assert any("改写后的正文" in entry["content"] for entry in second.values())
    assert "改写后的正文" in page(project, "news/2025/12/30/nianhui/index.html")
    before = page(project, "news/2025/12/30/nianhui/index.html")
    shutil.rmtree(project / ".cache")
    build(project, capsys, "--force")
    assert page(project, "news/2025/12/30/nianhui/index.html") == before


def test_cached_build_equals_uncached_and_workers_equal_one_process(project: Path, capsys) -> None:
    """The same site whether pages come from the cache or not, and drawn by one process or two."""
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY

    content = project / "content"
    build_chamber("cached", content, project / "one", today=TODAY, workers=1)  # empty cache
    build_chamber("cached", content, project / "two", today=TODAY, workers=2)  # from the cache
    assert cached_pages(project)
    one, two = site_files(project / "one/cached"), site_files(project / "two/cached")
    assert len(one) > 20 and one.keys() == two.keys()
    assert [rel for rel in one if one[rel] != two[rel]] == []


def test_two_processes_share_out_a_first_build_and_make_the_site_one_makes(project: Path, monkeypatch) -> None:
    """A first build with two processes: the members' docs made by the process started before loading,
    pages converted from both ends of the list and drawn from a shared queue, each exactly once by one
    of two processes — and the site byte for byte the one a single process builds."""
    import os

    import chamberpress.site.mkdocs_adapter as adapter
    import chamberpress.site.prepare as prepare
    import chamberpress.site.render_cache as render_cache
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY

    content, log = project / "content", project / "drawn.log"
    build_chamber("cached", content, project / "one", today=TODAY, workers=1)
    shutil.rmtree(project / ".cache")  # the second is a first build too

    claims: list = []
    original_claims, original_draw = render_cache._Claims.__init__, adapter._draw_from

    def recording_claims(self, count):
        original_claims(self, count)
        claims.append((self, count))

    def recording_draw(queue, draw, config, doc_files, *rest):
        def logged(page, *args, **kwargs):
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {page.file.dest_uri}\n")
            return draw(page, *args, **kwargs)

        original_draw(queue, logged, config, doc_files, *rest)

    original_members = prepare._members_knowing

    def recording_members(chamber, known):
        (project / "members.pid").write_text(str(os.getpid()))
        return original_members(chamber, known)

    monkeypatch.setattr(render_cache._Claims, "__init__", recording_claims)
    monkeypatch.setattr(adapter, "_draw_from", recording_draw)
    monkeypatch.setattr(prepare, "_members_knowing", recording_members)
    build_chamber("cached", content, project / "two", today=TODAY, workers=2)

    assert int((project / "members.pid").read_text()) != os.getpid()
    ((shared, count),) = claims
    front, back = shared.ends.read()
    assert 0 < front <= count - 1 and back == front - 1  # both converted some, and met
    drawn = [line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len({pid for pid, _ in drawn}) == 2
    pages = [dest for _, dest in drawn]
    assert len(pages) == len(set(pages)) > 10
    one, two = site_files(project / "one/cached"), site_files(project / "two/cached")
    assert sorted(rel for rel in one if rel.endswith(".html") and not rel.startswith("404")) == sorted(
        p for p in pages if not p.startswith("404")
    )
    assert one.keys() == two.keys()
    assert [rel for rel in one if one[rel] != two[rel]] == []


def on_disk(monkeypatch) -> None:
    """Build as where there is no memory file system: the site and its staged docs on disk."""
    import chamberpress.build.site_folders

    monkeypatch.setattr(chamberpress.build.site_folders, "make_scratch", lambda out, slug: None)


def test_staging_in_memory_leaves_nothing_under_the_cache(project: Path, capsys) -> None:
    needs_memory_builds(project / "sites")
    build(project, capsys)
    assert not (project / ".cache/stage").exists()
    assert freed(project / "sites", "cached")
    assert "商会召开2025年年会" in page(project, "news/index.html")


def test_deleted_post_leaves_the_kept_staging(project: Path, capsys, monkeypatch) -> None:
    """On disk the staged docs are kept between builds (.cache/stage/): a post deleted from content/
    leaves them."""
    on_disk(monkeypatch)
    build(project, capsys)
    assert list((project / ".cache/stage").rglob("2025-12-30-nianhui.md"))
    write_chamber(project / "content", "cached", files={"news/2025/2025-12-30-nianhui.md": None})
    assert "✓ cached" in build(project, capsys)
    assert not list((project / ".cache/stage").rglob("2025-12-30-nianhui.md"))
    assert not (project / "sites/cached/news/2025/12/30/nianhui").exists()
    assert "商会召开2025年年会" not in page(project, "news/index.html")


def test_only_posts_and_files_are_staged_on_disk(project: Path, capsys, monkeypatch) -> None:
    """Generated texts (profiles, directory, charter, pages) reach MkDocs in memory: nothing to write or
    compare for them on the next build; the blog's posts and the photos are staged as files."""
    on_disk(monkeypatch)
    build(project, capsys)
    staged = {
        p.relative_to(next((project / ".cache/stage").glob("*/cached/docs"))).as_posix()
        for p in (project / ".cache/stage").rglob("docs/**/*")
        if p.is_file()
    }
    assert any(rel.startswith("news/posts/") and rel.endswith(".md") for rel in staged)
    assert not [rel for rel in staged if rel.endswith(".md") and not rel.startswith("news/")]
    assert "charter.md" not in staged and "index.md" not in staged
    profiles = [p for p in (project / "sites/cached/members").iterdir() if (p / "index.html").is_file()]
    assert profiles and "会员名录" in page(project, "members/index.html")
    assert "章程" in page(project, "charter/index.html")


def test_profiles_from_the_shell_equal_the_full_template(tmp_path: Path, monkeypatch) -> None:
    """Member profiles drawn from one shell are byte for byte those Material's full template draws,
    including a member whose name the templates escape (drawn in full)."""
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.site.profile_pages import ProfileShell
    from conftest import TODAY

    rows = ["名称,联系人,职务,行业,简介"] + [
        f"{name}有限公司,联系人{n},会员,商贸,主营{name}。"
        for n, name in enumerate(["甲乙", "丙丁", "戊己", "庚辛", "壬癸"])
    ]
    rows.append('"A&B <贸易> 公司",某某,会员,商贸,介绍')
    content = tmp_path / "content"
    write_chamber(content, "shell", files={"members.csv": "\n".join(rows) + "\n"})

    shells = calls_recorded(monkeypatch, ProfileShell, "build_page")
    build_chamber("shell", content, tmp_path / "fast", today=TODAY, workers=1)
    assert shells and shells[-1][0].check.trusted is True  # the shell was used, not only checked
    monkeypatch.setattr(ProfileShell, "build_page", lambda self, *a, **k: self.draw(*a, **k))
    build_chamber("shell", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/shell"), site_files(tmp_path / "full/shell")
    profiles = [rel for rel in full if rel.startswith("members/") and rel.count("/") == 2]
    assert len(profiles) >= 6
    assert fast.keys() == full.keys()
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def _long_lists(content: Path, slug: str) -> None:
    """A chamber whose news index, one category and one year's archive have many pages each."""
    files = {
        f"news/2025-{1 + n % 12:02d}-{1 + n % 27:02d}-p{n:03d}.md": post(
            f"第{n}篇 <简讯> & 动态", f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}", body=f"正文{n}。", category="商会动态"
        )
        for n in range(65)
    }
    write_chamber(content, slug, chamber_yml=CHAMBER_YML + "site_url: https://test.example.cn/\n", files=files)


def test_later_list_pages_from_their_list_s_shell_equal_the_full_template(tmp_path: Path, monkeypatch) -> None:
    """The later pages of each long news list drawn from the list's shell are byte for byte those Material's
    full template draws (the canonical link of each page its own), and each list has its own shell."""
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.site.list_pages import CHECKED, ListShells
    from conftest import TODAY

    content = tmp_path / "content"
    _long_lists(content, "lists")
    filled = calls_recorded(monkeypatch, ListShells, "_drawn")
    build_chamber("lists", content, tmp_path / "fast", today=TODAY, workers=1)
    shells = filled[-1][0]
    assert not shells.failed
    assert len([shell for shell in shells.shells.values() if shell]) == 3  # the index, the category, the year
    assert set(shells.checks.values()) == {CHECKED}
    assert len(filled) > 3 * CHECKED + 6  # pages drawn from the shells alone
    monkeypatch.setattr(ListShells, "build_page", lambda self, *a, **k: self.draw(*a, **k))
    build_chamber("lists", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/lists"), site_files(tmp_path / "full/lists")
    later = [rel for rel in full if "/page/" in rel and rel.endswith("index.html")]
    assert len(later) >= 3 * 5
    page = full["news/category/shang-hui-dong-tai/page/7/index.html"].decode()
    assert '<link rel="canonical" href="https://test.example.cn/news/category/shang-hui-dong-tai/page/7/">' in page
    assert fast.keys() == full.keys()
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def test_a_post_s_title_holding_a_list_shell_s_marker_is_shown_as_written(tmp_path: Path, monkeypatch) -> None:
    """The shell's address is put in before a page's block: a title that holds the marker (an escape
    character in the front matter) on a page drawn from the shell alone is shown as the full template shows it."""
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.site.list_pages import ListShells
    from conftest import TODAY

    content = tmp_path / "content"
    _long_lists(content, "lists")
    (content / "lists/news/2024-01-02-marker.md").write_text(
        post('"标记\\eADDRESS\\e标题"', "2024-01-02", category="商会动态"), encoding="utf-8"
    )
    build_chamber("lists", content, tmp_path / "fast", today=TODAY, workers=1)
    monkeypatch.setattr(ListShells, "build_page", lambda self, *a, **k: self.draw(*a, **k))
    build_chamber("lists", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/lists"), site_files(tmp_path / "full/lists")
    last = "news/page/7/index.html"
    assert "标记\x1bADDRESS\x1b标题</a>".encode() in full[last]
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def test_a_list_shell_that_holds_a_page_s_own_value_is_not_used(tmp_path: Path, monkeypatch) -> None:
    """A shell drawn with a value of the page it was made from (here its address, left unmarked) differs
    from the full template on the next page checked: every list page is then drawn in full."""
    import contextlib

    import chamberpress.site.list_pages as list_pages
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY

    content = tmp_path / "content"
    _long_lists(content, "lists")
    monkeypatch.setattr(list_pages, "address_marked", lambda page: contextlib.nullcontext())
    filled = calls_recorded(monkeypatch, list_pages.ListShells, "_drawn")
    build_chamber("lists", content, tmp_path / "fast", today=TODAY, workers=1)
    assert filled[-1][0].failed
    monkeypatch.setattr(list_pages.ListShells, "build_page", lambda self, *a, **k: self.draw(*a, **k))
    build_chamber("lists", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/lists"), site_files(tmp_path / "full/lists")
    assert fast.keys() == full.keys()
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def test_profiles_converted_by_the_shortcut_equal_the_full_conversion(tmp_path: Path, monkeypatch) -> None:
    """A profile's heading is converted and its HTML block put after it as Markdown would leave it: the
    site is byte for byte the one full conversion makes — intros of several paragraphs, escaped names,
    websites and phone links included."""
    import chamberpress.site.render_cache as render_cache
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY

    rows = ["名称,联系人,职务,行业,电话,网站,简介"] + [
        f'{name}有限公司,联系人{n},会员,商贸,0577-8888000{n},https://{n}.example.cn,"主营{name}。\n第二段*不是*强调。"'
        for n, name in enumerate(["甲乙", "丙丁", "戊己", "庚辛", "壬癸"])
    ]
    rows.append('"A&B <贸易> 公司",某某,会员,商贸,,,"介绍 # 不是标题"')
    content = tmp_path / "content"
    write_chamber(content, "shortcut", files={"members.csv": "\n".join(rows) + "\n"})

    shortcuts = calls_recorded(monkeypatch, render_cache.PageRenderer, "_convert_profile")
    build_chamber("shortcut", content, tmp_path / "fast", today=TODAY, workers=1)
    assert len(shortcuts) >= 6
    monkeypatch.setattr(render_cache, "is_profile_path", lambda src_uri: False)
    shutil.rmtree(tmp_path / ".cache", ignore_errors=True)
    build_chamber("shortcut", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/shortcut"), site_files(tmp_path / "full/shortcut")
    assert [rel for rel in full if rel.startswith("members/") and rel.count("/") == 2]
    assert fast.keys() == full.keys()
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def test_member_url_names_and_sort_keys_are_kept_between_builds(project: Path, capsys, monkeypatch) -> None:
    from chamberpress.site import directory

    build(project, capsys)
    memos = list((project / ".cache/slugs").glob("*.json"))
    assert len(memos) == 1
    kept = json.loads(memos[0].read_text(encoding="utf-8"))
    assert kept["slugs"]["甲公司"] == "jia" and kept["readings"]["甲公司"] == "jia3 gong1 si1"
    # The news categories' URL names too (the blog asks for them; the pinyin dictionary is not loaded for them).
    assert kept["pinyin"]["商会动态"] == "shang-hui-dong-tai"
    # The next build takes them from the memo instead of computing them again.
    from chamberpress import chinese

    monkeypatch.setattr(directory, "KNOWN_SLUGS", {})
    monkeypatch.setattr(directory, "KNOWN_READINGS", {})
    monkeypatch.setattr(chinese, "KNOWN_PINYIN", {})
    monkeypatch.setattr(directory, "pinyin_key", lambda text: pytest.fail(f"computed again: {text}"))
    monkeypatch.setattr(chinese, "_pinyin_slug", lambda *args: pytest.fail(f"computed again: {args}"))
    build(project, capsys, "--force")
    assert directory.KNOWN_READINGS["乙公司"] == kept["readings"]["乙公司"]
    assert chinese.KNOWN_PINYIN["商会动态"] == "shang-hui-dong-tai"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the members' docs are made by a forked process")
def test_a_first_build_with_two_processes_leaves_the_pinyin_dictionary_to_the_members_process(project: Path) -> None:
    """With no names kept yet, the members' process makes the news categories' URL names and the chamber's
    sort key too: the building process never loads pypinyin's dictionary (tens of MiB at its peak)."""
    script = (
        "import sys\n"
        "from chamberpress.cli import main\n"
        f"code = main(['build', 'cached', '--content', {str(project / 'content')!r}, '--out', "
        f"{str(project / 'sites')!r}, '--today', '2026-11-25', '--jobs', '2'])\n"
        "print(code, 'pypinyin' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "0 False", done.stdout[-2000:] + done.stderr[-2000:]
    (memo,) = (project / ".cache/slugs").glob("*.json")
    kept = json.loads(memo.read_text(encoding="utf-8"))
    assert kept["pinyin"]["商会动态"] == "shang-hui-dong-tai"  # made there, kept here
    assert kept["readings"]["温州市测试商会"] and kept["slugs"]["甲公司"] == "jia"
    assert (project / "sites/cached/news/category/shang-hui-dong-tai/index.html").is_file()


def test_unchanged_posts_are_copied_and_any_change_draws_them_again(project: Path, capsys, monkeypatch, caplog) -> None:
    """Posts and news lists whose inputs are unchanged are copied from the published site (kept_pages.py);
    after every kind of change the site equals a build from nothing."""
    import mkdocs.commands.build as mkdocs_build
    from chamberpress.build import pipeline
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.site.kept_pages import kind_of
    from conftest import TODAY

    content = project / "content"
    posts = {
        f"news/2026/2026-0{m}-0{d}-p{m}{d}.md": post(f"新闻{m}{d}", f"2026-0{m}-0{d}", body=f"第{m}{d}篇正文。")
        for m in range(1, 4)
        for d in range(1, 4)
    }
    write_chamber(content, "cached", files=posts)
    drawn: list[str] = []
    lists: list[str] = []
    draw = mkdocs_build._build_page

    def spy(page, *args, **kwargs):
        if kind_of(page) == "post":
            drawn.append(page.file.src_uri)
        elif kind_of(page) == "list":
            lists.append(page.url)
        return draw(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", spy)

    caplog.set_level("INFO", logger="chamberpress.site.kept_pages")

    def rebuild_equals_fresh(step: str, *, full: bool = False) -> list[str]:
        """`full`: the full build even where the change is an edit to a post's text alone (text_edit.py)."""
        drawn.clear()
        lists.clear()
        caplog.clear()
        with monkeypatch.context() as patches:
            if full:
                patches.setattr(pipeline, "try_text_edit", lambda *args, **kwargs: None)
            build_chamber("cached", content, project / "sites", today=TODAY, workers=1)
        # Every page drawn because its key changed, none because a copy was found to differ (the check
        # that keeps a key missing an input from publishing stale pages).
        assert "differs from the one drawn now" not in caplog.text, step
        redrawn = list(drawn)
        counted = len(lists)  # the lists the fresh build draws are not counted
        shutil.rmtree(project / "fresh", ignore_errors=True)
        build_chamber("cached", content, project / "fresh", today=TODAY, workers=1)
        del lists[counted:]
        built, fresh = site_files(project / "sites/cached"), site_files(project / "fresh/cached")
        assert built.keys() == fresh.keys(), step
        assert [rel for rel in built if built[rel] != fresh[rel]] == [], step
        return redrawn

    assert len(rebuild_equals_fresh("first build")) == 11
    every_list = set(lists)
    assert {"news/", "news/page/2/", "news/archive/2025/", "news/archive/2026/"} <= every_list, every_list
    # A post's text, by the full build: that post is drawn, and two others to check the copies; the rest are
    # copied. Its summary (the first paragraph) changed: the lists that show it are drawn, the others copied.
    (content / "cached/news/2026/2026-02-02-p22.md").write_text(
        post("新闻22", "2026-02-02", body="改写后的正文。"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a post's text", full=True)
    assert any("p22" in r for r in redrawn) and len(redrawn) == 3, redrawn
    showing = {"news/", "news/page/2/", "news/archive/2026/", "news/category/shang-hui-dong-tai/"}
    assert showing <= set(lists) and len(set(lists) - showing) <= 2, lists  # and at most two checks
    # Text after the first paragraph: an edit to the post's text alone, put into its page without MkDocs
    # (build/text_edit.py): nothing is drawn.
    (content / "cached/news/2026/2026-02-02-p22.md").write_text(
        post("新闻22", "2026-02-02", body="改写后的正文。\n\n补充的第二段。"), encoding="utf-8"
    )
    assert rebuild_equals_fresh("a post's second paragraph") == [] and lists == [], lists
    # With a heading as well (another table of contents), the full build: the lists are as they were (two
    # drawn to check the copies).
    (content / "cached/news/2026/2026-02-02-p22.md").write_text(
        post("新闻22", "2026-02-02", body="改写后的正文。\n\n## 小标题\n\n补充的第二段。"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a post's heading")
    assert any("p22" in r for r in redrawn) and len(redrawn) == 3 and len(lists) == 2, (redrawn, lists)
    # A post's category (an existing one: no other page changes), then a title (shown by its neighbours),
    # a post added (its neighbours' links change): those posts are drawn, and two others to check the
    # copies. The chamber's name, a template, the year in the footer: every post is drawn again.
    (content / "cached/news/2026/2026-01-01-p11.md").write_text(
        post("新闻11", "2026-01-01", body="第11篇正文。", category="培训活动"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a category")
    assert any("p11" in r for r in redrawn) and len(redrawn) == 3, redrawn
    (content / "cached/news/2026/2026-03-03-p33.md").write_text(
        post("新的标题", "2026-03-03", body="第33篇正文。"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a title")
    assert {"2026-03-02-p32", "2026-03-03-p33", "2026-05-21-falv-peixun"} <= {Path(r).stem for r in redrawn}, redrawn
    assert len(redrawn) == 5, redrawn
    (content / "cached/news/2026/2026-03-04-p34.md").write_text(
        post("新闻34", "2026-03-04", body="第34篇正文。"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a post added")
    assert {"2026-03-03-p33", "2026-03-04-p34", "2026-05-21-falv-peixun"} <= {Path(r).stem for r in redrawn}, redrawn
    assert len(redrawn) == 5 and {"news/", "news/page/2/", "news/archive/2026/"} <= set(lists), (redrawn, lists)
    # The roster: the news pages show nothing of it (the two checks are drawn, no list).
    (content / "cached/members.csv").write_text(
        "名称,联系人,职务,行业\n甲公司,张三,会长,商贸\n丙新公司,王五,会员,餐饮\n", encoding="utf-8"
    )
    assert len(rebuild_equals_fresh("a roster row")) == 2 and len(lists) == 2, lists
    assert "丙新公司" in (project / "sites/cached/members/index.html").read_text(encoding="utf-8")
    chamber_yml = content / "cached/chamber.yml"
    chamber_yml.write_text(
        chamber_yml.read_text(encoding="utf-8").replace("温州市测试商会", "温州市测验商会"), encoding="utf-8"
    )
    assert len(rebuild_equals_fresh("the chamber's name")) == 12
    template = project / "theme/material/blog-post.html"
    template.write_text(template.read_text(encoding="utf-8").replace("栏目：<a", "所属栏目：<a"), encoding="utf-8")
    assert len(rebuild_equals_fresh("a template")) == 12
    assert "所属栏目：" in (project / "sites/cached/news/2026/01/01/p11/index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01: the footer's year
    assert len(rebuild_equals_fresh("the year")) == 12
    # A published post changed by hand is drawn again, not copied.
    page = project / "sites/cached/news/2026/01/02/p12/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- 手工修改 -->", encoding="utf-8")
    (content / "cached/news/2026/2026-02-02-p22.md").write_text(
        post("新闻22", "2026-02-02", body="再次改写。"), encoding="utf-8"
    )
    redrawn = rebuild_equals_fresh("a page changed by hand", full=True)
    assert any("p12" in r for r in redrawn) and len(redrawn) == 4, redrawn


def test_a_shortcut_is_trusted_after_equal_results_and_never_after_a_difference() -> None:
    from chamberpress.site.checked import Checked

    check = Checked(2)
    check.compare("甲", "甲")
    assert check.trusted is None
    check.compare("乙", "乙")
    assert check.trusted is True
    check = Checked(2)
    check.compare("甲", "甲")
    check.compare("甲", "乙")
    check.compare("丙", "丙")
    assert check.trusted is False


def test_staged_posts_are_kept_and_made_again_when_what_they_depend_on_changes(tmp_path: Path, monkeypatch) -> None:
    """A post's staged Markdown is taken from the memo only while the post and everything its links
    resolve through (where the posts it links land, the chamber's files) are as they were."""
    import datetime as dt

    from chamberpress.site import docs
    from chamberpress.content.load import load_chamber
    from chamberpress.site.docs import StagedPosts, content_tree

    content = tmp_path / "content"
    write_chamber(
        content,
        "memo",
        files={
            "news/2026/2026-03-01-a.md": post(
                "甲", "2026-03-01", body="见[乙](2026-03-02-b.md)和[附件](files/表.pdf)。"
            ),
            "news/2026/2026-03-02-b.md": post("乙", "2026-03-02", body="乙的正文。"),
            "news/2026/files/表.pdf": b"%PDF-1.4 test",
        },
    )
    made: list[str] = []
    original = docs._post_markdown
    monkeypatch.setattr(
        docs, "_post_markdown", lambda chamber, p, locate: made.append(p.rel) or original(chamber, p, locate)
    )
    today = dt.date(2026, 11, 25)
    staged = StagedPosts()

    def step(name: str) -> list[str]:
        nonlocal staged
        chamber = load_chamber(content, "memo", today=today)
        made.clear()
        kept = StagedPosts(known=staged.used)
        with_memo = content_tree(chamber, members=lambda: {}, staged=kept)
        remade = sorted(made)
        without = content_tree(chamber, members=lambda: {})
        posts = [rel for rel in without if rel.startswith("news/posts/")]
        assert {rel: with_memo[rel] for rel in posts} == {rel: without[rel] for rel in posts}, name
        staged = kept
        return remade

    assert len(step("first")) > 2
    assert step("nothing changed") == []
    write_chamber(
        content,
        "memo",
        default_files=False,
        files={"news/2026/2026-03-02-b.md": post("乙", "2026-03-02", body="乙的新正文。")},
    )
    assert step("a post's text") == ["2026/2026-03-02-b.md"]
    write_chamber(
        content,
        "memo",
        default_files=False,
        files={"news/2026/2026-03-02-b.md": post("乙", "2026-03-05", body="乙的新正文。")},
    )
    # A linked post's address moves with its date: links are staged to its file, MkDocs makes the address.
    assert step("a linked post's date") == ["2026/2026-03-02-b.md"]
    (content / "memo/news/2026/files/另表.pdf").write_bytes(b"%PDF-1.4 other")
    assert len(step("a file added to the folder")) == 4  # the folder's files: every post again
    (content / "memo/news/2026/files/表.pdf").unlink()
    (content / "memo/news/2026/files/表.pdf").symlink_to("另表.pdf")  # the link now leads to another file
    assert "2026/2026-03-01-a.md" in step("a linked file became a link to another")


def test_the_cycle_collector_is_paused_during_a_build_only(tmp_path: Path, monkeypatch) -> None:
    import gc

    import chamberpress.build.pipeline as build_module
    from conftest import TODAY

    write_chamber(tmp_path / "content", "gc")
    seen: list[bool] = []
    load = build_module.load_chamber
    monkeypatch.setattr(build_module, "load_chamber", lambda *a, **k: seen.append(gc.isenabled()) or load(*a, **k))
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(build_module, "_built_here", False)
    build_module.build_chamber("gc", tmp_path / "content", tmp_path / "sites", today=TODAY)
    assert seen == [False] and gc.isenabled() and collected == []
    build_module.build_chamber("gc", tmp_path / "content", tmp_path / "sites2", today=TODAY)
    assert seen == [False, False] and collected == [1]  # what the first build left, collected first
    gc.disable()
    try:
        build_module.build_chamber("gc", tmp_path / "content", tmp_path / "sites3", today=TODAY)
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_the_build_command_leaves_its_last_garbage_to_the_exit(project: Path, capsys) -> None:
    """`chamber build` (cli.run, which leaves right after) does not turn the cycle collector back on after
    its builds; the same command run from a caller that goes on (main) does."""
    import gc

    args = [
        "build",
        "cached",
        "--content",
        str(project / "content"),
        "--out",
        str(project / "sites"),
        "--today",
        "2026-11-25",
    ]
    try:
        assert main(args, leaving=True) == 0 and not gc.isenabled()
    finally:
        gc.enable()
    assert main(args + ["--force"]) == 0 and gc.isenabled()
    assert "✓ cached" in capsys.readouterr().out


def test_navigation_drawn_once_equals_every_page_drawing_its_own(tmp_path: Path, monkeypatch) -> None:
    """Material's navigation and tabs, drawn once for the pages that see them alike (nav_memo.py), and the
    translated strings looked up once: the site is byte for byte the one where every page draws its own —
    posts of several years and categories, news lists over several pages, profiles, pages of the navigation."""
    from chamberpress.build.pipeline import build_chamber
    from chamberpress.site.nav_memo import NavMemo, StringsMemo
    from conftest import TODAY

    posts = {
        f"news/{2024 + n % 3}/{2024 + n % 3}-0{1 + n % 9}-1{n % 10}-p{n}.md": post(
            f"第{n}期动态", f"{2024 + n % 3}-0{1 + n % 9}-1{n % 10}", category=["商会动态", "会员风采"][n % 2]
        )
        for n in range(25)
    }
    content = tmp_path / "content"
    write_chamber(content, "memo", files=posts)

    memos = calls_recorded(monkeypatch, NavMemo, "__call__")
    build_chamber("memo", content, tmp_path / "fast", today=TODAY, workers=1)
    memo = memos[-1][0]
    assert memo.check.trusted is True and len(memo.drawn) >= 2  # used, not only checked; pages differ
    assert len(memos) > 4 * len(memo.drawn)  # most pages took a navigation drawn before
    monkeypatch.setattr(NavMemo, "key", lambda self, page, nav: None)
    monkeypatch.setattr(StringsMemo, "__call__", lambda self, key, *, caller: caller())
    shutil.rmtree(tmp_path / ".cache", ignore_errors=True)
    build_chamber("memo", content, tmp_path / "full", today=TODAY, workers=1)
    fast, full = site_files(tmp_path / "fast/memo"), site_files(tmp_path / "full/memo")
    assert {"news/page/2/index.html", "news/archive/2025/index.html"} <= full.keys()
    assert fast.keys() == full.keys()
    assert [rel for rel in full if fast[rel] != full[rel]] == []


def test_a_navigation_that_differs_when_drawn_again_is_drawn_for_every_page() -> None:
    """Until trusted, a navigation found drawn is drawn again and compared; a difference, and every page
    draws its own for the rest of the build."""
    from chamberpress.site.nav_memo import CHECKED, NavMemo

    memo = NavMemo()
    memo.key = lambda page, nav: ("same place",)
    drawn = iter(f"<nav>{n}</nav>" for n in range(100))
    assert memo("nav", None, None, caller=lambda: next(drawn)) == "<nav>0</nav>"
    assert memo("nav", None, None, caller=lambda: next(drawn)) == "<nav>1</nav>"  # drawn again, differs
    assert memo.check.trusted is False
    assert [memo("nav", None, None, caller=lambda: next(drawn)) for _ in range(3)] == [
        "<nav>2</nav>",
        "<nav>3</nav>",
        "<nav>4</nav>",
    ]

    steady = NavMemo()
    steady.key = lambda page, nav: ("same place",)
    calls = []

    def draw() -> str:
        calls.append(1)
        return "<nav>x</nav>"

    assert {steady("nav", None, None, caller=draw) for _ in range(10)} == {"<nav>x</nav>"}
    assert steady.check.trusted is True and len(calls) == 1 + CHECKED


FAST_MARKDOWN_SAMPLE = """\
# 标题 *强调* 与 `代码`

[TOC]

*[WTO]: 世界贸易组织

WTO 成员 ~~删除~~ **加粗** _下划线_ H~2~O，脚注[^1]。

## 第二节 {#own-id .wide}

<div markdown="1" class="cp-box">
块内 **Markdown**
</div>

<DIV>大写的块</DIV>

<cp-card>自定义元素</cp-card>

!!! note "提示"
    提醒内容

??? tip "展开"
    折叠内容

术语
:   释义

| 列一 | 列二 |
| --- | :-: |
| 甲 | 乙 |

- [x] 已办
- [ ] 待办

```python
print("不转换")
```

### 第三节 [链接](https://example.org) <span>行内</span>

[^1]: 脚注内容。
"""


def test_fast_markdown_gives_python_markdowns_html() -> None:
    """The parser pages are converted with (fast_markdown.py) gives Python-Markdown's own HTML and headings,
    with the base config's extensions, on the demo content, on every construct they handle, with and
    without a [TOC] marker, with a pattern registered while a page is parsed and a block tag added later."""
    import markdown
    from markdown.inlinepatterns import SimpleTagInlineProcessor
    from markdown.preprocessors import Preprocessor
    from mkdocs.utils.yaml import yaml_load

    from chamberpress.site.fast_markdown import FastMarkdown

    class _Registering(Preprocessor):  # as Python-Markdown's abbreviations did before 3.6
        def run(self, lines: list[str]) -> list[str]:
            if any("==" in line for line in lines):  # from the third source on
                self.md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 65)
            return lines

    class Registering(markdown.Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
            md.preprocessors.register(_Registering(md), "registering", 5)

    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        listed = yaml_load(handle)["markdown_extensions"]
    names = [e if isinstance(e, str) else next(iter(e)) for e in listed]
    configs = {k: v for e in listed if isinstance(e, dict) for k, v in e.items()}
    sources = [
        FAST_MARKDOWN_SAMPLE,
        FAST_MARKDOWN_SAMPLE.replace("[TOC]", "目录"),
        "==标记== <cp-box>行内</cp-box>",
        "<cp-box>\n自定义块\n</cp-box>\n\n段落",
    ]
    sources += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "content").rglob("*.md"))]
    stock = markdown.Markdown(extensions=[*names, Registering()], extension_configs=configs)
    fast = FastMarkdown(extensions=[*names, Registering()], extension_configs=configs)
    for number, source in enumerate(sources):
        if number == 3:  # a block tag added between pages
            stock.block_level_elements.append("cp-box")
            fast.block_level_elements.append("cp-box")
        expected = stock.reset().convert(source)
        assert fast.reset().convert(source) == expected, source[:40]
        assert fast.toc_tokens == stock.toc_tokens
        if "[TOC]" in source:
            assert '<div class="toc">' in expected and fast.toc == stock.toc
    assert '<div class="toc">' not in fast.reset().convert(sources[1])
    assert "<mark>标记</mark>" in fast.reset().convert(sources[2])
    assert fast.reset().convert(sources[3]).startswith("<cp-box>\n自定义块\n</cp-box>")


def test_jieba_not_loaded_at_start_only_where_used() -> None:
    """Material's blog imports its search plugin, which imports jieba (and pkg_resources): a stand-in
    takes jieba's place until a name of it is used, as the segmenter does."""
    import subprocess
    import sys

    script = """
import sys
import chamberpress.build.pipeline, chamberpress.cli, chamberpress.site.mkdocs_adapter, chamberpress.site.plugin
import material.plugins.search.plugin as material_search
loaded = [name for name in ("pkg_resources", "jieba.finalseg", "jieba._compat") if name in sys.modules]
assert not loaded, loaded
from chamberpress.search.segmenter import segmenter
assert "/".join(segmenter().cut("安徽信达建筑有限公司", HMM=False)) == "安徽/信/达/建筑/有限公司"
real = sys.modules["jieba"]
assert real.__file__.endswith("__init__.py") and "jieba.finalseg" in sys.modules
assert material_search.jieba.Tokenizer is real.Tokenizer      # the stand-in hands over to jieba
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_list_page_place_found_by_identity_as_by_equality() -> None:
    from chamberpress.site.kept_pages import _position

    class Listed:
        def __init__(self, number: int, pages: list) -> None:
            self.number, self.pages = number, pages

        def __eq__(self, other: object) -> bool:  # as MkDocs' Page: by value
            return isinstance(other, Listed) and other.number == self.number

    pages: list = []
    pages += [Listed(n, pages) for n in (1, 2, 3)]
    positions: dict = {}
    assert [_position(page, positions) for page in pages] == [0, 1, 2]
    assert _position(Listed(2, pages), positions) == 1  # equal, not the same object: asked as before
    assert _position(Listed(9, pages), positions) == -1
