"""``charkh records import ENTITY FILE``: a CSV file's rows as records (issue 16).

The header names the entity's fields; each row is one record, written as the API writes it
(typed values checked, triggers run). With ``--key COLUMN`` that column is the outside system's
id: a row whose id is known updates that record, so importing the same file again changes
nothing. A refused row is reported with its line number and the reason, and the rest go on.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.access import Caller
from engine.errors import CharkhError, Invalid

from .progress import BatchProgress

if TYPE_CHECKING:
    from engine.charkh import Charkh

MAX_ROWS = 1_000_000


@dataclass
class ImportedRows:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    instances: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)

    def line(self, entity: str) -> str:
        return (f"{entity}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.refused)} refused; {self.instances} instances started by triggers")

    def document(self) -> dict[str, Any]:
        return asdict(self)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows (UTF-8, a BOM allowed, as spreadsheets save it); empty cells are left out."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows: list[dict[str, str]] = []
            for row in csv.DictReader(handle):
                if len(rows) >= MAX_ROWS:
                    raise Invalid(f"{path}: more than {MAX_ROWS:,} rows; split the file")
                rows.append({name: value for name, value in row.items() if name and value not in (None, "")})
            return rows
    except FileNotFoundError:
        raise Invalid(f"{path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as bad:
        raise Invalid(f"{path}: not a UTF-8 CSV file ({bad})") from None


def import_rows(charkh: Charkh, entity: str, rows: list[dict[str, str]], key: str | None, writer: Caller,
                progress: BatchProgress) -> ImportedRows:
    result = ImportedRows()
    # an "owner" column names the record's owner unless the entity has a field of that name
    owner_column = "owner" not in {f["name"] for e in charkh.records.entities() if e["name"] == entity
                                   for f in e["fields"]}
    with progress:
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            values = dict(row)
            external_id = values.pop(key, None) if key else None
            owner = values.pop("owner", None) if owner_column else None
            try:
                written, outcome = charkh.records.write(entity, values, writer, owner, external_id)
            except CharkhError as refused:
                result.refused.append({"line": number, "reason": refused.message})
                progress.done(f"line {number}: {refused.message}", failed=True)
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.instances += len(written["instances"])
            progress.done(None)
    return result
