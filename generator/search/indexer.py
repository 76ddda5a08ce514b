"""The search indexer, Pagefind, run as one process for several of a site's bundles (its service mode).

Started once per command line, Pagefind loads its Chinese dictionary before it reads a page, so ten
bundles indexed by ten runs paid that load ten times. Its service mode keeps one process for several
indexes, made one after another. It reads a
folder of pages exactly as the command line does, with the options given here and no configuration file
from the current folder, and hands back the files the command line would write (the same bytes: a test
compares) in its answer.

The conversation (as Pagefind's own wrappers hold it): each message is a JSON object, base64-encoded and
followed by a comma, on the process's standard input; each answer comes the same way on its standard
output, with the number of the message it answers. Messages are handled one after another.

`lent_indexer` keeps the processes for the next index made in the same process: `chamber build --all`
builds many chambers per process, and each chamber's index paid a start and the dictionary again.
`warm_up` starts them ahead of the index, in the background, while the build leaves a core idle.

- warm indexer: a Pagefind process already started with its dictionary loaded, waiting for pages.
- lent indexer: a warm one handed to one thread for its part of an index, and kept again after it.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from chamberpress.paths import stays_inside


# Pages handed over in one go (their answers read meanwhile): a bounded amount of text held at once.
PIPELINED = 256
WARM_UP_PAGE = '<html lang="zh"><body><article data-pagefind-body><p>商会会员服务</p></article></body></html>'


class IndexerError(RuntimeError):
    """The indexer stopped, or refused a message."""


class Indexer:
    """One Pagefind process; `index_pages` makes the index of a bundle's pages, one bundle at a time, and
    hands back its files (the process writes nothing: files it wrote could still be being written when it
    answered, and one read then was cut short)."""

    def __init__(self, executable: Path, *, language: str, exclude_selectors: list[str]) -> None:
        self._config = {"force_language": language, "exclude_selectors": exclude_selectors}
        self._errors = tempfile.TemporaryFile()  # read only if it fails; never a pipe left to fill up
        self._process = subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors
        )
        self.key: tuple = ()  # what it was started with (take_indexer)
        self._sent = 0
        self._pending = bytearray()  # read from the process, not yet answered
        self._searched = 0  # how much of it holds no end of answer

    def files(self, index_id: int) -> dict[str, bytes]:
        """The files of the index made (path in the index folder → bytes); the index is dropped."""
        listed = self._ask({"type": "GetFiles", "index_id": index_id}).get("files")
        self.drop(index_id)  # its memory freed before the next
        files: dict[str, bytes] = {}
        for entry in listed if isinstance(listed, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(path, str) or not stays_inside(path):
                raise IndexerError(f"(an index file outside the index folder): {path!r}")
            files[path] = base64.b64decode(entry.get("content") or "")
        if not files:
            raise IndexerError("(an index without files)")
        return files

    def index_pages(self, pages: list[tuple[str, bytes]]) -> tuple[int, dict[str, bytes]]:
        """Index the pages given as (path in the site, HTML), in that order, as `pagefind --site` indexes a
        folder holding them; returns the number of pages and the index's files (path in the index folder →
        bytes), those `pagefind` would write. Pagefind numbers pages in the order it reads them, and reads a
        folder in the order its file system lists it (a memory file system and a disk list one folder
        differently, and the same pages gave two indexes): handed over one by one, they give one."""
        index_id = self.new_index()
        self.add_pages(index_id, pages)
        return len(pages), self.files(index_id)

    def new_index(self) -> int:
        """A new, empty index (its number): pages are added to it (add_pages), then its files taken (files)."""
        return self._ask({"type": "NewIndex", "config": self._config})["index_id"]

    def add_pages(self, index_id: int, pages: list[tuple[str, bytes]]) -> None:
        """Hand the pages (path in the site, HTML) to an index, in that order (index_pages): a bundle's pages
        may be handed over in several parts, the same index as in one. Sent PIPELINED at a time, without
        waiting for each answer: a thread handing pages one by one while another runs Python waited for the
        interpreter's lock at each page's every step (a bundle of ~125 pages took twice as long during a
        text edit's load)."""
        for start in range(0, len(pages), PIPELINED):
            asked = [
                {
                    "type": "AddFile",
                    "index_id": index_id,
                    "file_path": rel,
                    "file_contents": html.decode("utf-8", errors="replace"),
                }
                for rel, html in pages[start : start + PIPELINED]
            ]
            self._ask_all(asked)

    def drop(self, index_id: int) -> None:
        """Forget an index begun and not finished."""
        self._ask({"type": "DeleteIndex", "index_id": index_id})

    def load_dictionary(self) -> None:
        """Index a line of Chinese and drop it: Pagefind loads its dictionary for the first page it reads."""
        index_id = self.new_index()
        self._ask(
            {
                "type": "AddFile",
                "index_id": index_id,
                "file_path": "warm-up/index.html",
                "url": "/warm-up/",
                "file_contents": WARM_UP_PAGE,
            }
        )
        self.drop(index_id)

    def running(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        if self._process.stdin and not self._process.stdin.closed:
            try:
                self._process.stdin.close()  # the service leaves at the end of its input
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._errors.close()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ask(self, payload: dict) -> dict:
        return self._ask_all([payload])[0]

    def _ask_all(self, payloads: list[dict]) -> list[dict]:
        """Send the messages, and read their answers meanwhile (in order: the service answers each in turn).
        More than one are written by another thread: written before their answers were read, the answers
        could fill the service's output pipe while it waits for us to read them and we wait for it to read
        the rest."""
        first = self._sent + 1
        encoded = []
        for payload in payloads:
            self._sent += 1
            message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
            encoded.append(base64.b64encode(message) + b",")
        failed: list[OSError] = []

        def send() -> None:
            try:
                self._process.stdin.write(b"".join(encoded))
                self._process.stdin.flush()
            except OSError as exc:
                failed.append(exc)

        sender = threading.Thread(target=send, daemon=True, name="indexer-send") if len(payloads) > 1 else None
        if sender is None:
            send()
        else:
            sender.start()
        try:
            if failed:
                self._failed()
            replies = [self._reply(number, payload) for number, payload in enumerate(payloads, start=first)]
        except BaseException:
            if sender is not None and sender.is_alive():
                # Its answers are no longer read: the service would stop reading the rest, and the sender
                # wait for it forever. The process is done for (the caller closes it on the error).
                self._process.kill()
            raise
        finally:
            if sender is not None:
                sender.join()
        if failed:
            self._failed()
        return replies

    def _reply(self, number: int, payload: dict) -> dict:
        answer = self._answer()
        if answer.get("message_id") != number:
            raise IndexerError(f"(answered message {answer.get('message_id')}, not {number})")
        reply = answer.get("payload") or {}
        if reply.get("type") == "Error":
            raise IndexerError(f"({payload['type']} refused): {reply.get('message')}")
        return reply

    def _answer(self) -> dict:
        # An answer may be megabytes (an index's files): gathered in one growing buffer, searched once.
        while (end := self._pending.find(b",", self._searched)) < 0:
            self._searched = len(self._pending)
            chunk = self._process.stdout.read1(1 << 20)
            if not chunk:
                self._failed()
            self._pending += chunk
        encoded = bytes(self._pending[:end])
        del self._pending[: end + 1]
        self._searched = 0
        try:
            return json.loads(base64.b64decode(encoded, validate=True))
        except ValueError:
            raise IndexerError(f"(an answer that is not its protocol's): {encoded[:200]!r}") from None

    def _failed(self) -> None:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        code = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode("utf-8", "replace").strip()
        raise IndexerError(f"({code}): {said or 'the indexer stopped without a word'}")


_kept: dict[tuple, list[Indexer]] = {}  # idle processes, by executable and settings
_warming: dict[tuple, int] = {}  # processes being started by warm_up, by the same
_kept_changed = threading.Condition()  # an index is made by several threads, each with its own process


def warm_up(executable: Path, *, language: str, exclude_selectors: list[str], count: int) -> None:
    """Have `count` indexers ready for the next index of this process: as many as are not kept idle
    already are started now and made to load their dictionary, by threads that only wait on them;
    `lent_indexer` waits for one still loading rather than start another."""
    key = (str(executable), language, tuple(exclude_selectors))
    with _kept_changed:
        missing = count - len(_kept.get(key, ())) - _warming.get(key, 0)
        _warming[key] = _warming.get(key, 0) + max(missing, 0)
    for _ in range(missing):
        threading.Thread(
            target=_warm, args=(key, executable, language, exclude_selectors), daemon=True, name="indexer-warm-up"
        ).start()


def _warm(key: tuple, executable: Path, language: str, exclude_selectors: list[str]) -> None:
    indexer: Indexer | None = None
    try:
        indexer = Indexer(executable, language=language, exclude_selectors=exclude_selectors)
        indexer.load_dictionary()
    except (IndexerError, OSError):  # the index starts its own, and reports what fails then
        if indexer is not None:
            indexer.close()
        indexer = None
    finally:
        with _kept_changed:
            _warming[key] -= 1
            if indexer is not None:
                _kept.setdefault(key, []).append(indexer)
            _kept_changed.notify_all()


@contextlib.contextmanager
def lent_indexer(executable: Path, *, language: str, exclude_selectors: list[str]) -> Iterator[Indexer]:
    """An indexer process for one thread's part of an index (take_indexer), kept again afterwards, unless
    anything failed while it was lent (it is then stopped: the next index starts a fresh one)."""
    indexer = take_indexer(executable, language=language, exclude_selectors=exclude_selectors)
    try:
        yield indexer
    except BaseException:
        indexer.close()
        raise
    keep_indexer(indexer)


def take_indexer(executable: Path, *, language: str, exclude_selectors: list[str]) -> Indexer:
    """One kept from an earlier index of this process (or started by warm_up), if one is still running, else
    a new one; the caller hands it back (keep_indexer) or closes it."""
    key = (str(executable), language, tuple(exclude_selectors))
    indexer = None
    with _kept_changed:
        while indexer is None:
            idle = _kept.setdefault(key, [])
            while idle and indexer is None:
                candidate = idle.pop()
                if candidate.running():
                    indexer = candidate
                else:
                    candidate.close()
            if indexer is not None or not _warming.get(key):
                break
            _kept_changed.wait()
    if indexer is None:
        indexer = Indexer(executable, language=language, exclude_selectors=exclude_selectors)
    indexer.key = key
    return indexer


def keep_indexer(indexer: Indexer) -> None:
    """An indexer taken and no longer used, kept for the next index of this process."""
    with _kept_changed:
        _kept.setdefault(indexer.key, []).append(indexer)
        _kept_changed.notify_all()


def _forget_in_child() -> None:
    """A forked process has none of its parent's warm-up threads, and may have copied their lock held."""
    global _kept_changed
    _kept_changed = threading.Condition()
    _warming.clear()


if hasattr(os, "register_at_fork"):  # not on Windows, where no process is forked
    os.register_at_fork(after_in_child=_forget_in_child)


@atexit.register
def close_kept() -> None:
    """Stop the idle processes (they also leave by themselves when this process ends: their input closes)."""
    with _kept_changed:
        idle = [indexer for kept in _kept.values() for indexer in kept]
        _kept.clear()
    for indexer in idle:
        indexer.close()
