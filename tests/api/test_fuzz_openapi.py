"""schemathesis generates requests from our own OpenAPI document; none may answer 5xx."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings


@pytest.fixture
def api_schema(app, make_user, model):
    owner = make_user("fuzzer", groups=["sales-managers", "finance", "warehouse", "sales"], analyst=True)
    assert owner.upload(model("invoice.bpmn")).status_code == 201
    owner.start("invoice")
    app.config["FUZZ_TOKEN"] = owner.token
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_server_fail(case, app):
    for headers in ({"Authorization": f"Bearer {app.config['FUZZ_TOKEN']}"}, {}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
