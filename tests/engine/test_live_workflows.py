"""A process keeps the workflows it saved last and the next command on an instance takes the live
object instead of restoring it (engine/live_workflows.py). What a user sees must not depend on
whether it did: these tests drive the counter loop (a user task, then a script that counts) through
a process that wrote the instance, one that did not, and one that keeps nothing."""
from __future__ import annotations

from typing import Any

import pytest

from engine.charkh import Charkh
from engine.errors import CharkhError
from engine.settings import Settings


def _turn(engine: Charkh, caller: Any, instance_id: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    [item] = [i for i in engine.work_items(caller) if i["instance_id"] == instance_id]
    return engine.complete(item["id"], caller, data=data)["instance"]


@pytest.fixture
def looper(charkh: Charkh, model):
    charkh.import_bpmn(model("counter_loop.bpmn"), deploy=True)
    charkh.add_user("lou", None, ["loopers"], [])
    return charkh.caller_named("lou")


def test_a_process_that_did_not_write_the_last_revision_restores_it(charkh: Charkh, settings: Settings, looper):
    other = Charkh(settings)  # a second web process on the same database
    try:
        started = charkh.start("counter_loop", looper)
        _turn(other, looper, started)  # the other process writes revision 2
        # This process still holds revision 1's workflow; it must not run the turn on it.
        after = _turn(charkh, looper, started)
        assert after["variables"]["counter"] == 2
        assert _turn(other, looper, started)["variables"]["counter"] == 3
    finally:
        other.close()


def test_a_step_that_failed_leaves_nothing_behind(charkh: Charkh, looper):
    started = charkh.start("counter_loop", looper)
    with pytest.raises(CharkhError):
        _turn(charkh, looper, started, {"counter": "not a number"})  # the counting script fails
    after = _turn(charkh, looper, started)
    assert after["variables"]["counter"] == 1


def test_the_same_turns_with_and_without_live_workflows(charkh: Charkh, settings: Settings, looper):
    keeps_nothing = Charkh(settings)
    keeps_nothing.commands.live.size = 0
    try:
        outcomes = []
        for engine in (charkh, keeps_nothing):
            started = engine.start("counter_loop", looper)
            for turn in range(5):
                last = _turn(engine, looper, started, {"note": f"turn {turn}"})
            seen = engine.instance(started, looper)
            outcomes.append((last["variables"], [i["element"] for i in last["work_items"]],
                             [(e["type"], e["element"]) for e in seen["history"]]))
        assert len(charkh.commands.live) > 0
        assert len(keeps_nothing.commands.live) == 0
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0]["counter"] == 5
    finally:
        keeps_nothing.close()
