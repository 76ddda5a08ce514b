"""The editors' reference, made from the definitions the loaders check against, so that the guide and the checks
never disagree: every key of `chamber.yml`, of a post's, page's, project's and the charter's front matter, of a
newsletter issue file and of `portal.yml`, and every roster column with the headers that name it.

The guide's reference page (docs/guide/user/reference.md) holds markers such as `::: reference chamber`; the
docs build (docs/hooks.py) replaces each with `reference_markdown("chamber")`.
"""

from __future__ import annotations

from chamberpress.build.portal import PortalInfo
from chamberpress.content.chamber import ChamberInfo
from chamberpress.content.charter import CharterMeta
from chamberpress.content.members import PUBLIC_FIELDS
from chamberpress.content.news import PostMeta
from chamberpress.content.pages import PageMeta
from chamberpress.content.projects import ProjectMeta
from chamberpress.content.roster_headers import (
    HEADERS,
    HIDE_WORDS,
    IGNORED_HEADERS,
    INVERSE,
    MEANINGS,
    MOBILE_WORDS,
    SHOW_WORDS,
)
from chamberpress.content.schema import document
from chamberpress.print.newsletter import IssueFile

# The definitions the guide documents, by the name its markers use.
DEFINITIONS: dict[str, type] = {
    "chamber": ChamberInfo,
    "post": PostMeta,
    "page": PageMeta,
    "charter": CharterMeta,
    "project": ProjectMeta,
    "issue": IssueFile,
    "portal": PortalInfo,
}
# The fields whose headers are made of two words (公开 + 手机): listed by their words, not one by one.
COMBINED = ("publish_mobile", "mobile_hidden")


def _cell(text: str) -> str:
    """Text that stays in its table cell and is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def _codes(items: tuple[str, ...]) -> str:
    return "、".join(f"`{item}`" for item in items) or "—"


def definition_markdown(cls: type, prefix: str = "", level: int = 3, shown: dict[type, str] | None = None) -> str:
    """One table of the definition's keys, then a table for each key that holds keys of its own. A definition met
    again below itself (a unit's `units:` are units) is named, not repeated."""
    shown = {cls: prefix.rstrip(".")} if shown is None else shown
    rows = ["| 键 | 类型 | 必填 | 默认 | 含义 |", "| --- | --- | --- | --- | --- |"]
    nested = []
    for key in document(cls):
        path = f"{prefix}{key.key}"
        rows.append(
            f"| `{path}` | {key.kind} | {'必填' if key.required else ''} | {_cell(_codes(key.default))} "
            f"| {_cell(key.meaning)} |"
        )
        if key.keys is not None:
            nested.append((path, key))
    parts = ["\n".join(rows)]
    for path, key in nested:
        what = "列表中每一项可写的键" if key.kind.startswith("列表") else "之下可写的键"
        if key.keys in shown:
            same = f"`{shown[key.keys]}`" if shown[key.keys] else "本表"
            parts.append(f"`{path}` {what}与 {same} 相同（可以一层层写下去）。")
            continue
        shown[key.keys] = path
        parts.append(f"{'#' * level} `{path}` {what}\n\n{_cell(key.meaning)}。")
        parts.append(definition_markdown(key.keys, f"{path}.", level + 1, shown))
    return "\n\n".join(parts)


def _headers(names: tuple[str, ...]) -> str:
    return "、".join(f"`{_cell(name)}`" for name in names)


def _published(field: str) -> str:
    if field == "mobile":
        return "打码公开"
    if field in PUBLIC_FIELDS:
        return "公开"
    if field in HEADERS and (field in INVERSE or field in INVERSE.values()):
        return "（决定公开与否）"
    return "不公开"


def roster_markdown() -> str:
    """Every roster field: the headers that name it, whether it is published, what it holds."""
    rows = ["| 字段 | 列名（任选其一） | 网站上 | 说明 |", "| --- | --- | --- | --- |"]
    for field, names in HEADERS.items():
        if field in COMBINED:
            words, row = (SHOW_WORDS, "listed") if field == "publish_mobile" else (HIDE_WORDS, "unlisted")
            names_text = (
                f"{row} 一行的任一列名与“手机”类词语（{_headers(MOBILE_WORDS)}）前后相连，"
                f"如 `{words[0]}{MOBILE_WORDS[0]}`、`{MOBILE_WORDS[0]}{words[0]}`"
            )
            label = f"{words[0]}{MOBILE_WORDS[0]}"
        else:
            names_text, label = _headers(names), names[0]
        rows.append(f"| {label}<br>`{field}` | {names_text} | {_published(field)} | {_cell(MEANINGS[field])} |")
    ignored = f"`{'`、`'.join(IGNORED_HEADERS)}` 列不读取。"
    return "\n".join(rows) + "\n\n" + ignored


def reference_markdown(section: str) -> str:
    """The reference's Markdown for one marker: a definition's name (`chamber`, `post` …) or `roster`."""
    if section == "roster":
        return roster_markdown()
    if section not in DEFINITIONS:
        raise KeyError(f"no reference named {section!r} (known: roster, {', '.join(DEFINITIONS)})")
    return definition_markdown(DEFINITIONS[section])
