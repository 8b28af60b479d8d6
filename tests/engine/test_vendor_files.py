"""Vendor exports of the MIWG suite (tests/models/vendors/README.md) import as API.md's "Keys and
versions" says: every well-formed file is stored under the key its rule gives, its dangling
references come back as problems, deploy alone refuses them, and export returns the bytes."""
from __future__ import annotations

import pytest

from engine.bpmn_xml import definition_key, read_bpmn
from engine.errors import BadInput, Invalid
from tests.conftest import MODELS

VENDORS = MODELS / "vendors"

# file -> the key API.md's rule gives it (None: not well-formed, refused)
KEYS = {
    "actibpm-3.E-8_A.3.0-export": "myProcess_1",
    "adonis-17.0_C.4.0-roundtrip": "_e7ccc12c-2987-48ae-92aa-08112101d9c9",
    "bonita-7.2.3_A.3.0-roundtrip": "_J2cNQLZ2EeawX8E3Bjsrfw",
    "bpmn-io-18.6.1_A.1.0-export": "sid-38422fae-e03e-43a3-bef4-bd33b32041b2",
    "bpmn-io-18.6.1_C.7.0-export": "Process_19noqni",
    "cardanit-4.9.1_C.8.1-roundtrip": "VacationRequestProcess",
    "genmymodel-0.47_C.1.1-export": None,
    "ibm-blueworks-live-2014_A.1.0-export": "bpmn-2a75b3c2-b147-4fb3-aa55-18efb6d0b118",
    "ibm-process-designer-8.0.1_A.3.0-export": None,
    "ibo-prometheus-3.9_A.3.0-roundtrip": "ibo-4ffa2b8d-55bc-432e-a4ad-e8b48d65c26e",
    "igrafx-flowcharter-2013_A.3.0-export": "diagram_IDAMS3JB",
    "igrafx-flowcharter-2013_A.4.0-export": "process_IDAQPJJB",
    "igrafx-process-2013_A.4.0-export": "process_IDAB5UIG",
    "igrafx-process-2013_B.2.0-roundtrip": "bpmn_bea88b6b697c",
    "mid-innovator-15.1_A.4.0-export": "WFP-6-1",
    "modelfoundry-1.1.1_C.1.1-roundtrip": "handle-invoice",
    "modelfoundry-1.1.1_C.2.0-roundtrip": "_1aa4e08d-219c-418c-8aed-5ddf4cd45a41",
    "omnitracker-12.3_C.9.1-roundtrip": "_7",
    "signavio-19.9.0_B.1.0-export": "sid-2953a683-a0fa-46fe-8fbd-362fae72a72f",
    "yaoqiang-4.0_A.1.0-export": "PROCESS_1",
}
DANGLING = {
    "actibpm-3.E-8_A.3.0-export", "adonis-17.0_C.4.0-roundtrip", "cardanit-4.9.1_C.8.1-roundtrip",
    "ibo-prometheus-3.9_A.3.0-roundtrip", "igrafx-flowcharter-2013_A.3.0-export",
    "igrafx-process-2013_B.2.0-roundtrip", "modelfoundry-1.1.1_C.1.1-roundtrip",
    "modelfoundry-1.1.1_C.2.0-roundtrip", "signavio-19.9.0_B.1.0-export",
}
WELL_FORMED = sorted(name for name, key in KEYS.items() if key is not None)
MAX_BYTES = 5 * 1024 * 1024


def exported_files(charkh) -> dict[str, bytes]:
    return {latest.key: latest.bpmn for latest in charkh.latest_files()}


def vendor_file(name: str) -> bytes:
    return (VENDORS / f"{name}.bpmn").read_bytes()


def test_the_vendor_set_is_all_there():
    assert sorted(p.stem for p in VENDORS.glob("*.bpmn")) == sorted(KEYS)


@pytest.mark.parametrize("name", WELL_FORMED)
def test_a_well_formed_vendor_file_is_stored_under_its_key_and_exported_unchanged(charkh, name):
    data = vendor_file(name)

    summary = charkh.import_bpmn(data)

    assert (summary["key"], summary["version"], summary["unchanged"]) == (KEYS[name], 1, False)
    assert charkh.bpmn(KEYS[name]) == data
    assert exported_files(charkh) == {KEYS[name]: data}


@pytest.mark.parametrize("name", sorted(DANGLING))
def test_dangling_references_are_problems_naming_what_is_missing(charkh, name):
    summary = charkh.import_bpmn(vendor_file(name))

    dangling = [p for p in summary["problems"] if "names no element in the file" in p["message"]]
    assert dangling, summary["problems"]
    assert all(set(p) == {"element", "message"} for p in summary["problems"])


@pytest.mark.parametrize("name", sorted(DANGLING))
def test_deploy_refuses_a_file_with_dangling_references_and_stores_nothing(charkh, name):
    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(vendor_file(name), deploy=True)

    problems = refused.value.details["problems"]
    assert any("names no element in the file" in p["message"] for p in problems), problems
    assert charkh.latest_files() == []


@pytest.mark.parametrize("name", sorted(name for name, key in KEYS.items() if key is None))
def test_a_file_that_is_not_well_formed_is_refused(charkh, name):
    with pytest.raises(BadInput, match="not well-formed"):
        charkh.import_bpmn(vendor_file(name))

    assert charkh.latest_files() == []


def test_the_same_bytes_again_add_no_version(charkh):
    data = vendor_file("omnitracker-12.3_C.9.1-roundtrip")
    charkh.import_bpmn(data)

    again = charkh.import_bpmn(data)

    assert (again["version"], again["unchanged"], again["new_definition"]) == (1, True, False)
    assert [row["latest_version"] for row in charkh.list_definitions()] == [1]


def test_changed_bytes_under_the_same_key_add_a_version(charkh):
    data = vendor_file("omnitracker-12.3_C.9.1-roundtrip")
    charkh.import_bpmn(data)

    changed = charkh.import_bpmn(data + b"\n<!-- edited -->\n")

    assert (changed["key"], changed["version"], changed["unchanged"]) == ("_7", 2, False)


def test_the_whole_set_imports_side_by_side_and_exports_byte_for_byte(charkh):
    for name in WELL_FORMED:
        charkh.import_bpmn(vendor_file(name))

    exported = exported_files(charkh)

    assert exported == {KEYS[name]: vendor_file(name) for name in WELL_FORMED}


def test_a_spiffworkflow_error_on_deploy_is_a_problem_not_a_crash(charkh):
    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(vendor_file("bpmn-io-18.6.1_C.7.0-export"), deploy=True)

    [problem] = refused.value.details["problems"]
    assert problem["message"].startswith("SpiffWorkflow cannot read this model: KeyError")


def test_an_error_spiffworkflow_wraps_as_its_repr_is_said_plainly():
    from lxml import etree
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from engine.compiler import _validation_message

    node = etree.fromstring(b'<sendTask xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="send"/>')
    try:
        try:
            raise TypeError("ThrowingEvent.__init__() missing 1 required positional argument")
        except TypeError as ex:
            # Raised as SpiffWorkflow's TaskParser raises it: without "from", only __context__ is set.
            raise ValidationException(repr(ex), node=node)  # noqa: B904
    except ValidationException as wrapped:
        message = _validation_message(wrapped)

    assert message == ("SpiffWorkflow cannot build this sendTask: "
                       "TypeError: ThrowingEvent.__init__() missing 1 required positional argument")


# --- the key rule, on small files -------------------------------------------------------------

def _file(definitions_id: str | None, *processes: tuple[str, bool]) -> bytes:
    own_id = f' id="{definitions_id}"' if definitions_id else ""
    body = "".join(f'<bpmn:process id="{pid}" name="Name of {pid}" isExecutable="{str(executable).lower()}"/>'
                   for pid, executable in processes)
    return (f'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"{own_id} '
            f'targetNamespace="http://example.com">{body}</bpmn:definitions>').encode()


@pytest.mark.parametrize("data, key", [
    (_file("defs", ("a", False), ("b", True)), "b"),
    (_file("defs", ("a", True), ("b", True)), "defs"),
    (_file("defs", ("a", False)), "defs"),
    (_file(None, ("a", False), ("b", False)), "a"),
    (_file(None, ("a", True), ("b", True)), "a"),
    (_file("1 not a key", ("a", False)), "a"),
], ids=["one-executable", "two-executable", "none-executable", "first-process", "first-of-two-executable",
        "unusable-definitions-id"])
def test_the_key_follows_the_rule_in_order(data, key):
    assert read_bpmn(data, MAX_BYTES).key == key


def test_a_file_with_no_id_at_all_is_keyed_by_its_content():
    data = _file(None)
    other = _file(None) + b" "

    key = read_bpmn(data, MAX_BYTES).key

    assert key.startswith("bpmn_") and key == read_bpmn(data, MAX_BYTES).key
    assert key != read_bpmn(other, MAX_BYTES).key
    assert definition_key(read_bpmn(data, MAX_BYTES).root, [], data) == key


def test_the_name_is_the_key_process_name_when_the_key_is_a_vendor_id():
    bpmn = read_bpmn(_file(None, ("_1373649849716", False)), MAX_BYTES)

    assert (bpmn.key, bpmn.name) == ("_1373649849716", "Name of _1373649849716")


def test_hundreds_of_dangling_references_are_listed_up_to_a_limit():
    problems = read_bpmn(vendor_file("igrafx-process-2013_B.2.0-roundtrip"), MAX_BYTES).problems

    dangling = [p for p in problems if "names no element" in p.message]
    assert len(dangling) == 50
    assert any(p.message == "and 143 more dangling references, not listed" for p in problems)


def test_a_process_name_longer_than_its_column_is_shortened_not_refused(charkh):
    long_name = "Handle the order " * 20
    data = _file(None, ("order", False)).replace(b'name="Name of order"', f'name="{long_name}"'.encode())

    summary = charkh.import_bpmn(data)

    assert summary["name"] == long_name[:254] + "\u2026"
    assert charkh.list_definitions()[0]["name"] == summary["name"]
    assert charkh.bpmn("order") == data
