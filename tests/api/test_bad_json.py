"""JSON bodies Charkh cannot store or write back are refused with a 400 naming the problem, never
a 500 (issue 13: integers beyond 64 bits, deep nesting and lone surrogates each answered 500)."""
from __future__ import annotations

import pytest

from designer.input_guard import MAX_JSON_DEPTH

BAD_VALUES = {
    "integer above signed 64 bits": (b"9223372036854775808", "64-bit"),
    "integer beyond 64 bits": (b"18446744073709551616", "64-bit"),
    "integer below signed 64 bits": (b"-9223372036854775809", "64-bit"),
    "nesting deeper than the limit": (b"[" * 500 + b"]" * 500, "nests deeper"),
    "nesting one level too deep": (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nests deeper"),
    "a lone surrogate": (b'"\\ud800"', "surrogate"),
    "a lone low surrogate": (b'"x\\udc00y"', "surrogate"),
    "NaN": (b"NaN", "not valid JSON"),
    "Infinity": (b"Infinity", "not valid JSON"),
    "a number too large for a float": (b"1e999", "infinity"),
}


def _json(client, path, body: bytes, headers):
    return client.post(path, data=body, headers={**headers, "Content-Type": "application/json"})


@pytest.fixture
def clerk(make_user, model):
    user = make_user("clerk", ["sales", "sales-managers"], analyst=True)
    assert user.upload(model("invoice.bpmn")).status_code == 201
    return user


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_a_bad_value_in_a_start_is_refused_and_nothing_starts(client, clerk, case):
    value, problem = BAD_VALUES[case]

    response = _json(client, "/api/v1/instances",
                     b'{"definition": "invoice", "variables": {"customer": "ACME", "n": ' + value + b"}}",
                     clerk.headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "bad_input"
    assert problem in response.json["error"]["message"]
    assert clerk.get("/instances").json == []


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_a_bad_value_in_a_completion_is_refused_and_the_item_stays_open(client, clerk, case):
    [item] = clerk.start("invoice", {"customer": "ACME"}).json["work_items"]
    value, problem = BAD_VALUES[case]

    response = _json(client, f"/api/v1/work-items/{item['id']}/complete",
                     b'{"action": "Approve", "data": {"note": ' + value + b"}}", clerk.headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert problem in response.json["error"]["message"]
    assert [i["id"] for i in clerk.cartable()] == [item["id"]]


@pytest.mark.parametrize("case", ["integer above signed 64 bits", "a lone surrogate", "nesting deeper than the limit"])
def test_a_bad_value_in_definition_settings_is_refused(client, clerk, case):
    value, problem = BAD_VALUES[case]

    response = client.patch("/api/v1/definitions/invoice", data=b'{"name": ' + value + b"}",
                            headers={**clerk.headers, "Content-Type": "application/json"})

    assert response.status_code == 400 and problem in response.json["error"]["message"]


def test_the_message_says_where_the_bad_value_is(client, clerk):
    response = _json(client, "/api/v1/instances",
                     b'{"definition": "invoice", "variables": {"lines": [{"qty": 1}, {"qty": 99999999999999999999}]}}',
                     clerk.headers)
    deep = _json(client, "/api/v1/instances",
                 b'{"definition": "invoice", "variables": {"tree": ' + b"[" * 100 + b"]" * 100 + b"}}", clerk.headers)
    wide = _json(client, "/api/v1/instances",
                 b'{"definition": "invoice", "variables": {"lines": [{"qty": 1}, {"qty": 9223372036854775808}]}}',
                 clerk.headers)

    assert "99999999999999999999" in response.json["error"]["message"]
    assert "$.variables.tree[0][0][0]" in deep.json["error"]["message"]
    assert "$.variables.lines[1].qty" in wide.json["error"]["message"]


def test_values_at_the_limits_are_kept_exactly(clerk):
    nested: object = "leaf"
    for _ in range(MAX_JSON_DEPTH - 3):  # the body, variables and the list itself take three levels
        nested = [nested]
    variables = {"big": 2**63 - 1, "small": -(2**63), "float": 1.5e300, "digits": "123456789012345678901234",
                 "nested": nested, "persian": "فاکتور", "emoji": "\U0001F600"}

    started = clerk.start("invoice", variables)

    assert started.status_code == 201, started.get_data(as_text=True)
    assert clerk.get(f"/instances/{started.json['id']}").json["variables"] == variables


def test_an_empty_json_body_still_claims(client, clerk):
    [item] = clerk.start("invoice", {"customer": "ACME"}).json["work_items"]

    claimed = _json(client, f"/api/v1/work-items/{item['id']}/claim", b"", clerk.headers)

    assert claimed.status_code == 200
