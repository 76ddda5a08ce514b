"""The charter: parsed chapters and articles, anchors, TOC, cross-references, numbering checks, facts, print."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2

from chamberpress.build.pipeline import build_chamber
from chamberpress.content.charter import charter_document, load_charter, parse_charter
from chamberpress.chinese import format_numeral
from chamberpress.cli import main as cli
from chamberpress.content.load import chamber_slugs, load_chamber
from chamberpress.errors import ContentError, Problems

from conftest import ROOT, TODAY, parse, text_of, write_chamber

CHAPTERS = ["总则", "业务范围", "会员", "组织机构和负责人", "资产管理、使用原则", "章程的修改程序", "终止程序及附则"]
SPACINGS = ["\u3000", " ", ""]  # full-width space, ASCII space, nothing after the number

# What some articles say: references to this charter, to other laws, a range, a paragraph, a missing article.
SAYS = {
    5: "会员依照本章程第二十条的规定享有选举权。",
    6: "第二十条至第二十五条规定的事项，由理事会决定。",
    7: "理事会依照第二十条第二款的规定召开会议。",
    8: "本会依照《社会团体登记管理条例》第十条、第十一条的规定办理登记，并遵守中国共产党章程第三十三条。",
    9: "本会的财产依照第一百零一条的规定处理。",
    10: "会员退会依照第二百条的规定办理。",
    20: "本条规定会员大会的职权。",
    102: "第一百零一条所称财产，包括本会的全部资产。",
}

META = """\
---
title: 温州市测试商会章程
adopted: 2019-06-18
approved_by: 温州市民政局
amendments:
  - date: 2026-05-21
    summary: 修订会费条款<em>（第二次）</em>
  - date: 2021-07-20
    summary: 增加党建工作条款
---

# 温州市测试商会章程

本章程依照国家有关法律法规制定。
"""


def charter_text(articles: int = 105) -> str:
    """7 chapters of 15 articles; chapter 3 has two sections; article 40 is written as a heading."""
    lines = [META]
    per_chapter = -(-articles // len(CHAPTERS))
    for number in range(1, articles + 1):
        chapter, index = divmod(number - 1, per_chapter)
        if index == 0:
            lines.append(f"## 第{format_numeral(chapter + 1)}章　{CHAPTERS[chapter]}\n")
        if number == 31:
            lines.append("### 第一节　会员资格\n")
        if number == 38:
            lines.append("### 第二节　依照第二十条的事项\n")
        says = SAYS.get(number, f"本条规定本会的有关事项（{number}）。")
        if number == 40:
            lines.append("### 第四十条　会员的义务\n")
            lines.append("会员应当遵守第三十九条的规定。\n")
            lines.append("（一）遵守本会章程；\n")
            continue
        lines.append(f"第{format_numeral(number)}条{SPACINGS[number % 3]}{says}\n")
        if number == 21:
            lines.append("（一）本款第一项，依照第二十二条执行；\n")
    return "\n".join(lines)


def line_of(text: str, needle: str) -> int:
    """The file line on which `needle` first appears."""
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture(scope="module")
def charter_site(tmp_path_factory) -> tuple[Path, object]:
    """The test chamber with the long charter, built once: (its charter page, the build result)."""
    root = tmp_path_factory.mktemp("charter")
    write_chamber(root / "content", files={"charter.md": charter_text()})
    result = build_chamber("test", root / "content", root / "sites", today=TODAY)
    return result.site_dir / "charter" / "index.html", result


@pytest.fixture(scope="module")
def page(charter_site):
    return parse(charter_site[0])


def article_ids(doc) -> list[str]:
    return [el.get("id") for el in doc.cssselect(".cp-article")]


# --- Anchors ------------------------------------------------------------------------------------------------


def test_every_article_has_its_anchor_in_order_whatever_the_spacing(page):
    assert article_ids(page) == [f"article-{n}" for n in range(1, 106)]
    for number in (1, 2, 3, 101, 103, 105):  # spacing: none, full-width, ASCII, …
        article = page.cssselect(f"#article-{number}")[0]
        assert article.tag == "div" and "cp-article" in article.get("class").split()
        num = article.cssselect(".cp-article__num")[0]
        assert num.tag == "strong" and num.text == f"第{format_numeral(number)}条"
        # The number is not repeated in the text after it, and the text itself is intact.
        assert text_of(article).count(f"第{format_numeral(number)}条") == 1


def test_article_shows_a_permalink_left_out_of_search(page):
    link = page.cssselect("#article-101 a.headerlink")[0]
    assert link.get("href") == "#article-101" and link.get("title") == "本条链接"


def test_chapter_headings_carry_their_anchor(page):
    headings = page.cssselect(".cp-charter h2")
    assert [h.get("id") for h in headings] == [f"chapter-{n}" for n in range(1, 8)]
    assert headings[0].text == "第一章\u3000总则"
    sections = page.cssselect(".cp-charter h3")
    assert [s.get("id") for s in sections] == ["chapter-3-section-1", "chapter-3-section-2"]


def test_article_written_as_heading_is_an_article_not_a_toc_entry(page):
    article = page.cssselect("#article-40")[0]
    assert article.cssselect(".cp-article__title")[0].text == "会员的义务"
    assert [p.text_content() for p in article.cssselect("p")][1:] == [
        "会员应当遵守第三十九条的规定。",
        "（一）遵守本会章程；",
    ]
    assert article.cssselect("a.cp-xref")[0].get("href") == "#article-39"
    assert not page.cssselect("h3#article-40, h4#article-40")


def test_preamble_and_title(page):
    assert text_of(page.cssselect("h1")[0]) == "温州市测试商会章程"
    assert len(page.cssselect("h1")) == 1
    first = [p for p in page.cssselect(".cp-charter > p") if not p.cssselect(".cp-charter-pdf")][0]
    assert first.text_content() == "本章程依照国家有关法律法规制定。"


# --- Table of contents --------------------------------------------------------------------------------------


def test_toc_lists_chapters_and_sections(page):
    toc = page.cssselect("nav.md-nav--secondary")[0]
    links = [(a.get("href"), text_of(a)) for a in toc.cssselect("a.md-nav__link")]
    hrefs = [href for href, _ in links]
    assert hrefs == [
        "#chapter-1",
        "#chapter-2",
        "#chapter-3",
        "#chapter-3-section-1",
        "#chapter-3-section-2",
        "#chapter-4",
        "#chapter-5",
        "#chapter-6",
        "#chapter-7",
    ]
    assert links[0][1] == "第一章 总则" and links[4][1] == "第二节 依照第二十条的事项"
    assert not any("article" in href for href in hrefs)


# --- Cross-references ---------------------------------------------------------------------------------------


def xrefs(page, number: int) -> list[tuple[str, str]]:
    return [(a.get("href"), a.text_content()) for a in page.cssselect(f"#article-{number} a.cp-xref")]


def test_cross_references_become_links(page):
    assert xrefs(page, 5) == [("#article-20", "第二十条")]  # 本章程第二十条
    assert xrefs(page, 6) == [("#article-20", "第二十条"), ("#article-25", "第二十五条")]  # a range
    assert xrefs(page, 7) == [("#article-20", "第二十条第二款")]  # a paragraph of an article
    assert xrefs(page, 9) == [("#article-101", "第一百零一条")]
    assert xrefs(page, 21) == [("#article-22", "第二十二条")]  # in the article's second paragraph
    assert xrefs(page, 102) == [("#article-101", "第一百零一条")]  # at the start of the text


def test_what_is_not_linked(page):
    # Other laws, the article's own number, a heading, an article the charter does not have.
    assert xrefs(page, 8) == []
    assert "《社会团体登记管理条例》第十条、第十一条" in text_of(page.cssselect("#article-8")[0])
    assert xrefs(page, 20) == [] and not page.cssselect("#article-20 .cp-article__num a")
    assert not page.cssselect("h2 a.cp-xref, h3 a.cp-xref")
    assert xrefs(page, 10) == [] and "第二百条" in text_of(page.cssselect("#article-10")[0])
    every = page.cssselect("a.cp-xref")
    assert len(every) == 8
    assert all(page.cssselect(a.get("href")) for a in every)  # every link lands on an article


def test_missing_article_is_a_warning_naming_the_line(charter_site):
    _, result = charter_site
    text = charter_text()
    warnings = [w for w in result.warnings if w.field == "cross-reference"]
    assert len(warnings) == 1
    assert warnings[0].file.endswith("test/charter.md")
    assert warnings[0].line == line_of(text, "第二百条")
    assert "第二百条" in warnings[0].message and "200" in warnings[0].message


def test_references_in_a_parsed_passage():
    from chamberpress.content.charter import line_references

    refs = line_references("依照《条例》第十条和第十一条，以及本章程第三条、第四条第一款。", 7)
    assert [(r.number, r.foreign, r.line) for r in refs] == [(10, True, 7), (11, True, 7), (3, False, 7), (4, False, 7)]
    assert refs[3].text == "第四条第一款"
    assert line_references("见`第五条`和[第六条](x)，以及《关于第七条的决定》", 1) == []
    assert line_references("## 第二节　第五条", 1) == []
    assert [r.number for r in line_references("第二条至四条", 1)] == [2, 4]


# --- Adoption facts -----------------------------------------------------------------------------------------


def test_facts_shown_above_the_text(page):
    meta = page.cssselect(".cp-charter-meta")[0]
    facts = {text_of(div.cssselect("dt")[0]): div.cssselect("dd")[0] for div in meta.cssselect("dl > div")}
    assert text_of(facts["通过日期"]) == "2019年6月18日"
    assert text_of(facts["核准机关"]) == "温州市民政局"
    amendments = [
        (li.cssselect(".cp-charter-meta__date")[0].text, li.text_content()) for li in facts["修订记录"].cssselect("li")
    ]
    assert amendments == [
        ("2021年7月20日", "2021年7月20日增加党建工作条款"),
        ("2026年5月21日", "2026年5月21日修订会费条款<em>（第二次）</em>"),
    ]
    assert not meta.cssselect("em")  # front matter text is escaped
    # Above the text: the block comes before the first chapter.
    body = page.cssselect("article.md-content__inner")[0]
    order = [el for el in body.iter() if el.get("class") in ("cp-charter-meta", "cp-charter")]
    assert [el.get("class") for el in order] == ["cp-charter-meta", "cp-charter"]


def test_charter_without_facts_has_no_facts_block(test_site):
    doc = parse(test_site / "charter" / "index.html")
    assert not doc.cssselect(".cp-charter-meta")
    assert article_ids(doc) == ["article-1"]


# --- Print --------------------------------------------------------------------------------------------------


def _rules(css: str):
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def _declarations(rule) -> dict[str, str]:
    decls = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
    return {d.lower_name: tinycss2.serialize(d.value).strip() for d in decls if d.type == "declaration"}


def test_print_css_a4_without_navigation(charter_site, page):
    href = [link.get("href") for link in page.cssselect("link[rel=stylesheet]") if "charter" in link.get("href")]
    assert href == ["../assets/stylesheets/charter.css"]
    css = (charter_site[0].parent / href[0]).resolve().read_text(encoding="utf-8")
    rules = _rules(css)
    (at_page,) = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "page"]
    page_decls = _declarations(at_page)
    assert page_decls["size"] == "A4" and page_decls["margin"].endswith("mm")
    (printing,) = [
        r
        for r in rules
        if r.type == "at-rule" and r.lower_at_keyword == "media" and tinycss2.serialize(r.prelude).strip() == "print"
    ]
    inner = _rules(tinycss2.serialize(printing.content))
    by_selector = {tinycss2.serialize(r.prelude).strip(): _declarations(r) for r in inner if r.type == "qualified-rule"}
    hidden = next(decls for sel, decls in by_selector.items() if ".md-header" in sel)
    hiding = next(sel for sel in by_selector if ".md-header" in sel)
    assert hidden["display"].startswith("none")
    for part in (".md-tabs", ".md-sidebar", ".md-footer", ".headerlink"):
        assert part in hiding
    assert by_selector[".cp-article__num"]["font-weight"] == "700"


def test_print_document_for_the_newsletter(tmp_path):
    folder = write_chamber(tmp_path / "content", files={"charter.md": charter_text()})
    charter = load_charter(folder, Problems(tmp_path))
    document = charter_document(charter, "温州市测试商会")
    assert document.title == "温州市测试商会章程"
    assert document.facts.adopted == "2019年6月18日"
    assert [a.date for a in document.facts.amendments] == ["2021年7月20日", "2026年5月21日"]
    assert document.toc[0].anchor == "chapter-1" and document.toc[0].text == "第一章　总则"
    assert [e.level for e in document.toc[2:5]] == [1, 2, 2]
    from lxml import html

    doc = html.fragment_fromstring(document.html, create_parent="div")
    assert article_ids(doc) == [f"article-{n}" for n in range(1, 106)]
    assert not doc.cssselect(".headerlink")
    assert [a.get("href") for a in doc.cssselect("#article-9 a.cp-xref")] == ["#article-101"]


# --- Numbering checks ---------------------------------------------------------------------------------------


def problems_of(tmp_path: Path, body: str) -> tuple[str, list]:
    text = "---\ntitle: 章程\n---\n\n" + body
    folder = write_chamber(tmp_path / "content", files={"charter.md": text})
    problems = Problems(tmp_path)
    load_charter(folder, problems)
    return text, problems.items


def test_gap_in_article_numbers_names_line_and_expected_number(tmp_path):
    text, problems = problems_of(
        tmp_path, "## 第一章　总则\n\n第一条　甲。\n\n第二条 乙。\n\n第四条丙。\n\n第五条　丁。\n"
    )
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error" and problem.field == "article"
    assert problem.line == line_of(text, "第四条")
    assert "第四条 (4)" in problem.message and problem.expected == "expected 第三条 (3)"
    assert str(problem) == (
        f"content/test/charter.md:{problem.line}: article: 第四条 (4) skips: a number is missing (expected 第三条 (3))"
    )


def test_repeated_article_number(tmp_path):
    text, problems = problems_of(
        tmp_path, "## 第一章　总则\n\n第一条　甲。\n\n第二条　乙。\n\n第二条　丙。\n\n第三条　丁。\n"
    )
    assert [(p.line, p.expected) for p in problems] == [(line_of(text, "第二条　丙"), "expected 第三条 (3)")]
    assert "repeats" in problems[0].message


def test_hundreds_numbering(tmp_path):
    body = "## 第一章　总则\n\n" + "\n".join(f"第{format_numeral(n)}条　文。\n" for n in range(1, 101))
    text, problems = problems_of(tmp_path, body + "\n第一百零二条　文。\n")
    assert [(p.line, p.expected) for p in problems] == [(line_of(text, "第一百零二条"), "expected 第一百零一条 (101)")]


def test_chapter_and_section_numbers(tmp_path):
    body = (
        "## 第一章　总则\n\n第一条　甲。\n\n## 第三章　会员\n\n### 第一节　资格\n\n第二条　乙。\n\n"
        "### 第三节　会费\n\n第三条　丙。\n\n## 第三章　附则\n\n第四条　丁。\n"
    )
    text, problems = problems_of(tmp_path, body)
    got = [(p.field, p.line, p.expected) for p in problems]
    assert got == [
        ("chapter", line_of(text, "## 第三章　会员"), "expected 第二章 (2)"),
        ("chapter", line_of(text, "## 第三章　附则"), "expected 第四章 (4)"),
        ("section", line_of(text, "### 第三节"), "expected 第二节 (2)"),
    ]
    assert "repeats" in problems[1].message


def test_build_stops_and_check_lists_every_problem(tmp_path, capsys):
    body = "## 第一章　总则\n\n第一条　甲。\n\n第三条　依照第九条。\n\n## 第三章　附则\n\n第四条　丁。\n"
    text = "---\ntitle: 章程\n---\n\n" + body
    write_chamber(tmp_path / "content", files={"charter.md": text})
    with pytest.raises(ContentError) as caught:
        build_chamber("test", tmp_path / "content", tmp_path / "sites", today=TODAY)
    assert [p.line for p in caught.value.problems] == [line_of(text, "第三条"), line_of(text, "## 第三章")]
    assert not (tmp_path / "sites" / "test").exists()

    code = cli(["check", "test", "--content", str(tmp_path / "content")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"content/test/charter.md:{line_of(text, '第三条')}: article: 第三条 (3) skips" in err
    assert f"content/test/charter.md:{line_of(text, '## 第三章')}: chapter: 第三章 (3) skips" in err
    assert f"content/test/charter.md:{line_of(text, '第九条')}: cross-reference: 第九条" in err and "[warning]" in err


# --- Parsing details ----------------------------------------------------------------------------------------


def test_parse_keeps_lines_and_structure():
    body = (
        "# 某商会章程\n\n序言。\n\n## 第一章 总则\n第一条本会名称。\n续行。\n\n（一）项；\n\n"
        "**第二条**　加粗的编号。\n\n第二章　会员\n\n第三条\u3000会员。\n"
    )
    text = parse_charter(body, first_line=5)
    assert text.title == "某商会章程"
    assert [(c.number, c.title, c.line) for c in text.chapters] == [(1, "总则", 9), (2, "会员", 17)]
    assert [(a.number, a.line) for a in text.articles] == [(1, 10), (2, 15), (3, 19)]
    first = text.articles[0]
    assert first.text.line == 10 and first.text.text == "本会名称。\n续行。\n\n（一）项；"
    assert text.articles[1].text.text == "加粗的编号。"


# --- The demo chambers --------------------------------------------------------------------------------------

DEMO = chamber_slugs(ROOT / "content")


@pytest.mark.skipif(not DEMO, reason="no demo content")
@pytest.mark.parametrize("slug", DEMO)
def test_demo_charters_follow_the_format(slug, demo_sites):
    chamber = load_chamber(ROOT / "content", slug, today=TODAY)
    assert chamber.charter is not None
    assert [w for w in chamber.warnings if w.file.endswith("charter.md")] == []
    count = len(chamber.charter.text.articles)
    assert count >= 40 and len(chamber.charter.text.chapters) >= 5
    doc = parse(demo_sites / slug / "charter" / "index.html")
    assert article_ids(doc) == [f"article-{n}" for n in range(1, count + 1)]
    assert doc.cssselect(".cp-charter-meta") and doc.cssselect("a.cp-xref")
    assert all(doc.cssselect(a.get("href")) for a in doc.cssselect("a.cp-xref"))


def test_the_guides_example_is_a_valid_charter(tmp_path):
    section = (ROOT / "docs/guide/user/charter.md").read_text(encoding="utf-8")
    example = section[section.index("```markdown\n") + 12 : section.index("\n```", section.index("```markdown"))]
    body = example.split("---\n", 2)[2]
    _, problems = problems_of(tmp_path, body)
    assert problems == []
    charter = parse_charter(body)
    assert [a.number for a in charter.articles] == [1, 2, 3]
    assert [s.anchor for s in charter.sections] == ["chapter-1-section-1"]


def test_one_article_per_line_without_blank_lines():
    body = "第一章　总则\n第一条　甲。\n第二条乙，\n续行。\n第三条 丙。\n（一）项；\n第二章 附则\n第四条　丁。\n"
    text = parse_charter(body)
    assert [(c.number, c.line) for c in text.chapters] == [(1, 1), (2, 7)]
    assert [(a.number, a.line, a.text.text) for a in text.articles] == [
        (1, 2, "甲。"),
        (2, 3, "乙，\n续行。"),
        (3, 5, "丙。\n（一）项；"),
        (4, 8, "丁。"),
    ]


def test_links_from_the_charter_to_pages_and_posts_work(content: Path, out: Path) -> None:
    from chamberpress.build.pipeline import build_chamber
    from conftest import TODAY, write_chamber

    write_chamber(
        content,
        "cl",
        files={
            "charter.md": "---\ntitle: 章程\n---\n\n## 第一章　总则\n\n"
            "第一条　入会办法见[入会指南](pages/join.md)，年会见"
            "[年会报道](news/2025/2025-12-30-nianhui.md)。\n"
        },
    )
    build_chamber("cl", content, out, today=TODAY)
    doc = parse(out / "cl/charter/index.html")
    hrefs = {a.text_content(): a.get("href") for a in doc.cssselect("article a") if a.get("href")}
    assert (out / "cl/charter" / hrefs["入会指南"] / "index.html").resolve() == (out / "cl/join/index.html").resolve()
    assert (out / "cl/charter" / hrefs["年会报道"] / "index.html").resolve() == (
        out / "cl/news/2025/12/30/nianhui/index.html"
    ).resolve()
