"""Restarting a finished instance (engine/restarts.py; MISSION F5): a drip for a record begins
again from its first message."""
from __future__ import annotations

import pytest

from engine.charkh import Charkh
from engine.errors import Conflict, Forbidden, Invalid, NotFound


@pytest.fixture
def people(charkh: Charkh, model):
    charkh.add_user("olga", analyst=True)
    charkh.add_user("sam", groups=["sales"])
    charkh.add_user("otto")
    olga = charkh.caller_named("olga")
    for name in ("drip_sequence.bpmn", "invoice_payment.bpmn"):
        charkh.import_bpmn(model(name), deploy=True, caller=olga)
    return {name: charkh.caller_named(name) for name in ("olga", "sam", "otto")}


def test_a_finished_drip_restarts_as_a_new_instance_for_the_same_record(charkh, people):
    sam = people["sam"]
    contact = charkh.records.create("contact", {"first_name": "Ana"}, sam)
    record = {"entity": "contact", "id": contact["id"]}
    first = charkh.start_and_read("drip_sequence", sam, {"campaign": "welcome", "record": {"first_name": "Ana"}},
                                  record=record)
    assert first["status"] == "completed"
    charkh.records.update("contact", contact["id"], {"first_name": "Anna"}, sam)

    again = charkh.restart(first["id"], sam)

    assert again["id"] != first["id"] and again["status"] == "completed"
    assert again["definition"] == "drip_sequence" and again["record"] == record
    assert again["variables"]["campaign"] == "welcome"
    assert again["variables"]["record"]["first_name"] == "Anna"  # the record as it is now
    history = charkh.instance(again["id"], sam)["history"]
    restarted = [h for h in history if h["type"] == "instance_restarted"]
    assert history[0]["type"] == "instance_started"
    assert len(restarted) == 1 and restarted[0]["data"] == {"instance": first["id"]} and restarted[0]["user"] == "sam"
    assert [e["name"] for e in history if e["type"] == "element_completed" and e["name"]] == \
        ["First email", "Second email"]
    old = charkh.instance(first["id"], sam)["history"]
    assert old[-1]["type"] == "restarted_as" and old[-1]["data"] == {"instance": again["id"]}


def test_a_running_instance_is_not_restarted(charkh, people):
    running = charkh.start_and_read("invoice_payment", people["sam"])
    with pytest.raises(Conflict, match="running"):
        charkh.restart(running["id"], people["sam"])
    assert len(charkh.instances(people["olga"], definition="invoice_payment")) == 1


def test_only_who_may_see_it_and_start_its_process_restarts_it(charkh, people, app):
    done = charkh.start_and_read("drip_sequence", people["sam"])
    with pytest.raises(Forbidden):
        charkh.restart(done["id"], people["otto"])
    with pytest.raises(NotFound):
        charkh.restart("999999", people["sam"])
    app.extensions["charkh_process_list"].update("drip_sequence", people["olga"], {"active": False})
    with pytest.raises(Invalid, match="deactivated"):
        charkh.restart(done["id"], people["sam"])
    assert len(charkh.instances(people["olga"], definition="drip_sequence")) == 1
