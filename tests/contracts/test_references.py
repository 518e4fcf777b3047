"""Schemas with references in the harness: samples recorded through the bus carry the referenced
schemas, so they verify offline from their file alone, and samples are generated from Avro and JSON
schemas whose types live in other subjects."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from client import Envelope, InMemoryBus, InMemoryRegistry, Schema, SchemaReference
from contracts import ConsumerContract, ContractError, expect
from contracts.checks import ProducerSchema
from contracts.generation import generate_samples
from contracts.matchers import string
from contracts.samples import ProducerSamples, read_samples, record_bus, write_samples
from contracts.verification import producer_side, verify
from registry.compatibility import ResolvedReference, SchemaType

ADDRESS_AVRO = {
    "type": "record",
    "name": "Address",
    "namespace": "shop",
    "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": "string"}],
}
ORDER_AVRO = {
    "type": "record",
    "name": "OrderCreated",
    "namespace": "shop",
    "fields": [{"name": "orderId", "type": "string"}, {"name": "shipTo", "type": "shop.Address"}],
}
ZIP_JSON = {"type": "string", "pattern": "^[0-9]{5}$"}
ADDRESS_JSON = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"city": {"type": "string", "minLength": 1}, "zip": {"$ref": "#/$defs/zip"}},
    "required": ["city", "zip"],
    "$defs": {"zip": {"$ref": "zip.json"}},
}
ORDER_JSON = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "orderId": {"type": "string"},
        "shipTo": {"$ref": "address.json", "required": ["city", "zip", "street"]},
    },
    "required": ["orderId", "shipTo"],
}


def resolved(name: str, subject: str, schema_type: SchemaType, document: dict) -> ResolvedReference:
    return ResolvedReference(name, subject, 1, schema_type, orjson.dumps(document).decode())


def recorded_avro_samples(ship_to: dict) -> ProducerSamples:
    registry = InMemoryRegistry()
    registry.register_schema("Address", Schema(orjson.dumps(ADDRESS_AVRO).decode()))
    reference = SchemaReference("shop.Address", "Address", 1)
    registry.register_schema(
        "OrderCreated", Schema(orjson.dumps(ORDER_AVRO).decode(), references=(reference,))
    )
    bus = InMemoryBus(registry)
    bus.publish(Envelope.new("OrderCreated", {"orderId": "o-1", "shipTo": ship_to}, source="order-service"))
    return ProducerSamples("order-service", "p1", tuple(record_bus(bus, registry, scenario="order placed")))


def test_recorded_samples_carry_the_referenced_schemas_and_verify_offline(tmp_path: Path) -> None:
    path = write_samples(recorded_avro_samples({"city": "Lyon", "zip": "69001"}), tmp_path / "s.json")

    [sample] = read_samples(path).samples
    [reference] = sample.references
    assert (reference.name, reference.subject, reference.version) == ("shop.Address", "Address", 1)
    assert orjson.loads(reference.schema) == ADDRESS_AVRO
    reads_city = expect("OrderCreated", {"shipTo": {"city": string()}})
    side = producer_side("order-service", "p1", [sample])
    result = verify([side], [ConsumerContract("shipping", "s1", (reads_city,))])
    assert result.success, [finding.message for finding in result.findings()]


def test_a_sample_breaking_an_expectation_on_a_referenced_type_is_found_at_its_path() -> None:
    samples = recorded_avro_samples({"city": "", "zip": "69001"})
    reads_city = expect("OrderCreated", {"shipTo": {"city": string(min_length=1, example="Lyon")}})

    side = producer_side("order-service", "p1", samples.samples)
    result = verify([side], [ConsumerContract("shipping", "s1", (reads_city,))])

    assert not result.success
    assert "$.data.shipTo.city" in {finding.path for finding in result.findings()}


def test_samples_files_with_malformed_references_are_refused(tmp_path: Path) -> None:
    written = recorded_avro_samples({"city": "Lyon", "zip": "69001"}).to_dict()
    written["samples"][0]["references"][0]["version"] = "one"
    path = tmp_path / "s.json"
    path.write_bytes(orjson.dumps(written))

    with pytest.raises(ContractError, match=r"\$\.samples\[0\]\.references\[0\]\.version: 'one' is not of"):
        read_samples(path)


def test_avro_samples_are_generated_with_named_types_from_references() -> None:
    reference = resolved("shop.Address", "Address", SchemaType.AVRO, ADDRESS_AVRO)
    schema = ProducerSchema(
        "OrderCreated", "AVRO", orjson.dumps(ORDER_AVRO).decode(), 1, references=(reference,)
    )

    samples = generate_samples(schema, source="order-service", count=3)

    assert len(samples) == 3
    assert all(set(sample.data["shipTo"]) == {"city", "zip"} for sample in samples)
    assert verify([producer_side("order-service", "p1", samples, [schema])], []).producer_findings == ()


def test_json_samples_are_generated_through_refs_into_other_schemas() -> None:
    references = (
        resolved("zip.json", "Zip", SchemaType.JSON, ZIP_JSON),
        resolved("address.json", "Address", SchemaType.JSON, ADDRESS_JSON),
    )
    schema = ProducerSchema(
        "OrderCreated", "JSON", orjson.dumps(ORDER_JSON).decode(), 1, references=references
    )

    samples = generate_samples(schema, source="order-service", count=5)

    assert samples
    for sample in samples:
        ship_to = sample.data["shipTo"]
        assert {"city", "zip", "street"} <= set(ship_to)  # the sibling `required` applies too (2020-12)
        assert re.fullmatch("[0-9]{5}", ship_to["zip"])
    assert verify([producer_side("order-service", "p1", samples, [schema])], []).producer_findings == ()


def test_recursive_and_dangling_references_are_refused_with_the_reference() -> None:
    node = {"type": "object", "properties": {"next": {"$ref": "node.json"}}}
    recursive = ProducerSchema(
        "Linked",
        "JSON",
        orjson.dumps({"$ref": "node.json"}).decode(),
        references=(resolved("node.json", "Node", SchemaType.JSON, node),),
    )
    dangling = ProducerSchema(
        "Linked",
        "JSON",
        orjson.dumps({"properties": {"a": {"$ref": "#/$defs/missing"}}}).decode(),
        references=(resolved("node.json", "Node", SchemaType.JSON, node),),
    )

    with pytest.raises(ContractError, match=r"recursive reference \(node.json\)"):
        generate_samples(recursive, source="s")
    with pytest.raises(ContractError, match="'#/\\$defs/missing' leads nowhere"):
        generate_samples(dangling, source="s")


def test_inlining_keeps_properties_named_like_keywords_and_data_as_it_is() -> None:
    document = {
        "type": "object",
        "properties": {
            "definitions": {"$ref": "zip.json"},
            "$id": {"const": {"$ref": "not a reference"}},
        },
        "required": ["definitions", "$id"],
    }
    schema = ProducerSchema(
        "Odd",
        "JSON",
        orjson.dumps(document).decode(),
        references=(resolved("zip.json", "Zip", SchemaType.JSON, ZIP_JSON),),
    )

    samples = generate_samples(schema, source="s", count=3)

    assert samples
    for sample in samples:
        assert re.fullmatch("[0-9]{5}", sample.data["definitions"])
        assert sample.data["$id"] == {"$ref": "not a reference"}
