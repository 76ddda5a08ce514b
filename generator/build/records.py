"""Records kept between builds under `.cache/`: JSON files written whole or not at all, read back as {} when
missing or damaged. A lost record only costs work, so nothing here fails a build."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from chamberpress.i18n import _


def read_json(path: Path | None) -> dict:
    """A record kept under .cache/, or {} if it is missing, unreadable or not an object: a lost record only
    costs work."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict) -> None:
    """Write a record under .cache/ whole or not at all; several builds may write at once."""
    # dumps, not dump: json.dump encodes piece by piece in Python, 5× slower on the 30 MB page cache.
    write_whole(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def write_whole(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file of this process beside it, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def string_map(value: Any) -> dict[str, str]:
    """The text → text entries of a record's value (none if it is not a mapping): a record may be damaged."""
    if not isinstance(value, dict):
        return {}
    return {name: text for name, text in value.items() if isinstance(name, str) and isinstance(text, str)}


class ShardedRecord:
    """A mapping of hexadecimal keys (digests of what their value is made from) kept under .cache/ in 16
    files by the first character of the key, each tagged with what makes its keys valid (`tag`): after a
    build, a file is written again only where its keys changed, so an edit rewrites one or two small
    files instead of one of many megabytes."""

    SHARDS = "0123456789abcdef"

    def __init__(self, folder: Path, tag: str) -> None:
        self.folder, self.tag = folder, tag
        self.known: dict[str, Any] = {}
        self._stored: dict[str, set[str]] = {}  # shard → the keys its file holds (with this tag)
        for shard in self.SHARDS:
            kept = read_json(folder / f"{shard}.json")
            values = kept.get("values")
            if kept.get("tag") == tag and isinstance(values, dict):
                self.known.update(values)
                self._stored[shard] = set(values)

    def save(self, used: dict[str, Any]) -> None:
        """Keep `used` (this build's, and only those: the record never outgrows the site)."""
        shards: dict[str, dict[str, Any]] = {shard: {} for shard in self.SHARDS}
        for key, value in used.items():
            if key[:1] in shards:
                shards[key[:1]][key] = value
        try:
            for shard, values in shards.items():
                if set(values) != self._stored.get(shard):  # the same keys: the same values
                    write_json(self.folder / f"{shard}.json", {"tag": self.tag, "values": values})
                    self._stored[shard] = set(values)
        except OSError as exc:  # a record that cannot be written only costs time
            import logging  # here: reading a record (a build with nothing to do) needs no logging

            logging.getLogger(__name__).warning(
                "%s", _("{folder} not kept: {problem}").format(folder=self.folder, problem=exc)
            )
