"""Every bad input an editor can make: exit 1, a message naming the file, the line (or row) and the field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHAMBER_YML, ROOT, TODAY, post, write_chamber


def check(content: Path, slug: str = "bad") -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "chamberpress.cli", "check", slug, "--content", str(content), "--today", "2026-11-25"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "Traceback" not in result.stderr
    return result


def errors_of(content: Path, files: dict, chamber_yml: str = CHAMBER_YML, slug: str = "bad") -> str:
    write_chamber(content, slug, chamber_yml=chamber_yml, files=files)
    result = check(content, slug)
    assert result.returncode == 1, result.stderr
    return result.stderr


POST = "news/2026/2026-03-01-x.md"


@pytest.mark.parametrize(
    "chamber_yml, expected",
    [
        ("name: 温州市坏商会\nhometown: 某省\naddress: 某路\n  bad: indent\n", "chamber.yml:4: YAML syntax error"),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\ndepartments:\n\t- name: 秘书处\n",
            "chamber.yml:5: YAML syntax error: a tab character is not allowed in YAML (indent with spaces)",
        ),
        ("name: [温州市, 坏商会]\nhometown: 某省\naddress: 某路\n", "chamber.yml:1: name: expected text, found a list"),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\nadress: 某路\n",
            "chamber.yml:4: adress: unknown key (did you mean 'address'?)",
        ),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\nfounded: 2026-02-30\n",
            "chamber.yml:4: founded: '2026-02-30' is not a real date",
        ),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\nplan:\n  - title: 年会\n",
            "chamber.yml:5: plan.0.date: is required but missing",
        ),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\ncolor: red\n",
            "chamber.yml:4: color: 'red' is not a colour",
        ),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\nlogo: ../../etc/passwd\n",
            "chamber.yml:4: logo: '../../etc/passwd' is not a file inside the chamber folder",
        ),
        (
            "name: 温州市坏商会\nhometown: 某省\naddress: 某路\nlogo: /etc/hostname\n",
            "chamber.yml:4: logo: '/etc/hostname' is not a file inside the chamber folder",
        ),
    ],
)
def test_chamber_yml_problems(content: Path, chamber_yml: str, expected: str) -> None:
    assert "content/bad/" + expected in errors_of(content, {}, chamber_yml)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("---\ntitle: 标题\ndate: 2026-13-45\n---\n\n正文\n", ":3: date: '2026-13-45' is not a real date"),
        ("---\ntitle: 标题\ndate: 2026-02-30\n---\n\n正文\n", ":3: date: '2026-02-30' is not a real date"),
        ("---\ndate: 2026-03-01\n---\n\n正文\n", ": title: is required but missing"),
        ("---\ntitle: 标题\n---\n\n正文\n", ": date: is required but missing"),
        (
            "---\ntitle: 标题\ndate: 2026-03-01\ncategory: 八卦新闻\n---\n\n正文\n",
            ":4: category: unknown category '八卦新闻' (one of: 商会动态, 通知公告",
        ),
        (
            "---\ntitle: 标题\ndate: 2026-03-01\ntitel: 重复\n---\n\n正文\n",
            ":4: titel: unknown key (did you mean 'title'?)",
        ),
        ("---\ntitle: [一, 二]\ndate: 2026-03-01\n---\n", ":2: title: expected text, found a list"),
        ("", ": the file is empty"),
        ("正文，没有前置信息。\n", ":1: no front matter"),
    ],
)
def test_post_problems(content: Path, text: str, expected: str) -> None:
    assert f"content/bad/{POST}{expected}" in errors_of(content, {POST: text})


def test_all_problems_of_a_chamber_at_once(content: Path) -> None:
    err = errors_of(
        content,
        {
            "news/2026/2026-03-01-a.md": "---\ntitle: 甲\ndate: 2026-02-30\n---\n",
            "news/2026/2026-03-02-b.md": "---\ndate: 2026-03-02\n---\n",
            "pages/about.md": "---\ntitel: 简介\n---\n",
        },
    )
    assert "2026-03-01-a.md:3: date:" in err and "2026-03-02-b.md: title:" in err
    assert "pages/about.md:2: titel: unknown key" in err


def test_a_roster_read_by_another_process_reports_the_same_problems_in_the_same_place(
    content: Path, monkeypatch
) -> None:
    """`chamber build` with two processes reads the roster in a forked one while this one reads the rest:
    the same chamber, and the same problems in the same order, as read in one process."""
    from conftest import calls_recorded
    from chamberpress.build import forked
    from chamberpress.content.load import load_chamber
    from chamberpress.errors import ContentError

    write_chamber(content, "ok")
    same = [load_chamber(content, "ok", today=TODAY, parallel=parallel) for parallel in (False, True)]
    assert same[0] == same[1] and len(same[1].members) == 2
    write_chamber(
        content,
        "bad",
        files={
            "news/2026/2026-03-01-a.md": "---\ntitle: 甲\ndate: 2026-02-30\n---\n",
            "members.csv": "名称,职务,入会日期\n甲公司,付会长,2026-01-01\n乙公司,会员,2026-13-01\n",
            "pages/about.md": "---\ntitel: 简介\n---\n",
        },
    )
    forks = calls_recorded(monkeypatch, forked.Forked, "__init__")
    reports = []
    for parallel in (False, True):
        with pytest.raises(ContentError) as raised:
            load_chamber(content, "bad", today=TODAY, parallel=parallel)
        reports.append(raised.value.problems)
    assert reports[0] == reports[1] and len(forks) == 1
    files = [problem.file.rsplit("/", 1)[-1] for problem in reports[1]]
    assert files.count("members.csv") >= 2 and "2026-03-01-a.md" in files and "about.md" in files
    assert files.index("about.md") < files.index("members.csv")  # the roster's after the pages'


def test_posts_saved_as_gb18030_or_with_bom_are_read(content: Path) -> None:
    write_chamber(
        content,
        "enc",
        files={
            "news/2026/2026-03-01-gbk.md": post("国标编码的新闻", "2026-03-01", "调解成功。").encode("gb18030"),
            "news/2026/2026-03-02-bom.md": b"\xef\xbb\xbf" + post("带BOM的新闻", "2026-03-02").encode("utf-8"),
        },
    )
    result = check(content, "enc")
    assert result.returncode == 0, result.stderr


def test_binary_junk_and_huge_posts_are_refused(content: Path) -> None:
    err = errors_of(
        content,
        {
            "news/2026/2026-03-01-junk.md": bytes(range(256)) * 8,
            "news/2026/2026-03-02-huge.md": post("巨大", "2026-03-02", "字" * (50 * 1024 * 1024 // 3)),
        },
    )
    assert "news/2026/2026-03-01-junk.md: this is not a text file" in err
    assert "news/2026/2026-03-02-huge.md: the file is 50.0 MB, larger than the limit (at most 2 MB of text" in err


def test_two_posts_with_one_url(content: Path) -> None:
    err = errors_of(
        content,
        {
            "news/2026/2026-03-01-same.md": post("甲", "2026-03-01"),
            "news/2026b/2026-03-01-same.md": post("乙", "2026-03-01"),
        },
    )
    assert "same URL news/2026/03/01/same/ as content/bad/news/2026" in err


def test_cover_outside_the_folder_is_refused(content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"not really a jpeg")
    (content / "bad/news/2026/images").mkdir(parents=True)
    os.symlink(outside, content / "bad/news/2026/images/link.jpg")
    err = errors_of(
        content,
        {
            "news/2026/2026-03-01-a.md": post("甲", "2026-03-01", cover="../../../../secret.jpg"),
            "news/2026/2026-03-02-b.md": post("乙", "2026-03-02", cover=str(outside)),
            "news/2026/2026-03-03-c.md": post("丙", "2026-03-03", cover="images/link.jpg"),
        },
    )
    for name in ("2026-03-01-a.md:4", "2026-03-02-b.md:4", "2026-03-03-c.md:4"):
        assert f"news/2026/{name}: cover:" in err


@pytest.mark.parametrize("slug", ["Anhui", "an hui", "_x", "安徽"])
def test_bad_chamber_folder_names(content: Path, slug: str) -> None:
    (content / slug).mkdir()
    (content / slug / "chamber.yml").write_text(CHAMBER_YML, encoding="utf-8")
    result = check(content, slug)
    assert result.returncode == 1
    assert "is not a valid chamber folder name (lower-case letters a-z, digits and -" in result.stderr


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_folder_that_becomes_a_link_out_is_seen_by_the_next_load(content: Path, tmp_path: Path) -> None:
    """Folders are resolved once per load (paths.real_path); a folder turned into a link to elsewhere
    between two loads in one process (`chamber serve`) is refused by the second."""
    import shutil

    from chamberpress.content.load import load_chamber
    from chamberpress.errors import ContentError

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "photo.png").write_bytes(_png_bytes())
    write_chamber(
        content,
        "bad",
        files={
            "news/2026/images/photo.png": _png_bytes(),
            "news/2026/2026-03-01-a.md": post("甲", "2026-03-01", body="![合影](images/photo.png)"),
        },
    )
    assert load_chamber(content, "bad", today=TODAY).posts
    shutil.rmtree(content / "bad/news/2026/images")
    os.symlink(outside, content / "bad/news/2026/images")
    with pytest.raises(ContentError) as caught:
        load_chamber(content, "bad", today=TODAY)
    errors = [str(p) for p in caught.value.problems]
    assert any("image 'images/photo.png' points outside the chamber folder" in e for e in errors), errors
    assert any(e.startswith("content/bad/news/2026/images: is a link to a place outside") for e in errors), errors


def test_paths_resolve_as_resolve_does(tmp_path: Path) -> None:
    from chamberpress.paths import forget_folders, is_inside, real_path

    root = tmp_path / "c"
    (root / "news/images").mkdir(parents=True)
    (root / "news/images/a.png").write_bytes(b"x")
    (tmp_path / "out.png").write_bytes(b"y")
    (root / "news/out.png").symlink_to(tmp_path / "out.png")
    (root / "news/up").symlink_to(tmp_path)
    forget_folders()
    for path in [
        root / "news/images/a.png",
        root / "news/out.png",
        root / "news/images/../images/a.png",
        root / "news/up/../c/news",
        root / "news/missing.png",
        root,
        root / "news/up/out.png",
    ]:
        assert real_path(path) == path.resolve(), path
    assert is_inside(root / "news/images/a.png", root) and is_inside(root, root)
    assert not is_inside(root / "news/out.png", root) and not is_inside(root / "news/up/out.png", root)
    assert is_inside(root / "news/up/c/news", root)  # out and back in
    assert not is_inside(tmp_path / "c2", root)  # a sibling whose name starts the same
