"""The access rule (engine/access.py) on its own, and its list form held to it on a real database."""
from __future__ import annotations

import ast
from pathlib import Path

from engine import access
from engine.access import Caller, DefinitionFacts, InstanceFacts
from engine.store import instances as instance_store

ROOT = Path(__file__).resolve().parents[2]

PUBLIC = DefinitionFacts("invoice", "public", owners=frozenset({"sara"}))
PRIVATE = DefinitionFacts("payroll", "private", owners=frozenset({"sara"}), access=frozenset({"mona"}))


def caller(name: str, *groups: str, admin: bool = False, analyst: bool = False,
           integration: bool = False) -> Caller:
    return Caller(name, admin, frozenset(groups), is_analyst=analyst, is_integration=integration)


def instance(definition: DefinitionFacts, started_by: str = "sara", parties: tuple[str, ...] = ("g:managers",),
             actors: tuple[str, ...] = ()) -> InstanceFacts:
    return InstanceFacts(definition, started_by, frozenset(parties), frozenset(actors))


def test_the_access_rule_is_pure():
    tree = ast.parse((ROOT / "engine" / "access.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"sqlalchemy", "flask", "apiflask", "psycopg"}


def test_only_analysts_and_administrators_model():
    assert access.may_create_definitions(caller("ana", analyst=True))
    assert access.may_create_definitions(caller("root", admin=True))
    assert not access.may_create_definitions(caller("eve"))
    assert not access.may_create_definitions(caller("bank", integration=True))


def test_only_owners_who_are_analysts_and_administrators_edit_a_definition():
    assert access.may_edit_definition(caller("sara", analyst=True), PUBLIC)
    assert access.may_edit_definition(caller("root", admin=True), PUBLIC)
    assert not access.may_edit_definition(caller("omid", analyst=True), PUBLIC)  # not an owner
    assert not access.may_edit_definition(caller("sara"), PUBLIC)  # an owner no longer an analyst


def test_a_private_definition_is_seen_by_its_access_list_owners_and_administrators():
    assert access.may_see_definition(caller("mona"), PRIVATE)
    assert access.may_see_definition(caller("sara", analyst=True), PRIVATE)
    assert access.may_see_definition(caller("root", admin=True), PRIVATE)
    assert not access.may_see_definition(caller("omid", analyst=True), PRIVATE)
    assert access.may_see_definition(caller("eve"), PUBLIC)


def test_an_instance_is_seen_by_its_starter_its_parties_its_owners_and_administrators():
    running = instance(PUBLIC, started_by="sara", parties=("g:managers",), actors=("fati",))
    assert access.may_see_instance(caller("mona", "managers"), running)  # her group has an item
    assert access.may_see_instance(caller("fati"), running)  # she completed one
    assert access.may_see_instance(caller("sara"), running)  # started it, and owns the definition
    assert access.may_see_instance(caller("root", admin=True), running)
    assert not access.may_see_instance(caller("eve", "sales"), running)
    assert not access.may_see_instance(caller("omid", analyst=True), running)


def test_a_private_definitions_instance_is_hidden_from_parties_off_its_access_list():
    running = instance(PRIVATE, started_by="sara", parties=("g:managers",))
    assert access.may_see_instance(caller("mona", "managers"), running)
    assert not access.may_see_instance(caller("omid", "managers"), running)
    assert not access.may_act_on_item(caller("omid", "managers"), frozenset({"g:managers"}), None, PRIVATE)
    assert access.may_act_on_item(caller("mona", "managers"), frozenset({"g:managers"}), None, PRIVATE)


def test_messages_come_from_participants_and_integration_users():
    running = instance(PUBLIC, started_by="sara")
    assert access.may_message(caller("sara"), running)
    assert access.may_message(caller("bank", integration=True), running)
    assert not access.may_message(caller("eve"), running)
    assert not access.may_message(caller("bank", integration=True), instance(PRIVATE))


def test_only_whom_an_item_is_assigned_to_acts_on_it():
    parties = frozenset({"g:managers"})
    assert access.may_act_on_item(caller("mona", "managers"), parties, None, PUBLIC)
    assert access.may_act_on_item(caller("eve"), parties, "eve", PUBLIC)  # she holds it
    assert not access.may_act_on_item(caller("root", admin=True), parties, None, PUBLIC)
    assert access.may_act_on_item(caller("root", admin=True), frozenset(), None, PUBLIC)  # unassigned


def test_the_instance_list_shows_exactly_what_the_rule_lets_each_caller_see(charkh, model):
    """Scope.admits, written in SQL for the lists, agrees with may_see_instance instance by instance."""
    charkh.add_user("sara", analyst=True)
    charkh.add_user("mona", groups=["sales-managers"])
    charkh.add_user("omid", groups=["sales-managers"])
    charkh.add_user("fati", groups=["finance"])
    charkh.add_user("root", admin=True)
    sara = charkh.caller_named("sara")
    charkh.import_bpmn(model("invoice.bpmn"), deploy=True, caller=sara)
    charkh.import_bpmn(model("assignment.bpmn"), deploy=True, caller=sara)
    started = [charkh.start("invoice", charkh.caller_named(name), {"amount": 1}) for name in ("sara", "fati")]
    started.append(charkh.start("assignment", sara))
    [first] = [i for i in charkh.work_items(charkh.caller_named("mona")) if i["instance_id"] == started[0]]
    charkh.complete(first["id"], charkh.caller_named("mona"), "Approve")
    with charkh.db.write() as conn:  # make invoice private to sara and mona without touching its model
        from engine.store.catalog import update_settings
        update_settings(conn, "invoice", sara, {"visibility": "private", "access": ["sara", "mona"]}, None)
    charkh.forget_access()

    seen = {}
    for name in ("sara", "mona", "omid", "fati", "root"):
        who = charkh.caller_named(name)
        listed = [i["id"] for i in charkh.instances(who)]
        with charkh.db.read() as conn:
            allowed = [i for i in started if access.may_see_instance(
                who, instance_store.instance_facts(conn, int(i), charkh.definition_facts))]
        assert listed == allowed, name
        seen[name] = len(listed)
        items = {i["instance_id"] for i in charkh.work_items(who, mine=False, status="all")}
        assert items <= set(allowed), name
    assert seen == {"sara": 3, "mona": 2, "omid": 0, "fati": 0, "root": 3}  # fati: off the private list
