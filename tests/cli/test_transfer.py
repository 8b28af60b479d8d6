"""`charkh import` and `charkh export` as an operator runs them (designer/transfer.py): each run is
the real command in its own process, on the suite's database (SQLite, or PostgreSQL when
CHARKH_TEST_DATABASE_URL is set)."""
from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.engine.test_vendor_files import KEYS, VENDORS, WELL_FORMED

NOT_WELL_FORMED = sorted(name for name, key in KEYS.items() if key is None)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def charkh(tmp_path, database_url):
    """charkh(*args) -> the finished command, on this test's own database."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHARKH_")}
    environment["CHARKH_DATABASE_URL"] = database_url

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "designer.cli", *args, "--data", str(tmp_path / "data")],
                              capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300)

    run.environment = environment
    run.data = tmp_path / "data"
    return run


@pytest.fixture
def vendors(tmp_path) -> Path:
    """A copy of the vendor files, to change and add to."""
    folder = tmp_path / "vendors"
    shutil.copytree(VENDORS, folder)
    return folder


def file_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("[")]


def assert_plain(result: subprocess.CompletedProcess[str]) -> None:
    """An operator reads sentences: no traceback, no Python dict or object."""
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "{'" not in text and "object at 0x" not in text, text


# --- import -------------------------------------------------------------------------------------

def test_import_of_a_folder_says_n_of_N_for_each_file_and_sums_up(charkh, vendors):
    result = charkh("import", str(vendors))

    assert result.returncode == 1, result.stderr
    assert_plain(result)
    stored, refused = file_lines(result.stdout), file_lines(result.stderr)
    assert len(stored) == len(WELL_FORMED) and len(refused) == len(NOT_WELL_FORMED)
    assert sorted(int(line[1:line.index("/")]) for line in stored + refused) == list(range(1, len(KEYS) + 1))
    assert all(f"/{len(KEYS)}] " in line for line in stored + refused)
    assert all("stored as a new definition" in line for line in stored), stored
    assert all(": refused: the file is not well-formed XML" in line for line in refused), refused
    summary = result.stdout.split("\n")[len(stored)]
    assert summary == "20 files: 18 stored (18 new definitions, 0 versions added), 0 unchanged, 2 refused"
    assert "refused:\n" in result.stdout
    for name in NOT_WELL_FORMED:
        assert f"  {vendors / name}.bpmn: the file is not well-formed XML" in result.stdout


def test_importing_the_same_files_again_adds_no_version(charkh, vendors):
    charkh("import", str(vendors))

    again = charkh("import", str(vendors))

    assert again.returncode == 1  # the two files that are not well-formed, again
    assert "20 files: 0 stored (0 new definitions, 0 versions added), 18 unchanged, 2 refused" in again.stdout
    assert all("unchanged (version 1, the same bytes)" in line for line in file_lines(again.stdout))


def test_a_changed_file_adds_a_version_and_everything_stored_is_exit_0(charkh, vendors):
    path = vendors / "yaoqiang-4.0_A.1.0-export.bpmn"
    charkh("import", str(path))
    path.write_bytes(path.read_bytes() + b"<!-- edited -->\n")

    result = charkh("import", str(path))

    assert result.returncode == 0, result.stderr
    assert f'[1/1] {path}: PROCESS_1 "A.1.0" version 2 stored\n' in result.stdout
    assert "1 file: 1 stored (0 new definitions, 1 version added), 0 unchanged, 0 refused" in result.stdout


def test_a_vendor_key_is_shown_with_the_process_name_and_problems_are_counted(charkh, vendors):
    result = charkh("import", str(vendors / "omnitracker-12.3_C.9.1-roundtrip.bpmn"),
                    str(vendors / "actibpm-3.E-8_A.3.0-export.bpmn"))

    assert result.returncode == 0, result.stderr
    assert '_7 "requestDocument_en" version 1 stored as a new definition\n' in result.stdout
    assert "myProcess_1 version 1 stored as a new definition, 4 problems\n" in result.stdout


def test_deploy_refusals_name_their_problems_in_one_line(charkh, vendors):
    result = charkh("import", "--deploy", str(vendors / "signavio-19.9.0_B.1.0-export.bpmn"),
                    str(vendors / "bpmn-io-18.6.1_C.7.0-export.bpmn"), str(vendors / "yaoqiang-4.0_A.1.0-export.bpmn"))

    assert result.returncode == 1
    assert_plain(result)
    signavio, spiff = file_lines(result.stderr)
    assert signavio.startswith(f"[1/3] {vendors}/signavio-19.9.0_B.1.0-export.bpmn: refused: the model cannot be "
                               "deployed: sid-E1638278-7098-4BFF-9F77-653EA156C782: sourceRef "
                               "'sid-ED496D00-919C-4799-9F0C-D6FB0EA1D906' names no element in the file; ")
    assert signavio.endswith("; and 3 more")
    assert spiff.endswith("refused: the model cannot be deployed: SpiffWorkflow cannot read this model: "
                          "KeyError: '{http://camunda.org/schema/1.0/bpmn}decisionRef'")
    assert "version 1 stored as a new definition, deployed" in result.stdout
    assert "3 files: 1 stored (1 new definition, 0 versions added), 0 unchanged, 2 refused; 1 deployed" in result.stdout


def test_json_gives_scripts_one_document_with_each_file_and_the_summary(charkh, vendors):
    result = charkh("import", str(vendors), "--json")

    assert result.returncode == 1
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["summary"] == {"files": 20, "stored": 18, "new_definitions": 18, "versions_added": 0,
                                   "unchanged": 0, "refused": 2, "deployed": 0}
    by_name = {Path(f["path"]).stem: f for f in document["files"]}
    assert {name: f["key"] for name, f in by_name.items()} == KEYS
    signavio = by_name["signavio-19.9.0_B.1.0-export"]
    assert signavio["status"] == "stored" and len(signavio["problems"]) == 5
    assert all(set(p) == {"element", "message"} for p in signavio["problems"])
    assert by_name["genmymodel-0.47_C.1.1-export"]["reason"].startswith("the file is not well-formed XML")


def test_on_a_terminal_a_bar_shows_n_of_N_the_rate_and_the_time_left(charkh, vendors):
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "designer.cli", "import", str(vendors),
                                "--data", str(charkh.data)], stdin=subprocess.DEVNULL, stdout=terminal,
                               stderr=terminal, env={**charkh.environment, "TERM": "xterm", "COLUMNS": "120"},
                               cwd=ROOT)
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)

    assert process.wait(timeout=300) == 1
    text = ANSI.sub("", screen.decode("utf-8", errors="replace"))
    bar = [line for line in text.replace("\r", "\n").splitlines() if line.startswith("importing")]
    assert bar and "20/20" in bar[-1] and "files/s" in bar[-1] and "ETA" in bar[-1], bar[-3:]
    assert "20 files: 18 stored (18 new definitions, 0 versions added), 0 unchanged, 2 refused" in text
    assert "Traceback" not in text


def test_a_missing_path_is_one_line_and_exit_2(charkh, tmp_path):
    result = charkh("import", str(tmp_path / "nowhere"))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"charkh import: no such file or folder: {tmp_path / 'nowhere'}\n"


# --- export -------------------------------------------------------------------------------------

def test_export_writes_each_definition_as_its_key_byte_for_byte(charkh, vendors, tmp_path):
    charkh("import", str(vendors))
    out = tmp_path / "out"

    result = charkh("export", str(out))

    assert result.returncode == 0, result.stderr
    assert_plain(result)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{KEYS[name]}.bpmn" for name in WELL_FORMED)
    for name in WELL_FORMED:
        assert (out / f"{KEYS[name]}.bpmn").read_bytes() == (VENDORS / f"{name}.bpmn").read_bytes()
    assert len(file_lines(result.stdout)) == 18
    assert f"18 definitions: 18 written, 0 unchanged, in {out}" in result.stdout


def test_export_does_not_overwrite_a_different_file_without_force(charkh, vendors, tmp_path):
    charkh("import", str(vendors / "yaoqiang-4.0_A.1.0-export.bpmn"),
           str(vendors / "omnitracker-12.3_C.9.1-roundtrip.bpmn"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "PROCESS_1.bpmn").write_bytes(b"someone's own file")

    refused = charkh("export", str(out))
    forced = charkh("export", str(out), "--force")

    assert refused.returncode == 2
    assert refused.stderr == (f"charkh export: {out / 'PROCESS_1.bpmn'} exists and would be overwritten; "
                              "nothing was written; use --force to overwrite\n")
    assert forced.returncode == 0, forced.stderr
    assert (out / "PROCESS_1.bpmn").read_bytes() == (vendors / "yaoqiang-4.0_A.1.0-export.bpmn").read_bytes()
    assert "2 definitions: 2 written, 0 unchanged" in forced.stdout


def test_export_again_into_the_same_folder_leaves_identical_files_alone(charkh, vendors, tmp_path):
    charkh("import", str(vendors / "yaoqiang-4.0_A.1.0-export.bpmn"))
    charkh("export", str(tmp_path / "out"))

    again = charkh("export", str(tmp_path / "out"), "--json")

    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {
        "files": [{"path": str(tmp_path / "out" / "PROCESS_1.bpmn"), "key": "PROCESS_1", "name": "A.1.0",
                   "version": 1, "status": "unchanged"}],
        "summary": {"definitions": 1, "written": 0, "unchanged": 1},
    }


@pytest.mark.parametrize("target, message", [
    ("a_file", "{target} is a file, not a folder; name a folder to export into"),
    ("a_file/inside", "cannot make the folder {target}: Not a directory"),
    # /proc/self is a folder no one may write in, root included (tests may run as root).
    ("/proc/self", "cannot write in {target}: permission denied"),
], ids=["a-file", "under-a-file", "unwritable"])
def test_a_bad_export_target_is_one_line_and_exit_2(charkh, vendors, tmp_path, target, message):
    charkh("import", str(vendors / "yaoqiang-4.0_A.1.0-export.bpmn"))
    (tmp_path / "a_file").write_text("not a folder")
    target = str(tmp_path / target) if not target.startswith("/") else target

    result = charkh("export", target)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"charkh export: {message.format(target=target)}\n"
    assert (tmp_path / "a_file").read_text() == "not a folder"
