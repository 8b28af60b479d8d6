"""Entities and records through the HTTP API (issue 16): typed fields checked and stored in one
form, history of field changes, paging and filters, and upserts by an outside CRM's ids (the
processes their triggers start: test_record_triggers.py)."""
from __future__ import annotations

from typing import Any

import pytest


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def patch(user: Any, path: str, body: dict[str, Any]) -> Any:
    return user.client.patch(f"/api/v1{path}", json=body, headers=user.headers)


def put(user: Any, path: str, body: dict[str, Any]) -> Any:
    return user.client.put(f"/api/v1{path}", json=body, headers=user.headers)


def new_invoice(user: Any, **fields: Any) -> dict[str, Any]:
    return ok(user.post("/records/invoice", json={"fields": fields}), 201)


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


# --- entities -----------------------------------------------------------------------------------

def test_the_shipped_entities_come_labelled_in_each_language_with_typed_fields(sara):
    found = {entity["name"]: entity for entity in ok(sara.get("/entities"))}
    assert {"contact", "lead", "invoice", "order", "ticket", "project"} <= set(found)
    invoice = found["invoice"]
    assert invoice["labels"] == {"en": "Invoice", "fa": "فاکتور", "ro": "Factură"}
    types = {field["name"]: field for field in invoice["fields"]}
    assert types["amount"]["type"] == "number" and types["email"]["type"] == "email"
    assert types["contact"] == {**types["contact"], "type": "reference", "entity": "contact"}
    assert "paid" in types["status"]["options"]
    assert {f["type"] for e in found.values() for f in e["fields"]} >= {"datetime", "user", "checkbox", "date"}


def test_an_admin_defines_and_redefines_an_entity_and_a_plain_user_may_not(admin, sara):
    body = {"label": "Car", "labels": {"fa": "خودرو"},
            "fields": [{"name": "plate", "label": "Plate", "type": "text"},
                       {"name": "driver", "label": "Driver", "type": "reference", "entity": "contact"}]}
    assert ok(put(admin, "/entities/car", body), 201)["labels"] == {"en": "Car", "fa": "خودرو"}
    body["fields"].append({"name": "seats", "label": "Seats", "type": "number"})
    assert [f["name"] for f in ok(put(admin, "/entities/car", body))["fields"]] == ["plate", "driver", "seats"]
    assert put(sara, "/entities/boat", body).status_code == 403
    assert "boat" not in {e["name"] for e in ok(sara.get("/entities"))}


@pytest.mark.parametrize(("fields", "named"), [
    ([{"name": "x", "type": "colour"}], "type must be one of"),
    ([{"name": "Bad Name", "type": "text"}], "lower-case"),
    ([{"name": "kind", "type": "picklist"}], "picklist"),
    ([{"name": "boss", "type": "reference", "entity": "nothing"}], "'nothing' is not one"),
    ([{"name": "a", "type": "text"}, {"name": "a", "type": "number"}], "defined twice"),
    ([], "at least one"),
])
def test_a_bad_entity_is_a_422_that_says_what_is_wrong(admin, fields, named):
    response = put(admin, "/entities/thing", {"label": "Thing", "fields": fields})
    assert response.status_code == 422 and named in response.json["error"]["message"]
    assert "thing" not in {e["name"] for e in ok(admin.get("/entities"))}


# --- records ------------------------------------------------------------------------------------

def test_a_record_is_stored_in_one_typed_form_owned_by_its_creator(sara):
    created = new_invoice(sara, number="INV-7", amount="1,250.50", paid="false", issued_on="2026-12-01",
                          mobile="+98 912 000 0000", status="draft")
    assert created["fields"] == {"number": "INV-7", "amount": 1250.5, "paid": False, "issued_on": "2026-12-01",
                                 "mobile": "+98 912 000 0000", "status": "draft"}
    assert created["owner"] == "sara" and created["version"] == 1 and created["instances"] == []
    assert ok(sara.get(f"/records/invoice/{created['id']}"))["fields"]["amount"] == 1250.5


@pytest.mark.parametrize(("fields", "named"), [
    ({"amount": "a lot"}, "'amount' is a number"),
    ({"email": "not an address"}, "'email' is a email"),
    ({"status": "lost"}, "one of: draft"),
    ({"due_on": "tomorrow"}, "'due_on' is a date"),
    ({"colour": "red"}, "'colour' is not a field"),
    ({"contact": "999"}, "no contact record"),
])
def test_a_field_of_the_wrong_type_is_a_422_naming_it_and_stores_nothing(sara, fields, named):
    response = sara.post("/records/invoice", json={"fields": fields})
    assert response.status_code == 422 and named in response.json["error"]["message"], response.json
    assert ok(sara.get("/records/invoice")) == []


def test_an_unknown_entity_or_record_is_a_404(sara):
    assert sara.post("/records/spaceship", json={"fields": {}}).status_code == 404
    assert sara.get("/records/invoice/12345").status_code == 404
    contact = ok(sara.post("/records/contact", json={"fields": {"first_name": "Ana"}}), 201)
    assert sara.get(f"/records/invoice/{contact['id']}").status_code == 404  # not an invoice


def test_a_change_raises_the_version_and_is_kept_in_the_history_with_old_and_new(sara):
    created = new_invoice(sara, number="INV-1", amount=100)
    changed = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 150, "paid": True}}))
    assert changed["version"] == 2 and changed["fields"] == {"number": "INV-1", "amount": 150, "paid": True}
    same = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 150}}))
    assert same["version"] == 2  # nothing changed: no new version, no history entry
    history = ok(sara.get(f"/records/invoice/{created['id']}/history"))
    assert [h["type"] for h in history] == ["record_created", "record_changed"]
    assert history[1]["data"] == {"amount": [100, 150], "paid": [None, True]} and history[1]["user"] == "sara"


def test_records_are_listed_a_page_at_a_time_and_filtered_by_field(sara):
    for n in range(5):
        new_invoice(sara, number=f"INV-{n}", status="approved" if n % 2 else "draft")
    first = sara.get("/records/invoice?limit=2")
    assert [r["fields"]["number"] for r in first.json] == ["INV-0", "INV-1"] and "rel=\"next\"" in first.headers["Link"]
    after = first.json[-1]["id"]
    second = ok(sara.get(f"/records/invoice?limit=2&after={after}"))
    assert [r["fields"]["number"] for r in second] == ["INV-2", "INV-3"]
    assert [r["fields"]["number"] for r in ok(sara.get("/records/invoice?status=approved"))] == ["INV-1", "INV-3"]
    assert sara.get("/records/invoice?colour=red").status_code == 422


def test_filters_take_a_value_as_a_write_does_and_match_on_either_database(sara):
    for n, (paid, amount) in enumerate(((True, 100), (False, 250.5), (None, 100))):
        new_invoice(sara, number=f"INV-{n}", paid=paid, amount=amount)

    def numbers(query: str) -> list[str]:
        return [r["fields"]["number"] for r in ok(sara.get(f"/records/invoice?{query}"))]

    assert numbers("paid=true") == ["INV-0"] and numbers("paid=false") == ["INV-1"]
    assert numbers("amount=100") == numbers("amount=100.0") == ["INV-0", "INV-2"]
    assert numbers("amount=250.5") == ["INV-1"]
    refused = sara.get("/records/invoice?amount=lots")
    assert refused.status_code == 422 and refused.json["error"]["details"]["field"] == "amount"


def test_a_search_finds_records_by_a_text_in_their_fields_or_by_their_id(sara):
    pars = new_invoice(sara, number="INV-1", customer="Pars Trading", email="a@pars.ir")
    new_invoice(sara, number="INV-2", customer="Kish Ltd", status="approved")
    new_invoice(sara, number="INV-3", customer="پارس نو", amount=int(pars["id"]))

    def numbers(query: str) -> list[str]:
        return [r["fields"]["number"] for r in ok(sara.get("/records/invoice", query_string=query))]

    assert numbers({"q": "PARS"}) == ["INV-1"]  # any case
    assert numbers({"q": "پارس"}) == ["INV-3"]
    assert numbers({"q": "approv"}) == ["INV-2"]  # a picklist's value
    assert numbers({"q": "100%_"}) == []  # the search's own wildcards are plain text
    assert numbers({"q": pars["id"]}) == ["INV-1"]  # its id; numbers are not searched as text
    assert numbers({"q": "pars", "status": "approved"}) == []
    first = sara.get("/records/invoice", query_string={"q": "inv", "limit": 2})
    assert "q=inv" in first.headers["Link"]


def test_limit_after_and_q_are_no_field_names(admin):
    body = {"label": "Query", "fields": [{"name": "q", "label": "Q", "type": "text"}]}
    response = put(admin, "/entities/query", body)
    assert response.status_code == 422 and response.json["error"]["details"]["field"] == "q"


def test_an_outside_crm_pushes_its_records_by_its_own_ids(sara):
    first = ok(sara.post("/records/contact", json={"fields": {"first_name": "Ana"}, "external_id": "crm-42"}), 201)
    again = ok(sara.post("/records/contact", json={"fields": {"last_name": "Pop"}, "external_id": "crm-42"}))
    assert again["id"] == first["id"] and again["version"] == 2
    assert again["fields"] == {"first_name": "Ana", "last_name": "Pop"}


def test_an_instance_started_for_a_record_sees_its_fields_and_one_kept_elsewhere_is_only_named(admin, sara, model):
    ok(admin.upload(model("relative_timer.bpmn")), 201)
    invoice = new_invoice(sara, number="INV-8", due_on="2026-12-10")
    started = ok(sara.start("call_before_due", record={"entity": "invoice", "id": invoice["id"]}), 201)
    assert ok(sara.get(f"/instances/{started['id']}"))["variables"]["record"]["due_on"] == "2026-12-10"
    # an outside CRM's record: the instance names it; its timer has no date to wait for
    refused = sara.start("call_before_due", record={"entity": "invoice", "id": "999999"})
    assert refused.status_code == 422
    assert "record.due_on has no date" in refused.json["error"]["message"]
    assert len(ok(admin.get("/instances?limit=100"))) == 1  # nothing started
