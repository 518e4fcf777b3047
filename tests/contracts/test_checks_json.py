"""Checks 1-3 with JSON Schema: matcher-DSL expectations against JSON Schema and Avro producers, and JSON
producers whose schemas reference others by name. Every finding names the place in the event's data, as
check 2 does for samples, and the place in the expectation's schema."""

from __future__ import annotations

import copy

import orjson

from contracts import expect, expect_avro, one_of, string
from contracts.checks import (
    ProducerSchema,
    check_sample_expectation,
    check_sample_schema,
    check_schema_expectation,
)
from contracts.findings import Check
from contracts.samples import Sample, envelope_for
from registry.compatibility import ResolvedReference, SchemaType
from tests.contracts.orders import (
    INVENTORY_READS,
    NOTIFICATION_READS,
    ORDER_CREATED_AVRO,
    ORDER_CREATED_JSON,
    avro_schema,
)
from tests.support.json_references import ADDRESS, CUSTOMER


def json_schema(document: dict, version: int = 1, *references: ResolvedReference) -> ProducerSchema:
    return ProducerSchema(
        "OrderCreated", "JSON", orjson.dumps(document).decode(), version, references=references
    )


def without(document: dict, name: str) -> dict:
    changed = copy.deepcopy(document)
    del changed["properties"][name]
    changed["required"] = [required for required in changed["required"] if required != name]
    return changed


def errors(findings: list) -> list:
    return [finding for finding in findings if finding.severity == "error"]


def test_check_3_a_json_producer_that_keeps_what_consumers_read_passes():
    for expectation in (INVENTORY_READS, NOTIFICATION_READS):
        assert (
            errors(check_schema_expectation(json_schema(ORDER_CREATED_JSON), expectation, consumer="c@1"))
            == []
        )


def test_check_3_value_rules_the_json_producer_does_not_promise_are_warnings_at_their_data_paths():
    findings = check_schema_expectation(json_schema(ORDER_CREATED_JSON), INVENTORY_READS, consumer="inv@1")

    assert {(f.severity, f.path, f.expected, f.found) for f in findings} == {
        ("warning", "$.data.orderId", '"uuid"', None),
        ("warning", "$.data.items[*].quantity", "1", None),
        ("warning", "$.data.items", "1", None),
    }
    by_path = {finding.path: finding for finding in findings}
    assert by_path["$.data.items[*].quantity"].message == (
        "MINIMUM_ADDED at path '#/properties/items/items/properties/quantity/minimum': expects 1; the "
        "producer's schema has nothing (not declared) (the schema does not promise this rule; it is "
        "checked on the producer's samples)"
    )


def test_check_3_a_json_producer_that_drops_a_field_a_consumer_reads_breaks_it():
    [finding] = check_schema_expectation(
        json_schema(without(ORDER_CREATED_JSON, "customerEmail"), 2), NOTIFICATION_READS, consumer="notif@3"
    )

    assert (finding.check, finding.severity, finding.path, finding.schema, finding.consumer) == (
        Check.SCHEMA_EXPECTATION,
        "error",
        "$.data.customerEmail",
        "OrderCreated v2",
        "notif@3",
    )
    assert (finding.expected, finding.found) == ('{"type":"string"}', None)
    assert finding.describe() == (
        "OrderCreated OrderCreated v2 at $.data.customerEmail (expectation of notif@3): "
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at path '#/properties/customerEmail': expects "
        '{"type":"string"}; the producer\'s schema has nothing (not declared)'
    )


def test_check_3_retyped_fields_break_and_optional_fields_keep_their_type():
    retyped = copy.deepcopy(ORDER_CREATED_JSON)
    retyped["properties"]["items"]["items"]["properties"]["sku"] = {"type": "integer"}
    retyped["properties"]["note"] = {"type": "integer"}

    inventory = errors(check_schema_expectation(json_schema(retyped), INVENTORY_READS, consumer="inv@1"))
    notification = errors(check_schema_expectation(json_schema(retyped), NOTIFICATION_READS, consumer="n@1"))

    assert [(f.path, f.expected, f.found) for f in inventory] == [
        ("$.data.items[*].sku", '{"type":"string"}', '{"type":"integer"}')
    ]
    assert inventory[0].message.startswith("TYPE_CHANGED at path '#/properties/items/items/properties/sku'")
    # optional(string()) admits a missing note or null, but not an integer
    assert [(f.path, f.found) for f in notification] == [("$.data.note", '{"type":"integer"}')]


def test_check_3_one_of_variants_must_each_be_covered():
    reads_payment = expect("OrderPaid", {"payment": one_of({"card": string()}, {"iban": string()})})
    paid = {
        "type": "object",
        "properties": {
            "payment": {
                "oneOf": [
                    {"type": "object", "properties": {"card": {"type": "string"}}, "required": ["card"]},
                    {"type": "object", "properties": {"iban": {"type": "integer"}}, "required": ["iban"]},
                ]
            }
        },
        "required": ["payment"],
    }
    schema = ProducerSchema("OrderPaid", "JSON", orjson.dumps(paid).decode(), 1)

    [finding] = errors(check_schema_expectation(schema, reads_payment, consumer="billing@1"))

    assert finding.path == "$.data.payment"
    assert "#/properties/payment" in finding.message


def test_check_3_json_expectations_against_an_avro_producer_read_its_decoded_form():
    dropped = copy.deepcopy(ORDER_CREATED_AVRO)
    dropped["fields"] = [field for field in dropped["fields"] if field["name"] != "customerEmail"]
    dropped["fields"][1]["type"]["items"]["fields"][1]["type"] = "string"  # quantity becomes text

    notification = errors(
        check_schema_expectation(avro_schema(4, dropped), NOTIFICATION_READS, consumer="n@1")
    )
    inventory = errors(check_schema_expectation(avro_schema(4, dropped), INVENTORY_READS, consumer="inv@1"))

    assert [f.path for f in notification] == ["$.data.customerEmail"]
    assert [(f.path, f.found) for f in inventory] == [("$.data.items[*].quantity", '{"type":"string"}')]
    assert errors(check_schema_expectation(avro_schema(1), NOTIFICATION_READS, consumer="n@1")) == []


def test_check_3_an_avro_reader_cannot_read_json_events():
    reader = expect_avro("OrderCreated", ORDER_CREATED_AVRO)
    producer = ProducerSchema("OrderCreated", "JSON", orjson.dumps({"type": "object"}).decode(), 1)

    [finding] = check_schema_expectation(producer, reader, consumer="billing@1")

    assert finding.message.startswith("SCHEMA_TYPE_MISMATCH: the expectation is an Avro reader schema")
    assert "publishes JSON events" in finding.message
    assert finding.severity == "error"


def test_check_3_avro_findings_name_the_field_in_the_data_and_the_roles_of_both_schemas():
    reader = expect_avro(
        "OrderCreated",
        {
            "type": "record",
            "name": "OrderCreated",
            "namespace": "shop",
            "fields": [
                {
                    "name": "items",
                    "type": {
                        "type": "array",
                        "items": {
                            "type": "record",
                            "name": "Item",
                            "fields": [{"name": "quantity", "type": "string"}],
                        },
                    },
                }
            ],
        },
    )

    [finding] = check_schema_expectation(avro_schema(2), reader, consumer="billing@1")

    assert finding.path == "$.data.items[*].quantity"
    assert finding.message.startswith(
        "TYPE_MISMATCH: The type of field 'items.quantity' at path '#/fields/0/type/items/fields/0/type' "
        "differs: the expected schema has string where the published schema has int"
    )
    assert "a consumer reading with the expected schema could not read data written with the published" in (
        finding.message
    )


def customer_schema(address: dict = ADDRESS) -> ProducerSchema:
    reference = ResolvedReference(
        "address.json", "address", 1, SchemaType.JSON, orjson.dumps(address).decode()
    )
    return ProducerSchema(
        "CustomerRegistered", "JSON", orjson.dumps(CUSTOMER).decode(), 1, references=(reference,)
    )


def customer_sample(data: dict) -> Sample:
    envelope = envelope_for("CustomerRegistered", data, source="crm", event_version=1)
    return Sample("customer signs up", envelope, "JSON", orjson.dumps(CUSTOMER).decode())


def test_checks_1_and_2_follow_references_of_a_json_producer_schema():
    valid = customer_sample({"home": {"city": "Cork"}, "zip": "12345"})
    invalid = customer_sample({"home": {"city": 7}, "zip": "T12"})
    reads_city = expect("CustomerRegistered", {"home": {"city": string(pattern="^[A-Z]", example="Cork")}})

    assert check_sample_schema(valid, customer_schema()) == []
    assert {(f.path, f.expected) for f in check_sample_schema(invalid, customer_schema())} == {
        ("$.data.home.city", 'type: "string"'),
        ("$.data.zip", 'pattern: "^[0-9]{5}$"'),
    }
    assert check_sample_expectation(valid, reads_city, consumer="mailer@1") == []


def test_check_3_follows_references_of_a_json_producer_schema():
    reads_city = expect("CustomerRegistered", {"home": {"city": string()}})
    numeric_city = {**ADDRESS, "properties": {"city": {"type": "integer"}}}

    assert errors(check_schema_expectation(customer_schema(), reads_city, consumer="mailer@1")) == []
    [finding] = errors(
        check_schema_expectation(customer_schema(numeric_city), reads_city, consumer="mailer@1")
    )
    assert (finding.path, finding.expected, finding.found) == (
        "$.data.home.city",
        '{"type":"string"}',
        '{"type":"integer"}',  # what the referenced schema says
    )
    assert "TYPE_CHANGED" in finding.message
