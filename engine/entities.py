"""CRM entities: what records are (MISSION F1, F2; issue 16). An entity is a name, labels in each
language, and typed fields; admins define them (``PUT /entities/{name}``, ``charkh entity``) and
the ones below ship ready. The designer's trigger editor, condition builder and "insert field"
helper read the stored entities; a field's type decides which operators a condition offers and
how a record's value is checked (engine/record_fields.py).
"""
from __future__ import annotations

import re
from typing import Any

from .conditions import FieldTypes
from .errors import Invalid

FIELD_TYPES = ("text", "number", "mobile", "email", "date", "datetime", "picklist", "checkbox", "user",
               "reference")
LANGUAGES = ("en", "fa", "ro")
# Names an analyst writes as record.NAME and ${record.NAME}: a Python identifier, lower case.
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Query parameters of GET /records/{entity} beside its FIELD=VALUE filters: no field is named so.
RESERVED = ("limit", "after", "q")
MAX_FIELDS = 200
MAX_OPTIONS = 500
MAX_LABEL = 200


def _field(name: str, type_: str, en: str, fa: str, ro: str, options: tuple[str, ...] = (),
           entity: str | None = None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "label": en, "labels": {"en": en, "fa": fa, "ro": ro}, "type": type_}
    if options:
        field["options"] = list(options)
    if entity:
        field["entity"] = entity
    return field


def _entity(name: str, en: str, fa: str, ro: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "label": en, "labels": {"en": en, "fa": fa, "ro": ro}, "fields": fields}


_OWNER = ("owner", "user", "Owner", "مسئول", "Responsabil")

# The entities a new Charkh starts with (migration 0010 stores them; admins change them after).
SHIPPED: list[dict[str, Any]] = [
    _entity("contact", "Contact", "مخاطب", "Contact", [
        _field("first_name", "text", "First name", "نام", "Prenume"),
        _field("last_name", "text", "Last name", "نام خانوادگی", "Nume"),
        _field("email", "email", "Email", "ایمیل", "Email"),
        _field("mobile", "mobile", "Mobile", "تلفن همراه", "Mobil"),
        _field("birthday", "date", "Birthday", "تاریخ تولد", "Zi de naștere"),
        _field("source", "picklist", "Lead source", "منبع", "Sursă",
               ("web", "phone", "referral", "exhibition")),
        _field("do_not_contact", "checkbox", "Do not contact", "تماس نگیرید", "Nu contactați"),
    ]),
    _entity("lead", "Lead", "سرنخ", "Client potențial", [
        _field("name", "text", "Name", "نام", "Nume"),
        _field("company", "text", "Company", "شرکت", "Companie"),
        _field("email", "email", "Email", "ایمیل", "Email"),
        _field("mobile", "mobile", "Mobile", "تلفن همراه", "Mobil"),
        _field("source", "picklist", "Lead source", "منبع", "Sursă",
               ("web", "phone", "referral", "exhibition")),
        _field("status", "picklist", "Status", "وضعیت", "Stare", ("new", "contacted", "qualified", "lost")),
        _field("score", "number", "Score", "امتیاز", "Scor"),
        _field(*_OWNER),
    ]),
    _entity("invoice", "Invoice", "فاکتور", "Factură", [
        _field("number", "text", "Number", "شماره", "Număr"),
        _field("customer", "text", "Customer", "مشتری", "Client"),
        _field("contact", "reference", "Contact", "مخاطب", "Contact", entity="contact"),
        _field("mobile", "mobile", "Customer mobile", "تلفن همراه مشتری", "Mobilul clientului"),
        _field("email", "email", "Customer email", "ایمیل مشتری", "Emailul clientului"),
        _field("amount", "number", "Amount", "مبلغ", "Sumă"),
        _field("issued_on", "date", "Issued on", "تاریخ صدور", "Emisă la"),
        _field("due_on", "date", "Due on", "سررسید", "Scadentă la"),
        _field("status", "picklist", "Status", "وضعیت", "Stare",
               ("draft", "approved", "paid", "shipped", "cancelled")),
        _field("paid", "checkbox", "Paid", "پرداخت شده", "Plătită"),
    ]),
    _entity("order", "Sales order", "سفارش فروش", "Comandă de vânzare", [
        _field("number", "text", "Number", "شماره", "Număr"),
        _field("customer", "text", "Customer", "مشتری", "Client"),
        _field("contact", "reference", "Contact", "مخاطب", "Contact", entity="contact"),
        _field("total", "number", "Total", "جمع کل", "Total"),
        _field("ordered_on", "date", "Ordered on", "تاریخ سفارش", "Comandată la"),
        _field("stage", "picklist", "Stage", "مرحله", "Etapă", ("new", "confirmed", "delivered", "closed")),
    ]),
    _entity("ticket", "Support ticket", "تیکت پشتیبانی", "Tichet de suport", [
        _field("title", "text", "Title", "عنوان", "Titlu"),
        _field("priority", "picklist", "Priority", "اولویت", "Prioritate", ("low", "normal", "high", "urgent")),
        _field("opened_at", "datetime", "Opened at", "زمان ثبت", "Deschis la"),
        _field("customer_mobile", "mobile", "Customer mobile", "تلفن همراه مشتری", "Mobilul clientului"),
        _field("resolved", "checkbox", "Resolved", "حل شده", "Rezolvat"),
        _field(*_OWNER),
    ]),
    _entity("project", "Project", "پروژه", "Proiect", [
        _field("name", "text", "Name", "نام", "Nume"),
        _field("customer", "reference", "Customer", "مشتری", "Client", entity="contact"),
        _field("starts_on", "date", "Starts on", "تاریخ شروع", "Începe la"),
        _field("ends_on", "date", "Ends on", "تاریخ پایان", "Se termină la"),
        _field("budget", "number", "Budget", "بودجه", "Buget"),
        _field("stage", "picklist", "Stage", "مرحله", "Etapă", ("planned", "running", "done", "cancelled")),
        _field(*_OWNER),
    ]),
]


def types_of(entity: dict[str, Any]) -> FieldTypes:
    """An entity's field name -> type (with its picklists' options), what conditions are checked against."""
    return FieldTypes({field["name"]: field["type"] for field in entity["fields"]},
                      {field["name"]: field["options"] for field in entity["fields"] if field.get("options")})


_SHIPPED_TYPES = {entity["name"]: types_of(entity) for entity in SHIPPED}


def field_types(name: str) -> FieldTypes | None:
    """A shipped entity's field types, or None for no such entity: what a file is checked against
    where no database is at hand (the stored entities are engine/records.py's entity_types)."""
    return _SHIPPED_TYPES.get(name)


def checked_entity(name: str, body: dict[str, Any], known: set[str]) -> dict[str, Any]:
    """An entity as an admin defines it, checked (422 naming what is wrong); ``known``: the names
    of the entities that exist, which a reference field may point to (the entity itself too)."""
    if not _NAME.match(name):
        raise Invalid(f"an entity name is lower-case letters, digits and _ starting with a letter; not {name!r}")
    if not isinstance(body, dict):
        raise Invalid("an entity is a JSON object with label and fields")
    label = _label(body.get("label") or name, "the entity's label")
    labels = _labels(body.get("labels"), "the entity's labels")
    fields = body.get("fields")
    if not isinstance(fields, list) or not fields:
        raise Invalid("an entity has a list of fields, at least one")
    if len(fields) > MAX_FIELDS:
        raise Invalid(f"an entity has at most {MAX_FIELDS} fields")
    checked: list[dict[str, Any]] = []
    for field in fields:
        checked.append(_checked_field(field, known | {name}))
    names = [field["name"] for field in checked]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise Invalid(f"field {twice[0]!r} is defined twice", {"field": twice[0]})
    return {"name": name, "label": label, "labels": {"en": label, **labels}, "fields": checked}


def _checked_field(field: Any, entities: set[str]) -> dict[str, Any]:
    if not isinstance(field, dict):
        raise Invalid("each field is a JSON object with name, label and type")
    name = field.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise Invalid(f"a field name is lower-case letters, digits and _ starting with a letter; not {name!r}",
                      {"field": name})
    if name in RESERVED:
        raise Invalid(f"{name!r} is a word the records' list keeps for itself ({', '.join(RESERVED)}); "
                      "name the field otherwise", {"field": name})
    type_ = field.get("type")
    if type_ not in FIELD_TYPES:
        raise Invalid(f"field {name!r}: type must be one of {', '.join(FIELD_TYPES)}; not {type_!r}",
                      {"field": name})
    label = _label(field.get("label") or name, f"field {name!r}'s label")
    checked: dict[str, Any] = {"name": name, "label": label,
                               "labels": {"en": label, **_labels(field.get("labels"), f"field {name!r}'s labels")},
                               "type": type_}
    if type_ == "picklist":
        options = field.get("options")
        if (not isinstance(options, list) or not options or len(options) > MAX_OPTIONS
                or not all(isinstance(o, str) and o.strip() and len(o) <= MAX_LABEL for o in options)
                or len(set(options)) != len(options)):
            raise Invalid(f"field {name!r}: a picklist has a list of distinct, non-empty options "
                          f"(at most {MAX_OPTIONS})", {"field": name})
        checked["options"] = list(options)
    if type_ == "reference":
        target = field.get("entity")
        if target not in entities:
            raise Invalid(f"field {name!r}: a reference names the entity it points to; {target!r} is not one",
                          {"field": name})
        checked["entity"] = target
    return checked


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL:
        raise Invalid(f"{what} is text of 1 to {MAX_LABEL} characters")
    return value.strip()


def _labels(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(lang not in LANGUAGES for lang in value):
        raise Invalid(f"{what} are an object of language ({', '.join(LANGUAGES)}) to text")
    return {lang: _label(text, what) for lang, text in value.items()}
