"""MkDocs hooks of the guide (docs/mkdocs.yml).

- The reference's tables, made from the code's own schemas: a line `::: reference <name>` in a page becomes
  `chamberpress.content.reference.reference_markdown(name)`, so the keys and roster columns the guide lists are
  the ones the checks accept. An unknown name stops the build.
- Chinese lines joined: the pages are wrapped at a line width like any source, but a browser shows a line break
  as a space, and Chinese has none between characters (生成 自己 would read as two words).
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from chamberpress.content.reference import reference_markdown

MARKER = re.compile(r"^::: reference (\w+)[ \t]*$", re.MULTILINE)
# Han characters and the full-width punctuation and quotes that sit between them without a space.
CHINESE = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’—…"
ENDS_CHINESE = re.compile(f"[{CHINESE}]$")
STARTS_CHINESE = re.compile(f"[{CHINESE}]")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _table(found: re.Match) -> str:
    try:
        return reference_markdown(found.group(1))
    except KeyError as exc:
        raise PluginError(str(exc)) from None


def join_chinese_lines(markdown: str) -> str:
    """A line that ends in Chinese joined with the next when that one starts in Chinese (its indent dropped);
    code blocks, tables and headings as they are."""
    lines: list[str] = []
    fence = None
    for line in markdown.split("\n"):
        opening = FENCE.match(line)
        if fence is not None:
            fence = None if opening and opening.group(1).startswith(fence) else fence
        elif opening:
            fence = opening.group(1)
        elif (
            lines
            and ENDS_CHINESE.search(lines[-1])
            and STARTS_CHINESE.match(line.lstrip())
            and not lines[-1].lstrip().startswith(("|", "#"))
        ):
            lines[-1] += line.lstrip()
            continue
        lines.append(line)
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    return join_chinese_lines(MARKER.sub(_table, markdown))
