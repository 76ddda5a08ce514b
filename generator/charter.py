"""The charter (章程): `charter.md` with adoption facts in its front matter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import Problems
from .schema import convert, spec
from .sources import load_markdown


@dataclass
class Amendment:
    date: dt.date = spec("修订日期", required=True)
    summary: str = spec("修订内容", required=True)


@dataclass
class CharterMeta:
    title: str | None = spec("章程名称; default: <商会名称>章程")
    adopted: dt.date | None = spec("通过日期")
    approved_by: str | None = spec("核准机关")
    amendments: list[Amendment] = spec("修订记录", factory=list)


@dataclass
class Charter:
    path: Path
    meta: CharterMeta
    body: str
    body_line: int


def load_charter(folder: Path, problems: Problems) -> Charter | None:
    path = folder / "charter.md"
    if not path.is_file():
        return None
    source = load_markdown(path, problems, require_meta=False)
    if source is None:
        return None
    meta = convert(CharterMeta, source.meta, path, problems)
    if meta is None:
        return None
    return Charter(path, meta, source.body, source.body_line)
