"""Instances stored many at once (a schedule's batch, engine/store/new_instances.py) are stored
as a start made one at a time stores them: the same instance row, history, work items and their
cartable parties, timers and outbox jobs."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.charkh import Charkh
from engine.store.new_instances import NewInstance, insert_new_instances
from engine.store.schema import history, instances, outbox_jobs, timers, work_item_parties, work_items
from tests.conftest import read_model

VARIABLES = {"phone": "+98 912 000 0000", "record": {"number": "INV-1", "amount": 5}}


def rows_of(charkh: Charkh, instance_id: int) -> dict[str, Any]:
    """What is stored for the instance, without ids and moments (which differ between the two)."""
    def plain(row: Any, *drop: str) -> dict[str, Any]:
        return {k: v for k, v in row._mapping.items()
                if k not in {"id", "instance_id", "work_item", "work_item_id", "at", "created_at", "updated_at",
                             "next_attempt_at", "due_at", "task_id", "state", *drop}}

    with charkh.db.read() as conn:
        instance = conn.execute(select(instances).where(instances.c.id == instance_id)).one()
        items = conn.execute(select(work_items).where(work_items.c.instance_id == instance_id)
                             .order_by(work_items.c.id)).all()
        return {
            "instance": plain(instance),
            "history": [plain(r) for r in conn.execute(select(history).where(history.c.instance_id == instance_id)
                                                       .order_by(history.c.id))],
            "items": [plain(r) for r in items],
            "parties": sorted(r.principal for r in conn.execute(select(work_item_parties).where(
                work_item_parties.c.work_item_id.in_([i.id for i in items])))),
            "timers": [plain(r) for r in conn.execute(select(timers).where(timers.c.instance_id == instance_id))],
            "jobs": [plain(r) for r in conn.execute(select(outbox_jobs).where(
                outbox_jobs.c.instance_id == instance_id))],
        }


@pytest.mark.parametrize("file, key", [("notify_customer.bpmn", "notify_customer"),
                                       ("overdue_invoices.bpmn", "remind_overdue"),
                                       ("reliable_timer.bpmn", "call_later"),
                                       ("parallel_review.bpmn", "parallel_review")])
def test_instances_stored_in_a_batch_are_stored_as_one_start_stores_them(charkh, file, key):
    charkh.add_user("system", "secret", ["sales"], [], False, True, False)
    charkh.import_bpmn(read_model(file), deploy=True)
    record = {"entity": "invoice", "id": "7"}
    one = int(charkh.start(key, charkh.caller_named("system"), VARIABLES, record=record))
    ran = charkh.commands.run_starts(key, None, [(VARIABLES, record), (VARIABLES, record)])
    assert all(isinstance(started, NewInstance) for started in ran.ran)
    with charkh.db.write() as conn:
        batch = insert_new_instances(conn, ran.definition, ran.version_id, key, ran.process, "system",
                                     [r for r in ran.ran if isinstance(r, NewInstance)], datetime.now(UTC))
    assert len(batch) == 2
    for instance_id in batch:
        assert rows_of(charkh, instance_id) == rows_of(charkh, one)
