"""`charkh event` as an operator runs it: the real command in its own process, on the suite's
database (issue 16, item 6)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_transfer import charkh  # noqa: F401 - the command-running fixture

MODELS = Path(__file__).parent.parent / "models"


def test_an_operator_tells_an_event_that_starts_a_process_for_a_record(charkh, tmp_path):  # noqa: F811
    assert charkh("import", "--deploy", str(MODELS / "inbound_call.bpmn")).returncode == 0
    assert charkh("user", "add", "gate").returncode == 0
    imported = tmp_path / "contacts.csv"
    imported.write_text("first_name\nAna\n", encoding="utf-8")
    assert charkh("records", "import", "contact", str(imported)).returncode == 0

    told = charkh("event", "phone_call", "--record", "contact:1", "--payload", '{"line": "021"}', "--key", "c-1")
    again = charkh("event", "phone_call", "--record", "contact:1", "--payload", '{"line": "021"}', "--key", "c-1")

    assert told.returncode == 0, told.stderr
    answer = json.loads(told.stdout)
    assert len(answer["started"]) == 1 and answer["kept"] is None
    assert json.loads(again.stdout) == answer
    refused = charkh("event", "phone_call", "--record", "contact:1", "--payload", "[1")
    assert refused.returncode == 2 and "--payload is not JSON" in refused.stderr
    missing = charkh("event", "phone_call", "--record", "contact:999")
    assert missing.returncode == 2 and "no contact with id 999" in missing.stderr
