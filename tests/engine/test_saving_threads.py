"""Saving state from many threads at once: each save follows the same rules, whoever else saves.

SpiffWorkflow's registry switches an "encoder mode" on and off around each save; threads that
shared one switched it under each other, so a value that is not JSON (a timedelta) was refused or
silently stored depending on who else was saving at that moment. Each saving thread has its own
registry now, always in the mode that refuses what is not JSON.
"""
from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from engine.charkh import Charkh
from engine.compiler import compile_definition
from engine.errors import StepFailed

ROUNDS = 200


def test_concurrent_saves_follow_the_same_rules(charkh: Charkh, model) -> None:
    data = model("invoice.bpmn")
    definition = compile_definition(data, len(data) + 1)
    runtime = charkh.runtime
    process = next(iter(definition.processes))

    def workflow_with(value: object):  # type: ignore[no-untyped-def]
        workflow, _ = runtime.start(definition, process, {"customer": "ACME", "amount": 10, "currency": "EUR"})
        for task in workflow.get_tasks():
            task.data["value"] = value
        return workflow

    fine = workflow_with(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    not_json = workflow_with(timedelta(days=2))
    with pytest.raises(StepFailed):
        runtime.dump(not_json)
    expected = runtime.dump(fine)

    outcomes: list[str] = []
    go = threading.Barrier(8)

    def save(workflow, good: bool) -> None:  # type: ignore[no-untyped-def]
        go.wait()
        for _ in range(ROUNDS):
            try:
                saved = runtime.dump(workflow)
                outcomes.append("same" if good and saved == expected else "stored" if not good else "different")
            except StepFailed:
                outcomes.append("refused" if not good else "refused a good one")

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns inside each other's saves, as under load
    try:
        threads = [threading.Thread(target=save, args=(fine if i % 2 else not_json, bool(i % 2)))
                   for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        sys.setswitchinterval(switching)

    assert sorted(set(outcomes)) == ["refused", "same"]
    assert len(outcomes) == 8 * ROUNDS
