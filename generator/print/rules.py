"""The rules an internal publication (内部资料) must follow, checked on what the newsletter would print.

《内部资料性出版物管理办法》 article 14: the cover carries the 准印证 number and 内部资料，免费交流 in full; a
visible place (here the back cover) carries 编印单位, 发送对象, 印刷单位, 印刷日期, 印数 and, for a serial, the
期号; a serial may not call itself ××报, ××刊 or ××杂志, nor use 刊号, 期刊社, 杂志社, nor refer to itself in
its text as 本刊 or 本报. The print always carries what it can; these checks warn (never stop a build) where
the editor's words or chamber.yml would break a rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from chamberpress.content.model import Chamber
from chamberpress.content.sources import load_yaml
from chamberpress.errors import Problem, Problems
from chamberpress.print.newsletter import Issue, select_posts
from chamberpress.i18n import N_, _

RULE = "《内部资料性出版物管理办法》第十四条"
TITLE_ENDINGS = ("杂志", "报", "刊")
SELF_NAMES = ("本刊", "本报", "刊号", "期刊社", "杂志社")
_SELF_NAME = re.compile("|".join(SELF_NAMES))


def publication_warnings(chamber: Chamber, issues: list[Issue]) -> list[Problem]:
    """Every warning for the newsletter's name, the print keys of chamber.yml and the words of what the
    defined issues print (their posts, 卷首语 and 封底文字), each citing the rule."""
    problems = Problems(chamber.folder.parent.parent)
    chamber_yml = chamber.folder / "chamber.yml"
    doc = load_yaml(chamber_yml, Problems(problems.root))  # for line numbers only: it loaded before
    line = doc.line if doc is not None else (lambda *path: None)
    newsletter = chamber.info.newsletter

    title = newsletter.title or chamber.info.name
    if ending := next((e for e in TITLE_ENDINGS if title.endswith(e)), None):
        problems.warning(
            chamber_yml,
            _(
                "the newsletter's name {title!r} ends in {ending!r}: an internal publication may not be called ××报, ××刊 or ××杂志 ({rule})"
            ).format(title=title, ending=ending, rule=RULE),
            line=line("newsletter", "title") or line("name"),
            field="newsletter.title",
            expected=_("a name such as 皖商在温 or 商会通讯"),
        )

    printed = newsletter.printed or newsletter.permit is not None
    if printed:
        needed = {"permit": N_("准印证号, on the cover"), "printer": "印刷单位", "copies": "印数"}
        for key, what in needed.items():
            if getattr(newsletter, key) in (None, ""):
                problems.warning(
                    chamber_yml,
                    _(
                        "newsletter.{key} ({what}) is missing: a printed internal publication must show it ({rule})"
                    ).format(key=key, what=_(what), rule=RULE),
                    line=line("newsletter") or None,
                    field=f"newsletter.{key}",
                )
        for issue in issues:
            if issue.path is not None and not issue.definition.number:
                problems.warning(
                    issue.path,
                    _("number (期号) is missing: a serial internal publication shows its issue number ({rule})").format(
                        rule=RULE
                    ),
                    expected=_("e.g. number: 2026年第3期"),
                )

    seen: set[tuple[Path, str, int]] = set()
    for issue in issues:
        for post in select_posts(chamber, issue.definition).posts:
            _self_names(post.path, post.body, post.body_line, None, problems, seen)
        if issue.path is not None and issue.doc is not None:
            for key in ("foreword", "back_cover"):
                if (text := getattr(issue.definition, key)) and (at := issue.doc.line(key)):
                    # A block (`foreword: |`) starts on the line after its key.
                    _self_names(issue.path, text, at + text.endswith("\n"), key, problems, seen)
    return problems.warnings


def _self_names(
    path: Path, text: str, first_line: int, field: str | None, problems: Problems, seen: set[tuple[Path, str, int]]
) -> None:
    """A warning for each word by which the text calls the newsletter a 报 or 刊 (本刊, 刊号 …)."""
    for found in _SELF_NAME.finditer(text):
        line = first_line + text.count("\n", 0, found.start())
        if (path, found.group(), line) in seen:
            continue
        seen.add((path, found.group(), line))
        problems.warning(
            path,
            _(
                "{group!r} is printed in the newsletter: an internal publication may not call itself a 报 or 刊 ({rule})"
            ).format(group=found.group(), rule=RULE),
            line=line,
            field=field,
            expected=_("e.g. 本会, or the newsletter's name"),
        )
