"""What the designer asks of the engine beyond running processes: the process list's settings
(F5), validation before deploy (engine checks + bpmnlint), pickers, and where instances stand."""
from __future__ import annotations

import builtins
from typing import Any

from . import access as rules
from .access import Caller
from .bpmn_xml import read_bpmn
from .charkh import Charkh
from .compiler import Cartable, compile_definition
from .errors import CharkhError, Invalid
from .layout import with_layout
from .lint import lint
from .store import catalog, people, progress
from .store import definitions as definition_store
from .store import instances as instance_store


class ProcessList:
    def __init__(self, charkh: Charkh) -> None:
        self.charkh = charkh
        self.db = charkh.db
        self.max_bytes = charkh.settings.max_bpmn_bytes

    # --- validation -------------------------------------------------------------------------

    def validate_for(self, data: bytes, caller: Caller) -> list[dict[str, Any]]:
        """validate, for those who model (analysts and administrators)."""
        rules.check_create_definitions(caller)
        return self.validate(data)

    def validate(self, data: bytes) -> list[dict[str, Any]]:
        """Every problem that blocks or weakens a deploy, each naming its element; stores nothing.

        Engine problems (the model cannot run) are errors; lint findings keep their severity.
        """
        bpmn = read_bpmn(data, self.max_bytes)  # refuses DTDs, oversize and non-BPMN with BadInput
        problems = [{**p.as_dict(), "severity": "error", "source": "engine"} for p in bpmn.problems]
        if not bpmn.problems:
            try:
                compile_definition(data, self.max_bytes, self.charkh.entity_types)
            except CharkhError as exc:
                found = (exc.details or {}).get("problems") if isinstance(exc.details, dict) else None
                problems += [{**p, "severity": "error", "source": "engine"}
                             for p in (found or [{"element": None, "message": exc.message}])]
        return problems + lint(data)

    def import_bpmn(self, data: bytes, deploy: bool, caller: Caller) -> dict[str, Any]:
        """Store an uploaded file (a new key for analysts, a new version for its editors); with
        deploy, refused on the same validation as deploy. Rights are checked before the file is
        linted, and again where it is stored."""
        rules.check_create_definitions(caller)
        if deploy:
            key = read_bpmn(data, self.max_bytes).key
            with self.db.read() as conn:
                known = catalog.facts(conn, key) if catalog.exists(conn, key) else None
            if known is not None:
                rules.check_edit_definition(caller, known)
            lint_errors = [p for p in self.validate(data) if p["severity"] == "error"]
            if lint_errors:
                raise Invalid("the model cannot be deployed", {"problems": lint_errors})
        return self.charkh.import_bpmn(data, deploy=deploy, caller=caller)

    def deploy(self, key: str, version: int | None, caller: Caller) -> dict[str, Any]:
        """Deploy after the same validation the designer shows: lint errors refuse it too."""
        with self.db.read() as conn:
            known = catalog.facts(conn, key)
        rules.check_edit_definition(caller, known)
        data = self.charkh.bpmn(key, version)
        errors = [p for p in self.validate(data) if p["severity"] == "error"]
        if errors:
            raise Invalid("the model cannot be deployed", {"problems": errors})
        with self.db.read() as conn:
            access = catalog.access_list(conn, key) if known.visibility == "private" else None
        if access is not None:
            problems = catalog.assignment_problems(self._cartables(data), access)
            if problems:
                raise Invalid("the model cannot be deployed", {"problems": problems})
        return self.charkh.deploy(key, version, caller)

    def _cartables(self, data: bytes) -> dict[str | None, Cartable]:
        """Who the model's cartables go to: what the access list is checked against."""
        return compile_definition(data, max(self.max_bytes, len(data)), self.charkh.entity_types,
                                  check_entities=False).cartables

    # --- the process list -------------------------------------------------------------------

    def list(self, caller: Caller, limit: int = 100, after: str | None = None) -> list[dict[str, Any]]:
        """The definitions the caller may see, each saying whether the caller may edit it."""
        with self.db.read() as conn:
            known = catalog.all_facts(conn)
            hidden = rules.hidden_definitions(caller, known.values())
            rows = definition_store.list_definitions(conn, limit + len(hidden), after)
        return [{**row, "editable": rules.may_edit_definition(caller, known[row["key"]])}
                for row in rows if row["key"] not in hidden][:limit]

    def detail(self, key: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            return catalog.detail(conn, key, caller)

    def bpmn(self, key: str, caller: Caller, version: int | None = None, layout: bool = False) -> bytes:
        """The stored file; with layout, a laid-out copy when the file has no diagram."""
        with self.db.read() as conn:
            catalog.check_visible(conn, key, caller)
        data = self.charkh.bpmn(key, version)
        return with_layout(data, read_bpmn(data, max(self.max_bytes, len(data))).root) if layout else data

    def update(self, key: str, caller: Caller, changes: dict[str, Any]) -> dict[str, Any]:
        with self.db.read() as conn:  # refused before the model is compiled; checked again below
            rules.check_edit_definition(caller, catalog.facts(conn, key))
        cartables = None
        if changes.get("visibility") == "private" or changes.get("access") is not None:
            try:
                data = self.charkh.bpmn(key)
                cartables = self._cartables(data)
            except CharkhError:
                cartables = None  # a model that cannot run assigns nobody yet
        try:
            with self.db.write() as conn:
                catalog.update_settings(conn, key, caller, changes, cartables)
        finally:
            self.charkh.forget_access()
        return self.detail(key, caller)

    def delete(self, key: str, caller: Caller) -> None:
        try:
            with self.db.write() as conn:
                catalog.delete_definition(conn, key, caller)
        finally:
            self.charkh.forget_access()

    # --- pickers ----------------------------------------------------------------------------

    def principals(self, caller: Caller) -> dict[str, builtins.list[dict[str, Any]]]:
        rules.check_create_definitions(caller)
        with self.db.read() as conn:
            return people.principals(conn)

    # --- where instances stand --------------------------------------------------------------

    def instance_view(self, instance_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            found = instance_store.instance_json(conn, instance_id, caller, self.charkh.definition_facts)
            return {**found, **progress.positions(conn, int(found["id"]))}

    def heat(self, key: str, caller: Caller, version: int | None = None) -> dict[str, Any]:
        with self.db.read() as conn:
            catalog.check_visible(conn, key, caller)
            return progress.heat(conn, key, version)
