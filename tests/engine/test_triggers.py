"""Triggers read from a process (engine/triggers.py), what deploy finds wrong with them, and
their schedules."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from engine.conditions import NO_CONDITIONS, Condition, Conditions
from engine.entities import field_types
from engine.triggers import (
    SCHEDULE_PRESETS,
    Trigger,
    declared_triggers,
    next_run,
    record_entity,
    schedule_problem,
    trigger_problems,
    triggers_of,
)

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CHARKH = "https://charkh.dev/schema/bpmn"


def process_of(model_bytes: bytes, process_id: str) -> etree._Element:
    root = etree.fromstring(model_bytes)
    return next(p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == process_id)


def process(triggers: str, process_id: str = "p") -> etree._Element:
    return etree.fromstring(
        f'<process xmlns="{BPMN}" xmlns:charkh="{CHARKH}" id="{process_id}">'
        f"<extensionElements>{triggers}</extensionElements></process>")


def test_triggers_of_a_bpmn_file(model):
    found = triggers_of(process_of(model("invoice_triggers.bpmn"), "invoice_triggers"))
    assert found == (
        Trigger(entity="invoice", on="update", mode="every", schedule=None,
                conditions=Conditions("all", (Condition("amount", "gt", "1000"),
                                              Condition("paid", "not_checked", None))),
                key="0", process="invoice_triggers"),
        Trigger(entity="invoice", on="schedule", mode="first", schedule="0 9 * * 1-5",
                conditions=Conditions("any", (Condition("due_on", "before", "today"),
                                              Condition("status", "is", "approved"))),
                key="1", process="invoice_triggers"),
        Trigger(entity="invoice", on="macro", mode="first", schedule=None, conditions=NO_CONDITIONS,
                key="remind-button", process="invoice_triggers"),
    )
    assert all(trigger_problems(t, field_types) == [] for t in found)


def test_a_process_without_triggers_has_none():
    assert triggers_of(process("")) == ()
    bare = etree.fromstring(f'<process xmlns="{BPMN}" id="p"/>')
    assert triggers_of(bare) == () and record_entity(bare) is None


def test_update_mode_is_first_by_default():
    [trigger] = triggers_of(process('<charkh:trigger entity="invoice" on="update"/>'))
    assert trigger.mode == "first" and trigger.conditions == NO_CONDITIONS


def test_a_trigger_without_on_starts_nothing_but_names_the_entity():
    # what the designer writes for "Manual or API only" after the entity is picked
    element = process('<charkh:trigger entity="contact"/>')
    assert triggers_of(element) == ()
    assert [t.on for t in declared_triggers(element)] == [""]
    assert record_entity(element) == "contact"


def test_schedule_is_kept_for_scheduled_triggers_only():
    [create, scheduled] = triggers_of(process(
        '<charkh:trigger entity="invoice" on="create" schedule="daily"/>'
        '<charkh:trigger entity="invoice" on="schedule" schedule=" weekly "/>'))
    assert create.schedule is None and scheduled.schedule == "weekly"


def test_keys_are_ids_or_positions_counting_manual_triggers():
    found = triggers_of(process(
        '<charkh:trigger entity="contact"/>'
        '<charkh:trigger entity="contact" on="create"/>'
        '<charkh:trigger id="welcome" entity="contact" on="update"/>'))
    assert [t.key for t in found] == ["1", "welcome"]


def test_record_entity_is_the_one_the_triggers_name():
    assert record_entity(process('<charkh:trigger entity="invoice" on="create"/>'
                                 '<charkh:trigger entity="invoice" on="macro"/>')) == "invoice"
    assert record_entity(process('<charkh:trigger entity="invoice" on="create"/>'
                                 '<charkh:trigger entity="order" on="create"/>')) is None
    assert record_entity(process('<charkh:trigger on="create"/>')) is None


# --- problems ---------------------------------------------------------------------------------

def problems(triggers: str) -> list[str]:
    return [p for t in declared_triggers(process(triggers)) for p in trigger_problems(t, field_types)]


def test_an_unknown_entity_is_named():
    assert problems('<charkh:trigger entity="invoce" on="create"/>') == [
        "charkh:trigger on create of 'invoce': entity 'invoce' is unknown"]


def test_a_trigger_without_an_entity():
    assert problems('<charkh:trigger on="create"/>') == ["charkh:trigger on create names no entity"]


def test_an_unknown_field_and_an_operator_that_does_not_fit_are_named():
    found = problems('<charkh:trigger entity="invoice" on="update"><charkh:conditions>'
                     '<charkh:condition field="amout" operator="gt" value="1"/>'
                     '<charkh:condition field="amount" operator="contains" value="1"/>'
                     '</charkh:conditions></charkh:trigger>')
    assert len(found) == 2
    assert found[0].startswith("charkh:trigger on update of 'invoice': field 'amout' is unknown (the entity's "
                               "fields: amount, contact, customer, due_on")
    assert found[1].startswith("charkh:trigger on update of 'invoice': operator 'contains' does not fit field "
                               "'amount' (number)")


def test_conditions_of_a_manual_trigger_are_checked_too():
    assert problems('<charkh:trigger entity="invoice"><charkh:conditions>'
                    '<charkh:condition field="paid" operator="is_empty"/></charkh:conditions></charkh:trigger>') \
        == ["charkh:trigger of 'invoice': operator 'is_empty' does not fit field 'paid' (checkbox): "
            "use one of checked, not_checked"]


def test_unknown_on_and_mode():
    assert problems('<charkh:trigger entity="invoice" on="delete" mode="sometimes"/>') == [
        "charkh:trigger on delete of 'invoice': on must be one of create, update, schedule, macro",
        "charkh:trigger on delete of 'invoice': mode 'sometimes' must be first or every",
    ]


def test_a_bad_schedule_is_named():
    assert problems('<charkh:trigger entity="invoice" on="schedule" schedule="61 * * * *"/>') == [
        "charkh:trigger on schedule of 'invoice': schedule '61 * * * *' is neither hourly, daily, weekly, monthly, "
        "yearly nor a cron text of five fields (minute hour day month weekday, e.g. 0 9 * * 1-5)"]


def test_a_scheduled_trigger_without_a_schedule():
    assert problems('<charkh:trigger entity="invoice" on="schedule"/>') == [
        "charkh:trigger on schedule of 'invoice': it names no schedule (hourly, daily, weekly, monthly, yearly, "
        "or five cron fields)"]


@pytest.mark.parametrize("schedule", [
    *SCHEDULE_PRESETS, "0 9 * * 1-5", "*/15 * * * *", "30 8 1 * *", "0 9 * * MON-FRI", "0 0 29 2 *",
    "0 8,12,16 * * *", "0 9 * * 6",
])
def test_good_schedules(schedule):
    assert schedule_problem(schedule) is None


@pytest.mark.parametrize("schedule", [
    "Daily", "every day", "61 * * * *", "0 24 * * *", "0 9 * * 8", "0 9 * *", "0 0 9 * * 1-5",
    "@daily", "*/0 * * * *", "0 9 32 * *", "a b c d e", "0 9 * * 1-5 " * 40,
])
def test_bad_schedules(schedule):
    assert "is neither hourly, daily, weekly, monthly, yearly nor a cron text of five fields" \
        in schedule_problem(schedule)


def test_a_schedule_that_never_falls_on_a_day():
    assert schedule_problem("0 0 30 2 *") == "schedule '0 0 30 2 *' never falls on a day (as 30 February)"


# --- schedules --------------------------------------------------------------------------------

def test_next_run_of_the_presets():
    at = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)  # a Wednesday
    assert next_run("hourly", at) == datetime(2024, 5, 15, 11, 0, tzinfo=UTC)
    assert next_run("daily", at) == datetime(2024, 5, 16, 0, 0, tzinfo=UTC)
    assert next_run("weekly", at) == datetime(2024, 5, 19, 0, 0, tzinfo=UTC)
    assert next_run("monthly", at) == datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
    assert next_run("yearly", at) == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)


def test_next_run_is_strictly_after_and_keeps_the_time_zone():
    tehran = ZoneInfo("Asia/Tehran")
    friday_nine = datetime(2024, 5, 17, 9, 0, tzinfo=tehran)
    assert next_run("0 9 * * 1-5", friday_nine) == datetime(2024, 5, 20, 9, 0, tzinfo=tehran)
    assert next_run("0 9 * * 1-5", friday_nine).utcoffset() == friday_nine.utcoffset()
