"""An edit to posts' text alone goes into the published site without MkDocs (build/text_edit.py): the pages
it writes are the plain build's, byte for byte, and any other change takes the full build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from chamberpress.build import text_edit
from chamberpress.build.pipeline import BuildResult, build_chamber, build_many
from chamberpress.errors import ContentError
from conftest import ROOT, TODAY, parse, site_files, write_chamber

SLUG = "te"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project of its own (base config and theme copied) holding a generated chamber of 60 posts and 40
    members, with a newsletter issue of 2026's third quarter, built once."""
    from bench.corpus import write_chamber as write_corpus

    root = tmp_path_factory.mktemp("text-edit")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", root / "theme")
    write_corpus(root, SLUG, seed=5, posts=60, members=40)
    shutil.rmtree(root / "stock")
    issues = root / "content" / SLUG / "newsletters"
    issues.mkdir()
    (issues / "2026-q3.yml").write_text("number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-09-30\n", encoding="utf-8")
    images = root / "content" / SLUG / "news" / "images"
    (images / "spare.jpg").write_bytes((images / "photo-1.jpg").read_bytes())  # a picture no post shows
    _replace(
        _post(root, _newest(root)), "author: 秘书处", "cover: images/photo-1.jpg\nauthor: 秘书处"
    )  # the lead story
    build_chamber(SLUG, root / "content", root / "fast", today=TODAY, workers=2)
    return root


def _post(project: Path, number: int) -> Path:
    return project / "content" / SLUG / "news" / f"post-{number:05d}.md"


def _date(project: Path, number: int) -> str:
    found = re.search(r"^date: (\S+)$", _post(project, number).read_text(encoding="utf-8"), re.M)
    assert found is not None
    return found.group(1)


def _newest(project: Path) -> int:
    return max(range(60), key=lambda number: _date(project, number))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(project: Path, **options) -> BuildResult:
    return build_chamber(SLUG, project / "content", project / "fast", today=TODAY, workers=2, **options)


def _differences_from_plain(project: Path) -> list[str]:
    plain = project / "plain"
    build_chamber(SLUG, project / "content", plain, today=TODAY, plain=True)
    one, other = site_files(project / "fast" / SLUG), site_files(plain / SLUG)
    return sorted(rel for rel in one.keys() | other.keys() if one.get(rel) != other.get(rel))


def _page_of(project: Path, number: int) -> Path:
    """The published page of post number `number` (its address is made from its date)."""
    date = re.search(r"^date: (\d{4})-(\d{2})-(\d{2})$", _post(project, number).read_text(encoding="utf-8"), re.M)
    assert date is not None
    return project / "fast" / SLUG / "news" / "/".join(date.groups()) / f"post-{number:05d}" / "index.html"


def _in_quarter(project: Path, first: str, last: str) -> int:
    """A post dated within [first, last]."""
    for number in range(60):
        if first <= _date(project, number) <= last:
            return number
    raise AssertionError("no post in that period")


def test_a_sentence_added_to_a_post_rewrites_its_page_alone(project: Path) -> None:
    page = _page_of(project, 30)
    others = {p: p.stat().st_mtime_ns for p in (project / "fast" / SLUG).rglob("*.html") if p != page}
    _append(_post(project, 30), "\n编辑部补充：本文有所更新。\n")
    result = _build(project)
    assert result.text_edit == [page.relative_to(project / "fast" / SLUG).as_posix()]
    assert "编辑部补充：本文有所更新。" in page.read_text(encoding="utf-8")
    # Nothing else was written (the search index apart).
    assert [p for p, stamp in others.items() if p.stat().st_mtime_ns != stamp] == []
    assert _differences_from_plain(project) == []
    # And the next build without a change does nothing.
    [(_slug, again)] = build_many([SLUG], project / "content", project / "fast", today=TODAY)
    assert again.skipped


def test_text_edits_equal_the_plain_build_page_for_page(project: Path) -> None:
    # Two posts at once, one with a table and a link to another post, and a picture another post shows
    # already (sized from its published copy).
    _append(_post(project, 31), "\n| 项目 | 人数 |\n| --- | --- |\n| 座谈 | 12 |\n\n另见[往期报道](post-00002.md)。\n")
    _append(_post(project, 33), "\n![活动现场](images/photo-0.jpg)\n\n图为活动现场。\n")
    result = _build(project)
    assert result.text_edit is not None and len(result.text_edit) == 2
    page = _page_of(project, 33).read_text(encoding="utf-8")
    assert re.search(r'<img alt="活动现场" height="\d+" src="[^"]*photo-0\.jpg" width="\d+"', page) or re.search(
        r'<img[^>]*photo-0\.jpg[^>]*width="\d+"', page
    )
    assert _differences_from_plain(project) == []


def test_a_longer_text_changes_the_reading_time_shown_in_the_text_edit(project: Path) -> None:
    page = _page_of(project, 34)
    shown = re.search(r"阅读约 (\d+) 分钟", page.read_text(encoding="utf-8"))
    assert shown is not None
    _append(_post(project, 34), "\n" + "本段为补充材料的说明文字。" * 40 + "\n")  # ~520 characters: a minute more
    result = _build(project)
    assert result.text_edit is not None
    assert f"阅读约 {int(shown.group(1)) + 1} 分钟" in page.read_text(encoding="utf-8")
    assert _differences_from_plain(project) == []


@pytest.mark.parametrize(
    "change",
    [
        "a heading (the table of contents changes)",
        "a member named (its profile lists the post)",
        "a post of a newsletter issue (its PDF changes)",
        "a picture no post showed (it is published now)",
        "the front matter",
    ],
)
def test_other_edits_take_the_full_build(project: Path, change: str) -> None:
    number = 40
    post = _post(project, number)
    if change.startswith("a heading"):
        _append(post, "\n## 新增小节\n\n补充内容。\n")
    elif change.startswith("a member"):
        roster = (project / "content" / SLUG / "members.csv").read_text(encoding="utf-8-sig").splitlines()
        member = roster[5].split(",")[0]
        _append(post, f"\n{member}代表参加了会议。\n")
    elif change.startswith("a post of a newsletter"):
        post = _post(project, _in_quarter(project, "2026-07-01", "2026-09-30"))
        _append(post, "\n本期会刊收录本文。\n")
    elif change.startswith("a picture"):
        _append(post, "\n![备用照片](images/spare.jpg)\n")
    else:
        _replace(post, "author: 秘书处", "author: 办公室")
    result = _build(project)
    assert result.text_edit is None
    assert _differences_from_plain(project) == []


def _lead(path: Path, text: str) -> None:
    """Put `text` at the start of the post's first paragraph (its summary)."""
    whole = path.read_text(encoding="utf-8")
    body = whole.split("---\n", 2)[2]
    path.write_text(whole.replace(body, "\n" + text + body.lstrip("\n"), 1), encoding="utf-8")


def _summaries(page: Path) -> list[str]:
    """The summaries a page shows: of the posts it lists, of its lead story, and its description."""
    tree = parse(page)
    shown = [p.text_content() for p in tree.cssselect("p.cp-item__summary, p.cp-lead__summary")]
    return shown + [m.get("content") for m in tree.cssselect('meta[name=description], meta[property="og:description"]')]


def test_a_changed_summary_is_rewritten_in_the_lists_that_show_it(project: Path) -> None:
    number = min(range(60), key=lambda number: _date(project, number))  # in no feed
    page = _page_of(project, number)
    site = project / "fast" / SLUG
    _lead(_post(project, number), "更新后的导语。")
    result = _build(project)
    assert result.text_edit == [page.relative_to(site).as_posix()]
    # The news index page, the category's and the archive's that list the post; not the home page, the feed
    # or the portal's summary, which show only the newest posts.
    lists = result.summaries_shown
    assert {path.split("/")[1] for path in lists if path != "news/index.html"} <= {"page", "category", "archive"}
    assert any("/category/" in path for path in lists) and any("/archive/" in path for path in lists), lists
    assert not {"index.html", "feed.xml", "chamber.json"} & set(lists)
    for path in lists:
        assert sum(summary.startswith("更新后的导语。") for summary in _summaries(site / path)) == 1, path
    assert [s[:7] for s in _summaries(page)] == ["更新后的导语。", "更新后的导语。"]  # description, Open Graph
    assert _differences_from_plain(project) == []


def test_the_newest_post_s_summary_is_rewritten_on_the_home_page_in_the_feed_and_for_the_portal(
    project: Path,
) -> None:
    """The lead story on the home page, the feed and chamber.json show the newest posts' summaries; a
    summary written in the front matter, with characters HTML escapes, in each as the plain build has it."""
    number = _newest(project)
    summary = "新一期摘要：<会员> & \"企业\"、'协会'"
    _replace(
        _post(project, number), "author: 秘书处", f"summary: '{summary.replace(chr(39), chr(39) * 2)}'\nauthor: 秘书处"
    )
    result = _build(project)
    assert result.text_edit == [_page_of(project, number).relative_to(project / "fast" / SLUG).as_posix()]
    assert {"index.html", "feed.xml", "chamber.json"} <= set(result.summaries_shown)
    site = project / "fast" / SLUG
    assert summary in _summaries(site / "index.html")
    entries = ElementTree.parse(site / "feed.xml").getroot()
    assert summary in [entry.text for entry in entries.iter("{http://www.w3.org/2005/Atom}summary")]
    assert summary in [
        post["summary"] for post in json.loads((site / "chamber.json").read_text(encoding="utf-8"))["latest_posts"]
    ]
    assert _differences_from_plain(project) == []


def test_a_summary_two_posts_of_a_list_page_share_takes_the_full_build(project: Path) -> None:
    """Where one list page would show the same summary for two posts, which is which cannot be told from
    the page: the full build makes it, and makes the next change of either."""
    site = project / "fast" / SLUG
    one, other = 44, 45
    shown = next(s for s in _summaries(_page_of(project, other)) if s)  # the other post's description
    plain_summary = re.sub(r"\s+", "", shown)
    _replace(_post(project, one), "author: 秘书处", f"summary: {plain_summary}\nauthor: 秘书处")
    result = _build(project)
    together = [p for p in site.rglob("index.html") if _summaries(p).count(plain_summary) >= 2 and "/news/" in str(p)]
    assert together, "the two posts share no list page"
    assert result.text_edit is None
    assert _differences_from_plain(project) == []
    _replace(_post(project, one), f"summary: {plain_summary}", "summary: 又一次修改的摘要")
    assert _build(project).text_edit is None
    assert _differences_from_plain(project) == []


def test_a_list_page_changed_by_hand_is_drawn_again(project: Path) -> None:
    number = 46
    _lead(_post(project, number), "先改一次导语。")
    first = _build(project)
    assert first.text_edit is not None and first.summaries_shown
    listed = project / "fast" / SLUG / first.summaries_shown[0]
    listed.write_text(
        listed.read_text(encoding="utf-8").replace("</body>", "<!-- 手工修改 --></body>"), encoding="utf-8"
    )
    _lead(_post(project, number), "再改一次导语。")
    assert _build(project).text_edit is None
    assert "手工修改" not in listed.read_text(encoding="utf-8")
    assert _differences_from_plain(project) == []


def test_a_page_changed_by_hand_is_not_filled_in(project: Path) -> None:
    """A frame is used only for the page it was cut from: a published page changed since (by hand, by
    another program) is drawn again by the full build."""
    page = _page_of(project, 35)
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- 手工修改 --></body>"), encoding="utf-8")
    _append(_post(project, 35), "\n再补充一句。\n")
    result = _build(project)
    assert result.text_edit is None
    assert "手工修改" not in page.read_text(encoding="utf-8")
    assert _differences_from_plain(project) == []


def test_a_text_edit_stopped_half_way_is_followed_by_a_full_build(project: Path, monkeypatch) -> None:
    def stopped(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(text_edit, "index_site", stopped)
    page = _page_of(project, 36)
    published = page.read_bytes()
    _append(_post(project, 36), "\n中途停止的修改。\n")
    with pytest.raises(OSError):
        _build(project)
    assert page.read_bytes() == published  # put back
    monkeypatch.undo()
    result = _build(project)
    assert result.text_edit is None
    assert _differences_from_plain(project) == []


def test_a_broken_text_edit_is_reported_and_changes_nothing(project: Path) -> None:
    site = site_files(project / "fast" / SLUG)
    post = _post(project, 37)
    before = post.read_text(encoding="utf-8")
    _append(post, "\n详见[不存在的报道](post-99999.md)。\n")
    with pytest.raises(ContentError, match="post-99999.md"):
        _build(project)
    assert site_files(project / "fast" / SLUG) == site
    post.write_text(before, encoding="utf-8")


def test_a_text_edit_indexes_one_search_bundle_again(project: Path, monkeypatch) -> None:
    """In a site whose index is made in bundles, only the bundle holding the post is indexed again; its
    index is begun before the content is loaded (the pages before the post handed to the indexer ahead),
    and begun again once the chamber's lock is held where the record changed meanwhile."""
    from chamberpress.build import pipeline
    from chamberpress.build.cache_layout import text_edit_record
    from chamberpress.search.index import BegunBundle

    monkeypatch.setattr("chamberpress.search.index.SPLIT_FROM", 0)
    monkeypatch.setattr("chamberpress.search.index.BUNDLE_PAGES", 16)  # a few bundles of this small site
    monkeypatch.setattr("chamberpress.search.index.POST_BUNDLE_PAGES", 16)
    _build(project)  # nothing changed: the full build, now with bundles
    steps: list[str] = []
    begin, load, take = text_edit.begin_bundle, pipeline.load_chamber, BegunBundle.take
    monkeypatch.setattr(text_edit, "begin_bundle", lambda *a, **k: steps.append("begun") or begin(*a, **k))
    monkeypatch.setattr(pipeline, "load_chamber", lambda *a, **k: steps.append("loaded") or load(*a, **k))
    monkeypatch.setattr(
        BegunBundle, "take", lambda self, bundle: steps.append(f"taken {self.ahead}") or take(self, bundle)
    )

    def differences_from_plain() -> list[str]:
        plain = project / f"plain-bundles-{len(steps)}"
        build_chamber(SLUG, project / "content", plain, today=TODAY, plain=True)
        one, other = site_files(project / "fast" / SLUG), site_files(plain / SLUG)
        return sorted(rel for rel in one.keys() | other.keys() if one.get(rel) != other.get(rel))

    _append(_post(project, 38), "\n分卷索引测试。\n")
    result = _build(project)
    assert result.text_edit is not None and result.search is not None
    assert len(result.search.indexed) == 1 and result.search.kept
    assert steps[:2] == ["begun", "loaded"] and len(steps) == 3 and steps[2] != "taken 0", steps
    assert differences_from_plain() == []
    # The record written again while the content is loaded (by another build): what was begun is not used.
    steps.clear()
    record = text_edit_record(project / "content", project / "fast", SLUG)

    def rewritten_then_loaded(*args, **kwargs):
        record.write_bytes(record.read_bytes())
        steps.append("loaded")
        return load(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_chamber", rewritten_then_loaded)
    _append(_post(project, 38), "\n再次测试。\n")
    result = _build(project)
    assert result.text_edit is not None and steps[:3] == ["begun", "loaded", "begun"], steps
    assert differences_from_plain() == []


def test_the_edited_page_guessed_before_the_load_is_indexed_meanwhile(project: Path, monkeypatch) -> None:
    """The edited post's page is guessed before the content is loaded (drawn from the post read alone,
    text_edit._guess): its whole search bundle goes to the indexer while the content is loaded, and that
    index is used where the page drawn reads as guessed. A wrong guess is indexed again. Either way the
    site is the plain build's."""
    from chamberpress.search.index import BegunBundle

    monkeypatch.setattr("chamberpress.search.index.SPLIT_FROM", 0)
    monkeypatch.setattr("chamberpress.search.index.BUNDLE_PAGES", 16)
    monkeypatch.setattr("chamberpress.search.index.POST_BUNDLE_PAGES", 16)
    _build(project)  # the full build, with bundles, if the test before did not make them
    taken: list[tuple[bool, bool]] = []  # (the pages were guessed, the begun index was used)
    take = BegunBundle.take

    def noted(self, bundle):
        files = take(self, bundle)
        taken.append((bool(self._guessed), files is not None))
        return files

    monkeypatch.setattr(BegunBundle, "take", noted)
    _append(_post(project, 41), "\n猜一猜。\n")
    result = _build(project)
    assert result.text_edit is not None and result.search is not None and len(result.search.indexed) == 1
    assert taken == [(True, True)]
    assert _differences_from_plain(project) == []
    # A guess that is not the page drawn (as if the post read alone were staged otherwise).
    staged = text_edit.staged_post_alone
    monkeypatch.setattr(text_edit, "staged_post_alone", lambda *a: staged(*a).replace("猜一猜。", "猜一猜，又猜。"))
    taken.clear()
    _append(_post(project, 41), "\n再猜。\n")
    result = _build(project)
    assert result.text_edit is not None and result.search is not None and len(result.search.indexed) == 1
    assert taken == [(True, False)]
    assert _differences_from_plain(project) == []
    # A guess that fails is no guess: the pages after the edited one wait for it to be drawn.
    monkeypatch.setattr(text_edit, "staged_post_alone", lambda *a: 1 / 0)
    taken.clear()
    _append(_post(project, 41), "\n不猜了。\n")
    result = _build(project)
    assert result.text_edit is not None and taken == [(False, True)]
    assert _differences_from_plain(project) == []


def test_plugins_the_project_does_not_know_see_every_page(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("chamberpress.site.mkdocs_adapter._said", set())  # its warning, said once a process
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("plugins:\n  chamber: {}\n", "plugins:\n  chamber: {}\n  material/search: {}\n"),
        encoding="utf-8",
    )
    content = tmp_path / "content"
    folder = write_chamber(content, "test")
    build_chamber("test", content, tmp_path / "out", today=TODAY, workers=2)
    _append(folder / "news/2026/2026-05-21-falv-peixun.md", "\n补充一句。\n")
    assert build_chamber("test", content, tmp_path / "out", today=TODAY, workers=2).text_edit is None


def test_the_command_says_only_the_text_changed(project: Path, capsys) -> None:
    from chamberpress.cli import main

    _append(_post(project, 39), "\n命令行补充。\n")
    args = ["build", SLUG, "--content", str(project / "content"), "--out", str(project / "fast")]
    args += ["--today", TODAY.isoformat()]  # the site's day (its newsletter is printed with the day's date)
    assert main([*args, "--lang", "en"]) == 0
    assert f"✓ {SLUG}: only the text of 1 post changed; its page rewritten in" in capsys.readouterr().out
    _append(_post(project, 39), "\n再补充。\n")
    assert main([*args, "--lang", "zh"]) == 0
    assert f"✓ {SLUG}：只有 1 篇新闻的正文有改动，已重写其页面，用时" in capsys.readouterr().out
    _lead(_post(project, 39), "命令行修改导语。")
    assert main([*args, "--lang", "zh"]) == 0
    said = capsys.readouterr().out
    assert re.search(rf"✓ {SLUG}：只有 1 篇新闻的正文和摘要有改动，已重写显示它们的 [4-9] 个文件，用时", said), said


def test_a_broken_link_among_the_news_is_a_content_error_not_a_crash(project: Path) -> None:
    """A text edit is foreseen before the content is loaded (text_edit.foresee): a link under news/ to a
    file that is gone (left by an editor, or a file removed while the build starts) must still be reported
    as the content error the plain build gives, not stop the build with FileNotFoundError."""
    site = site_files(project / "fast" / SLUG)
    post = _post(project, 41)
    before = post.read_text(encoding="utf-8")
    link = project / "content" / SLUG / "news" / "broken.md"
    _append(post, "\n补充一句。\n")
    link.symlink_to(project / "gone" / "broken.md")
    try:
        with pytest.raises(ContentError, match="broken.md"):
            _build(project)
        assert site_files(project / "fast" / SLUG) == site
    finally:
        link.unlink()
        post.write_text(before, encoding="utf-8")


def test_a_text_edit_stopped_after_indexing_leaves_the_published_site_as_it_was(project: Path, monkeypatch) -> None:
    """Ctrl-C once the search index is written, before the text edit is recorded: the CLI says "the previous
    site is unchanged" and the pages are put back; the search index must be put back with them (not point
    at the edited text, which the pages no longer show)."""

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(text_edit, "save_record", stopped)
    site = site_files(project / "fast" / SLUG)
    post = _post(project, 38)
    before = post.read_text(encoding="utf-8")
    _append(post, "\n中断时已写入索引的一句。\n")
    try:
        with pytest.raises(KeyboardInterrupt):
            _build(project)
        after = site_files(project / "fast" / SLUG)
        assert sorted(rel for rel in site.keys() | after.keys() if site.get(rel) != after.get(rel)) == []
    finally:
        monkeypatch.undo()
        post.write_text(before, encoding="utf-8")
        _build(project)


def test_a_text_edit_on_an_earlier_day_than_the_site_s_takes_the_full_build(project: Path) -> None:
    """A site built for a later day (`--today` in the future) shows posts not yet due then: an edit built
    for an earlier day is another site, not a text edit of that one."""
    _append(_post(project, 42), "\n又补充了一句。\n")
    earlier = build_chamber(SLUG, project / "content", project / "fast", today=TODAY - dt.timedelta(days=1), workers=2)
    assert earlier.text_edit is None
    _append(_post(project, 42), "\n再补充一句。\n")
    # The day after the site's: what changes with the day (the newsletter's print date) takes the full build …
    assert _build(project).text_edit is None
    _append(_post(project, 42), "\n最后一句。\n")
    assert _build(project).text_edit is not None  # … and then the same day
    assert _differences_from_plain(project) == []
