"""The typed condition evaluator (engine/conditions.py): every operator of every field type,
empty values, AND/OR, values that do not parse, and charkh:conditions read from XML."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from engine.conditions import (
    FIELD_TYPES,
    NO_CONDITIONS,
    OPERATORS,
    Condition,
    Conditions,
    conditions_from_xml,
    conditions_of,
    problems_of,
)

TODAY = date(2024, 5, 15)
TEHRAN = ZoneInfo("Asia/Tehran")
TYPES = {
    "name": "text", "email": "email", "mobile": "mobile", "amount": "number", "due_on": "date",
    "met_at": "datetime", "status": "picklist", "paid": "checkbox", "owner": "user", "contact": "reference",
}
EMPTY_VALUES = [None, "", "   "]


def holds(field: str, operator: str, value: str | None, record_value: object, tz=None) -> bool:
    condition = Conditions("all", (Condition(field, operator, value),))
    return condition.holds({field: record_value}, TYPES, TODAY, tz=tz)


def case(field, operator, value, record_value, expected):
    return pytest.param(field, operator, value, record_value, expected,
                        id=f"{field} {operator} {value!r} on {record_value!r}")


def check(field, operator, value, record_value, expected):
    assert holds(field, operator, value, record_value) is expected


# --- text and email ---------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("name", "equals", "Sara", "Sara", True),
    case("name", "equals", "sara", " SARA ", True),  # trimmed, case-insensitive
    case("name", "equals", "Sara", "Sarah", False),
    case("name", "not_equals", "Sara", "Sarah", True),
    case("name", "not_equals", "Sara", "sara", False),
    case("name", "contains", "ali", "Kamali", True),
    case("name", "contains", "ALI", "Kamali", True),
    case("name", "contains", "zz", "Kamali", False),
    case("name", "starts_with", "kam", "Kamali", True),
    case("name", "starts_with", "ali", "Kamali", False),
    case("name", "equals", "سارا", "سارا", True),
    case("name", "equals", "5", 5, True),  # a number in a text field reads as its text
    case("email", "equals", "Sara@Example.com", "sara@example.COM", True),
    case("email", "not_equals", "sara@example.com", "ali@example.com", True),
    case("email", "contains", "@example.", "sara@example.com", True),
    case("email", "starts_with", "sara@", "Sara@example.com", True),
    case("email", "starts_with", "ali@", "Sara@example.com", False),
])
def test_text_and_email_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("field", ["name", "email"])
@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_text_satisfies_is_empty_and_nothing_else(field, empty):
    assert holds(field, "is_empty", None, empty) is True
    assert holds(field, "is_not_empty", None, empty) is False
    for operator in ("equals", "not_equals", "contains", "starts_with"):
        assert holds(field, operator, "x", empty) is False, operator


def test_a_missing_field_is_empty():
    conditions = Conditions("all", (Condition("name", "is_empty", None),))
    assert conditions.holds({}, TYPES, TODAY) is True
    assert Conditions("all", (Condition("name", "not_equals", "x"),)).holds({}, TYPES, TODAY) is False


def test_text_is_not_empty_holds_for_any_text():
    assert holds("name", "is_not_empty", None, "x") is True
    assert holds("name", "is_empty", None, "x") is False


# --- mobile -----------------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("mobile", "equals", "09123456789", "0912 345-6789", True),
    case("mobile", "equals", "۰۹۱۲۳۴۵۶۷۸۹", "09123456789", True),  # Persian digits
    case("mobile", "equals", "0912 (345) 6789", 9123456789, False),  # an int loses the leading 0
    case("mobile", "equals", "+989123456789", "+98 912 345 6789", True),
    case("mobile", "equals", "+989123456789", "09123456789", False),
    case("mobile", "not_equals", "09123456789", "09120000000", True),
    case("mobile", "not_equals", "09123456789", "0912-345-6789", False),
    case("mobile", "starts_with", "0912", "0912 345 6789", True),
    case("mobile", "starts_with", "0935", "0912 345 6789", False),
    case("mobile", "starts_with", "+98", "+98 912 345 6789", True),
    case("mobile", "contains", "345", "0912-345-6789", True),
    case("mobile", "equals", "09123456789", "call me", False),  # unreadable: no comparison holds
    case("mobile", "not_equals", "09123456789", "call me", False),
    case("mobile", "is_empty", None, "call me", False),
    case("mobile", "is_not_empty", None, "call me", True),
])
def test_mobile_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("empty", EMPTY_VALUES + [" - "])
def test_empty_mobile(empty):
    assert holds("mobile", "is_empty", None, empty) is True
    assert holds("mobile", "is_not_empty", None, empty) is False
    for operator in ("equals", "not_equals", "starts_with", "contains"):
        assert holds("mobile", operator, "0912", empty) is False, operator


# --- number -----------------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("amount", "eq", "1500", 1500, True),
    case("amount", "eq", "1500", 1500.0, True),
    case("amount", "eq", "0.1", 0.1, True),  # a float reads as its shortest form
    case("amount", "eq", "1500", 1501, False),
    case("amount", "ne", "1500", 1501, True),
    case("amount", "ne", "1500", 1500, False),
    case("amount", "lt", "1000", 999.99, True),
    case("amount", "lt", "1000", 1000, False),
    case("amount", "le", "1000", 1000, True),
    case("amount", "le", "1000", 1000.01, False),
    case("amount", "gt", "1000", 1000.5, True),
    case("amount", "gt", "1000", 1000, False),
    case("amount", "ge", "1000", 1000, True),
    case("amount", "ge", "1000", 999, False),
    case("amount", "gt", "-5", -4, True),
    case("amount", "gt", " 2.5 ", 3, True),
    case("amount", "eq", "۱۲۰۰", 1200, True),  # Persian digits in the condition
    case("amount", "between", "1000,5000", 1000, True),  # both ends included
    case("amount", "between", "1000,5000", 5000, True),
    case("amount", "between", "1000, 5000", 3000.5, True),
    case("amount", "between", "1000,5000", 999, False),
    case("amount", "between", "1000,5000", 5000.01, False),
    case("amount", "between", "-10,-1", -5, True),
    case("amount", "eq", "1500", "1500", True),  # a number sent as text is still read
    case("amount", "gt", "1", "lots", False),  # unreadable: no comparison holds
    case("amount", "ne", "1", "lots", False),
    case("amount", "eq", "1", True, False),  # a bool is no number
    case("amount", "eq", "1", float("nan"), False),
    case("amount", "is_not_empty", None, 0, True),  # zero is a value
    case("amount", "is_empty", None, 0, False),
    case("amount", "is_empty", None, "lots", False),
])
def test_number_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_number_satisfies_is_empty_and_no_comparison(empty):
    assert holds("amount", "is_empty", None, empty) is True
    assert holds("amount", "is_not_empty", None, empty) is False
    for operator, value in [("eq", "0"), ("ne", "0"), ("lt", "100"), ("le", "0"), ("gt", "-1"), ("ge", "0"),
                            ("between", "-100,100")]:
        assert holds("amount", operator, value, empty) is False, operator


# --- date -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("due_on", "before", "2024-05-01", "2024-04-30", True),
    case("due_on", "before", "2024-05-01", "2024-05-01", False),
    case("due_on", "before", "2024-05-01", date(2024, 4, 1), True),
    case("due_on", "after", "2024-05-01", "2024-05-02", True),
    case("due_on", "after", "2024-05-01", "2024-05-01", False),
    case("due_on", "on", "2024-05-01", "2024-05-01", True),
    case("due_on", "on", "2024-05-01", date(2024, 5, 1), True),
    case("due_on", "on", "2024-05-01", "2024-05-02", False),
    case("due_on", "between", "2024-05-01,2024-05-31", "2024-05-01", True),
    case("due_on", "between", "2024-05-01,2024-05-31", "2024-05-31", True),
    case("due_on", "between", "2024-05-01,2024-05-31", "2024-06-01", False),
    case("due_on", "before", "today", "2024-05-14", True),  # overdue: due before today
    case("due_on", "before", "today", "2024-05-15", False),
    case("due_on", "on", "today", "2024-05-15", True),
    case("due_on", "on", "today+3", "2024-05-18", True),
    case("due_on", "on", "today - 1", "2024-05-14", True),
    case("due_on", "between", "today,today+7", "2024-05-22", True),
    case("due_on", "between", "today,today+7", "2024-05-23", False),
    case("due_on", "after", "TODAY", "2024-05-16", True),
    case("due_on", "within_last_days", "7", "2024-05-08", True),  # today - 7
    case("due_on", "within_last_days", "7", "2024-05-15", True),  # today
    case("due_on", "within_last_days", "7", "2024-05-07", False),
    case("due_on", "within_last_days", "7", "2024-05-16", False),  # the future is not the last days
    case("due_on", "within_last_days", "0", "2024-05-15", True),
    case("due_on", "within_last_days", "0", "2024-05-14", False),
    case("due_on", "within_last_days", "999999", "0001-01-01", True),  # held to the calendar's start
    case("due_on", "on", "2024-05-01", datetime(2024, 5, 1, 23, 0), True),  # a datetime gives its day
    case("due_on", "on", "2024-05-01", "2024-05-01T10:00:00", True),
    case("due_on", "before", "2024-05-01", "next week", False),  # unreadable
    case("due_on", "before", "2024-05-01", "2024-02-30", False),
    case("due_on", "is_empty", None, "next week", False),
    case("due_on", "is_not_empty", None, "2024-05-01", True),
])
def test_date_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_date_satisfies_is_empty_and_no_comparison(empty):
    assert holds("due_on", "is_empty", None, empty) is True
    assert holds("due_on", "is_not_empty", None, empty) is False
    for operator, value in [("before", "9999-12-31"), ("after", "0001-01-01"), ("on", "today"),
                            ("between", "0001-01-01,9999-12-31"), ("within_last_days", "999999")]:
        assert holds("due_on", operator, value, empty) is False, operator


def test_relative_days_follow_the_day_of_evaluation():
    overdue = Conditions("all", (Condition("due_on", "before", "today"),))
    assert overdue.holds({"due_on": "2024-05-15"}, TYPES, date(2024, 5, 15)) is False
    assert overdue.holds({"due_on": "2024-05-15"}, TYPES, date(2024, 5, 16)) is True


# --- datetime ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    # a bound written as a day compares calendar days
    case("met_at", "before", "2024-05-01", "2024-04-30T23:59:59", True),
    case("met_at", "before", "2024-05-01", "2024-05-01T00:00:00", False),
    case("met_at", "after", "2024-05-01", "2024-05-01T23:59:59", False),
    case("met_at", "after", "2024-05-01", "2024-05-02T00:00:00", True),
    case("met_at", "on", "2024-05-01", "2024-05-01T13:45:00", True),
    case("met_at", "on", "2024-05-01", "2024-05-02T00:00:00", False),
    case("met_at", "on", "today", datetime(2024, 5, 15, 8, 0), True),
    # a bound with a time compares moments
    case("met_at", "before", "2024-05-01T09:00", "2024-05-01T08:59:59", True),
    case("met_at", "before", "2024-05-01T09:00", "2024-05-01T09:00:00", False),
    case("met_at", "after", "2024-05-01T09:00", "2024-05-01T09:00:01", True),
    case("met_at", "after", "2024-05-01T09:00Z", "2024-05-01T12:00:00+03:30", False),  # 08:30 UTC
    case("met_at", "before", "2024-05-01T09:00Z", "2024-05-01T12:00:00+03:30", True),
    case("met_at", "on", "2024-05-01T09:00", "2024-05-01T22:00:00", True),  # same calendar day
    case("met_at", "between", "2024-05-01T09:00,2024-05-01T17:00", "2024-05-01T17:00:00", True),
    case("met_at", "between", "2024-05-01T09:00,2024-05-01T17:00", "2024-05-01T17:00:01", False),
    case("met_at", "between", "2024-05-01,2024-05-02", "2024-05-02T23:59:00", True),  # whole days
    case("met_at", "between", "2024-05-01,2024-05-02", "2024-05-03T00:00:00", False),
    case("met_at", "between", "2024-05-01,2024-05-01T12:00", "2024-05-01T11:00:00", True),
    case("met_at", "within_last_days", "1", "2024-05-14T00:00:00", True),
    case("met_at", "within_last_days", "1", "2024-05-13T23:59:59", False),
    case("met_at", "within_last_days", "1", "2024-05-16T00:00:00", False),
    case("met_at", "on", "2024-05-01", date(2024, 5, 1), True),  # a bare date is its midnight
    case("met_at", "on", "2024-05-01", "2024-05-01", True),
    case("met_at", "before", "2024-05-01", "soon", False),  # unreadable
    case("met_at", "is_not_empty", None, "2024-05-01T10:00:00Z", True),
])
def test_datetime_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_datetime_satisfies_is_empty_and_no_comparison(empty):
    assert holds("met_at", "is_empty", None, empty) is True
    assert holds("met_at", "is_not_empty", None, empty) is False
    for operator, value in [("before", "9999-12-31"), ("after", "0001-01-01T00:00"), ("on", "today"),
                            ("between", "0001-01-01,9999-12-31"), ("within_last_days", "999999")]:
        assert holds("met_at", operator, value, empty) is False, operator


def test_datetime_days_are_taken_in_the_time_zone_given():
    late_utc = "2024-05-01T22:00:00Z"  # 02:30 on 2 May in Tehran
    assert holds("met_at", "on", "2024-05-01", late_utc) is True
    assert holds("met_at", "on", "2024-05-01", late_utc, tz=TEHRAN) is False
    assert holds("met_at", "on", "2024-05-02", late_utc, tz=TEHRAN) is True


def test_a_moment_written_without_a_zone_is_in_the_time_zone_given():
    at_nine_in_tehran = datetime(2024, 5, 1, 9, 0, tzinfo=TEHRAN)
    assert holds("met_at", "before", "2024-05-01T09:00:01", at_nine_in_tehran, tz=TEHRAN) is True
    assert holds("met_at", "after", "2024-05-01T08:59:59", at_nine_in_tehran, tz=TEHRAN) is True
    # in UTC, 09:00:01 is long after 09:00 Tehran (05:30 UTC)
    assert holds("met_at", "after", "2024-05-01T05:29:00", at_nine_in_tehran) is True
    assert holds("met_at", "before", "2024-05-01T05:31:00", at_nine_in_tehran) is True


def test_aware_and_naive_values_compare():
    plus_one = timezone(timedelta(hours=1))
    assert holds("met_at", "before", "2024-05-01T09:00+01:00", datetime(2024, 5, 1, 7, 59, tzinfo=UTC)) is True
    assert holds("met_at", "before", "2024-05-01T09:00", datetime(2024, 5, 1, 8, 59, tzinfo=UTC)) is True
    assert holds("met_at", "on", "2024-05-01", datetime(2024, 5, 1, 0, 30, tzinfo=plus_one)) is True


# --- picklist ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("status", "is", "approved", "approved", True),
    case("status", "is", "approved", " approved ", True),
    case("status", "is", "approved", "paid", False),
    case("status", "is", "approved", "Approved", False),  # options are compared exactly
    case("status", "is_not", "approved", "paid", True),
    case("status", "is_not", "approved", "approved", False),
    case("status", "one_of", "approved,paid", "paid", True),
    case("status", "one_of", "approved, paid ,", "paid", True),
    case("status", "one_of", "approved,paid", "draft", False),
    case("status", "is", "approved", ["approved"], False),  # unreadable
    case("status", "is_not_empty", None, "draft", True),
])
def test_picklist_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_picklist(empty):
    assert holds("status", "is_empty", None, empty) is True
    assert holds("status", "is_not_empty", None, empty) is False
    for operator in ("is", "is_not", "one_of"):
        assert holds("status", operator, "draft", empty) is False, operator


# --- checkbox ---------------------------------------------------------------------------------

@pytest.mark.parametrize("record_value,checked", [
    (True, True), (False, False), (None, False), ("", False), (1, True), (0, False),
    ("true", True), ("false", False), ("yes", True), ("no", False), ("on", True), ("off", False),
])
def test_checkbox_is_checked_or_not_and_unset_is_not_checked(record_value, checked):
    assert holds("paid", "checked", None, record_value) is checked
    assert holds("paid", "not_checked", None, record_value) is not checked


def test_checkbox_the_missing_field_is_not_checked():
    assert Conditions("all", (Condition("paid", "not_checked", None),)).holds({}, TYPES, TODAY) is True


@pytest.mark.parametrize("record_value", ["maybe", 2, [True]])
def test_checkbox_unreadable_is_neither(record_value):
    assert holds("paid", "checked", None, record_value) is False
    assert holds("paid", "not_checked", None, record_value) is False


def test_checkbox_ignores_a_value_written_on_it():
    assert holds("paid", "checked", "false", True) is True


# --- user and reference -----------------------------------------------------------------------

@pytest.mark.parametrize("field,operator,value,record_value,expected", [
    case("owner", "equals", "sara", "sara", True),
    case("owner", "equals", "sara", " sara", True),
    case("owner", "equals", "sara", "Sara", False),  # user names are compared exactly
    case("owner", "not_equals", "sara", "ali", True),
    case("owner", "not_equals", "sara", "sara", False),
    case("owner", "is_not_empty", None, "sara", True),
    case("contact", "equals", "42", "42", True),
    case("contact", "equals", "42", 42, True),  # a numeric id
    case("contact", "equals", "42", "43", False),
    case("contact", "not_equals", "42", 43, True),
    case("contact", "equals", "42", {"id": 42}, False),  # unreadable
    case("contact", "is_empty", None, {"id": 42}, False),
])
def test_user_and_reference_operators(field, operator, value, record_value, expected):
    check(field, operator, value, record_value, expected)


@pytest.mark.parametrize("field", ["owner", "contact"])
@pytest.mark.parametrize("empty", EMPTY_VALUES)
def test_empty_user_and_reference(field, empty):
    assert holds(field, "is_empty", None, empty) is True
    assert holds(field, "is_not_empty", None, empty) is False
    assert holds(field, "equals", "x", empty) is False
    assert holds(field, "not_equals", "x", empty) is False


# --- AND, OR, nothing -------------------------------------------------------------------------

BIG = Condition("amount", "gt", "1000")
UNPAID = Condition("paid", "not_checked", None)


@pytest.mark.parametrize("match,record,expected", [
    ("all", {"amount": 2000, "paid": False}, True),
    ("all", {"amount": 2000, "paid": True}, False),
    ("all", {"amount": 10, "paid": False}, False),
    ("all", {"amount": 10, "paid": True}, False),
    ("any", {"amount": 2000, "paid": False}, True),
    ("any", {"amount": 2000, "paid": True}, True),
    ("any", {"amount": 10, "paid": False}, True),
    ("any", {"amount": 10, "paid": True}, False),
])
def test_all_is_and_any_is_or(match, record, expected):
    assert Conditions(match, (BIG, UNPAID)).holds(record, TYPES, TODAY) is expected


@pytest.mark.parametrize("match", ["all", "any"])
def test_no_conditions_hold(match):
    assert Conditions(match, ()).holds({}, TYPES, TODAY) is True
    assert NO_CONDITIONS.holds({"amount": 5}, {}, TODAY) is True


def test_an_unknown_match_never_holds():
    assert Conditions("most", (BIG,)).holds({"amount": 2000}, TYPES, TODAY) is False


# --- conditions that cannot be evaluated never hold -------------------------------------------

@pytest.mark.parametrize("condition", [
    Condition("amout", "gt", "1"),  # unknown field
    Condition("amount", "contains", "1"),  # operator that does not fit
    Condition("amount", "gt", "lots"),  # value that does not parse
    Condition("amount", "gt", None),  # value missing
    Condition("amount", "between", "5,1"),
    Condition("amount", "frobnicate", "1"),
])
def test_a_condition_with_a_problem_never_holds(condition):
    assert Conditions("any", (condition,)).holds({"amount": 2000, "amout": 2000}, TYPES, TODAY) is False
    assert problems_of(Conditions("all", (condition,)), TYPES)


def test_a_field_of_a_type_conditions_do_not_know_never_holds():
    conditions = Conditions("all", (Condition("photo", "is_empty", None),))
    assert conditions.holds({}, {"photo": "image"}, TODAY) is False
    assert problems_of(conditions, {"photo": "image"}) == [
        "field 'photo' has type 'image', which conditions cannot test"]


# --- problems ---------------------------------------------------------------------------------

def problem(condition: Condition) -> str:
    found = problems_of(Conditions("all", (condition,)), TYPES)
    assert len(found) == 1, found
    return found[0]


def test_every_operator_of_every_type_with_a_good_value_has_no_problem():
    good = {"between": {"number": "1,2", "date": "2024-01-01,2024-12-31", "datetime": "2024-01-01,2024-01-01T10:00"},
            "within_last_days": "3", "one_of": "a,b"}
    sample = {"text": "x", "email": "a@b.c", "mobile": "0912", "number": "5", "date": "today", "datetime": "today",
              "picklist": "a", "user": "sara", "reference": "7", "checkbox": None}
    field_of = {type_: name for name, type_ in TYPES.items()}
    for type_, operators in OPERATORS.items():
        for operator in operators:
            value = good.get(operator, sample[type_])
            value = value.get(type_) if isinstance(value, dict) else value
            conditions = Conditions("all", (Condition(field_of[type_], operator, value),))
            assert problems_of(conditions, TYPES) == [], (type_, operator)


def test_the_types_are_those_of_the_records_api():
    assert set(FIELD_TYPES) == {"text", "number", "mobile", "email", "date", "datetime", "picklist", "checkbox",
                                "user", "reference"}


def test_unknown_field_is_named_with_the_fields_there_are():
    assert problem(Condition("amout", "gt", "1")) == (
        "field 'amout' is unknown (the entity's fields: amount, contact, due_on, email, met_at, mobile, name, "
        "owner, paid, status)")


def test_a_condition_without_a_field():
    assert problem(Condition("", "is_empty", None)) == "a condition names no field"


@pytest.mark.parametrize("field,operator", [
    ("amount", "contains"), ("name", "gt"), ("due_on", "equals"), ("paid", "is_empty"), ("status", "equals"),
    ("mobile", "lt"), ("owner", "contains"), ("contact", "one_of"), ("met_at", "eq"), ("email", "is"),
    ("name", "frobnicate"),
])
def test_an_operator_that_does_not_fit_the_type_is_named(field, operator):
    message = problem(Condition(field, operator, "1"))
    assert message.startswith(f"operator {operator!r} does not fit field {field!r} ({TYPES[field]}): use one of ")


@pytest.mark.parametrize("field,operator,value,expected", [
    ("amount", "gt", "lots", "field 'amount': 'lots' is not a number"),
    ("amount", "eq", "NaN", "field 'amount': 'NaN' is not a number"),
    ("amount", "eq", "1_000", "field 'amount': '1_000' is not a number"),
    ("amount", "between", "1000", "field 'amount': '1000' is not 'min,max' (two numbers separated by a comma)"),
    ("amount", "between", "1,2,3", "field 'amount': '1,2,3' is not 'min,max' (two numbers separated by a comma)"),
    ("amount", "between", "1,x", "field 'amount': 'x' is not a number"),
    ("amount", "between", "5000,1000", "field 'amount': '5000,1000' has its minimum above its maximum"),
    ("due_on", "before", "2024-13-01", "field 'due_on': '2024-13-01' is not a date (YYYY-MM-DD, today, "
                                       "today+N, today-N)"),
    ("due_on", "before", "01/05/2024", "field 'due_on': '01/05/2024' is not a date (YYYY-MM-DD, today, "
                                       "today+N, today-N)"),
    ("due_on", "on", "2024-05-01T10:00", "field 'due_on': '2024-05-01T10:00' is not a date (YYYY-MM-DD, today, "
                                         "today+N, today-N)"),
    ("due_on", "on", "tomorrow", "field 'due_on': 'tomorrow' is not a date (YYYY-MM-DD, today, today+N, today-N)"),
    ("due_on", "between", "2024-06-01,2024-05-01", "field 'due_on': '2024-06-01,2024-05-01' has its minimum "
                                                   "above its maximum"),
    ("due_on", "within_last_days", "x", "field 'due_on': 'x' is not a whole number of days"),
    ("due_on", "within_last_days", "-3", "field 'due_on': '-3' is not a whole number of days"),
    ("due_on", "within_last_days", "1.5", "field 'due_on': '1.5' is not a whole number of days"),
    ("met_at", "after", "05:00", "field 'met_at': '05:00' is not a date (YYYY-MM-DD, today, today+N, today-N) "
                                 "or a date and time (YYYY-MM-DDTHH:MM)"),
    ("met_at", "within_last_days", "week", "field 'met_at': 'week' is not a whole number of days"),
    ("mobile", "equals", "call me", "field 'mobile': 'call me' is not a phone number"),
    ("status", "one_of", " , ", "field 'status': one_of needs at least one option (comma-separated)"),
])
def test_a_value_that_does_not_parse_is_named(field, operator, value, expected):
    assert problem(Condition(field, operator, value)) == expected


@pytest.mark.parametrize("field,operator", [
    ("name", "equals"), ("email", "contains"), ("mobile", "starts_with"), ("amount", "gt"), ("amount", "between"),
    ("due_on", "before"), ("due_on", "within_last_days"), ("met_at", "on"), ("status", "is"), ("status", "one_of"),
    ("owner", "equals"), ("contact", "not_equals"),
])
@pytest.mark.parametrize("missing", [None, "", "  "])
def test_a_missing_value_is_named(field, operator, missing):
    assert problem(Condition(field, operator, missing)) == f"field {field!r}: operator {operator!r} needs a value"


def test_operators_without_a_value_need_none():
    for field, operator in [("name", "is_empty"), ("amount", "is_not_empty"), ("paid", "checked"),
                            ("paid", "not_checked")]:
        assert problems_of(Conditions("all", (Condition(field, operator, None),)), TYPES) == []


def test_an_unknown_match_is_a_problem():
    assert problems_of(Conditions("most", ()), TYPES) == ["match must be 'all' or 'any', not 'most'"]


def test_every_problem_is_listed():
    conditions = Conditions("all", (Condition("amout", "gt", "1"), Condition("amount", "gt", "x"),
                                    Condition("paid", "checked", None)))
    assert len(problems_of(conditions, TYPES)) == 2


# --- XML --------------------------------------------------------------------------------------

CHARKH = "https://charkh.dev/schema/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def xml(text: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns="{BPMN}" xmlns:charkh="{CHARKH}">{text}</root>')[0]


def test_conditions_from_xml_as_the_designer_writes_them():
    element = xml("""
      <charkh:conditions match="any">
        <charkh:condition field="amount" operator="between" value="1000,5000"/>
        <charkh:condition field="paid" operator="not_checked"/>
        <charkh:condition field=" status " operator=" is " value=" approved "/>
      </charkh:conditions>""")
    assert conditions_from_xml(element) == Conditions("any", (
        Condition("amount", "between", "1000,5000"),
        Condition("paid", "not_checked", None),
        Condition("status", "is", " approved "),
    ))


def test_conditions_from_xml_defaults_to_all_and_ignores_other_children():
    element = xml(f"""<charkh:conditions><other xmlns="urn:x"/><charkh:condition field="a" operator="is_empty"/>
      <documentation xmlns="{BPMN}">not a condition</documentation></charkh:conditions>""")
    assert conditions_from_xml(element) == Conditions("all", (Condition("a", "is_empty", None),))


def test_conditions_from_xml_of_nothing():
    assert conditions_from_xml(None) is None
    assert conditions_from_xml(xml("<charkh:conditions/>")) == Conditions("all", ())


def test_conditions_from_xml_keeps_what_is_wrong_for_problems_to_name():
    element = xml('<charkh:conditions match="most"><charkh:condition operator="gt"/></charkh:conditions>')
    conditions = conditions_from_xml(element)
    assert conditions == Conditions("most", (Condition("", "gt", None),))
    assert problems_of(conditions, TYPES) == ["match must be 'all' or 'any', not 'most'", "a condition names no field"]


def test_conditions_of_a_trigger_and_of_a_flow():
    trigger = xml('<charkh:trigger><charkh:conditions><charkh:condition field="a" operator="checked"/>'
                  '</charkh:conditions></charkh:trigger>')
    flow = xml('<sequenceFlow id="f"><extensionElements><charkh:conditions match="any">'
               '<charkh:condition field="b" operator="checked"/></charkh:conditions></extensionElements>'
               '</sequenceFlow>')
    assert conditions_of(trigger) == Conditions("all", (Condition("a", "checked", None),))
    assert conditions_of(flow) == Conditions("any", (Condition("b", "checked", None),))
    assert conditions_of(xml('<sequenceFlow id="g"/>')) is None
