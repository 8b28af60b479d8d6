"""The CRM entities a workflow can target (MISSION F1, F2), with their fields and field types.

The designer's trigger editor, condition builder and "insert field" helper read this list. Field
types decide which operators a condition offers. The records issue replaces this built-in catalog
with the entities stored in Charkh; the shape stays.
"""
from __future__ import annotations

from typing import Any

FIELD_TYPES = ("text", "number", "mobile", "date", "picklist", "checkbox")


def _field(name: str, label: str, type_: str, options: tuple[str, ...] = ()) -> dict[str, Any]:
    assert type_ in FIELD_TYPES
    field: dict[str, Any] = {"name": name, "label": label, "type": type_}
    if options:
        field["options"] = list(options)
    return field


ENTITIES: list[dict[str, Any]] = [
    {"name": "contact", "label": "Contact", "fields": [
        _field("first_name", "First name", "text"),
        _field("last_name", "Last name", "text"),
        _field("email", "Email", "text"),
        _field("mobile", "Mobile", "mobile"),
        _field("birthday", "Birthday", "date"),
        _field("source", "Lead source", "picklist", ("web", "phone", "referral", "exhibition")),
        _field("do_not_contact", "Do not contact", "checkbox"),
    ]},
    {"name": "invoice", "label": "Invoice", "fields": [
        _field("number", "Number", "text"),
        _field("customer", "Customer", "text"),
        _field("amount", "Amount", "number"),
        _field("issued_on", "Issued on", "date"),
        _field("due_on", "Due on", "date"),
        _field("status", "Status", "picklist", ("draft", "approved", "paid", "shipped", "cancelled")),
        _field("paid", "Paid", "checkbox"),
    ]},
    {"name": "order", "label": "Sales order", "fields": [
        _field("number", "Number", "text"),
        _field("customer", "Customer", "text"),
        _field("total", "Total", "number"),
        _field("ordered_on", "Ordered on", "date"),
        _field("stage", "Stage", "picklist", ("new", "confirmed", "delivered", "closed")),
    ]},
    {"name": "ticket", "label": "Support ticket", "fields": [
        _field("title", "Title", "text"),
        _field("priority", "Priority", "picklist", ("low", "normal", "high", "urgent")),
        _field("opened_on", "Opened on", "date"),
        _field("customer_mobile", "Customer mobile", "mobile"),
        _field("resolved", "Resolved", "checkbox"),
    ]},
]

_FIELD_TYPES: dict[str, dict[str, str]] = {
    entity["name"]: {field["name"]: field["type"] for field in entity["fields"]} for entity in ENTITIES
}


def field_types(entity: str) -> dict[str, str] | None:
    """The built-in entity's field types by field name, or None for no such entity: what deploy
    checks triggers and conditions against until entities come from the database."""
    return _FIELD_TYPES.get(entity)
