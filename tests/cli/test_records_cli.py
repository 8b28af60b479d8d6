"""`charkh entity` and `charkh records import` as an operator runs them: the real command in its
own process, on the suite's database."""
from __future__ import annotations

import json

from tests.cli.test_transfer import charkh  # noqa: F401 - the command-running fixture

CARS = {"label": "Car", "labels": {"fa": "خودرو", "ro": "Mașină"},
        "fields": [{"name": "plate", "label": "Plate", "type": "text"},
                   {"name": "seats", "label": "Seats", "type": "number"},
                   {"name": "inspected_on", "label": "Inspected on", "type": "date"}]}


def test_an_operator_lists_and_defines_entities(charkh, tmp_path):  # noqa: F811
    listed = charkh("entity", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "invoice" in {entity["name"] for entity in json.loads(listed.stdout)}
    body = tmp_path / "car.json"
    body.write_text(json.dumps(CARS), encoding="utf-8")
    defined = charkh("entity", "put", "car", str(body))
    assert defined.returncode == 0 and "defined entity car with 3 fields" in defined.stderr
    assert "car\tCar\tplate (text), seats (number), inspected_on (date)" in charkh("entity", "list").stdout
    body.write_text('{"label": "Car", "fields": [{"name": "plate", "type": "colour"}]}', encoding="utf-8")
    refused = charkh("entity", "put", "car", str(body))
    assert refused.returncode == 2 and "type must be one of" in refused.stderr
    missing = charkh("entity", "put", "car", str(tmp_path / "nothing.json"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_a_csv_file_becomes_records_and_importing_it_again_changes_nothing(charkh, tmp_path):  # noqa: F811
    body = tmp_path / "car.json"
    body.write_text(json.dumps(CARS), encoding="utf-8")
    assert charkh("entity", "put", "car", str(body)).returncode == 0
    cars = tmp_path / "cars.csv"
    cars.write_text("\ufeffcrm_id,plate,seats,inspected_on\n"
                    "c1,12 ب 345,5,2026-11-30\n"
                    "c2,99 الف 111,many,2026-11-30\n"
                    "c3,77 د 000,,\n", encoding="utf-8")
    first = charkh("records", "import", "car", str(cars), "--key", "crm_id", "--json")
    assert first.returncode == 1, first.stderr  # one row refused
    result = json.loads(first.stdout)
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    assert result["refused"] == [{"line": 3, "reason": "field 'seats' is a number; 'many' is not one"}]
    cars.write_text("crm_id,plate,seats,inspected_on\nc1,12 ب 345,5,2026-11-30\nc3,77 د 000,4,\n", encoding="utf-8")
    again = charkh("records", "import", "car", str(cars), "--key", "crm_id")
    assert again.returncode == 0, again.stderr
    assert "car: 0 created, 1 updated, 1 unchanged, 0 refused" in again.stdout
    missing = charkh("records", "import", "car", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
