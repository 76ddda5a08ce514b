"""The guides (docs/): built with `mkdocs build --strict` (a broken link or a page missing from the nav fails),
the user guide in Chinese, nothing loaded from another host, and a reference that lists every key the loaders
accept and every roster column, made from the same definitions the checks use."""

from __future__ import annotations

import ast
import dataclasses
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import typing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from lxml import html as lxml_html

from chamberpress.build.portal import PortalInfo
from chamberpress.content.chamber import ChamberInfo
from chamberpress.content.charter import CharterMeta
from chamberpress.content.news import PostMeta
from chamberpress.content.pages import PageMeta
from chamberpress.content.projects import ProjectMeta
from chamberpress.content.reference import DEFINITIONS, definition_markdown, reference_markdown
from chamberpress.content.schema import spec
from chamberpress.content.roster_headers import HEADERS, HIDE_WORDS, MOBILE_WORDS, SHOW_WORDS
from chamberpress.print.newsletter import IssueFile

ROOT = Path(__file__).resolve().parent.parent
# What editors write, as the loaders read it: chamber.yml, front matter, issue files, portal.yml.
LOADED = (ChamberInfo, PostMeta, PageMeta, CharterMeta, ProjectMeta, IssueFile, PortalInfo)


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("guide") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "docs/mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    return site


def accepted_keys(cls: type, prefix: str = "", seen: frozenset = frozenset()) -> list[str]:
    """Every key path the loader accepts for a definition (`newsletter.title`), from the dataclass itself; a
    definition inside itself (a unit's units) adds no new keys."""
    hints = typing.get_type_hints(cls)
    keys = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        key = prefix + f.name.rstrip("_")  # `from_` is written `from:`
        keys.append(key)
        tp = hints[f.name]
        inner = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
        for candidate in inner:
            if typing.get_origin(candidate) is list:
                candidate = typing.get_args(candidate)[0]
            if dataclasses.is_dataclass(candidate) and candidate not in seen | {cls}:
                keys += accepted_keys(candidate, key + ".", seen | {cls})
    return keys


@dataclasses.dataclass
class Unit:
    name: str = spec("机构名称", required=True)
    units: list[Unit] = spec("下设机构", factory=list)


@dataclasses.dataclass
class Chart:
    organization: list[Unit] = spec("组织架构图", factory=list)


def test_a_definition_inside_itself_is_documented_once() -> None:
    text = definition_markdown(Chart)
    assert text.count("`organization.name`") == 1 and text.count("`organization.units`") == 2  # row, note
    assert "`organization.units` 列表中每一项可写的键与 `organization` 相同" in text
    assert accepted_keys(Chart) == ["organization", "organization.name", "organization.units"]


def page_text(site: Path, page: str) -> tuple[str, object]:
    doc = lxml_html.parse(str(site / page / "index.html")).getroot()
    return doc.get("lang"), doc.cssselect("article")[0]


def test_the_reference_lists_every_key_the_loaders_accept(guide: Path) -> None:
    _, article = page_text(guide, "user/reference")
    codes = {code.text_content() for code in article.cssselect("td code")}
    missing = [key for cls in LOADED for key in accepted_keys(cls) if key not in codes]
    assert not missing, f"keys the loaders accept but the guide's reference does not list: {missing}"
    assert {"hometown", "newsletter.title", "plan.report", "from"} <= codes


def test_every_definition_a_loader_converts_is_in_the_reference() -> None:
    """A new kind of YAML file (`convert(SomeInfo, …)` anywhere in the package) must reach the guide too."""
    converted = set()
    for source in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "convert":
                converted.add(node.args[0].id)
    assert converted == {cls.__name__ for cls in LOADED} <= {cls.__name__ for cls in DEFINITIONS.values()}


def test_the_reference_lists_every_roster_header(guide: Path) -> None:
    _, article = page_text(guide, "user/reference")
    codes = {code.text_content() for code in article.cssselect("td code")}
    words = set(SHOW_WORDS + HIDE_WORDS + MOBILE_WORDS)
    plain = [h for field, names in HEADERS.items() if field not in ("publish_mobile", "mobile_hidden") for h in names]
    missing = [header for header in plain if header not in codes] + [w for w in words if w not in codes]
    assert not missing, f"roster headers the reader knows but the guide does not list: {missing}"
    assert "名称" in codes and "公开手机" in codes


def test_a_reference_marker_without_a_table_stops_the_build() -> None:
    with pytest.raises(KeyError, match="no reference named 'members'"):
        reference_markdown("members")


def test_the_user_guide_is_chinese(guide: Path) -> None:
    pages = [p.parent.relative_to(guide).as_posix() for p in sorted((guide / "user").rglob("index.html"))]
    assert len(pages) >= 15
    for page in ["", *pages]:
        lang, article = page_text(guide, page) if page else page_text(guide, ".")
        text = "".join(article.xpath(".//text()[not(ancestor::pre) and not(ancestor::code)]"))  # the prose
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        latin = len(re.findall(r"[A-Za-z]", text))
        assert lang == "zh" and han >= 150 and han > latin / 3, f"{page or 'index'}: {han} Chinese, {latin} Latin"
    # Source lines wrapped inside a Chinese sentence are joined: a browser would show the line break as a space.
    assert "各自生成自己的网站" in page_text(guide, ".")[1].text_content()
    nav = lxml_html.parse(str(guide / "index.html")).getroot()
    tabs = [a.text_content().strip() for a in nav.cssselect(".md-tabs__link")]
    assert tabs == ["用户指南", "开发者指南 Developer guide"]


def test_nothing_is_loaded_from_another_host(guide: Path) -> None:
    loaded = []
    for page in guide.rglob("*.html"):
        doc = lxml_html.parse(str(page)).getroot()
        for element in doc.iter():
            for attribute in ("src", "srcset", "data-src", "poster") + (("href",) if element.tag == "link" else ()):
                value = element.get(attribute)
                if value and (urlsplit(value.strip()).netloc or value.strip().startswith("//")):
                    loaded.append((page.relative_to(guide).as_posix(), element.tag, value))
    for sheet in guide.rglob("*.css"):
        loaded += [
            (sheet.name, "css", url)
            for url in re.findall(r"(?:url\(|@import\s)['\"]?(\w*:?//[^)'\"\s]+)", sheet.read_text())
        ]
    assert not loaded, loaded


def test_search_cuts_chinese_into_words(guide: Path) -> None:
    index = json.loads((guide / "search/search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]  # a regular expression for the browser: \u200b escaped
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "会员\u200b名录" in texts  # jieba's cuts, which the separator splits into words


def test_the_guides_yaml_examples_are_valid_yaml() -> None:
    """An editor copies the examples: each ```yaml block of the user guide reads as YAML."""
    blocks = []
    for page in sorted((ROOT / "docs/guide/user").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for found in re.finditer(r"^( *)```yaml\n(.*?)^\1```", text, re.MULTILINE | re.DOTALL):
            body = "\n".join(line[len(found.group(1)) :] for line in found.group(2).split("\n"))
            blocks.append((page.name, body))
    assert len(blocks) >= 10
    for name, body in blocks:
        documents = [d for d in yaml.safe_load_all(body) if d is not None]  # a front matter's --- lines too
        assert documents and all(isinstance(d, dict) for d in documents), f"{name}: {body[:60]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_chinese_search_finds_the_pages_in_a_browser(guide: Path, browser) -> None:
    """Material's search, in chromium, with the index jieba cut: a Chinese query finds the roster's page."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(guide)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context(locale="zh-CN", service_workers="block")
    foreign: list[str] = []

    def route(r) -> None:
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/", wait_until="load")
        page.focus(".md-search__input")
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.trim() !== ''")
        page.keyboard.type("公开手机")
        page.keyboard.press("End")  # Material reads the query on key-up; typed Chinese comes as text, not keys
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        links = [a.get_attribute("href") for a in page.query_selector_all(".md-search-result__item a")]
        assert any("user/roster/" in (href or "") for href in links), links
        assert not foreign, foreign
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
