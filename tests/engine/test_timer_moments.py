"""Timers relative to a record's dates (issue 16, item 5): ``${record.due_on} - P3D`` waits until
three days before the invoice falls due, in the server's time zone; the text is read as data."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.errors import CharkhError, ScriptError
from engine.store.schema import timers
from engine.timer_moments import relative_moment

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(("text", "variables", "zone", "moment"), [
    ("${record.due_on} - P3D", {"record": {"due_on": "2026-12-10"}}, TEHRAN, "2026-12-06T20:30:00+00:00"),
    ("${record.due_on}", {"record": {"due_on": "2026-12-10"}}, UTC, "2026-12-10T00:00:00+00:00"),
    ("${record.meeting_at} + PT2H", {"record": {"meeting_at": "2026-12-10T09:00:00Z"}}, TEHRAN,
     "2026-12-10T11:00:00+00:00"),
    ("${ends}-P1M", {"ends": "2027-03-31"}, UTC, "2027-02-28T00:00:00+00:00"),  # calendar months
    ("${ starts }+P1Y2M", {"starts": "2026-01-15T08:00:00"}, TEHRAN, "2027-03-15T04:30:00+00:00"),
])
def test_a_relative_timer_names_its_moment(text, variables, zone, moment):
    assert relative_moment(text, variables, zone) == moment


@pytest.mark.parametrize(("text", "variables", "says"), [
    ("${record.due_on} - P3D", {"record": {}}, "record.due_on has no date"),
    ("${record.due_on} - P3D", {}, "record.due_on has no date"),
    ("${record.due_on} - P3D", {"record": {"due_on": "soon"}}, "not a date"),
    ("${record.due_on} - P3X", {"record": {"due_on": "2026-12-10"}}, None),  # not a relative timer at all
    ("${record.due_on} - P3DT", {"record": {"due_on": "2026-12-10"}}, "not an ISO 8601 duration"),
])
def test_a_relative_timer_without_a_date_says_which(text, variables, says):
    if says is None:
        assert relative_moment(text, variables, UTC) is None
        return
    with pytest.raises(ScriptError) as failed:
        relative_moment(text, variables, UTC)
    assert says in failed.value.message


def test_an_invoice_is_called_about_three_days_before_it_falls_due(charkh, model):
    charkh.add_user("sara", "secret", ["sales"])
    charkh.add_user("ana", "secret", analyst=True)
    sara, ana = charkh.caller_named("sara"), charkh.caller_named("ana")
    charkh.import_bpmn(model("relative_timer.bpmn"), deploy=True, caller=ana)
    invoice = charkh.records.create("invoice", {"number": "INV-3", "due_on": "2026-12-10"}, sara)
    started = charkh.start_and_read("call_before_due", sara, record={"entity": "invoice", "id": invoice["id"]})
    assert started["status"] == "running"
    with charkh.db.read() as conn:
        [due] = conn.execute(select(timers.c.due_at).where(timers.c.status == "waiting")).scalars().all()
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    assert due == datetime(2026, 12, 7, tzinfo=UTC)  # the server's zone is UTC here

    undated = charkh.records.create("invoice", {"number": "INV-4"}, sara)
    with pytest.raises(CharkhError) as refused:
        charkh.start_and_read("call_before_due", sara, record={"entity": "invoice", "id": undated["id"]})
    assert "record.due_on has no date" in refused.value.message
