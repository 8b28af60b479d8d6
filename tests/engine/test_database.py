"""The store's connections and combined writes: a pooled connection that PostgreSQL dropped while it
sat idle (a restart, an idle timeout, an administrator) is replaced before a command uses it, so the
caller never sees the failure; a step saved against a stale revision writes nothing."""
from __future__ import annotations

import uuid
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.charkh import Charkh
from engine.settings import Settings, normalize_database_url
from engine.store import database
from engine.store.people import now
from engine.store.writes import finish_completion


def _terminate(url: str, application: str) -> int:
    admin = create_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                         "WHERE application_name = :name"), {"name": application}).all())
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_connection_dropped_while_idle_is_replaced_before_use(database_url, tmp_path: Path, model,
                                                                 monkeypatch) -> None:
    application = f"charkh-test-{uuid.uuid4().hex[:8]}"
    engine = Charkh(Settings(data_dir=tmp_path, database_url=f"{database_url}&application_name={application}"))
    try:
        engine.add_user("sara", "secret", ["sales"])
        engine.import_bpmn(model("invoice.bpmn"), deploy=True)
        sara = engine.caller_named("sara")
        first = engine.start("invoice", sara, {"customer": "ACME", "amount": 10, "currency": "EUR"})

        assert _terminate(database_url, application) >= 1  # every pooled connection is now dead
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
        second = engine.start("invoice", sara, {"customer": "ACME", "amount": 20, "currency": "EUR"})

        assert int(second) == int(first) + 1
        assert engine.instance(second, sara)["status"] == "running"
    finally:
        engine.close()


def _finish(charkh: Charkh, started: dict, item: dict, expected_revision: int, user: str = "sara") -> bool:
    """finish_completion in a transaction that commits whatever it wrote."""
    with charkh.db.write() as conn:
        return finish_completion(
            conn, instance_id=int(started["id"]), expected_revision=expected_revision, state=b"{}",
            status="completed", variables={"x": 1}, at=now(), item_id=int(item["id"]), user=user, action_id=None,
            entries=[{"instance_id": int(started["id"]), "at": now(), "type": "work_item_completed",
                      "kind": None, "element": item["element"], "name": None, "user": user,
                      "work_item": int(item["id"]), "action_id": None, "action_name": None, "data": None}])


def _rows(charkh: Charkh, instance_id: str) -> tuple:
    from sqlalchemy import select

    from engine.store.schema import history, instances, work_items

    with charkh.db.read() as conn:
        number = int(instance_id)
        return (conn.execute(select(instances.c.revision, instances.c.state, instances.c.status,
                                    instances.c.variables).where(instances.c.id == number)).all(),
                conn.execute(select(work_items).where(work_items.c.instance_id == number)).all(),
                conn.execute(select(history).where(history.c.instance_id == number)).all())


def test_a_completion_saved_against_a_stale_revision_writes_nothing(charkh: Charkh, model) -> None:
    """Even in a transaction that commits: the revision check comes before every write."""
    charkh.add_user("sara", "secret", ["sales"])
    charkh.import_bpmn(model("invoice.bpmn"), deploy=True)
    sara = charkh.caller_named("sara")
    started = charkh.start_and_read("invoice", sara, {"customer": "ACME", "amount": 10, "currency": "EUR"})
    item = started["work_items"][0]
    before = _rows(charkh, started["id"])
    revision = before[0][0].revision

    assert _finish(charkh, started, item, expected_revision=revision - 1) is False
    assert _rows(charkh, started["id"]) == before  # item still open, no history row, same state

    assert _finish(charkh, started, item, expected_revision=revision, user="omid") is True  # unclaimed: anyone may
    after = _rows(charkh, started["id"])
    assert after[0][0].revision == revision + 1 and len(after[2]) == len(before[2]) + 1


def test_a_completion_of_an_item_claimed_by_another_writes_nothing(charkh: Charkh, model) -> None:
    charkh.add_user("sara", "secret", ["sales"])
    charkh.import_bpmn(model("invoice.bpmn"), deploy=True)
    sara = charkh.caller_named("sara")
    started = charkh.start_and_read("invoice", sara, {"customer": "ACME", "amount": 10, "currency": "EUR"})
    item = started["work_items"][0]
    charkh.add_user("mona", "secret", item["groups"])
    charkh.claim(item["id"], charkh.caller_named("mona"))
    before = _rows(charkh, started["id"])

    assert _finish(charkh, started, item, expected_revision=before[0][0].revision) is False
    assert _rows(charkh, started["id"]) == before


def test_the_migrations_build_the_schema_the_code_declares(charkh: Charkh) -> None:
    """An upgraded database has every table, column and index of engine/store/schema.py, and no
    other (a missing index shows only as a slow step, never as a failing one)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from engine.store.schema import metadata

    with charkh.db.writer.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    structural = [d for d in differences if d[0] in ("add_table", "remove_table", "add_column", "remove_column",
                                                     "add_index", "remove_index")]
    assert structural == []


def test_upgrading_makes_each_definitions_first_uploader_its_owner(database_url: str) -> None:
    """Migration 0005: definitions stored before owners existed are owned by whoever uploaded
    their first version (the rule they were made under); nobody becomes an analyst by it."""
    from datetime import datetime

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from engine.settings import normalize_database_url
    from engine.store.database import MIGRATIONS

    engine = create_engine(normalize_database_url(database_url))
    at = datetime.now(UTC)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(text("INSERT INTO users (name, is_admin, created_at) VALUES ('sara', false, :at)"),
                           {"at": at})
        connection.execute(text("INSERT INTO definitions (key, name, active, visibility, created_at) "
                                "VALUES ('invoice', 'Invoice', true, 'public', :at)"), {"at": at})
        for version, user in ((1, "sara"), (2, "omid")):
            connection.execute(text(
                "INSERT INTO definition_versions (key, version, bpmn, processes, problems, executable, deployed, "
                "created_at, created_by) VALUES ('invoice', :v, :b, '[]', '[]', true, false, :at, :u)"),
                {"v": version, "b": b"<x/>", "at": at, "u": user})
        command.upgrade(config, "head")
        owners = connection.execute(text("SELECT key, user_name FROM definition_owners")).all()
        analysts = connection.execute(text("SELECT name FROM users WHERE is_analyst")).all()
    engine.dispose()

    assert [tuple(row) for row in owners] == [("invoice", "sara")]
    assert analysts == []


def test_upgrading_links_the_references_records_already_have(database_url: str) -> None:
    """Migration 0011: each reference value of the records stored before it, by id or by an
    outside CRM's id, becomes a link to the record it names; a value that names none stays unlinked."""
    import json
    from datetime import datetime

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from engine.settings import normalize_database_url
    from engine.store.database import MIGRATIONS

    engine = create_engine(normalize_database_url(database_url))
    at = datetime.now(UTC)
    insert = text("INSERT INTO records (id, entity, external_id, fields, version, created_at, updated_at) "
                  "VALUES (:id, :entity, :external, :fields, 1, :at, :at)")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        for id_, entity, external, fields in ((1, "contact", None, {}), (2, "contact", "crm-2", {}),
                                              (3, "invoice", None, {"contact": "1"}),
                                              (4, "invoice", None, {"contact": "crm-2"}),
                                              (5, "invoice", None, {"contact": "77"}),
                                              (6, "project", None, {"customer": "2"})):
            connection.execute(insert, {"id": id_, "entity": entity, "external": external,
                                        "fields": json.dumps(fields), "at": at})
        command.upgrade(config, "head")
        links = connection.execute(text("SELECT record_id, field, entity, target_id FROM record_links "
                                        "ORDER BY record_id")).all()
    engine.dispose()

    assert [tuple(row) for row in links] == [(3, "contact", "invoice", 1), (4, "contact", "invoice", 2),
                                             (6, "customer", "project", 2)]
