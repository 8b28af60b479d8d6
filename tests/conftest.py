"""Shared fixtures: a fresh database per test, on SQLite by default or on the real PostgreSQL
when CHARKH_TEST_DATABASE_URL is set (.ci/run runs the suite both ways)."""
from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from designer.app import create_app
from engine.charkh import Charkh
from engine.settings import Settings, normalize_database_url

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "bpmn" / "library"
MODELS = Path(__file__).parent / "models"
# The OMG MIWG reference models (tests/models/miwg/SOURCE.md says where they come from).
MIWG = MODELS / "miwg"
POSTGRES_URL = os.environ.get("CHARKH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available(url: str = POSTGRES_URL) -> bool:
    try:
        engine = create_engine(normalize_database_url(url))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The real PostgreSQL; .ci/run starts it. A test that needs it fails loudly without it."""
    if not postgres_available():
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}; start it (see .ci/run)")
    return POSTGRES_URL


def _schema_url(base: str, schema: str) -> str:
    url = normalize_database_url(base)
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    base = os.environ.get("CHARKH_TEST_DATABASE_URL")
    if request.node.get_closest_marker("postgres"):
        base = request.getfixturevalue("postgres_url")
    if not base:
        yield f"sqlite:///{tmp_path / 'charkh.sqlite3'}"
        return
    yield from _fresh_postgres_schema(base)


def _fresh_postgres_schema(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_database_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # A script's wall-clock limit, five times the default: on a loaded two-core CI machine a
    # script child waited out the default 1 s now and then (a 1,000-turn loop runs 1,000 scripts).
    # Tests of the limit set their own.
    return Settings(data_dir=tmp_path, database_url=database_url, script_seconds=5.0)


@pytest.fixture
def charkh(settings: Settings) -> Iterator[Charkh]:
    engine = Charkh(settings)
    yield engine
    engine.close()


@pytest.fixture
def app(settings: Settings, charkh: Charkh):
    application = create_app(settings, charkh)
    application.config["TESTING"] = True
    return application


@dataclass
class User:
    """A user as an API client sees it: a name and a bearer token."""

    name: str
    token: str
    client: Any

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self.headers, **kwargs)

    def upload(self, data: bytes, deploy: bool = True) -> Any:
        return self.client.post(f"/api/v1/definitions{'?deploy=true' if deploy else ''}", data=data,
                                headers={**self.headers, "Content-Type": "application/xml"})

    def start(self, definition: str, variables: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.post("/instances", json={"definition": definition, "variables": variables or {}, **extra})

    def cartable(self, **params: Any) -> list[dict[str, Any]]:
        response = self.get("/work-items", query_string={"mine": "true", "status": "open", **params})
        assert response.status_code == 200, response.json
        return response.json

    def complete(self, item_id: str, action: str | None = None, data: dict[str, Any] | None = None) -> Any:
        body: dict[str, Any] = {"data": data or {}}
        if action is not None:
            body["action"] = action
        return self.post(f"/work-items/{item_id}/complete", json=body)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(charkh: Charkh, client):
    def make(name: str, groups: list[str] = (), roles: list[str] = (), admin: bool = False,
             analyst: bool = False, integration: bool = False) -> User:
        charkh.add_user(name, "secret", list(groups), list(roles), admin, analyst, integration)
        return User(name, charkh.issue_token(name), client)

    return make


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", admin=True)


def read_model(name: str) -> bytes:
    """A test model from tests/models or the process library."""
    path = MODELS / name
    if not path.exists():
        path = LIBRARY / name
    return path.read_bytes()


@pytest.fixture
def model():
    """model(name) -> the bytes of tests/models/<name> or bpmn/library/<name>."""
    return read_model


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app behind the same production server `charkh serve` uses, on a free port."""
    from waitress.server import create_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=16)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
