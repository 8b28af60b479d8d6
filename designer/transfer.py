"""BPMN files in and out for operators: ``charkh import PATH...`` and ``charkh export DIR``.

Each file gets one outcome (stored, unchanged or refused for imports; written or unchanged for
exports) said in one line an operator can act on, never a Python object or a traceback, and the
batch ends with a summary; ``--json`` gives scripts the same as one document. The engine does
the work (engine.charkh.Charkh); this module only walks the files and says what happened.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import CharkhError

from .progress import BatchProgress

if TYPE_CHECKING:
    from engine.charkh import Charkh
    from engine.store.definitions import LatestVersion

BPMN_SUFFIXES = (".bpmn", ".xml")
# Problems named in a refusal's line; the rest are counted (--json lists them all).
PROBLEMS_IN_A_LINE = 3


class TargetError(CharkhError):
    """The export folder cannot be used (a file, unwritable, or holding files that would be
    overwritten without --force); nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    """What became of one file."""

    path: str
    status: str  # stored, unchanged or refused
    key: str | None = None
    name: str | None = None
    version: int | None = None
    new_definition: bool = False
    deployed: bool = False
    problems: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def line(self) -> str:
        if self.refused:
            return f"{self.path}: refused: {self.reason}"
        what = _titled(self.key or "", self.name)
        if self.status == "unchanged":
            state = f"unchanged (version {self.version}, the same bytes)"
        else:
            state = f"version {self.version} stored" + (" as a new definition" if self.new_definition else "")
        notes = (["deployed"] if self.deployed else []) + (
            [f"{len(self.problems)} problem{'' if len(self.problems) == 1 else 's'}"] if self.problems else [])
        return f"{self.path}: {what} {state}" + (f", {', '.join(notes)}" if notes else "")


@dataclass(frozen=True)
class ImportSummary:
    files: int
    stored: int
    new_definitions: int
    versions_added: int
    unchanged: int
    refused: int
    deployed: int

    @classmethod
    def of(cls, results: list[ImportResult]) -> ImportSummary:
        stored = [r for r in results if r.status == "stored"]
        return cls(files=len(results), stored=len(stored),
                   new_definitions=sum(r.new_definition for r in stored),
                   versions_added=sum(not r.new_definition for r in stored),
                   unchanged=sum(r.status == "unchanged" for r in results),
                   refused=sum(r.refused for r in results),
                   deployed=sum(r.deployed for r in results if not r.refused))

    def line(self, deploy: bool) -> str:
        text = (f"{_count(self.files, 'file')}: {self.stored} stored "
                f"({_count(self.new_definitions, 'new definition')}, {_count(self.versions_added, 'version')} added), "
                f"{self.unchanged} unchanged, {self.refused} refused")
        return text + (f"; {self.deployed} deployed" if deploy else "")


def bpmn_files(paths: Iterable[str]) -> list[Path]:
    """The files named, and the .bpmn and .xml files under the folders named, in order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in BPMN_SUFFIXES and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise CharkhError(f"no such file or folder: {raw}")
    return found


def import_file(charkh: Charkh, path: Path, deploy: bool) -> ImportResult:
    """Import one file; every failure becomes a refusal with its reason, so a batch goes on."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportResult(str(path), "refused", reason=f"cannot read the file: {exc.strerror or exc}")
    try:
        summary = charkh.import_bpmn(data, deploy=deploy)
    except CharkhError as exc:
        return ImportResult(str(path), "refused", reason=describe(exc), problems=_problems_of(exc))
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not end an operator's batch
        return ImportResult(str(path), "refused", reason=f"unexpected error: {type(exc).__name__}: {exc}")
    return ImportResult(str(path), "unchanged" if summary["unchanged"] else "stored", key=summary["key"],
                        name=summary["name"], version=summary["version"],
                        new_definition=summary["new_definition"], deployed=summary["deployed"],
                        problems=summary["problems"])


def import_paths(charkh: Charkh, files: list[Path], deploy: bool, progress: BatchProgress) -> list[ImportResult]:
    results = []
    with progress:
        for path in files:
            result = import_file(charkh, path, deploy)
            results.append(result)
            progress.done(result.line(), failed=result.refused)
    return results


def import_document(results: list[ImportResult]) -> dict[str, Any]:
    """The --json answer: every file's outcome and the summary."""
    return {"files": [asdict(r) for r in results], "summary": asdict(ImportSummary.of(results))}


def describe(exc: CharkhError) -> str:
    """A refusal in one line: the message, then the problems it lists (the first few)."""
    problems = _problems_of(exc)
    if not problems:
        return exc.message
    named = [f"{p['element']}: {p['message']}" if p.get("element") else str(p["message"])
             for p in problems[:PROBLEMS_IN_A_LINE]]
    rest = len(problems) - len(named)
    return f"{exc.message}: " + "; ".join(named) + (f"; and {rest} more" if rest else "")


def _problems_of(exc: CharkhError) -> list[dict[str, Any]]:
    found = exc.details.get("problems") if isinstance(exc.details, dict) else None
    return list(found) if isinstance(found, list) else []


# --- export -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportResult:
    path: str
    key: str
    name: str | None
    version: int
    status: str  # written or unchanged

    def line(self) -> str:
        return f"{self.path}: {_titled(self.key, self.name)} version {self.version} {self.status}"


def export_folder(raw: str) -> Path:
    """The folder to export into, made if missing; TargetError when it cannot be one."""
    folder = Path(raw)
    if folder.exists() and not folder.is_dir():
        raise TargetError(f"{raw} is a file, not a folder; name a folder to export into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TargetError(f"cannot make the folder {raw}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TargetError(f"cannot write in {raw}: permission denied")
    return folder


def export_plan(folder: Path, latest: list[LatestVersion], force: bool) -> list[tuple[Path, LatestVersion]]:
    """Where each definition goes (KEY.bpmn). A file already there with other bytes is not
    overwritten without force: the whole export is refused, naming it, before anything is
    written. One with the same bytes is left as it is."""
    plan = list(zip(_file_names(folder, [v.key for v in latest]), latest, strict=True))
    clashes = [target for target, version in plan if target.exists() and _differs(target, version.bpmn)]
    if clashes and not force:
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise TargetError(f"{clashes[0]} exists{more} and would be overwritten; nothing was written; "
                          "use --force to overwrite")
    return plan


def export_all(plan: list[tuple[Path, LatestVersion]], progress: BatchProgress) -> list[ExportResult]:
    results = []
    with progress:
        for target, version in plan:
            unchanged = target.exists() and not _differs(target, version.bpmn)
            if not unchanged:
                try:
                    target.write_bytes(version.bpmn)
                except OSError as exc:
                    raise TargetError(f"cannot write {target}: {exc.strerror or exc}") from None
            result = ExportResult(str(target), version.key, version.name, version.version,
                                  "unchanged" if unchanged else "written")
            results.append(result)
            progress.done(result.line())
    return results


def export_summary(results: list[ExportResult]) -> dict[str, int]:
    return {"definitions": len(results), "written": sum(r.status == "written" for r in results),
            "unchanged": sum(r.status == "unchanged" for r in results)}


def _file_names(folder: Path, keys: list[str]) -> list[Path]:
    """KEY.bpmn. Keys are XML ids, which are file names as they are; a key that is not (stored
    before keys were checked) has its other characters replaced and a short hash of the key
    added, so two such keys never share a file."""
    names = []
    for key in keys:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
        if safe != key or not safe.strip("."):
            safe = f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        names.append(folder / f"{safe}.bpmn")
    return names


def _differs(target: Path, data: bytes) -> bool:
    try:
        return target.read_bytes() != data
    except OSError:
        return True


def _titled(key: str, name: str | None) -> str:
    """A key with the name people know it by (vendor ids such as _1373649849716 say nothing)."""
    return f'{key} "{name}"' if name and name != key else key


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
