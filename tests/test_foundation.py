"""The foundation: CLI, one chamber built end to end, footer, navigation, portal, scaffold, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


from chamberpress.cli import main
from conftest import ROOT, parse, post, settled, text_of, write_chamber


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chamberpress.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_site_has_chamber_identity_nav_and_footer(test_site: Path) -> None:
    doc = parse(test_site / "index.html")
    assert doc.findtext(".//title").strip().endswith("温州市测试商会")
    tabs = [text_of(a) for a in doc.cssselect(".md-tabs__link")]
    assert tabs[:4] == ["首页", "新闻动态", "章程", "会员名录"]
    assert tabs[4:] == ["组织架构", "商会简介", "入会指南"]  # then pages/ in the usual order: about before join
    # The contacts are in the footer of every page below the home page (which shows them with the leadership).
    footer = parse(test_site / "about" / "index.html").cssselect(".cp-footer")[0]
    assert "温州市鹿城区测试路1号" in text_of(footer)
    assert footer.cssselect('a[href="tel:057788880000"]')
    assert footer.cssselect('a[href="mailto:office@example.cn"]')
    icp = footer.cssselect("a.cp-icp")[0]
    assert icp.get("href") == "https://beian.miit.gov.cn/" and text_of(icp) == "浙ICP备2026000001号-1"
    assert text_of(footer.cssselect(".cp-police")[0]) == "浙公网安备 33030202000001号"


def test_every_page_has_the_footer_and_chamber_colour(test_site: Path) -> None:
    pages = list(test_site.rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        doc = parse(page)
        if page.name == "404.html":
            continue
        assert doc.cssselect(".cp-footer a.cp-icp"), page
    css = (test_site / "assets/stylesheets/palette.css").read_text()
    assert "#1565c0" in css


def test_pages_and_posts_are_built(test_site: Path) -> None:
    about = parse(test_site / "about/index.html")
    assert text_of(about.cssselect("article h1")[0]) == "商会简介"
    post_page = test_site / "news/2026/05/21/falv-peixun/index.html"
    assert text_of(parse(post_page).cssselect("article h1")[0]) == "法律知识培训班开班"


def test_no_google_fonts_and_cjk_font_stack(test_site: Path) -> None:
    for page in test_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
    css = (test_site / "assets/stylesheets/chamber.css").read_text()
    for font in ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert font in css


def test_roster_file_is_not_copied(test_site: Path) -> None:
    assert not list(test_site.rglob("members.csv"))
    assert not list(test_site.rglob("chamber.yml"))


def test_portal_lists_built_chambers(test_site: Path) -> None:
    doc = parse(test_site.parent / "index.html")
    entries = doc.cssselect("li.chamber")
    assert len(entries) == 1
    entry = entries[0]
    assert text_of(entry.cssselect(".name")[0]) == "温州市测试商会"
    assert text_of(entry.cssselect(".hometown")[0]) == "测试省"
    assert text_of(entry.cssselect(".founded")[0]) == "2015年6月18日"
    assert text_of(entry.cssselect(".members")[0]) == "2 家"
    latest = entry.cssselect(".latest a")[0]
    assert text_of(latest) == "法律知识培训班开班"
    assert (test_site.parent / latest.get("href") / "index.html").is_file()
    assert text_of(doc.cssselect("header h1")[0]) == "温州异地商会"  # every chamber is in 温州
    assert doc.cssselect('meta[name="viewport"]')
    assert not doc.cssselect("link[href^='http'], link[href^='//'], script[src^='http'], script[src^='//']")
    # The one script is the portal's search, beside it.
    assert [(test_site.parent / s.get("src")).is_file() for s in doc.cssselect("script")] == [True]


def test_cli_build_two_chambers_and_portal(content: Path, out: Path) -> None:
    write_chamber(content, "alpha")
    write_chamber(content, "beta", chamber_yml=CHAMBER_B)
    assert main(["build", "--all", "--content", str(content), "--out", str(out), "--today", "2026-11-25"]) == 0
    names = sorted(text_of(n) for n in parse(out / "index.html").cssselect("li.chamber .name"))
    assert names == ["温州市测试商会", "温州市第二商会"]
    assert (out / "alpha/index.html").is_file() and (out / "beta/index.html").is_file()
    # Nothing hidden but the work folder, and in it only the locks once the old sites, removed in the
    # background, are gone: no leftovers of the build.
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".chamber"]
    assert sorted(p.name for p in settled(out / ".chamber")) == ["alpha.lock", "beta.lock"]


CHAMBER_B = "name: 温州市第二商会\nhometown: 某省\naddress: 温州市某路2号\n"


def test_portal_orders_chambers_by_the_pinyin_of_their_names(tmp_path: Path) -> None:
    """By the sort key each site's chamber.json carries (the pinyin of its name, made with the chamber's
    build), or, for a site built before it had one, by the pinyin of its name."""
    import json

    from chamberpress.chinese import pinyin_key
    from chamberpress.build.portal import portal_entries

    for slug, name, key in [
        ("b", "白城商会", None),
        ("a", "安徽商会", "an1 hui1 shang1 hui4"),
        ("z", "自贡商会", "zi4 gong4 shang1 hui4"),
        ("x", "西安商会", "0 sorted first"),
    ]:
        (tmp_path / slug).mkdir()
        summary = {"name": name} | ({"sort_key": key} if key else {})
        (tmp_path / slug / "chamber.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    assert [e["name"] for e in portal_entries(tmp_path)] == ["西安商会", "安徽商会", "白城商会", "自贡商会"]
    assert pinyin_key("安徽商会") == "an1 hui1 shang1 hui4"


def test_chamber_json_carries_the_names_sort_key(test_site: Path) -> None:
    import json

    from chamberpress.chinese import pinyin_key

    summary = json.loads((test_site / "chamber.json").read_text(encoding="utf-8"))
    assert summary["sort_key"] == pinyin_key("温州市测试商会")


def test_scaffold_builds_at_once(content: Path, out: Path, capsys) -> None:
    assert main(["new", "newone", "--content", str(content), "--name", "温州市新建商会"]) == 0
    listed = capsys.readouterr().out
    assert "chamber.yml" in listed and "charter.md" in listed and "members.csv" in listed
    assert main(["build", "newone", "--content", str(content), "--out", str(out)]) == 0
    # The example an editor starts from is clean: it does not teach them to ignore warnings.
    assert "[warning]" not in capsys.readouterr().err
    doc = parse(out / "newone/index.html")
    assert "温州市新建商会" in text_of(doc.cssselect(".cp-hero__name")[0])
    assert main(["new", "newone", "--content", str(content)]) == 1  # exists already
    assert main(["new", "Bad Name", "--content", str(content)]) == 1


def test_content_errors_name_file_line_field_all_at_once(content: Path, out: Path) -> None:
    write_chamber(
        content,
        "bad",
        chamber_yml="name: 温州市坏商会\nhometwn: 安徽省\naddress: 某路\n",
        files={
            "news/2026/2026-01-02-a.md": "---\ndate: 2026-01-02\n---\n\n正文\n",
            "news/2026/2026-01-03-b.md": "---\ntitle: 无日期\n---\n\n正文\n",
        },
    )
    result = run("build", "bad", "--content", str(content), "--out", str(out))
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    assert "content/bad/chamber.yml:2: hometwn: unknown key (did you mean 'hometown'?)" in err
    assert "content/bad/chamber.yml: hometown: is required but missing" in err
    assert "content/bad/news/2026/2026-01-02-a.md" in err and "title: is required but missing" in err
    assert "content/bad/news/2026/2026-01-03-b.md" in err and "date: is required but missing" in err
    assert not (out / "bad").exists()


def test_malformed_chamber_yml(content: Path, out: Path) -> None:
    write_chamber(content, "broken", chamber_yml="name: 温州市坏商会\naddress: [未闭合\n")
    result = run("check", "broken", "--content", str(content))
    assert result.returncode == 1
    assert "content/broken/chamber.yml:3: YAML syntax error" in result.stderr


def test_missing_chamber_yml_and_usage_errors(content: Path, out: Path) -> None:
    (content / "empty").mkdir()
    result = run("build", "empty", "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "chamber.yml is missing" in result.stderr
    assert run("build", "--content", str(content)).returncode == 2  # nothing named
    assert run("frobnicate").returncode == 2


def test_failed_build_keeps_previous_site(content: Path, out: Path) -> None:
    write_chamber(content, "keep")
    assert main(["build", "keep", "--content", str(content), "--out", str(out)]) == 0
    before = (out / "keep/index.html").read_bytes()
    write_chamber(content, "keep", files={"news/2026/2026-02-02-x.md": "---\ntitle: x\ndate: 2026-02-30\n---\n"})
    assert main(["build", "keep", "--content", str(content), "--out", str(out)]) == 1
    assert (out / "keep/index.html").read_bytes() == before


def test_build_never_writes_to_content(content: Path, out: Path) -> None:
    folder = write_chamber(content, "ro")
    snapshot = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    assert main(["build", "ro", "--content", str(content), "--out", str(out)]) == 0
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == snapshot


def test_scheduled_and_draft_posts_absent(content: Path, out: Path) -> None:
    write_chamber(
        content,
        "sched",
        files={
            "news/2026/2026-12-15-future.md": post("未来的新闻", "2026-12-15"),
            "news/2026/2026-03-01-draft.md": post("草稿新闻", "2026-03-01", draft="true"),
        },
    )
    assert main(["build", "sched", "--content", str(content), "--out", str(out), "--today", "2026-11-25"]) == 0
    everything = "".join(p.read_text(errors="ignore") for p in (out / "sched").rglob("*") if p.is_file())
    assert "未来的新闻" not in everything and "草稿新闻" not in everything


def test_parallel_build_reports_each_chamber_and_errors(content: Path, out: Path, capsys) -> None:
    for slug in ("p1", "p2", "p3"):
        write_chamber(content, slug)
    write_chamber(content, "p4", files={"news/2026/2026-01-01-x.md": "---\ntitle: 坏\ndate: 2026-13-45\n---\n"})
    code = main(["build", "--all", "--jobs", "2", "--content", str(content), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    for slug in ("p1", "p2", "p3"):
        assert f"✓ {slug}: " in captured.out and (out / slug / "index.html").is_file()
    assert "✗ p4: 1 content error;" in captured.err
    assert "content/p4/news/2026/2026-01-01-x.md:3: date: '2026-13-45' is not a real date" in captured.err
    assert len(parse(out / "index.html").cssselect("li.chamber")) == 3
