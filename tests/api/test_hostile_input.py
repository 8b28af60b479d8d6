"""Hostile and broken uploads (../shared/API.md, "Hostile files"): each is refused with a 4xx and
the error shape, entities are never resolved, and nothing is stored."""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.app import create_app
from engine.charkh import Charkh
from engine.settings import Settings

ERROR_KEYS = {"code", "message", "details"}

VALID = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_hostile" targetNamespace="http://example.com/bpmn">
  <bpmn:process id="plain" isExecutable="false">
    <bpmn:startEvent id="start"/>
    <bpmn:endEvent id="end_event"/>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="end_event"/>
  </bpmn:process>
</bpmn:definitions>
"""

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE bpmn:definitions [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_xxe" targetNamespace="http://example.com/bpmn">
  <bpmn:process id="xxe" name="&secret;" isExecutable="true">
    <bpmn:documentation>&secret;</bpmn:documentation>
    <bpmn:startEvent id="start"/>
  </bpmn:process>
</bpmn:definitions>
"""

PARAMETER_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [
  <!ENTITY % remote SYSTEM "file:///etc/passwd">
  %remote;
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_pxxe"/>
"""


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n" + "\n".join(entities) + "\n]>\n"
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_lol">'
            '<bpmn:process id="lol" isExecutable="false"><bpmn:documentation>&lol9;</bpmn:documentation>'
            "</bpmn:process></bpmn:definitions>\n").encode()


def passwd_markers() -> list[bytes]:
    """Lines of this machine's /etc/passwd that no error message would hold by chance."""
    try:
        lines = Path("/etc/passwd").read_bytes().splitlines()
    except OSError:
        lines = []
    return [b"root:x:0:0", b"/bin/bash", b"/usr/sbin/nologin"] + [line for line in lines if len(line) > 20]


def assert_refused(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.data[:500])
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"error"}
    assert set(body["error"]) >= ERROR_KEYS
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def assert_nothing_stored(user: Any) -> None:
    listed = user.get("/definitions")
    assert listed.status_code == 200
    assert listed.json == []


def test_the_valid_base_file_is_accepted(admin):
    """The hostile variants below differ from this file only in what makes them hostile."""
    assert admin.upload(VALID, deploy=False).status_code == 201


@pytest.mark.parametrize("data", [
    b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>",
    b"<?xml version='1.0'?><definitions><process></definitions>",
    VALID.replace(b"</bpmn:definitions>", b""),
    VALID + b"<trailing/>",
    b"this is not xml at all",
    b"\x00\x01\x02\xff\xfe garbage",
    VALID.replace(b'id="start"', b'id="start" id="again"'),
], ids=["unclosed", "mismatched", "truncated", "two-roots", "text", "binary", "duplicate-attribute"])
def test_malformed_xml_is_400(admin, data):
    error = assert_refused(admin.upload(data, deploy=False), 400)

    assert error["code"] == "bad_input"
    assert_nothing_stored(admin)


@pytest.mark.parametrize("data", [
    b"<?xml version='1.0'?><html><body>hello</body></html>",
    b"<definitions id='d'><process id='p'/></definitions>",
    VALID.replace(b"http://www.omg.org/spec/BPMN/20100524/MODEL", b"http://example.com/not-bpmn"),
    b"<bpmn:process xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='p'/>",
], ids=["html", "no-namespace", "other-namespace", "process-as-root"])
def test_xml_that_is_not_bpmn_is_400(admin, data):
    error = assert_refused(admin.upload(data, deploy=False), 400)

    assert "BPMN" in error["message"]
    assert_nothing_stored(admin)


@pytest.mark.parametrize("data", [
    XXE,
    XXE.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16"),
    b"<!-- a comment first -->\n" + XXE.split(b"?>", 1)[1],
    PARAMETER_XXE,
], ids=["utf-8", "utf-16", "after-comment", "parameter-entity"])
@pytest.mark.parametrize("deploy", [False, True])
def test_a_dtd_with_an_external_entity_is_400_and_never_resolved(admin, data, deploy):
    response = admin.upload(data, deploy=deploy)

    error = assert_refused(response, 400)
    assert "DTD" in error["message"]
    for marker in passwd_markers():
        assert marker not in response.data
    assert_nothing_stored(admin)


def test_xxe_in_a_multipart_upload_is_refused_too(admin):
    response = admin.post("/definitions", data={"file": (io.BytesIO(XXE), "evil.bpmn")},
                          content_type="multipart/form-data")

    error = assert_refused(response, 400)
    assert "DTD" in error["message"]
    for marker in passwd_markers():
        assert marker not in response.data
    assert_nothing_stored(admin)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_billion_laughs_is_400(admin, encoding):
    data = billion_laughs()
    if encoding != "utf-8":
        data = data.replace(b'version="1.0"', f'version="1.0" encoding="{encoding}"'.encode()).decode().encode(encoding)

    response = admin.upload(data, deploy=False)  # finishes: no expansion to a billion "lol"s

    error = assert_refused(response, 400)
    assert "DTD" in error["message"]
    assert b"lollollol" not in response.data
    assert_nothing_stored(admin)


# --- size -------------------------------------------------------------------------------------

SMALL_LIMIT = 20_000


@pytest.fixture
def small(tmp_path: Path, database_url: str) -> Iterator[tuple[Any, dict[str, str]]]:
    """An app whose BPMN size limit is SMALL_LIMIT bytes, and an admin's auth header for it."""
    settings = Settings(data_dir=tmp_path, database_url=database_url, max_bpmn_bytes=SMALL_LIMIT)
    engine = Charkh(settings)
    app = create_app(settings, engine)
    app.config["TESTING"] = True
    engine.add_user("boss", "secret", [], [], True)
    yield app.test_client(), {"Authorization": f"Bearer {engine.issue_token('boss')}"}
    engine.close()


def padded(size: int) -> bytes:
    """A valid BPMN file of exactly `size` bytes (a long comment inside)."""
    room = size - len(VALID) - len(b"<!--  -->\n")
    assert room > 0
    data = VALID + b"<!-- " + b"x" * room + b" -->\n"
    assert len(data) == size
    return data


def test_a_file_at_the_limit_is_accepted(small):
    client, auth = small

    response = client.post("/api/v1/definitions", data=padded(SMALL_LIMIT),
                           headers={**auth, "Content-Type": "application/xml"})

    assert response.status_code == 201, response.json


@pytest.mark.parametrize("size", [SMALL_LIMIT + 1, SMALL_LIMIT + 200_000], ids=["just-over", "far-over"])
@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_a_file_over_the_limit_is_refused(small, size, multipart):
    client, auth = small
    data = padded(size)

    if multipart:
        response = client.post("/api/v1/definitions", data={"file": (io.BytesIO(data), "big.bpmn")},
                               headers=auth, content_type="multipart/form-data")
    else:
        response = client.post("/api/v1/definitions", data=data,
                               headers={**auth, "Content-Type": "application/xml"})

    error = assert_refused(response, 400, 413)
    if response.status_code == 400:
        assert str(SMALL_LIMIT) in error["message"]
    listed = client.get("/api/v1/definitions", headers=auth)
    assert listed.status_code == 200 and listed.json == []


def test_six_megabytes_under_the_default_limit_is_refused(admin):
    data = padded(6 * 1024 * 1024)

    assert_refused(admin.upload(data, deploy=False), 400, 413)
    assert_nothing_stored(admin)


# --- well-formed BPMN that is not acceptable --------------------------------------------------

def test_a_dangling_source_ref_is_stored_as_a_problem_naming_the_element(admin):
    data = VALID.replace(b'sourceRef="start"', b'sourceRef="ghost_task"')

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json
    problems = response.json["problems"]
    assert any(p["element"] == "flow_1" and "ghost_task" in p["message"] for p in problems), problems


def test_deploy_of_a_dangling_source_ref_is_422_naming_the_element(admin):
    data = VALID.replace(b'sourceRef="start"', b'sourceRef="ghost_task"')

    error = assert_refused(admin.upload(data, deploy=True), 422)

    problems = error["details"]["problems"]
    assert any(p["element"] == "flow_1" and "ghost_task" in p["message"] for p in problems), problems
    assert_nothing_stored(admin)


def test_a_dangling_di_reference_is_a_problem_and_refuses_deploy(admin):
    data = VALID.replace(b"</bpmn:definitions>", b"""
  <bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="plain">
      <bpmndi:BPMNShape id="shape_ghost" bpmnElement="ghost_task"/>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>""")

    error = assert_refused(admin.upload(data, deploy=True), 422)
    stored = admin.upload(data, deploy=False)

    problems = error["details"]["problems"]
    assert any(p["element"] == "shape_ghost" and "ghost_task" in p["message"] for p in problems), problems
    assert stored.status_code == 201
    assert any(p["element"] == "shape_ghost" for p in stored.json["problems"]), stored.json


def test_deploy_of_a_non_executable_model_is_422_with_problems(admin):
    response = admin.upload(VALID, deploy=True)

    error = assert_refused(response, 422)
    assert error["details"]["problems"]
    assert all(set(p) >= {"element", "message"} for p in error["details"]["problems"])
    assert_nothing_stored(admin)
    # Without deploy the same file is a model and is stored.
    assert admin.upload(VALID, deploy=False).status_code == 201


@pytest.mark.parametrize("data", [b"", b"   \n\t  "], ids=["empty", "whitespace"])
def test_an_empty_body_is_400(admin, data):
    assert_refused(admin.upload(data, deploy=False), 400)
    assert_nothing_stored(admin)


def test_an_empty_multipart_file_is_400(admin):
    response = admin.post("/definitions", data={"file": (io.BytesIO(b""), "empty.bpmn")},
                          content_type="multipart/form-data")

    assert_refused(response, 400)
    assert_nothing_stored(admin)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YTpi"}],
                         ids=["missing", "unknown", "basic"])
def test_an_upload_without_a_valid_token_is_401(client, admin, headers):
    response = client.post("/api/v1/definitions", data=VALID,
                           headers={**headers, "Content-Type": "application/xml"})

    error = assert_refused(response, 401)
    assert error["code"] == "unauthorized"
    assert_nothing_stored(admin)


def test_a_hostile_upload_leaves_earlier_definitions_alone(admin):
    good = admin.upload(VALID, deploy=False)
    assert good.status_code == 201

    assert_refused(admin.upload(XXE, deploy=False), 400)
    assert_refused(admin.upload(VALID.replace(b'sourceRef="start"', b'sourceRef="ghost"'), deploy=True), 422)

    listed = admin.get("/definitions").json
    assert [row["key"] for row in listed] == ["defs_hostile"]
    assert admin.get("/definitions/defs_hostile/bpmn").data == VALID
    assert admin.get("/definitions/defs_hostile/bpmn", query_string={"version": 2}).status_code == 404


def test_nul_characters_are_refused_up_front_and_nothing_is_stored(client, make_user, model) -> None:
    """PostgreSQL cannot store NUL in text; schemathesis found `?after=%00` answered with a 500."""
    clerk = make_user("clerk", ["sales"], analyst=True)
    assert clerk.upload(model("invoice.bpmn")).status_code == 201
    refused = [
        client.get("/api/v1/definitions?after=%00", headers=clerk.headers),
        client.get("/api/v1/definitions/inv%00oice", headers=clerk.headers),
        client.get("/api/v1/work-items?status=open&after=1%00", headers=clerk.headers),
        clerk.post("/instances", json={"definition": "invoice\u0000"}),
        clerk.post("/instances", json={"definition": "invoice", "variables": {"customer": "AC\u0000ME"}}),
        clerk.post("/instances", json={"definition": "invoice", "variables": {"deep": [[{"k\u0000": 1}]]}}),
        client.post("/login", data={"username": "clerk\x00", "password": "secret"}),
    ]
    for response in refused:
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.json["error"]["code"] == "bad_input"
        assert "NUL" in response.json["error"]["message"]
    assert clerk.get("/instances").json == []  # nothing started

    # A backslash followed by "u0000" is ordinary text.
    started = clerk.post("/instances", json={"definition": "invoice",
                                             "variables": {"customer": "ACME \\u0000", "amount": 5,
                                                           "currency": "EUR"}})
    assert started.status_code == 201 and started.json["variables"]["customer"] == "ACME \\u0000"
