"""The load cache (content/load_cache.py): a load that keeps what each file gave reads again only the files
that changed, and gives exactly the model and the problems, in the same order, that a load without it gives."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from unittest.mock import ANY

import pytest
from PIL import Image

import chamberpress.content.load as load_module
import chamberpress.content.load_cache as load_cache
import chamberpress.content.sources as sources
from chamberpress.build.pipeline import build_chamber
from chamberpress.content.load import load_chamber
from chamberpress.errors import ContentError
from conftest import TODAY, post, write_chamber


def _png(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(out, format="PNG")
    return out.getvalue()


ROSTER = (
    "名称,联系人,职务,行业,手机,标志\n"
    "甲公司,张三,会长,商贸,13900000001,assets/jia.png\n"
    "乙公司,李四,会员,物流,13900000002,\n"
    "丙公司,王五,会员,物流,13900000003,\n"
)
PROJECT = (
    "---\ntitle: 物流园招商\nkind: 招商项目\nindustry: 物流\nregion: 安庆\nmember: 甲公司\n"
    "contact: 0556-1234567\ndate: 2026-03-01\nvalid_until: 2027-03-01\ncover: ../assets/park.png\n---\n\n园区介绍。\n"
)


def files() -> dict[str, str | bytes]:
    """A chamber whose files depend on each other every way a load checks: covers, pictures and links
    between posts, a logo in the roster, a project naming a member, a plan item reporting on a post."""
    return {
        "news/2026/2026-05-21-falv-peixun.md": post(
            "法律知识培训班开班",
            "2026-05-21",
            "第一段。\n\n![合影](images/group.png)\n\n详见[年会](../2025/2025-12-30-nianhui.md)。",
            category="培训活动",
            cover="images/group.png",
        ),
        "news/2026/images/group.png": _png(),
        "news/2025/2025-12-30-nianhui.md": post(
            "商会召开2025年年会", "2025-12-30", "年会正文。\n\n[章程](../../charter.md)"
        ),
        "news/2026/2026-06-01-draft.md": post("草稿", "2026-06-01", draft="true"),
        "projects/wuliu.md": PROJECT,
        "assets/park.png": _png("blue"),
        "assets/jia.png": _png("green"),
        "members.csv": ROSTER,
    }


CHAMBER_YML = """\
name: 温州市测试商会
hometown: 测试省
address: 温州市鹿城区测试路1号
plan:
  - date: 2026-05-20
    title: 法律培训
    report: news/2026/2026-05-21-falv-peixun.md
"""


def outcome(content: Path, slug: str = "test", **options) -> object:
    """The loaded chamber, or the problems and warnings of the ContentError: what a load gives."""
    try:
        return load_chamber(content, slug, today=TODAY, **options)
    except ContentError as exc:
        return ("problems", exc.problems, exc.warnings)


@pytest.fixture
def read(monkeypatch) -> list[str]:
    """The names of the Markdown and YAML files read as text from now on (sources.read_text)."""
    names: list[str] = []
    real = sources.read_text

    def recording(path, problems):
        names.append(Path(path).name)
        return real(path, problems)

    monkeypatch.setattr(sources, "read_text", recording)
    return names


@pytest.fixture
def trusted(monkeypatch) -> None:
    """Stat signatures trusted however recently the files were written (load_cache.RACY_NS): a test's files
    all were, a moment ago."""
    monkeypatch.setattr(load_cache, "RACY_NS", 0)


def same_both_ways(content: Path, read: list[str], slug: str = "test") -> list[str]:
    """Load with the cache and without it; they must be equal. Returns the files the cached load read."""
    read.clear()
    cached = outcome(content, slug, cached=True)
    reread = list(read)
    assert cached == outcome(content, slug), "the cached load differs from a load without the cache"
    return reread


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(loaded: object, which: int = 1) -> str:
    """The problems (1) or warnings (2) of a load that failed, one a line."""
    assert isinstance(loaded, tuple), "the load did not fail"
    return "\n".join(str(problem) for problem in loaded[which])


@pytest.fixture(params=["stat signatures trusted", "files all just written"])
def reread(request) -> Callable[[list[str]], object]:
    """What a test expects the cached load to read, or (files all just written, so that each one, and the
    post whose cover was, may be read again: load_cache.RACY_NS) anything."""
    if request.param == "files all just written":
        return lambda expected: ANY
    request.getfixturevalue("trusted")
    return lambda expected: expected


def test_every_kind_of_edit_gives_what_a_load_without_the_cache_gives(content: Path, read: list[str], reread) -> None:
    """Each edit, then a load with the cache and one without, compared; and which files were read again."""
    folder = write_chamber(content, chamber_yml=CHAMBER_YML, files=files())
    news = folder / "news"
    assert "2026-05-21-falv-peixun.md" in same_both_ways(content, read)
    assert isinstance(outcome(content, cached=True), load_module.Chamber)
    # Nothing changed: only chamber.yml is read again (its values are what the other files are checked with).
    assert same_both_ways(content, read) == reread(["chamber.yml"])

    edit(news / "2026/2026-05-21-falv-peixun.md", "第一段。", "第一段，补充一句。")  # a post's body
    assert same_both_ways(content, read) == reread(["chamber.yml", "2026-05-21-falv-peixun.md"])
    edit(news / "2025/2025-12-30-nianhui.md", "title: 商会召开2025年年会", "title: 年会")  # its front matter
    assert same_both_ways(content, read) == reread(["chamber.yml", "2025-12-30-nianhui.md"])
    (news / "2026/2026-07-01-new.md").write_text(post("新的新闻", "2026-07-01"), encoding="utf-8")  # added
    assert same_both_ways(content, read) == reread(["chamber.yml", "2026-07-01-new.md"])
    (news / "2026/2026-06-01-draft.md").unlink()  # deleted
    assert same_both_ways(content, read) == reread(["chamber.yml"])
    edit(folder / "members.csv", "乙公司,李四,会员", "乙公司,李四,副会长")  # a roster row (read apart: not Markdown)
    assert same_both_ways(content, read) == reread(["chamber.yml"])
    assert outcome(content, cached=True).roster.members[1].position == "副会长"

    # chamber.yml: the categories posts are checked against change, so every post is read again.
    edit(folder / "chamber.yml", "name:", "categories: [商会动态, 通知公告]\nname:")
    posts = ["2025-12-30-nianhui.md", "2026-05-21-falv-peixun.md", "2026-07-01-new.md"]
    # The post of an unknown category cannot be loaded: read again for its links.
    assert same_both_ways(content, read) == reread(["chamber.yml", *posts, "2026-05-21-falv-peixun.md"])
    assert "unknown category '培训活动'" in messages(outcome(content, cached=True))
    edit(folder / "chamber.yml", "categories: [商会动态, 通知公告]\n", "")
    assert same_both_ways(content, read) == reread(["chamber.yml", *posts])

    # A picture a post uses as its cover and shows is removed: the post (its cover) and the link are errors.
    (news / "2026/images/group.png").unlink()
    falv = "2026-05-21-falv-peixun.md"
    assert same_both_ways(content, read) == reread(["chamber.yml", falv, falv])
    problems = messages(outcome(content, cached=True))
    assert "cover image 'images/group.png' not found" in problems
    assert "broken image: 'images/group.png' not found" in problems
    (news / "2026/images/group.png").write_bytes(_png("yellow"))
    assert same_both_ways(content, read) == reread(["chamber.yml", "2026-05-21-falv-peixun.md"])

    # A post becomes broken (a post that cannot be loaded is read again for its links only), then is fixed.
    edit(news / "2025/2025-12-30-nianhui.md", "date: 2025-12-30", "date: 2025-13-45")
    assert same_both_ways(content, read) == reread(["chamber.yml", "2025-12-30-nianhui.md", "2025-12-30-nianhui.md"])
    assert "2025-12-30-nianhui.md:3: date" in messages(outcome(content, cached=True))
    assert same_both_ways(content, read) == reread(["chamber.yml", "2025-12-30-nianhui.md"])
    edit(news / "2025/2025-12-30-nianhui.md", "date: 2025-13-45", "date: 2025-12-30")
    assert same_both_ways(content, read) == reread(["chamber.yml", "2025-12-30-nianhui.md"])
    assert isinstance(outcome(content, cached=True), load_module.Chamber)

    # The picture a project uses and the logo a member's row names, removed.
    (folder / "assets/park.png").unlink()
    (folder / "assets/jia.png").unlink()
    assert same_both_ways(content, read) == reread(["chamber.yml", "wuliu.md"])
    loaded = outcome(content, cached=True)
    assert "cover image '../assets/park.png' not found" in messages(loaded)
    assert "'assets/jia.png' is not an image inside the chamber folder" in messages(loaded, 2)


@pytest.mark.usefixtures("trusted")
def test_the_roster_read_by_another_process_is_kept_too(content: Path, monkeypatch) -> None:
    write_chamber(content, chamber_yml=CHAMBER_YML, files=files())
    first = outcome(content, cached=True, parallel=True)
    assert first == outcome(content)

    def never(*args, **kwargs):
        raise AssertionError("the roster was read again")

    monkeypatch.setattr(load_module, "load_members", never)
    assert outcome(content, cached=True, parallel=True) == first


@pytest.mark.usefixtures("trusted")
def test_an_unchanged_file_is_known_by_its_stat_signature(
    content: Path, read: list[str], monkeypatch, trusted: None
) -> None:
    """Size, times and inode spare reading an unchanged file; the change time is part of it, so that a file
    written again with its old size and modification time is read again."""
    digests = calls_counted(monkeypatch, load_cache, "file_digest")
    folder = write_chamber(content, files=files())
    same_both_ways(content, read)
    digests.clear()
    assert same_both_ways(content, read) == ["chamber.yml"]
    assert digests == []
    path = folder / "news/2025/2025-12-30-nianhui.md"
    old = os.stat(path)
    edit(path, "年会正文。", "年会全文。")  # as many bytes
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert same_both_ways(content, read) == ["chamber.yml", "2025-12-30-nianhui.md"]


def test_a_file_written_in_the_last_seconds_is_compared_by_its_bytes(
    content: Path, read: list[str], monkeypatch
) -> None:
    """Within one tick of the file system's clock a file can change again without its signature changing."""
    digests = calls_counted(monkeypatch, load_cache, "file_digest")
    write_chamber(content, files=files())
    same_both_ways(content, read)
    digests.clear()
    assert "2025-12-30-nianhui.md" not in same_both_ways(content, read)  # its bytes are the same
    assert "2025-12-30-nianhui.md" in digests


def calls_counted(monkeypatch, owner: object, name: str) -> list[str]:
    """The file names `owner.name(path)` is called with from now on."""
    names: list[str] = []
    real = getattr(owner, name)

    def counting(path, *args, **kwargs):
        names.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return names


def cache_files(content: Path, slug: str = "test") -> list[Path]:
    """The files of a chamber's load cache (its shards)."""
    return sorted((content.parent / ".cache" / "load" / slug).glob("*.pickle"))


@pytest.mark.usefixtures("trusted")
def test_a_damaged_cache_file_is_ignored_and_replaced(content: Path, read: list[str], trusted: None) -> None:
    write_chamber(content, files=files())
    same_both_ways(content, read)
    kept = {file: file.read_bytes() for file in cache_files(content)}
    assert len(kept) > 2
    for damage in (
        lambda data: b"",
        lambda data: b"not a cache",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
    ):
        for file, data in kept.items():
            file.write_bytes(damage(data))
        assert len(same_both_ways(content, read)) > 1  # every file read again
        assert same_both_ways(content, read) == ["chamber.yml"]  # and kept again
    # A shard whose text was altered is still well formed: its digest tells.
    text = "年会正文".encode()
    file = next(file for file in cache_files(content) if text in file.read_bytes())
    file.write_bytes(file.read_bytes().replace(text, "年会全文".encode()))
    assert "2025-12-30-nianhui.md" in same_both_ways(content, read)


class Planted:
    """What a foreign cache file could hold: an object whose unpickling runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (shutil.copy, (__file__, str(self.marker)))


@pytest.mark.usefixtures("trusted")
def test_a_foreign_cache_file_never_runs_code(content: Path, read: list[str], tmp_path: Path) -> None:
    """A cache file that is well formed, with the right key, but not written by a load (its objects are not
    the model's) is not trusted: nothing it names is called, and the files are read again."""
    write_chamber(content, files=files())
    same_both_ways(content, read)
    marker = tmp_path / "ran"
    kept = {file: file.read_bytes().split(b"\n", 3) for file in cache_files(content)}
    for plant in (
        lambda entries: {name: (*entry[:4], pickle.dumps((Planted(marker), []))) for name, entry in entries.items()},
        lambda entries: Planted(marker),
    ):
        for file, (format_line, key, _digest, payload) in kept.items():
            planted = pickle.dumps(plant(pickle.loads(payload)))
            check = b"%08x" % zlib.crc32(planted)
            file.write_bytes(b"\n".join([format_line, key, check, planted]))
        assert len(same_both_ways(content, read)) > 1
        assert not marker.exists()


@pytest.mark.usefixtures("trusted")
def test_a_cache_made_for_another_folder_is_not_used(content: Path, read: list[str], tmp_path: Path) -> None:
    """A project copied elsewhere with its .cache/: the kept results name the old folder's files."""
    write_chamber(content, files=files())
    same_both_ways(content, read)
    moved = tmp_path / "moved"
    shutil.copytree(content.parent, moved, ignore=shutil.ignore_patterns("moved"))
    assert len(same_both_ways(moved / "content", read)) > 1
    chamber = outcome(moved / "content", cached=True)
    assert all(moved in p.path.parents for p in chamber.posts)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_cache_writes_only_its_file_under_dot_cache(content: Path, read: list[str], trusted: None) -> None:
    # (Signatures trusted at once: on a slow machine the first load may come within the racy window, and the
    # second, past it, would then record the other files' signatures too.)
    folder = write_chamber(content, files=files())
    root = content.parent
    before = snapshot(root)
    same_both_ways(content, read)
    after = snapshot(root)
    changed = {rel for rel in after.keys() | before.keys() if after.get(rel) != before.get(rel)}
    assert changed == {f".cache/load/test/{file.name}" for file in cache_files(content)}
    edit(folder / "news/2025/2025-12-30-nianhui.md", "年会正文。", "年会全文。")
    before = snapshot(root)
    same_both_ways(content, read)
    after = snapshot(root)
    changed = {rel for rel in after.keys() | before.keys() if after.get(rel) != before.get(rel)}
    assert len(changed) == 1 and changed < {f".cache/load/test/{file.name}" for file in cache_files(content)}
    # It holds the roster's private columns.
    assert all(os.stat(file).st_mode & 0o777 == 0o600 for file in cache_files(content))


def test_a_plain_build_keeps_no_load_cache_and_a_build_does(content: Path, tmp_path: Path) -> None:
    write_chamber(content)
    build_chamber("test", content, tmp_path / "plain", today=TODAY, plain=True)
    assert not cache_files(content)
    build_chamber("test", content, tmp_path / "sites", today=TODAY)
    assert cache_files(content)
