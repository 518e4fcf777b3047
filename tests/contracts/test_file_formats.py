"""The contract files' published formats: what the helpers write is valid under the JSON Schema of its
file, and a file that breaks it is refused with the place and the rule."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from contracts import (
    ContractFileError,
    expect,
    expect_avro,
    integer,
    read_contract,
    read_samples,
    string,
    write_contract,
    write_samples,
)
from contracts.expectations import ConsumerContract
from contracts.file_formats import file_schema
from contracts.samples import ProducerSamples, Sample, envelope_for

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-flow"
CONTRACT = ConsumerContract(
    "billing",
    "b1",
    (
        expect("OrderPlaced", {"orderId": string(), "quantity": integer()}, envelope={"source": string()}),
        expect_avro("OrderPaid", {"type": "record", "name": "OrderPaid", "fields": []}, versions=">=2"),
    ),
)
SAMPLES = ProducerSamples(
    "order-service",
    None,
    (Sample("placed", envelope_for("OrderPlaced", {"orderId": "o-1"}, source="s", event_version=1)),),
)


@pytest.mark.parametrize("kind", ["expectations", "samples"])
def test_the_file_schemas_are_valid_json_schemas(kind):
    jsonschema.Draft7Validator.check_schema(file_schema(kind))


def test_what_the_helpers_write_is_valid_under_the_published_format(tmp_path):
    contract = write_contract(CONTRACT, tmp_path / "billing.expectations.json")
    samples = write_samples(SAMPLES, tmp_path / "order-service.samples.json")
    jsonschema.validate(orjson.loads(contract.read_bytes()), file_schema("expectations"))
    jsonschema.validate(orjson.loads(samples.read_bytes()), file_schema("samples"))
    assert read_contract(contract) == CONTRACT
    assert read_samples(samples).samples[0].event_type == "OrderPlaced"
    for path in EXAMPLE.glob("*/contracts/*.expectations.json"):
        jsonschema.validate(orjson.loads(path.read_bytes()), file_schema("expectations"))
    for path in EXAMPLE.glob("*/contracts/*.samples.json"):
        jsonschema.validate(orjson.loads(path.read_bytes()), file_schema("samples"))


@pytest.mark.parametrize(
    ("kind", "document", "place", "rule"),
    [
        (
            "expectations",
            {"consumer": "b", "expectations": [{"eventType": "X"}]},
            "$.expectations[0]",
            "'schema'",
        ),
        (
            "expectations",
            {"consumer": "b", "expectations": [{"eventType": "X", "schema": {}, "schemaType": "XML"}]},
            "$.expectations[0].schemaType",
            "'XML' is not one of",
        ),
        ("expectations", {"consumer": "", "expectations": []}, "$.consumer", "should be non-empty"),
        ("samples", {"producer": "p", "samples": [{"envelope": {}}]}, "$.samples[0].envelope", "'eventType'"),
        (
            "samples",
            {"producer": "p", "samples": [{"envelope": {"eventType": "X"}, "generated": "yes"}]},
            "$.samples[0].generated",
            "is not of type 'boolean'",
        ),
    ],
)
def test_a_file_that_breaks_its_format_is_refused_with_the_place(tmp_path, kind, document, place, rule):
    path = tmp_path / f"broken.{kind}.json"
    path.write_bytes(orjson.dumps(document))
    with pytest.raises(ContractFileError) as raised:
        (read_contract if kind == "expectations" else read_samples)(path)
    assert raised.value.path == str(path)
    assert f"not a valid {kind} file at {place}:" in raised.value.reason
    assert rule in raised.value.reason
    assert f"contracts/file_schemas/{kind}.schema.json" in raised.value.reason
