"""Vendor exports of the MIWG suite through POST /definitions, as an analyst's client meets them:
stored with their problems, refused only by ?deploy=true, never a 500."""
from __future__ import annotations

import pytest

from tests.engine.test_vendor_files import DANGLING, KEYS, vendor_file


@pytest.mark.parametrize("name", sorted(DANGLING))
def test_a_vendor_file_with_dangling_references_is_stored_with_its_problems(admin, name):
    data = vendor_file(name)

    response = admin.upload(data, deploy=False)

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["key"], body["version"]) == (KEYS[name], 1)
    assert any("names no element in the file" in p["message"] for p in body["problems"]), body["problems"]
    assert admin.get(f"/definitions/{body['key']}/bpmn").data == data


@pytest.mark.parametrize("name", ["signavio-19.9.0_B.1.0-export", "actibpm-3.E-8_A.3.0-export"])
def test_deploy_of_a_vendor_file_with_dangling_references_is_422_listing_them(admin, name):
    response = admin.upload(vendor_file(name), deploy=True)

    assert response.status_code == 422, response.json
    problems = response.json["error"]["details"]["problems"]
    assert any("names no element in the file" in p["message"] for p in problems), problems
    assert admin.get("/definitions").json == []


def test_a_file_with_no_key_of_its_own_imports_under_its_first_process(admin):
    response = admin.upload(vendor_file("bonita-7.2.3_A.3.0-roundtrip"), deploy=False)

    assert response.status_code == 201, response.json
    assert response.json["key"] == "_J2cNQLZ2EeawX8E3Bjsrfw"
    assert [row["key"] for row in admin.get("/definitions").json] == ["_J2cNQLZ2EeawX8E3Bjsrfw"]


def test_a_byte_identical_upload_adds_no_version(admin):
    data = vendor_file("mid-innovator-15.1_A.4.0-export")
    first = admin.upload(data, deploy=False)

    again = admin.upload(data, deploy=False)

    assert again.status_code == 201, again.json
    assert (again.json["version"], again.json["unchanged"]) == (1, True)
    assert first.json["unchanged"] is False
    [row] = admin.get("/definitions").json
    assert row["latest_version"] == 1


def test_an_error_inside_spiffworkflow_on_deploy_is_a_422_not_a_500(admin):
    response = admin.upload(vendor_file("bpmn-io-18.6.1_C.7.0-export"), deploy=True)

    assert response.status_code == 422, response.json
    problems = response.json["error"]["details"]["problems"]
    assert any(p["message"].startswith("SpiffWorkflow cannot read this model: KeyError") for p in problems), problems


def test_a_vendor_file_that_is_not_well_formed_is_400(admin):
    response = admin.upload(vendor_file("ibm-process-designer-8.0.1_A.3.0-export"), deploy=False)

    assert response.status_code == 400
    assert "not well-formed" in response.json["error"]["message"]
    assert admin.get("/definitions").json == []
