"""Import and export keep a file whole: the 21 OMG MIWG reference models go in through the API and
the command line and come out with every fact (tests/bpmn_compare.py) and, through the
API, byte for byte."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import bpmn_compare
from tests.conftest import MIWG, ROOT

MIWG_FILES = sorted(MIWG.glob("*.bpmn"))


def lost_facts(original: Path, exported: Path) -> str:
    """Run the comparison tool as its usage says; '' when nothing was lost, else its report."""
    result = subprocess.run([sys.executable, bpmn_compare.__file__, str(original), str(exported)],
                            capture_output=True, text=True, timeout=60)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_the_reference_suite_is_all_there():
    assert len(MIWG_FILES) == 21, [p.name for p in MIWG_FILES]


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.stem)
def test_miwg_model_imports_over_http_and_exports_unchanged(admin, path, tmp_path):
    original = path.read_bytes()

    response = admin.upload(original, deploy=False)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["version"] == 1
    assert body["processes"], body
    assert isinstance(body["executable"], bool)
    assert isinstance(body["problems"], list)
    exported = admin.get(f"/definitions/{body['key']}/bpmn")
    assert exported.status_code == 200
    assert exported.mimetype == "application/xml"
    assert exported.data == original
    out = tmp_path / path.name
    out.write_bytes(exported.data)
    assert lost_facts(path, out) == ""


def test_every_miwg_model_is_listed_after_import(admin):
    keys = {admin.upload(path.read_bytes(), deploy=False).json["key"] for path in MIWG_FILES}

    listed = admin.get("/definitions", query_string={"limit": 1000}).json

    assert {row["key"] for row in listed} == keys
    assert len(keys) == len(MIWG_FILES)


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    # The data folder's SQLite, whatever database the rest of the suite uses.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHARKH_")}
    result = subprocess.run([sys.executable, "-m", "designer.cli", *args, "--data", str(data)],
                            capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_cli_import_of_the_folder_then_export_keeps_every_fact(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"

    imported = _cli("import", str(MIWG), data=data)
    _cli("export", str(out), data=data)

    assert len([line for line in imported.stdout.splitlines() if line.startswith("[")]) == len(MIWG_FILES)
    assert (data / "charkh.sqlite3").exists()
    exported = {p.read_bytes(): p for p in out.glob("*.bpmn")}
    assert len(exported) == len(MIWG_FILES)
    for path in MIWG_FILES:
        original = path.read_bytes()
        assert original in exported, f"{path.name} was not exported as uploaded"
        assert lost_facts(path, exported[original]) == ""


def test_the_compare_tool_does_notice_a_lost_fact(tmp_path):
    """The comparisons above would fail on a real loss: move one shape."""
    from lxml import etree

    path = MIWG / "A.1.0.bpmn"
    tree = etree.parse(str(path))
    bounds = tree.find(".//{http://www.omg.org/spec/DD/20100524/DC}Bounds")
    bounds.set("x", str(float(bounds.get("x")) + 50))
    damaged = tmp_path / "damaged.bpmn"
    tree.write(str(damaged), xml_declaration=True, encoding="UTF-8")

    assert "LOST" in lost_facts(path, damaged)
    assert bpmn_compare.facts(path.read_bytes()) - bpmn_compare.facts(damaged.read_bytes())


def test_same_key_again_adds_version_two_and_version_one_stays(admin):
    first = (MIWG / "C.1.1.bpmn").read_bytes()
    second = first + b"\n<!-- the second version -->\n"
    assert second != first

    one = admin.upload(first, deploy=False)
    two = admin.upload(second, deploy=False)

    assert one.status_code == 201 and two.status_code == 201, (one.json, two.json)
    assert one.json["key"] == two.json["key"]
    key = one.json["key"]
    assert (one.json["version"], two.json["version"]) == (1, 2)
    assert admin.get(f"/definitions/{key}/bpmn").data == second
    assert admin.get(f"/definitions/{key}/bpmn", query_string={"version": 2}).data == second
    assert admin.get(f"/definitions/{key}/bpmn", query_string={"version": 1}).data == first
    listed = [row for row in admin.get("/definitions").json if row["key"] == key]
    assert len(listed) == 1


def test_an_unknown_version_is_404(admin):
    key = admin.upload((MIWG / "A.1.0.bpmn").read_bytes(), deploy=False).json["key"]

    response = admin.get(f"/definitions/{key}/bpmn", query_string={"version": 7})

    assert response.status_code == 404
    assert set(response.json["error"]) >= {"code", "message", "details"}


def test_multipart_upload_with_field_file(admin):
    original = (MIWG / "C.2.0.bpmn").read_bytes()

    response = admin.post("/definitions", data={"file": (io.BytesIO(original), "C.2.0.bpmn")},
                          content_type="multipart/form-data")

    assert response.status_code == 201, response.json
    assert admin.get(f"/definitions/{response.json['key']}/bpmn").data == original


def test_multipart_upload_without_field_file_is_400(admin):
    original = (MIWG / "C.2.0.bpmn").read_bytes()

    response = admin.post("/definitions", data={"upload": (io.BytesIO(original), "C.2.0.bpmn")},
                          content_type="multipart/form-data")

    assert response.status_code == 400
    assert "file" in response.json["error"]["message"]
    assert admin.get("/definitions").json == []


# --- valid files that look unusual must still import ----------------------------------------------

def _definitions(body: str, extra_ns: str = "", target: str = "http://example.com/bpmn") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:tns="{target}" {extra_ns}
    id="defs_unusual" targetNamespace="{target}">
{body}
</bpmn:definitions>
""".encode()


def test_a_doctype_inside_cdata_documentation_is_content_not_a_dtd(admin):
    data = _definitions("""
  <bpmn:process id="html_docs" isExecutable="false">
    <bpmn:documentation><![CDATA[<!DOCTYPE html><html><body>Rich text</body></html>]]></bpmn:documentation>
    <bpmn:startEvent id="start"/>
  </bpmn:process>""")

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json
    assert admin.get("/definitions/defs_unusual/bpmn").data == data


def test_qname_references_with_the_target_namespace_prefix_import(admin):
    data = _definitions("""
  <bpmn:collaboration id="collab">
    <bpmn:participant id="p1" processRef="tns:one"/>
    <bpmn:participant id="p2" processRef="tns:two"/>
    <bpmn:messageFlow id="mf" sourceRef="tns:send" targetRef="tns:receive"/>
  </bpmn:collaboration>
  <bpmn:process id="one" isExecutable="false">
    <bpmn:task id="send"><bpmn:outgoing>tns:f1</bpmn:outgoing></bpmn:task>
    <bpmn:endEvent id="e1"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="send" targetRef="e1"/>
  </bpmn:process>
  <bpmn:process id="two" isExecutable="false">
    <bpmn:task id="receive"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="plane" bpmnElement="tns:collab">
      <bpmndi:BPMNShape id="s_send" bpmnElement="tns:send">
        <dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>""")

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json


def test_references_into_an_imported_model_import(admin):
    data = _definitions("""
  <bpmn:import importType="http://www.omg.org/spec/BPMN/20100524/MODEL" location="other.bpmn"
      namespace="http://example.com/other"/>
  <bpmn:collaboration id="collab">
    <bpmn:participant id="p1" processRef="tns:mine"/>
    <bpmn:participant id="p2" processRef="other:theirs"/>
    <bpmn:messageFlow id="mf" sourceRef="tns:send" targetRef="other:their_task"/>
  </bpmn:collaboration>
  <bpmn:process id="mine" isExecutable="false">
    <bpmn:task id="send"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="plane" bpmnElement="collab">
      <bpmndi:BPMNShape id="s_theirs" bpmnElement="other:p_theirs">
        <dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>""", extra_ns='xmlns:other="http://example.com/other"')

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json


def test_extension_attributes_that_share_a_reference_name_are_not_checked(admin):
    data = _definitions("""
  <bpmn:process id="ext" isExecutable="false">
    <bpmn:extensionElements>
      <vendor:mapping sourceRef="a field of the CRM" targetRef="a variable" default="none"/>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start"/>
  </bpmn:process>""", extra_ns='xmlns:vendor="http://example.com/vendor"')

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json


def test_a_prefixed_reference_into_the_own_namespace_that_is_missing_is_a_problem_not_a_refusal(admin):
    data = _definitions("""
  <bpmn:collaboration id="collab">
    <bpmn:participant id="p1" processRef="tns:nowhere"/>
  </bpmn:collaboration>
  <bpmn:process id="one" isExecutable="false"/>""")

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json
    problems = response.json["problems"]
    assert any(p["element"] == "p1" and "nowhere" in p["message"] for p in problems), problems
    assert admin.get("/definitions/defs_unusual/bpmn").data == data
