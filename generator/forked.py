"""One function call run in a forked process while this one goes on: the child shares the loaded chamber
(nothing is pickled on the way in) and sends back its result, or the exception it raised."""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def die_with_parent(parent: int) -> None:
    """A worker must not outlive a build that was killed (it would hold the chamber's lock): Linux only."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


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
        if pid == 0:   # the child: call, send back, leave without running anything else of the parent's
            os.close(read)
            code = 0
            try:
                die_with_parent(parent)
                try:
                    outcome = (True, function(*args, **kwargs))
                except BaseException as exc:   # noqa: BLE001 - raised again in the parent
                    outcome = (False, exc)
                try:
                    data = pickle.dumps(outcome)
                except Exception:   # noqa: BLE001 - an error that cannot travel is sent as its text
                    data = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:   # noqa: BLE001 - the result could not be sent: the parent reports it
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
            _, status = os.waitpid(self._pid, 0)
            if not data or status != 0:
                failed = RuntimeError(f"the process that ran this step failed (exit status {status})")
                self._outcome = (False, failed)
            else:
                self._outcome = pickle.loads(data)
        ok, value = self._outcome
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]


def call(function: Callable[..., T], *args, background: bool, **kwargs) -> Forked[T] | Finished[T]:
    """Run the call in a forked process when `background` (and the system can fork), else right here."""
    if background and hasattr(os, "fork"):
        return Forked(function, *args, **kwargs)
    return Finished(function, *args, **kwargs)
