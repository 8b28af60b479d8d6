"""A record's page reads (issue 16, item 2): the records whose reference fields point to it, by
entity and field and a page at a time, whether they name it by id or by an outside CRM's id; the
instances run for it; and its history with the instances' entries as their own history has them."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_records import new_invoice, ok, patch, put


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


def new_contact(user: Any, **extra: Any) -> dict[str, Any]:
    return ok(user.post("/records/contact", json={"fields": {"first_name": "Ana"}, **extra}), 201)


def test_the_records_that_point_to_a_record_are_grouped_by_entity_and_field(sara):
    ana, bob = new_contact(sara), new_contact(sara, external_id="crm-7")
    for n in range(3):
        new_invoice(sara, number=f"INV-{n}", contact=ana["id"])
    new_invoice(sara, number="INV-bob", contact="crm-7")  # by the outside CRM's id
    ok(sara.post("/records/project", json={"fields": {"name": "Roof", "customer": ana["id"]}}), 201)

    groups = ok(sara.get(f"/records/contact/{ana['id']}/related?limit=2"))
    assert [(g["entity"], g["field"], g["count"]) for g in groups] == [("invoice", "contact", 3),
                                                                       ("project", "customer", 1)]
    assert [r["fields"]["number"] for r in groups[0]["records"]] == ["INV-0", "INV-1"]
    assert groups[0]["next"] == groups[0]["records"][-1]["id"] and groups[1]["next"] is None
    rest = ok(sara.get(f"/records/contact/{ana['id']}/related/invoice/contact?after={groups[0]['next']}"))
    assert [r["fields"]["number"] for r in rest] == ["INV-2"]
    [of_bob] = ok(sara.get(f"/records/contact/{bob['id']}/related"))
    assert [r["fields"]["number"] for r in of_bob["records"]] == ["INV-bob"]


def test_a_reference_that_changes_or_is_emptied_moves_the_record_between_related_lists(sara):
    ana, bob = new_contact(sara), new_contact(sara)
    invoice = new_invoice(sara, number="INV-1", contact=ana["id"])
    ok(patch(sara, f"/records/invoice/{invoice['id']}", {"fields": {"contact": bob["id"]}}))
    assert ok(sara.get(f"/records/contact/{ana['id']}/related")) == []
    assert ok(sara.get(f"/records/contact/{bob['id']}/related"))[0]["count"] == 1
    ok(patch(sara, f"/records/invoice/{invoice['id']}", {"fields": {"contact": None}}))
    assert ok(sara.get(f"/records/contact/{bob['id']}/related")) == []


def test_an_entity_redefined_with_a_new_reference_links_the_records_it_already_has(admin, sara):
    ana = new_contact(sara)
    ok(put(admin, "/entities/car", {"label": "Car", "fields": [{"name": "driver", "label": "Driver",
                                                                 "type": "text"}]}), 201)
    ok(sara.post("/records/car", json={"fields": {"driver": ana["id"]}}), 201)
    assert ok(sara.get(f"/records/contact/{ana['id']}/related")) == []
    ok(put(admin, "/entities/car", {"label": "Car", "fields": [{"name": "driver", "label": "Driver",
                                                                 "type": "reference", "entity": "contact"}]}))
    assert [(g["entity"], g["count"]) for g in ok(sara.get(f"/records/contact/{ana['id']}/related"))] == [("car", 1)]
    ok(put(admin, "/entities/car", {"label": "Car", "fields": [{"name": "driver", "label": "Driver",
                                                                 "type": "text"}]}))
    assert ok(sara.get(f"/records/contact/{ana['id']}/related")) == []


def test_a_related_page_of_a_field_that_is_no_reference_or_of_no_record_is_a_404(sara):
    ana = new_contact(sara)
    assert sara.get(f"/records/contact/{ana['id']}/related/invoice/number").status_code == 404
    assert sara.get("/records/contact/999/related").status_code == 404


def test_the_instances_run_for_a_record_and_their_entries_in_its_history(admin, sara, model):
    ok(admin.upload(model("invoice.bpmn")), 201)
    created = new_invoice(sara, number="INV-9", customer="Pars Co")
    started = ok(sara.start("invoice", {"number": "INV-9", "customer": "Pars Co"},
                            record={"entity": "invoice", "id": created["id"]}), 201)
    ok(sara.start("invoice", {"number": "other"}), 201)  # run for no record
    [instance] = ok(sara.get(f"/records/invoice/{created['id']}/instances"))
    assert instance == {**instance, "id": started["id"], "definition": "invoice", "process": "invoice",
                        "status": "running", "started_by": "sara"}
    entries = [h for h in ok(sara.get(f"/records/invoice/{created['id']}/history")) if h["instance_id"]]
    assert [h["type"] for h in entries] == ["instance_started", "element_completed", "work_item_created"]
    assert {h["instance_id"] for h in entries} == {started["id"]} and entries[0]["definition"] == "invoice"
    assert set(entries[0]) >= {"at", "type", "element", "name", "user", "work_item", "action", "data"}


def test_a_plain_user_finds_colleagues_by_part_of_their_name(sara, make_user):
    make_user("mona"), make_user("Monir")
    assert ok(sara.get("/people?q=MON")) == [{"name": "Monir"}, {"name": "mona"}]
    assert ok(sara.get("/people?q=mon&limit=1")) == [{"name": "Monir"}]
