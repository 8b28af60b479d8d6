"""The ``charkh`` command as an operator types it, each run in its own process."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from engine.errors import Unauthorized
from tests.conftest import LIBRARY


def charkh(*args: str, data: Path, env: dict[str, str] | None = None,
           check: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHARKH_")}
    environment.update(env or {})
    result = subprocess.run([sys.executable, "-m", "designer.cli", *args, "--data", str(data)],
                            capture_output=True, text=True, env=environment, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_token_prints_only_a_token(tmp_path):
    charkh("user", "add", "mona", "--group", "sales-managers", "--role", "head-of-sales", data=tmp_path)

    result = charkh("token", "mona", data=tmp_path)

    lines = result.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) > 30 and " " not in lines[0]


def test_token_for_an_unknown_user_fails_clearly(tmp_path):
    result = charkh("token", "nobody", data=tmp_path, check=False)

    assert result.returncode != 0
    assert result.stdout == ""
    assert "nobody" in result.stderr


def test_data_option_may_come_before_the_subcommand(tmp_path):
    subprocess.run([sys.executable, "-m", "designer.cli", "--data", str(tmp_path), "user", "add", "ali"],
                   check=True, capture_output=True, env={k: v for k, v in os.environ.items()
                                                         if not k.startswith("CHARKH_")})

    assert (tmp_path / "charkh.sqlite3").exists()
    assert charkh("token", "ali", data=tmp_path).stdout.strip()


def test_serve_runs_the_invoice_cycle_and_user_add_works_while_it_runs(tmp_path, free_port):
    charkh("user", "add", "sara", "--group", "sales", data=tmp_path)
    charkh("import", str(LIBRARY / "invoice.bpmn"), "--deploy", data=tmp_path)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHARKH_")}
    server = subprocess.Popen([sys.executable, "-m", "designer.cli", "serve", "--port", str(free_port),
                               "--data", str(tmp_path)], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{free_port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        # While the server runs, on the same folder:
        charkh("user", "add", "mona", "--group", "sales-managers", data=tmp_path)
        sara = {"Authorization": f"Bearer {charkh('token', 'sara', data=tmp_path).stdout.strip()}"}
        mona = {"Authorization": f"Bearer {charkh('token', 'mona', data=tmp_path).stdout.strip()}"}

        started = httpx.post(f"{base}/api/v1/instances", json={"definition": "invoice"}, headers=sara)
        assert started.status_code == 201
        [item] = httpx.get(f"{base}/api/v1/work-items?mine=true&status=open", headers=mona).json()
        done = httpx.post(f"{base}/api/v1/work-items/{item['id']}/complete", json={"action": "Approve"},
                          headers=mona)
        assert done.status_code == 200
        assert [i["element"] for i in done.json()["instance"]["work_items"]] == ["collect_payment"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_import_reports_refused_files_and_keeps_going(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "a_bad.bpmn").write_text("<not-bpmn/>")
    (folder / "b_invoice.bpmn").write_bytes((LIBRARY / "invoice.bpmn").read_bytes())

    result = charkh("import", str(folder), data=tmp_path / "data", check=False)

    assert result.returncode == 1
    assert "a_bad.bpmn: refused" in result.stderr
    assert 'invoice "Invoice cycle" version 1 stored' in result.stdout


def test_cli_uses_postgres_from_the_environment(tmp_path, postgres_url):
    from tests.conftest import _fresh_postgres_schema, _schema_url  # noqa: F401

    schemas = _fresh_postgres_schema(postgres_url)
    url = next(schemas)
    try:
        env = {"CHARKH_DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://")}
        charkh("user", "add", "pg_user", data=tmp_path, env=env)
        assert charkh("token", "pg_user", data=tmp_path, env=env).stdout.strip()
        assert not (tmp_path / "charkh.sqlite3").exists()
    finally:
        next(schemas, None)


def test_roles_report_to_a_superior_and_cycles_are_refused(tmp_path):
    charkh("user", "add", "reza", "--role", "sales-expert", data=tmp_path)
    charkh("role", "add", "sales-expert", "--superior", "sales-manager", data=tmp_path)
    charkh("role", "add", "sales-manager", "--superior", "ceo", data=tmp_path)

    cycle = charkh("role", "add", "ceo", "--superior", "sales-expert", data=tmp_path, check=False)

    assert cycle.returncode != 0
    assert "cycle" in cycle.stderr
    from engine.charkh import Charkh
    from engine.settings import Settings

    engine = Charkh(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'charkh.sqlite3'}"))
    assert engine.superior_of("sales-expert") == "sales-manager"
    assert engine.superior_of("sales-manager") == "ceo"
    assert engine.caller_named("reza").groups == {"sales-expert"}


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path, free_port):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port))
        taken.listen()

        result = charkh("serve", "--port", str(free_port), data=tmp_path, check=False)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert f"cannot listen on 127.0.0.1:{free_port}" in result.stderr
    assert "Traceback" not in result.stderr


def _engine(tmp_path):
    from engine.charkh import Charkh
    from engine.settings import Settings

    return Charkh(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'charkh.sqlite3'}"))


def test_token_list_shows_ids_and_states_and_no_secret(tmp_path):
    charkh("user", "add", "mona", data=tmp_path)
    first = charkh("token", "mona", data=tmp_path).stdout.strip()
    second = charkh("token", "mona", "--days", "7", data=tmp_path).stdout.strip()

    listed = charkh("token", "mona", "--list", data=tmp_path).stdout

    lines = listed.splitlines()
    assert lines[0].split() == ["id", "kind", "created", "expires", "status"]
    assert [line.split()[1] for line in lines[1:]] == ["api", "api"]
    assert [line.split()[-1] for line in lines[1:]] == ["valid", "valid"]
    assert first not in listed and second not in listed and first[3:10] not in listed


def test_token_revoke_by_id_revokes_that_token_only(tmp_path):
    charkh("user", "add", "mona", data=tmp_path)
    first = charkh("token", "mona", data=tmp_path).stdout.strip()
    second = charkh("token", "mona", data=tmp_path).stdout.strip()
    engine = _engine(tmp_path)
    [record] = [r for r in engine.tokens_of("mona") if r.id == hashlib.sha256(first.encode()).hexdigest()[:12]]

    result = charkh("token", "mona", "--revoke", record.id[:8], data=tmp_path)

    assert result.stdout == "" and "revoked 1 token of mona" in result.stderr
    with pytest.raises(Unauthorized):
        engine.caller_for_token(first)
    assert engine.caller_for_token(second).name == "mona"
    assert "revoked" in charkh("token", "mona", "--list", data=tmp_path).stdout
    engine.close()


def test_token_revoke_without_an_id_revokes_all_and_a_token_names_itself(tmp_path):
    charkh("user", "add", "mona", data=tmp_path)
    charkh("user", "add", "sara", data=tmp_path)
    tokens = [charkh("token", "mona", data=tmp_path).stdout.strip() for _ in range(2)]
    saras = charkh("token", "sara", data=tmp_path).stdout.strip()
    own = charkh("token", "sara", data=tmp_path).stdout.strip()

    everything = charkh("token", "mona", "--revoke", data=tmp_path)
    by_itself = charkh("token", "sara", "--revoke", own, data=tmp_path)
    unknown = charkh("token", "sara", "--revoke", "abcdef99", data=tmp_path, check=False)

    assert "revoked 2 tokens of mona" in everything.stderr and "revoked 1 token" in by_itself.stderr
    assert unknown.returncode != 0 and "no token" in unknown.stderr
    engine = _engine(tmp_path)
    for token in tokens + [own]:
        with pytest.raises(Unauthorized):
            engine.caller_for_token(token)
    assert engine.caller_for_token(saras).name == "sara"
    engine.close()


def test_user_add_makes_analysts_and_integration_users(tmp_path):
    charkh("user", "add", "ana", "--analyst", data=tmp_path)
    charkh("user", "add", "bank", "--integration", data=tmp_path)
    charkh("user", "add", "eve", "--group", "sales", data=tmp_path)
    ana = charkh("token", "ana", data=tmp_path).stdout.strip()
    eve = charkh("token", "eve", data=tmp_path).stdout.strip()
    from designer.app import create_app
    from engine.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'charkh.sqlite3'}"))
    client = app.test_client()

    def upload(token: str) -> int:
        return client.post("/api/v1/definitions", data=(LIBRARY / "invoice.bpmn").read_bytes(),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}).status_code

    assert upload(eve) == 403
    assert upload(ana) == 201
    engine = app.extensions["charkh"]
    assert engine.caller_named("bank").is_integration and not engine.caller_named("bank").is_analyst
    assert not engine.caller_named("eve").is_analyst

    charkh("user", "add", "eve", "--analyst", data=tmp_path)  # an existing user gains the role
    assert engine.caller_named("eve").is_analyst and engine.caller_named("eve").groups == {"sales"}


def test_import_from_the_command_line_leaves_the_definition_to_administrators(tmp_path):
    charkh("import", str(LIBRARY / "invoice.bpmn"), "--deploy", data=tmp_path)
    charkh("user", "add", "ana", "--analyst", data=tmp_path)
    from engine.charkh import Charkh
    from engine.settings import Settings

    engine = Charkh(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'charkh.sqlite3'}"))
    from engine.errors import Forbidden

    with pytest.raises(Forbidden):
        engine.import_bpmn((LIBRARY / "invoice.bpmn").read_bytes(), caller=engine.caller_named("ana"))
