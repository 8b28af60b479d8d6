"""The work gate: a few requests work at once, and one waiting for a script child steps out."""
from __future__ import annotations

import threading
import time

import pytest

from engine.work_gate import TURN_SECONDS, WorkGate


def test_the_gate_lets_only_its_size_work_at_once() -> None:
    gate = WorkGate(1)
    inside, leave, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with gate.working():
            inside.set()
            leave.wait(5)

    def second() -> None:
        with gate.working():
            second_in.set()

    a = threading.Thread(target=first)
    a.start()
    assert inside.wait(5)
    b = threading.Thread(target=second)
    b.start()
    assert not second_in.wait(0.2)  # the one slot is taken
    leave.set()
    assert second_in.wait(5)
    a.join(5)
    b.join(5)


def test_a_request_waiting_for_a_child_lets_another_work_then_comes_back() -> None:
    gate = WorkGate(1)
    waiting, child_answers, other_done, back_inside = (threading.Event() for _ in range(4))

    def runaway() -> None:
        with gate.working():
            with gate.waiting():
                waiting.set()
                child_answers.wait(5)
            back_inside.set()

    def ordinary() -> None:
        with gate.working():
            other_done.set()

    a = threading.Thread(target=runaway)
    a.start()
    assert waiting.wait(5)
    b = threading.Thread(target=ordinary)
    b.start()
    assert other_done.wait(5)  # worked while the runaway waited
    child_answers.set()
    assert back_inside.wait(5)
    a.join(5)
    b.join(5)


def test_a_thread_outside_the_gate_waits_without_touching_it() -> None:
    gate = WorkGate(1)
    with gate.waiting():  # a scheduler thread: never entered, so nothing to give back
        pass
    with gate.working():  # and the slot is still whole
        pass


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        WorkGate(0)


def test_the_line_is_first_come_first_served_and_a_long_worker_lets_it_go_first() -> None:
    gate = WorkGate(1)
    order: list[str] = []
    inside = threading.Event()
    queued = threading.Event()

    def long_worker() -> None:
        with gate.working():
            inside.set()
            queued.wait(5)
            time.sleep(TURN_SECONDS)
            gate.take_turns()  # the others came in before this line: they go first
            order.append("long")

    def short(name: str) -> None:
        with gate.working():
            order.append(name)

    a = threading.Thread(target=long_worker)
    a.start()
    assert inside.wait(5)
    others = []
    for name in ("first", "second"):
        thread = threading.Thread(target=short, args=(name,))
        thread.start()
        others.append(thread)
        wait_until(lambda: len(gate._line) == len(others))
    queued.set()
    for thread in [a, *others]:
        thread.join(5)
    assert order == ["first", "second", "long"]


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)
