"""The interface in Chinese and in English: the language chosen from --lang, CHAMBERPRESS_LANG and the locale;
help, errors, warnings and summaries of the real CLI in Chinese; the catalogue complete for the code's messages.

The rest of the suite runs in English (conftest sets CHAMBERPRESS_LANG=en); these tests choose for themselves."""

from __future__ import annotations

import gettext
import io
import multiprocessing
import re
import os
import signal
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import _parse_mappings_from_toml
from babel.messages.pofile import read_po

from chamberpress import cli, i18n, platform_support
from chamberpress.build import site_folders
from conftest import CHAMBER_YML, ROOT, TODAY, post, write_chamber

LOCALE_VARIABLES = ("CHAMBERPRESS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def locale(monkeypatch: pytest.MonkeyPatch):
    """Set the locale variables of this process (the others unset) for one test; restored after it."""

    def set_locale(**values: str) -> None:
        for name in LOCALE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_locale


def chamber(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real `chamber` command in a child process, with only the given locale variables set."""
    environ = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES} | env
    return subprocess.run(
        [sys.executable, "-m", "chamberpress.cli", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


# --- the language chosen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variables, expected",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({}, "zh"),  # nothing set, as on Windows
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL comes first, and names no language
        ({"LANGUAGE": "en_US:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "zh"),  # another language: the tool is for Chinese chambers
        ({"CHAMBERPRESS_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"CHAMBERPRESS_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),
    ],
)
def test_the_language_comes_from_the_first_variable_set(locale, variables: dict, expected: str) -> None:
    locale(**variables)
    assert i18n.language() == expected


def test_help_is_chinese_in_a_chinese_locale_and_english_with_lang_en() -> None:
    chinese = chamber("--help", LANG="zh_CN.UTF-8")
    assert chinese.returncode == 0
    # argparse's own headings too, and the exit codes.
    for text in ("用法：chamber", "位置参数", "选项", "显示本帮助并退出", "检查内容", "退出码：", "已中断（Ctrl-C）"):
        assert text in chinese.stdout
    english = chamber("--lang", "en", "--help", LANG="zh_CN.UTF-8")
    assert english.stdout.startswith("usage: chamber")
    assert "validate content" in english.stdout and "exit codes:" in english.stdout
    assert not [word for word in ("用法", "选项", "检查内容", "退出码") if word in english.stdout]


def test_a_subcommands_help_and_a_usage_error_in_chinese_when_the_locale_names_no_language() -> None:
    shown = chamber("build", "--help", LANG="C")
    assert shown.stdout.startswith("用法：chamber build")
    assert "内容文件夹（默认：content/）" in shown.stdout
    assert "不使用任何加速手段" in shown.stdout
    wrong = chamber("build", "--jobs", "x")  # no locale variable at all
    assert wrong.returncode == 2
    assert "chamber build：错误：参数 --jobs/-j：无效的 int 值：'x'" in wrong.stderr


# --- messages of the real command in Chinese ---------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A chamber with a bad date in a post's front matter and a roster cell that gives a warning."""
    content = tmp_path / "content"
    write_chamber(
        content,
        files={
            "news/2026/2026-05-01-x.md": post("标题", "2026-02-30"),
            "members.csv": "名称,职务,网址\n甲公司,会长,ftp://x.example\n",
        },
    )
    return content


def test_a_content_error_in_chinese_keeps_the_file_line_field_form(broken: Path, capsys, locale) -> None:
    locale(LANG="en_US.UTF-8")  # --lang wins over the locale
    code = cli.main(["check", "test", "--lang", "zh", "--content", str(broken), "--out", str(broken.parent / "out")])
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert (
        "content/test/news/2026/2026-05-01-x.md:3: date: '2026-02-30' 不是真实存在的日期（真实存在的日期，如 2026-05-21）"
        in lines
    )
    assert (
        "content/test/members.csv:2: “网址”列: 'ftp://x.example' 不是网址，这个链接不会显示（以 http:// 或 https:// 开头的网址） [警告]"
        in lines
    )
    assert os.environ.get("CHAMBERPRESS_LANG") is None  # --lang held for the command only


def test_the_same_check_in_english(broken: Path, capsys, locale) -> None:
    locale(LANG="zh_CN.UTF-8")
    cli.main(["check", "test", "--lang", "en", "--content", str(broken), "--out", str(broken.parent / "out")])
    err = capsys.readouterr().err
    assert "2026-05-01-x.md:3: date: '2026-02-30' is not a real date (a real date such as 2026-05-21)" in err
    assert "members.csv:2: column 网址: 'ftp://x.example' is not a web address" in err and err.rstrip().endswith(
        "[warning]"
    )


def test_a_build_prints_its_summary_and_its_warnings_in_chinese(tmp_path: Path, capsys, locale) -> None:
    locale()
    content, out = tmp_path / "content", tmp_path / "sites"
    write_chamber(content, files={"members.csv": "名称,职务,网址\n甲公司,会长,ftp://x.example\n"})
    args = ["build", "test", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    (summary,) = [line for line in captured.out.splitlines() if line.startswith("✓ test：")]
    assert " 个页面，用时 " in summary and summary.endswith(f"秒 → {out / 'test'}/index.html")
    assert f"门户页：{out / 'index.html'}" in captured.out
    assert captured.err.rstrip().endswith("[警告]")
    assert cli.main(args) == 0
    assert "· test：自上次构建以来没有变化，跳过" in capsys.readouterr().out


def test_the_interrupted_build_says_so_in_chinese(tmp_path: Path, capsys, monkeypatch, locale) -> None:
    locale(LANG="zh_CN.UTF-8")
    content = tmp_path / "content"
    write_chamber(content)
    # Ctrl-C in the middle of the command, as the terminal sends it: the real handler of cli.main receives it.
    monkeypatch.setitem(cli.COMMANDS, "build", lambda args: signal.raise_signal(signal.SIGINT))
    assert cli.main(["build", "test", "--content", str(content), "--out", str(tmp_path / "out")]) == 130
    assert capsys.readouterr().err.splitlines() == ["已中断：原来的网站保持不变"]


def test_the_checks_of_chamber_yml_and_the_old_encoding_warning_in_chinese(tmp_path: Path, capsys) -> None:
    """Messages of the organisation chart, the home page's links and the reading of GB18030 files, as the
    real `chamber check` prints them in Chinese."""
    content = tmp_path / "content"
    chamber_yml = CHAMBER_YML + (
        "organization:\n  - name: 会员大会\n    roles: [总裁]\nlinks:\n  - name: 温州市工商联\n    url: javascript:alert(1)\n"
    )
    members = "名称,联系人,职务,行业,手机\n甲公司,张三,会长,商贸,13900000001\n".encode("gb18030")
    write_chamber(content, chamber_yml=chamber_yml, files={"members.csv": members})
    start = CHAMBER_YML.count("\n") + 1  # the line of organization:
    code = cli.main(["check", "test", "--lang", "zh", "--content", str(content), "--out", str(tmp_path / "out")])
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert any(
        line.startswith(
            f"content/test/chamber.yml:{start + 2}: organization.0.roles.0: '总裁' 不是本商会设置的职务（可选：会长、"
        )
        for line in lines
    ), lines
    assert (
        f"content/test/chamber.yml:{start + 5}: links.0.url: 'javascript:alert(1)' 不是网址（以 http:// 或 https:// 开头，"
        "包括主机名和路径，不含空格或引号，如 https://www.wzgsl.gov.cn/）" in lines
    ), lines
    assert (
        "content/test/members.csv: 文件是用旧的中文 Windows 编码（GB18030/GBK）保存的，已按这种编码读取"
        "（请在 Excel 中另存为“CSV UTF-8 (逗号分隔)”） [警告]" in lines
    ), lines


def test_a_site_folder_in_use_is_explained_in_chinese(tmp_path: Path, monkeypatch, locale) -> None:
    """The published site's folder cannot be renamed (a window open in it on Windows): the message the CLI
    prints says where the new site was left."""
    locale(LANG="zh_CN.UTF-8")
    monkeypatch.setenv(platform_support.WITHHOLD, "renameat2")  # the rename path, as on Windows
    monkeypatch.setattr(site_folders, "RENAME_WAIT", 0)
    new, target = tmp_path / ".chamber" / "building-a-x", tmp_path / "a"
    for folder in (new, target):
        folder.mkdir(parents=True)
    real = os.rename

    def rename(source, destination) -> None:
        if Path(source) == target:
            raise PermissionError(13, "The process cannot access the file because it is being used", str(source))
        real(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(site_folders.SiteInUse) as raised:
        site_folders.swap_into_place(new, target)
    assert str(raised.value).startswith(f"网站文件夹 {target} 正被别的程序占用（其中有文件或窗口开着），无法替换")
    assert f"新网站放在 {target.with_name('a.new')}：请关闭占用这个文件夹的程序后重新构建" in str(raised.value)


def test_worker_processes_speak_the_language_of_the_command(locale) -> None:
    """--lang is carried in the environment: a process spawned (not forked) during the command speaks it.
    (The child runs i18n._ itself: a function of this module would import conftest there, which sets English.)"""
    locale(LANG="en_US.UTF-8")
    spawn = multiprocessing.get_context("spawn")
    with i18n.use_language("zh"), spawn.Pool(1) as pool:
        assert pool.apply(i18n._, ("[warning]",)) == "[警告]"
    with spawn.Pool(1) as pool:
        assert pool.apply(i18n._, ("[warning]",)) == "[warning]"


# --- the catalogue ---------------------------------------------------------------------------------------------


def code_messages() -> dict[str, list[str]]:
    """Every message of the package's code (_(), ngettext(), N_()), as `make messages` extracts them: the
    msgid (a plural's singular) → where it is."""
    with open(ROOT / "pyproject.toml", "rb") as config:
        method_map, options_map = _parse_mappings_from_toml(config, style="pyproject.toml")
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(ROOT / "generator", method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> list[tuple]:
    """The {name!conversion:format} fields of a message, and its %-placeholders (argparse's)."""
    fields = sorted((name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text) if name)
    return fields + sorted(re.findall(r"%(?:\(\w+\))?[sdr]", text))


def catalogue_problems(messages: dict[str, list[str]], catalog: Catalog) -> list[str]:
    """What is wrong with the Chinese catalogue for these messages: each one untranslated, fuzzy, or whose
    placeholders differ from the English."""
    problems = []
    for msgid, where in messages.items():
        entry = catalog.get(msgid) or next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None)
        translated = entry and (entry.string[0] if isinstance(entry.string, tuple) else entry.string)
        if not translated:
            problems.append(f"{where[0]}: no translation of {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"{where[0]}: the translation of {msgid!r} is fuzzy (not checked)")
        elif placeholders(msgid) != placeholders(translated):
            problems.append(f"{where[0]}: {translated!r} has other placeholders than {msgid!r}")
    return problems


def read_catalogue() -> Catalog:
    with open(i18n.CATALOGUE, "rb") as po:
        return read_po(po, locale="zh_CN")


def test_every_message_of_the_code_has_a_checked_chinese_translation() -> None:
    messages = code_messages()
    assert len(messages) > 400  # the extraction found the code's messages
    assert {"[warning]", "usage: ", "broken {what}: {target!r} not found"} <= set(messages)
    assert catalogue_problems(messages, read_catalogue()) == []  # else: make messages, then translate


def test_the_catalogue_check_finds_a_missing_a_fuzzy_and_a_mistranslated_message() -> None:
    catalog = read_catalogue()
    catalog["[warning]"].string = ""
    catalog["the folder exists already"].flags.add("fuzzy")
    catalog["{slug} has no published post yet"].string = "{name} 还没有已发布的新闻"
    messages = code_messages()
    messages["a message added to the code today"] = ["generator/cli.py:1"]
    found = "\n".join(catalogue_problems(messages, catalog))
    assert "no translation of '[warning]'" in found
    assert "no translation of 'a message added to the code today'" in found
    assert "'the folder exists already' is fuzzy" in found
    assert "other placeholders than '{slug} has no published post yet'" in found
    assert len(catalogue_problems(messages, catalog)) == 4


def test_a_fuzzy_translation_is_not_shown(tmp_path: Path, monkeypatch) -> None:
    """A translation marked fuzzy by `make messages` (its English changed) shows the English until checked."""
    po = tmp_path / "chamberpress.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "the folder exists already"\nmsgstr "旧的译文"\n\n'
        'msgid "[warning]"\nmsgstr "[警告]"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "CATALOGUE", po)
    i18n.translations.cache_clear()
    try:
        catalogue = i18n.translations("zh")
        assert catalogue.gettext("the folder exists already") == "the folder exists already"
        assert catalogue.gettext("[warning]") == "[警告]"
    finally:
        i18n.translations.cache_clear()


def test_the_compiled_catalogue_is_the_pos_own(tmp_path: Path) -> None:
    """A command reads chamberpress.mo (gettext) instead of the .po (Babel): it must hold the .po's
    translations, fuzzy ones left out, and name the .po it was made from."""
    compiled = i18n.CATALOGUE.with_suffix(".mo")
    with compiled.open("rb") as mo:
        shipped = gettext.GNUTranslations(mo)
    source = i18n.CATALOGUE.read_bytes()
    fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_catalogue(source)))
    assert i18n.compiled_from(shipped) == i18n.source_digest(source), (
        f"run `make messages`: {compiled} is not {i18n.CATALOGUE.name}'s"
    )
    assert shipped._catalog == fresh._catalog  # type: ignore[attr-defined]


def test_a_compiled_catalogue_of_another_po_is_not_used(tmp_path: Path, monkeypatch) -> None:
    """A .po edited since its .mo was made (before `make messages`) is read itself: its translations show."""
    po = tmp_path / "chamberpress.po"
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
    po.write_text(header + 'msgid "[warning]"\nmsgstr "[旧的警告]"\n', encoding="utf-8")
    (tmp_path / "chamberpress.mo").write_bytes(i18n.compile_catalogue(po.read_bytes()))
    monkeypatch.setattr(i18n, "CATALOGUE", po)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("zh").gettext("[warning]") == "[旧的警告]"  # the .mo, while it is the .po's
        po.write_text(header + 'msgid "[warning]"\nmsgstr "[警告]"\n', encoding="utf-8")
        i18n.translations.cache_clear()
        assert i18n.translations("zh").gettext("[warning]") == "[警告]"
        (tmp_path / "chamberpress.mo").write_bytes(b"damaged")
        i18n.translations.cache_clear()
        assert i18n.translations("zh").gettext("[warning]") == "[警告]"
    finally:
        i18n.translations.cache_clear()


def test_an_empty_message_stays_empty_not_the_catalogues_header(locale) -> None:
    locale(LANG="zh_CN.UTF-8")
    assert i18n._("") == ""
    assert i18n._("[warning]") == "[警告]"


@pytest.mark.parametrize(
    "argv, chosen",
    [
        (["build", "--lang", "en"], "en"),
        (["--lang=zh", "check"], "zh"),
        (["--lang", "en", "check", "--lang", "zh"], "zh"),  # the last one, as argparse reads it
        (["--lang", "xx", "check"], None),  # left to the parser, which reports it
        (["wechat", "demo", "--", "--lang", "en"], None),
    ],
)
def test_lang_is_read_before_the_parser_is_made(argv: list[str], chosen: str | None) -> None:
    assert cli._chosen_language(argv) == chosen
