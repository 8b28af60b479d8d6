"""Restarting a finished instance (MISSION F5): a drip sequence for a customer that sent all its
messages (2/2) begins again from the first (0/2).

A restart is a new instance of the same process, on its latest deployed version, for the same
record, with the variables the finished one started with; when it ran for a record, ``record``
holds the record's fields as they are now (as a trigger would start it today). Both histories
name the other. Who may: whoever may see the finished instance and may start its process by
hand; an instance still running (or stopped by an incident) is 409.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from .access import Caller
from .store import records as record_store
from .store import restarts as store

if TYPE_CHECKING:
    from .charkh import Charkh


def restart(charkh: Charkh, instance_id: str, caller: Caller) -> dict[str, Any]:
    """The new instance, as POST /instances answers it."""
    with charkh.db.read() as conn:
        source = store.restart_source(conn, instance_id, caller, charkh.definition_facts)
        variables = dict(source.variables)
        if source.record is not None and "record" in variables:
            row = record_store.record_row(conn, record_store.record_number(source.record["id"]))
            variables["record"] = dict(row.fields)

    def note(conn: Connection, new_id: int) -> None:
        store.note_restart(conn, source.id, new_id, caller.name)

    return charkh.commands.start_and_read(source.definition_key, caller, variables, source.process_id,
                                          source.record, within=note)
