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


def test_an_outside_crm_pushes_its_records_by_its_own_ids(sara):
    first = ok(sara.post("/records/contact", json={"fields": {"first_name": "Ana"}, "external_id": "crm-42"}), 201)
    again = ok(sara.post("/records/contact", json={"fields": {"last_name": "Pop"}, "external_id": "crm-42"}))
    assert again["id"] == first["id"] and again["version"] == 2
    assert again["fields"] == {"first_name": "Ana", "last_name": "Pop"}
