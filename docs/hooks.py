"""MkDocs hooks of the guide (docs/mkdocs.yml): the reference's tables made from the code's own schemas.

A line `::: reference <name>` in a page becomes `chamberpress.content.reference.reference_markdown(name)`, so
the keys and roster columns the guide lists are the ones the checks accept. An unknown name stops the build.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from chamberpress.content.reference import reference_markdown

MARKER = re.compile(r"^::: reference (\w+)[ \t]*$", re.MULTILINE)


def _table(found: re.Match) -> str:
    try:
        return reference_markdown(found.group(1))
    except KeyError as exc:
        raise PluginError(str(exc)) from None


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    return MARKER.sub(_table, markdown)
