"""A step run in a forked process returns its result, or raises its error, in the process that waits."""

from __future__ import annotations

import os

import pytest

from generator.errors import ContentError, Problem
from generator.forked import Finished, Forked, call


def child_pid(offset: int) -> tuple[int, int]:
    return os.getpid(), offset + 1


def fails() -> None:
    raise ContentError([Problem("members/roster.xlsx", "手机 is not a number", line=3, field="手机")])


def test_result_comes_from_another_process() -> None:
    running = call(child_pid, 41, background=True)
    assert isinstance(running, Forked)
    pid, value = running.result()
    assert value == 42 and pid != os.getpid()
    assert running.result() == (pid, 42)        # waited for once, kept


def test_error_is_raised_in_the_waiting_process() -> None:
    running = call(fails, background=True)
    with pytest.raises(ContentError) as caught:
        running.result()
    assert str(caught.value.problems[0]).startswith("members/roster.xlsx:3: ")


def test_one_process_runs_it_here() -> None:
    done = call(child_pid, 1, background=False)
    assert isinstance(done, Finished) and done.result() == (os.getpid(), 2)


class Unpicklable(Exception):
    def __init__(self, reason: str, handle: object) -> None:
        super().__init__(reason)
        self.handle = handle


def fails_with_a_handle() -> None:
    raise Unpicklable("字体文件打不开", lambda: None)     # a lambda cannot be pickled


def test_an_error_that_cannot_travel_arrives_as_its_text() -> None:
    with pytest.raises(RuntimeError, match="Unpicklable: 字体文件打不开"):
        call(fails_with_a_handle, background=True).result()
