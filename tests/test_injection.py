"""Hostile and unusual text from editors: every value reaches HTML as text, URLs are rebuilt, YAML is read
strictly, regexes run in bounded time, and every problem of a file is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content import load_chamber
from generator.errors import ContentError
from conftest import CHAMBER_YML, TODAY, post, write_chamber


def problems_of(content: Path, slug: str) -> list[str]:
    """The error lines `chamber check` would print for the chamber ([] when it loads)."""
    try:
        load_chamber(content, slug, today=TODAY)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


# --- duplicate keys (case 15) ---------------------------------------------------------------------------

@pytest.mark.parametrize("rel, text, where", [
    ("chamber.yml", CHAMBER_YML + "name: 第二个名字\n", "content/dup/chamber.yml:12: name: the key 'name' is given "
                                                       "twice, on lines 1 and 12"),
    ("chamber.yml", CHAMBER_YML + "newsletter:\n  title: 甲\n  frequency: 季刊\n  title: 乙\n",
     "content/dup/chamber.yml:15: newsletter.title: the key 'title' is given twice, on lines 13 and 15"),
    ("news/2026/2026-06-01-dup.md", "---\ntitle: 一\ndate: 2026-06-01\ntitle: 二\n---\n\n正文。\n",
     "content/dup/news/2026/2026-06-01-dup.md:4: title: the key 'title' is given twice, on lines 2 and 4"),
    ("pages/about.md", "---\ntitle: 一\n\ntitle: 二\n---\n\n正文。\n",
     "content/dup/pages/about.md:4: title: the key 'title' is given twice, on lines 2 and 4"),
    ("members.csv", None, None),
])
def test_a_key_given_twice_is_an_error_naming_both_lines(content: Path, rel: str, text: str | None,
                                                         where: str | None) -> None:
    if text is None:     # the roster as YAML: a key twice in one member
        rel, text = "members.yml", "- 名称: 甲公司\n  职务: 会长\n- 名称: 乙公司\n  职务: 会员\n  名称: 丙公司\n"
        where = "content/dup/members.yml:5: 1.名称: the key '名称' is given twice, on lines 3 and 5"
        files: dict[str, str | None] = {"members.csv": None, rel: text}
    else:
        files = {rel: text}
    if rel == "chamber.yml":
        write_chamber(content, "dup", chamber_yml=text)
    else:
        write_chamber(content, "dup", files=files)
    found = problems_of(content, "dup")
    assert [p for p in found if p.startswith(where)], found


def test_a_key_twice_in_a_newsletter_issue_is_an_error(content: Path) -> None:
    write_chamber(content, "dup", files={"newsletters/2026-q3.yml":
                                        "number: 2026年第3期\nfrom: 2026-07-01\nto: 2026-12-31\nnumber: 第4期\n"})
    from generator.newsletter import load_issues

    with pytest.raises(ContentError) as caught:
        load_issues(load_chamber(content, "dup", today=TODAY))
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith("content/dup/newsletters/2026-q3.yml:4: number: the key 'number' is given twice, "
                            "on lines 1 and 4") for p in found), found


def test_the_same_key_in_different_mappings_is_fine(content: Path) -> None:
    write_chamber(content, "ok", chamber_yml=CHAMBER_YML + (
        "departments:\n  - name: 秘书处\n    head: 张三\n  - name: 财务部\n    head: 李四\n"))
    assert problems_of(content, "ok") == []


# --- addresses from data are parsed and rebuilt (case 9) -----------------------------------------------------

@pytest.mark.parametrize("url", [
    'https://ok.example.cn/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "https://ok.example.cn/' onmouseover='x", "https://ok.example.cn/<x>", "https://ok.example.cn/ x",
    "javascript:alert(1)//https://ok.example.cn/", "https://admin:secret@ok.example.cn/", "ftp://ok.example.cn/",
    "https://ok..example.cn/", "https://ok.example.cn:99999/", "https://ok.example.cn/?q=1", "https://-bad-.cn/",
    "https:///path-only", "https://ok.example.cn\\@evil.example/",
])
def test_a_site_url_that_is_not_a_plain_web_address_is_an_error_naming_the_key(content: Path, url: str) -> None:
    write_chamber(content, "url", chamber_yml=CHAMBER_YML + f"site_url: '{url.replace(chr(39), chr(39) * 2)}'\n")
    found = problems_of(content, "url")
    assert [p for p in found if p.startswith("content/url/chamber.yml:12: site_url: ")
            and "is not a web address" in p], found


def test_the_rebuilt_site_url_is_the_one_used(content: Path, out: Path) -> None:
    from generator.build import build_chamber
    from conftest import parse

    write_chamber(content, "url", chamber_yml=CHAMBER_YML + "site_url: HTTPS://Ok.Example.cn/站点\n")
    build_chamber("url", content, out, today=TODAY)
    links = parse(out / "url/about/index.html").cssselect('link[rel="canonical"]')
    assert [link.get("href") for link in links] == ["https://ok.example.cn/%E7%AB%99%E7%82%B9/about/"]
    feed = (out / "url/feed.xml").read_text(encoding="utf-8")
    assert 'href="https://ok.example.cn/%E7%AB%99%E7%82%B9/feed.xml"' in feed


def test_embed_hosts_must_be_host_names(content: Path) -> None:
    write_chamber(content, "emb", chamber_yml=CHAMBER_YML + (
        "embed_hosts:\n  - player.example-video.cn\n  - 'evil.example; script-src *'\n  - 'x\"><b>'\n"))
    found = problems_of(content, "emb")
    assert [p.split(": ", 2)[:2] for p in found] == [["content/emb/chamber.yml:14", "embed_hosts"],
                                                    ["content/emb/chamber.yml:15", "embed_hosts"]], found


@pytest.mark.parametrize("website", ['https://a.cn/"><script>x-evil</script>', "https://a.cn/' onclick='x",
                                     "javascript:alert(1)", "https://u:p@a.cn/", "https://a.cn/<b>"])
def test_a_member_website_that_is_not_a_web_address_is_left_out_with_a_warning(
        content: Path, website: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["名称", "职务", "网址"], ["甲公司", "会长", website], ["乙公司", "会员", "www.b.cn/页"]])
    write_chamber(content, "web", files={"members.csv": buffer.getvalue()})
    chamber = load_chamber(content, "web", today=TODAY)
    assert [m.website for m in chamber.members] == ["", "http://www.b.cn/%E9%A1%B5"]
    assert [w for w in chamber.warnings if "content/web/members.csv:2" in str(w) and "column 网址" in str(w)], \
        [str(w) for w in chamber.warnings]
