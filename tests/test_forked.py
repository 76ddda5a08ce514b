"""A step run in a forked process returns its result, or raises its error, in the process that waits."""

from __future__ import annotations

import os

import pytest

from chamberpress.errors import ContentError, Problem
from chamberpress.build.forked import Finished, Forked, call, can_fork


def child_pid(offset: int) -> tuple[int, int]:
    return os.getpid(), offset + 1


def fails() -> None:
    raise ContentError([Problem("members/roster.xlsx", "手机 is not a number", line=3, field="手机")])


def test_result_comes_from_another_process() -> None:
    running = call(child_pid, 41, background=True)
    assert isinstance(running, Forked)
    pid, value = running.result()
    assert value == 42 and pid != os.getpid()
    assert running.result() == (pid, 42)  # waited for once, kept


def test_error_is_raised_in_the_waiting_process() -> None:
    running = call(fails, background=True)
    with pytest.raises(ContentError) as caught:
        running.result()
    assert str(caught.value.problems[0]).startswith("members/roster.xlsx:3: ")


def test_one_process_runs_it_here() -> None:
    done = call(child_pid, 1, background=False)
    assert isinstance(done, Finished) and done.result() == (os.getpid(), 2)


def test_where_the_system_cannot_fork_it_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")  # as on Windows: can_fork is the one place that asks
    assert not can_fork()
    done = call(child_pid, 1, background=True)
    assert isinstance(done, Finished) and done.result() == (os.getpid(), 2)


class Unpicklable(Exception):
    def __init__(self, reason: str, handle: object) -> None:
        super().__init__(reason)
        self.handle = handle


def fails_with_a_handle() -> None:
    raise Unpicklable("字体文件打不开", lambda: None)  # a lambda cannot be pickled


def test_an_error_that_cannot_travel_arrives_as_its_text() -> None:
    with pytest.raises(RuntimeError, match="Unpicklable: 字体文件打不开"):
        call(fails_with_a_handle, background=True).result()


def wait_for(path: str) -> None:
    """A preparation that lasts until the test says so (the file appears)."""
    import time

    while not os.path.exists(path):
        time.sleep(0.01)


def measure(data: bytes, marker: str) -> tuple[int, int, bool]:
    return os.getpid(), len(data), os.path.exists(marker)


def test_a_primed_process_is_sent_its_arguments_while_it_prepares(tmp_path) -> None:
    """The arguments (larger than a pipe holds) are taken while the child still prepares: sending does not
    wait for the preparation, and the call runs after it, in the child."""
    import signal

    from chamberpress.build.forked import Primed

    def waited(signum, frame):
        raise TimeoutError("sending waited for the preparation")

    ready = str(tmp_path / "ready")
    primed = Primed(lambda: wait_for(ready), measure)
    before = signal.signal(signal.SIGALRM, waited)
    signal.alarm(20)  # were sending to wait for the preparation, it would never end
    try:
        running = primed.send(b"x" * (4 << 20), ready)
    except TimeoutError:
        primed.cancel()
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    open(ready, "w").close()  # only now may the preparation end
    pid, size, prepared = running.result()
    assert pid != os.getpid() and size == 4 << 20 and prepared


def test_a_cancelled_primed_process_is_gone(tmp_path) -> None:
    from chamberpress.build.forked import Primed

    primed = Primed(lambda: wait_for(str(tmp_path / "never")), measure)
    pid = primed._forked._pid
    primed.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # waited for already: no process is left behind


def dies() -> None:
    os._exit(7)  # as a process killed midway (out of memory): no result, no error sent


def test_a_process_that_dies_without_a_word_is_an_error_naming_its_exit_status() -> None:
    with pytest.raises(RuntimeError, match=r"the process that ran this step failed \(exit status \d+\)"):
        call(dies, background=True).result()
