"""Content problems: every error an editor can cause names the file, the line (or row) and the field."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from chamberpress.i18n import _

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, as the editor should read it."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    expected: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        # file:line: field: message, in every language: editors' tools jump to the line from it.
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.expected:
            text += _(" ({expected})").format(expected=self.expected)
        if self.severity == "warning":
            text += " " + _("[warning]")
        return text


class ContentError(Exception):
    """Raised with every problem of the content at once; the CLI prints them and exits 1."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity == "warning"]
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Rebuilt from its problems when it crosses a process boundary (parallel builds).
        return (ContentError, (self.problems + self.warnings,))


@dataclass
class Problems:
    """Collects the problems of one load so that all are reported together."""

    root: Path
    items: list[Problem] = field(default_factory=list)

    def rel(self, path: Path | str) -> str:
        """The path as the editor knows it: relative to the content folder's parent when possible; a link is
        named by where it sits, not by where it leads."""
        path = Path(path)
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def error(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.items.append(Problem(self.rel(path), message, line, field, expected))

    def warning(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.items.append(Problem(self.rel(path), message, line, field, expected, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.items)
