"""Work in forked processes, so that a build uses the second core: one function call run in a child while
this process goes on (the child shares the loaded chamber: nothing is pickled on the way in) and sends
back its result, or the exception it raised (`Forked`); integers shared with children for handing out
work (`SharedInts`).

primed process (`Primed`): a child forked early that prepares (imports, dictionaries) while this process
is still busy, and is sent the arguments of its real work later.
"""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
import time
from typing import Callable, Generic, Iterator, TypeVar

from chamberpress import platform_support
from chamberpress.i18n import _

T = TypeVar("T")
ORPHAN_POLL = 0.5  # seconds between two looks at the parent, where the system cannot kill orphans itself


def can_fork() -> bool:
    """Whether this system can fork (not Windows): without it every call is made in this process."""
    return platform_support.can_fork()


def die_with_parent(parent: int) -> None:
    """A forked child must not outlive a build that was killed (it would hold the chamber's lock): the
    system kills it where it offers that (Linux's prctl), else a thread of its own watches the parent."""
    prctl = platform_support.libc_function("prctl")
    if prctl is not None:
        pr_set_pdeathsig = 1
        prctl(pr_set_pdeathsig, signal.SIGKILL)
    else:
        threading.Thread(target=_leave_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _leave_when_orphaned(parent: int) -> None:
    # A child whose parent has died is handed to another process (its parent id changes): leave then.
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL)
    os._exit(1)


def worker_started() -> None:
    """The initializer of a process that builds whole chambers (pipeline.build_many): quiet on Ctrl-C, and,
    started by spawn (Windows, macOS), gone when the build that started it is (its parent's sentinel, a
    process handle on Windows and a pipe elsewhere, is ready once that process has ended)."""
    quiet_on_interrupt()
    parent = multiprocessing.parent_process()
    if parent is not None and platform_support.libc_function("prctl") is None:
        threading.Thread(target=_leave_with, args=(parent.sentinel,), daemon=True).start()


def _leave_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def quiet_on_interrupt() -> None:
    """In a child process: Ctrl-C, which reaches the whole process group, ends it at once and without a
    traceback; the parent reports the interruption once (cli._Interrupt)."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _leave_quietly)


def _leave_quietly(signum: int, frame: object) -> None:
    os._exit(128 + signum)


class Finished(Generic[T]):
    """A call already made in this process (where there is no fork, or one process was asked for)."""

    def __init__(self, function: Callable[..., T], *args, **kwargs) -> None:
        self._value = function(*args, **kwargs)

    def result(self) -> T:
        return self._value


class Forked(Generic[T]):
    """`function(*args, **kwargs)` in a child process; `result()` waits for it (once) and returns or raises."""

    def __init__(self, function: Callable[..., T], *args, **kwargs) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: call, send back, leave without running anything else of the parent's
            os.close(read)
            code = 0
            try:
                quiet_on_interrupt()
                die_with_parent(parent)
                try:
                    outcome = (True, function(*args, **kwargs))
                except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                    outcome = (False, exc)
                try:
                    data = pickle.dumps(outcome)
                except Exception:  # noqa: BLE001 - an error that cannot travel is sent as its text
                    data = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:  # noqa: BLE001 - the result could not be sent: the parent reports it
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read
        self._outcome: tuple[bool, object] | None = None

    def result(self) -> T:
        if self._outcome is None:
            with os.fdopen(self._read, "rb") as incoming:
                data = incoming.read()
            _ended, status = os.waitpid(self._pid, 0)
            if not data or status != 0:
                failed = RuntimeError(
                    _("the process that ran this step failed (exit status {status})").format(status=status)
                )
                self._outcome = (False, failed)
            else:
                self._outcome = pickle.loads(data)
        ok, value = self._outcome
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def outcome(self) -> tuple[bool, object]:
        """(True, what the call returned) or (False, what it raised), once it has finished: for waiting on
        several children before failing."""
        try:
            return True, self.result()
        except BaseException as exc:  # noqa: BLE001 - returned, for the caller to raise
            return False, exc


class Primed(Generic[T]):
    """A child process forked now that gets ready (`prepare()`: imports, dictionaries) while this one goes on,
    then makes `function(*args)` of the arguments `send` gives it, which returns the `Forked` to wait for.

    What only the loaded content can start (the members' pages) is thus ready to start sooner: the
    preparation runs while this process is still reading the content, when the other core has nothing to do.
    `cancel()` (the content had errors, or the call is made otherwise), or leaving it as a context, stops a
    child never sent its arguments.
    """

    def __init__(self, prepare: Callable[[], object], function: Callable[..., T]) -> None:
        read, write = os.pipe()
        self._forked: Forked[T] = Forked(_prepared_call, prepare, function, read, write)
        os.close(read)
        self._write: int | None = write

    def send(self, *args, **kwargs) -> Forked[T]:
        assert self._write is not None, "a primed process is sent its arguments once"
        write, self._write = self._write, None
        data = pickle.dumps((args, kwargs))
        # Length first: processes forked meanwhile hold this pipe open too, so the end is not an end of file.
        with os.fdopen(write, "wb") as out:
            out.write(len(data).to_bytes(8, "big") + data)
        return self._forked

    def __enter__(self) -> Primed[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Stop the child unless it was sent its arguments, waiting for nothing (it may be preparing)."""
        if self._write is not None:
            os.close(self._write)
            self._write = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._forked._pid, signal.SIGKILL)
            self._forked.outcome()  # reaped; how it ended does not matter


def _prepared_call(prepare: Callable[[], object], function: Callable[..., T], read: int, write: int) -> T:
    os.close(write)
    # The arguments are read while preparing: the sender would otherwise wait for a full pipe to drain.
    received: list[bytes] = []

    def receive() -> None:
        with os.fdopen(read, "rb") as incoming:
            size = int.from_bytes(incoming.read(8), "big")
            received.append(incoming.read(size))

    receiving = threading.Thread(target=receive, daemon=True)
    receiving.start()
    prepare()
    receiving.join()
    args, kwargs = pickle.loads(received[0])
    return function(*args, **kwargs)


class SharedInts:
    """A few integers shared with the processes forked after they were made, read and changed under one
    lock: `with shared.held() as values:` (a list, written back when the block ends)."""

    def __init__(self, *values: int) -> None:
        self._memory = mmap.mmap(-1, 8 * len(values))  # anonymous: forked processes share it
        self._lock = multiprocessing.Lock()
        self._count = len(values)
        self._store(list(values))

    @contextlib.contextmanager
    def held(self) -> Iterator[list[int]]:
        with self._lock:
            values = self.read()
            yield values
            self._store(values)

    def read(self) -> list[int]:
        return [int.from_bytes(self._memory[8 * i : 8 * i + 8], "little", signed=True) for i in range(self._count)]

    def _store(self, values: list[int]) -> None:
        self._memory[:] = b"".join(value.to_bytes(8, "little", signed=True) for value in values)


def call(function: Callable[..., T], *args, background: bool, **kwargs) -> Forked[T] | Finished[T]:
    """Run the call in a forked process when `background` (and the system can fork), else right here."""
    if background and can_fork():
        return Forked(function, *args, **kwargs)
    return Finished(function, *args, **kwargs)
