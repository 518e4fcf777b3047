"""The pytest plugin: consumer tests get matching events and write expectations, producer tests write
samples through the in-memory bus, and the module loads with the client's dependencies alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import orjson

from contracts import expect_avro, read_contract, read_samples
from contracts.checks import check_sample_expectation
from contracts.samples import Sample, envelope_for

ROOT = Path(__file__).resolve().parents[2]

CONSUMER_TESTS = """
from contracts import each_like, expect, integer, one_of, optional, string, uuid

ORDER_CREATED = expect(
    "OrderCreated",
    {
        "orderId": uuid(),
        "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1),
        "note": optional(string()),
        "payment": one_of({"card": string()}, {"iban": string()}),
    },
)
reserved = []


def reserve_stock(event):
    for item in event.data["items"]:
        reserved.append((event.data["orderId"], item["sku"], item["quantity"]))
    return event.data.get("note")


def test_reserves_stock_for_every_variant(contract_consumer):
    events = contract_consumer.expect(ORDER_CREATED)
    notes = [reserve_stock(event) for event in events]
    assert len(events) == 3
    assert notes.count(None) == 1
    assert {next(iter(event.data["payment"])) for event in events} == {"card", "iban"}
"""

PRODUCER_TESTS = """
import json
from client import Envelope

ORDER = json.dumps({"type": "record", "name": "OrderCreated", "fields": [
    {"name": "orderId", "type": "string"}, {"name": "total", "type": "double"}]})


def test_place_order(contract_producer):
    contract_producer.register("OrderCreated", ORDER)
    event = Envelope.new("OrderCreated", {"orderId": "o-1", "total": 9.5}, source="order-service")
    contract_producer.bus.publish(event)
"""


def test_a_consumer_test_writes_its_expectations(pytester):
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)
    result = pytester.runpytest(
        "--contracts-app", "inventory-service", "--contracts-version", "c1", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    contract = read_contract(pytester.path / "accord-contracts" / "inventory-service.expectations.json")
    assert contract.consumer == "inventory-service"
    assert contract.version == "c1"
    [expectation] = contract.expectations
    assert expectation.event_type == "OrderCreated"
    assert expectation.schema["required"] == ["orderId", "items", "payment"]


def test_a_producer_test_writes_its_samples_with_their_schema(pytester):
    pytester.makepyfile(test_producer=PRODUCER_TESTS)
    pytester.makeini("[pytest]\naccord_contracts_app = order-service\naccord_contracts_dir = out\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    samples = read_samples(pytester.path / "out" / "order-service.samples.json")
    [sample] = samples.samples
    assert sample.scenario == "test_place_order"
    assert sample.data == {"orderId": "o-1", "total": 9.5}
    assert sample.event_version == 1
    assert sample.schema_type == "AVRO"
    assert orjson.loads(sample.schema or "")["name"] == "OrderCreated"


def test_contract_files_need_the_service_name(pytester):
    pytester.makepyfile(test_producer=PRODUCER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--contracts-app NAME*"])


def test_runs_without_contract_fixtures_write_nothing(pytester):
    pytester.makepyfile(test_plain="def test_nothing():\n    assert True\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert not (pytester.path / "accord-contracts").exists()


ISOLATION = textwrap.dedent(
    """
    import importlib.abc
    import sys

    BLOCKED = {"fastapi", "sqlmodel", "sqlalchemy", "alembic", "starlette", "typer", "registry", "avro",
               "hypothesis", "schemathesis", "rich", "uvicorn", "pydantic"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is not a client dependency")
            return None

    sys.meta_path.insert(0, Blocker())
    import contracts.plugin
    from contracts import expect, string
    expect("OrderCreated", {"orderId": string()})
    print("ok")
    """
)


def test_the_plugin_imports_with_the_client_dependencies_alone():
    result = subprocess.run(
        [sys.executable, "-c", ISOLATION], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


ADDRESS = {"type": "record", "name": "Address", "fields": [{"name": "street", "type": "string"}]}
ITEM = {
    "type": "record",
    "name": "Item",
    "fields": [{"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"}],
}
SHIPPING_SCHEMA = {
    "type": "record",
    "name": "OrderPlaced",
    "namespace": "shop",
    "fields": [
        {"name": "orderId", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "items", "type": {"type": "array", "items": ITEM}},
        {"name": "shippingAddress", "type": ["null", ADDRESS], "default": None},
        {"name": "billingAddress", "type": ["null", "Address"], "default": None},
        {
            "name": "delivery",
            "type": [
                {"type": "record", "name": "Courier", "fields": [{"name": "van", "type": "string"}]},
                {"type": "record", "name": "Locker", "fields": [{"name": "locker", "type": "string"}]},
            ],
        },
    ],
}

AVRO_CONSUMER_TESTS = (
    f"""
import json
from contracts import expect_avro

SHIPPING_READS = expect_avro("OrderPlaced", json.loads({orjson.dumps(SHIPPING_SCHEMA).decode()!r}))
"""
    + """
shipped = []


def ship(event):
    address = event.data["shippingAddress"]
    shipped.append((event.data["orderId"], address and address["street"], sorted(event.data["delivery"])))


def test_ships_every_variant(contract_consumer):
    events = contract_consumer.expect(SHIPPING_READS)
    for event in events:
        ship(event)
    assert [street for _, street, _ in shipped] == ["text", None, "text"]
    assert [delivery for _, _, delivery in shipped] == [["van"], ["van"], ["locker"]]
    assert events[0].data["items"] == [{"sku": "text", "quantity": 1}]
    assert events[0].data["billingAddress"] == {"street": "text"}
"""
)


def test_an_avro_consumer_gets_events_for_every_variant_of_its_reader_schema(pytester):
    pytester.makepyfile(test_consumer=AVRO_CONSUMER_TESTS)
    result = pytester.runpytest("--contracts-app", "shipping-service", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    contract = read_contract(pytester.path / "accord-contracts" / "shipping-service.expectations.json")
    [expectation] = contract.expectations
    assert expectation.schema_type == "AVRO"
    assert expectation.schema["name"] == "OrderPlaced"


def test_the_examples_of_an_avro_reader_schema_satisfy_it():
    reads = expect_avro("OrderPlaced", SHIPPING_SCHEMA)
    for index, data in enumerate(reads.examples()):
        envelope = envelope_for("OrderPlaced", data, source="t", event_version=None, index=index)
        sample = Sample(f"example {index}", envelope, None, None)
        assert check_sample_expectation(sample, reads, consumer="shipping@1") == []


def test_a_failed_run_writes_no_contract_file(pytester):
    failing = CONSUMER_TESTS + "\n\ndef test_broken():\n    assert False\n"
    pytester.makepyfile(test_consumer=failing)
    result = pytester.runpytest("--contracts-app", "inventory-service", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*tests failed, so no contract files were written*"])
    assert not (pytester.path / "accord-contracts").exists()


def test_a_second_python_m_pytest_in_the_service_folder_still_imports_the_harness(tmp_path):
    (tmp_path / "test_consumer.py").write_text(CONSUMER_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\naccord_contracts_app = inventory-service\n")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stdout + runs[1].stderr
    assert (tmp_path / "accord-contracts" / "inventory-service.expectations.json").exists()
    assert not (tmp_path / "contracts").exists()


def test_files_left_in_the_old_folder_are_pointed_out(pytester):
    old = pytester.path / "contracts"
    old.mkdir()
    (old / "inventory-service.expectations.json").write_text("{}")
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)
    result = pytester.runpytest("--contracts-app", "inventory-service", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*contract files now go to accord-contracts/; move or delete contracts/*"])
