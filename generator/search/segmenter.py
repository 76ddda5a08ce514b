"""The word segmenter that names member pages (directory.member_slug): jieba's, with its dictionary
loaded from a form of our own.

jieba builds a large table of words and word prefixes from its dictionary, slowly, whether from its
dict.txt or from the cache it keeps for it (a `marshal` file in the shared temporary folder, which any user
of the machine can write). The same table kept as one text of the words and an array of their counts
loads several times faster, from a folder only this user writes: a process that names members (the first
build of a chamber, each `--all` worker) loads it once.

word table: jieba's table of words and prefixes with their counts; our copy of it is what is kept here. It is kept in the user's cache folder (under XDG_CACHE_HOME if absolute, else ~/.cache), made again
when jieba or its dictionary changes; without a folder to write in, the table is built from dict.txt at
each load.
"""

from __future__ import annotations

import array
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chamberpress.build.records import write_whole

if TYPE_CHECKING:
    import jieba

log = logging.getLogger(__name__)

HEADER = 16  # the number of entries and jieba's total count, 8 bytes each


def user_cache_dir() -> Path | None:
    """Where a user's caches go (XDG base directories), or None without a home folder: never a folder
    relative to wherever the command runs (the spec ignores a relative XDG_CACHE_HOME)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chamberpress" if os.path.isabs(base) else None


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """A word segmenter of our own: Material's search may load a user dictionary into jieba's global one,
    and a URL must not change with the search configuration. Dictionary only (no HMM guessing)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its progress lines are not the editor's business
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = load_words(tokenizer, user_cache_dir())
    tokenizer.initialized = True
    return tokenizer


def load_words(tokenizer: jieba.Tokenizer, folder: Path | None) -> tuple[dict[str, int], int]:
    """jieba's table for its default dictionary (word or prefix → count, and the total), as its own
    `initialize` makes it: from our copy in `folder` when there is a good one, else from the dictionary
    (and the copy written for next time, where there is a folder)."""
    import jieba

    source = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    info = source.stat()
    # A copy is for one jieba, one dictionary file and this machine's byte order (the counts' array).
    name = f"jieba-{jieba.__version__}-{info.st_size}-{info.st_mtime_ns}-{sys.byteorder}.words"
    kept = folder / name if folder is not None else None
    table = _read(kept) if kept is not None else None
    if table is not None:
        return table
    words, total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    if kept is not None:
        _write(kept, words, total)
    return words, total


def _read(path: Path) -> tuple[dict[str, int], int] | None:
    """The table from a copy, or None if it is missing or not whole (its entry count says how many)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < HEADER:
        return None
    header = array.array("q", data[:HEADER])
    count, total = header
    counts = array.array("q")
    end = HEADER + 8 * count
    if count < 0 or len(data) < end:
        return None
    counts.frombytes(data[HEADER:end])
    try:
        words = data[end:].decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    if len(words) != count:
        return None
    return dict(zip(words, counts)), total


def _write(path: Path, words: dict[str, int], total: int) -> None:
    """Write a copy whole or not at all (a temporary file renamed over it: builds may write at once); a
    folder that cannot be written only costs the next load its time."""
    if any("\n" in word for word in words):  # the words are kept one per line
        return
    data = b"".join(
        (
            array.array("q", [len(words), total]).tobytes(),
            array.array("q", words.values()).tobytes(),
            "\n".join(words).encode("utf-8"),
        )
    )
    try:
        write_whole(path, data)
    except OSError as exc:
        log.debug("segmenter dictionary not kept in %s: %s", path.parent, exc)
