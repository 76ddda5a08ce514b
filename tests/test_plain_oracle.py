"""The oracle: a build with every speed shortcut gives the same site, byte for byte, as `--plain` (MkDocs and
Material as they come, plus the features), on a corpus that changes between builds.

The shortcuts (caches of converted pages, staged posts, photos and PDFs; pages copied from the published
site; the navigation memo; profiles from one shell; forked drawing; the site built in memory onto a spare
copy; search bundles copied or left in place) each skip work whose result they claim to know. Each round
below builds the same content both ways, the fast build keeping its caches from round to round as a
secretary's machine does, and compares every file of the two sites.
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
from pathlib import Path

import pytest

from chamberpress.build.pipeline import build_chamber
from conftest import ROOT, SICHUAN_BUNDLE_PAGES, TODAY, in_bundles, site_files

# Differences the two builds are allowed to have: none.
ALLOWED_DIFFERENCES: frozenset[str] = frozenset()


def differences(fast: Path, plain: Path) -> list[str]:
    """The paths whose bytes differ between two sites, or that only one has."""
    one, other = site_files(fast), site_files(plain)
    return sorted(
        rel for rel in one.keys() | other.keys() if one.get(rel) != other.get(rel) and rel not in ALLOWED_DIFFERENCES
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project of its own (base config and theme copied, so that a test may change them) holding a
    generated chamber of 320 posts, 220 members, a charter and two newsletter issues."""
    from bench.corpus import write_chamber as write_corpus

    root = tmp_path_factory.mktemp("oracle")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", root / "theme")
    write_corpus(root, "big", seed=11, posts=320, members=220)
    shutil.rmtree(root / "stock")
    news = root / "content/big/newsletters"
    news.mkdir()
    (news / "2026-q1.yml").write_text(
        "number: 2026年第1期\nfrom: 2026-01-01\nto: 2026-03-31\nnew_members: true\n", encoding="utf-8"
    )
    (news / "2026-q2.yml").write_text("number: 2026年第2期\nfrom: 2026-04-01\nto: 2026-06-30\n", encoding="utf-8")
    return root


def _build_both(project: Path, slug: str = "big", *, text_edit: bool = False) -> tuple[Path, Path]:
    """The fast and the plain build of the content as it is, at once: the plain one by a forked process (the
    two builds, one after the other, were the suite's longest test). `text_edit`: the fast one must be an
    edit to posts' text and summaries, put into the published site without MkDocs."""
    content = project / "content"
    fast, plain = project / "fast", project / "plain"
    plain_build = multiprocessing.get_context("fork").Process(
        target=build_chamber, args=(slug, content, plain), kwargs={"today": TODAY, "plain": True}
    )
    plain_build.start()
    try:
        result = build_chamber(slug, content, fast, today=TODAY, workers=2)
    finally:
        plain_build.join()
    assert plain_build.exitcode == 0, "the plain build failed (its error is printed above)"
    assert not text_edit or (result.text_edit is not None and result.summaries_shown)
    return fast / slug, plain / slug


def _lead(post: Path, text: str) -> None:
    """`text` put at the start of the post's first paragraph (its summary)."""
    whole = post.read_text(encoding="utf-8")
    head, fence, body = whole.partition("\n---\n\n")
    post.write_text(f"{head}{fence}{text}{body}", encoding="utf-8")


def test_the_fast_build_equals_the_plain_build_as_the_content_changes(project: Path) -> None:
    content = project / "content/big"
    posts = sorted((content / "news").glob("*.md"))

    fast, plain = _build_both(project)  # a first build: nothing cached
    assert len(list(fast.rglob("index.html"))) > 500
    assert differences(fast, plain) == []

    # An editor's week, a build after each change: a sentence added at the end of a post (its summary, and
    # so every list, unchanged: only the post's own page changes) and another post's first paragraph (its
    # summary: the lists that show it too), both put into the published site in place (build/text_edit.py), …
    posts[150].write_text(posts[150].read_text(encoding="utf-8") + "\n编辑部补充：本文有所更新。\n", encoding="utf-8")
    _lead(posts[151], "导语有所修改。")
    fast, plain = _build_both(project, text_edit=True)
    assert any("编辑部补充" in page.read_text(encoding="utf-8") for page in (fast / "news").rglob("index.html"))
    assert differences(fast, plain) == []

    # … a post added and a roster row changed, …
    (content / "news" / "2026-11-20-xinwen.md").write_text(
        "---\ntitle: 新增的一篇\ndate: 2026-11-20\ncategory: 商会动态\n---\n\n新增正文。\n", encoding="utf-8"
    )
    roster = content / "members.csv"
    lines = roster.read_text(encoding="utf-8-sig").splitlines()
    assert ",会员," in lines[60]
    lines[60] = lines[60].replace(",会员,", ",理事,", 1)
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    fast, plain = _build_both(project)
    assert (fast / "news/2026/11/20").is_dir()
    assert differences(fast, plain) == []

    # … and a post deleted: one that no post links to, far from the first pages a shortcut checks by
    # drawing them.
    linked = {name for post in posts for name in re.findall(r"post-\d+\.md", post.read_text(encoding="utf-8"))}
    next(post for post in posts[200:] if post.name not in linked).unlink()
    fast, plain = _build_both(project)
    assert differences(fast, plain) == []

    # A template and the base config changed: every page's shared inputs.
    _edit(
        project / "theme/material/main.html", '{% extends "base.html" %}', '{% extends "base.html" %}\n{#- changed -#}'
    )
    _edit(project / "mkdocs.yml", "pagination_per_page: 10", "pagination_per_page: 7")
    _edit(
        project / "theme/material/home.html",
        "</",
        "<!-- 主页 --></",
    )
    fast, plain = _build_both(project)
    assert "<!-- 主页 -->" in (fast / "index.html").read_text(encoding="utf-8")
    assert differences(fast, plain) == []
    # The newest post's summary, on lists paginated anew by the build before.
    now = sorted((content / "news").glob("*.md"))  # one added, one deleted since
    newest = max(now, key=lambda post: re.search(r"^date: (\S+)", post.read_text(encoding="utf-8"), re.M).group(1))
    _lead(newest, "最新一篇的导语。")
    fast, plain = _build_both(project, text_edit=True)
    assert differences(fast, plain) == []


def test_the_demo_chambers_build_the_same_without_shortcuts(demo_sites: Path, tmp_path: Path) -> None:
    from chamberpress.content.load import chamber_slugs

    for slug in chamber_slugs(ROOT / "content"):
        with pytest.MonkeyPatch.context() as patch:
            if slug == "sichuan":  # as the demo_sites fixture builds it
                in_bundles(patch, SICHUAN_BUNDLE_PAGES)
            build_chamber(slug, ROOT / "content", tmp_path / "plain", today=TODAY, plain=True)
        assert differences(demo_sites / slug, tmp_path / "plain" / slug) == [], slug


def test_a_plugin_the_project_does_not_know_sees_every_page(tmp_path: Path, caplog) -> None:
    """Material's search collects each page in on_page_context: with pages drawn by forked processes or
    copied from the published site it missed some. A plugin the project does not know turns those
    shortcuts off, says so, and its result is the plain build's."""
    import json

    from conftest import write_chamber

    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    _edit(tmp_path / "mkdocs.yml", "plugins:\n  chamber: {}\n", "plugins:\n  chamber: {}\n  material/search: {}\n")
    content = tmp_path / "content"
    write_chamber(
        content,
        "test",
        files={
            f"news/2026/2026-0{m}-0{d}-p{m}{d}.md": f"---\ntitle: 第{m}月{d}日\ndate: 2026-0{m}-0{d}\n---\n\n正文{m}{d}。\n"
            for m in range(1, 7)
            for d in range(1, 6)
        },
    )

    def indexed(site: Path) -> set[str]:
        docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
        return {doc["location"].split("#")[0] for doc in docs}

    found = {}
    with caplog.at_level("WARNING"):
        for name, options in {"one": {"workers": 1}, "two": {"workers": 2}, "plain": {"plain": True}}.items():
            for _ in range(2):  # the second build after a first: pages it could copy
                build_chamber("test", content, tmp_path / name, today=TODAY, **options)
            found[name] = indexed(tmp_path / name / "test")
    assert len(found["plain"]) > 40
    assert found["one"] == found["two"] == found["plain"]
    assert differences(tmp_path / "two/test", tmp_path / "plain/test") == []
    assert caplog.text.count("plugins this project does not know (material/search)") == 1
