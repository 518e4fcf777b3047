"""Checks 1-3 on Avro producers: each failure names the sample or schema, the expectation, the path,
what was expected and what was found."""

from __future__ import annotations

from contracts import expect_avro
from contracts.checks import (
    ProducerSchema,
    check_sample_expectation,
    check_sample_schema,
    check_schema_expectation,
)
from contracts.findings import Check
from tests.contracts.orders import INVENTORY_READS, ORDER, avro_schema, sample


def test_a_valid_sample_passes_its_schema_and_the_expectation():
    assert check_sample_schema(sample(), avro_schema()) == []
    assert check_sample_expectation(sample(), INVENTORY_READS, consumer="inventory@1") == []


def test_check_1_names_each_field_the_schema_rejects():
    bad = sample({**ORDER, "total": "25", "items": [{"sku": "SKU-1"}]}, scenario="bad order")
    findings = check_sample_schema(bad, avro_schema())
    by_path = {finding.path: finding for finding in findings}
    assert set(by_path) == {"$.data.total", "$.data.items[0]"}
    assert by_path["$.data.total"].check is Check.SAMPLE_SCHEMA
    assert by_path["$.data.total"].expected == 'type: "number"'
    assert by_path["$.data.total"].found == '"25"'
    assert by_path["$.data.items[0]"].message == "'quantity' is a required property"
    assert all(finding.sample == "bad order" and finding.schema == "OrderCreated v1" for finding in findings)
    assert all(finding.severity == "error" for finding in findings)


def test_check_2_points_at_nested_array_items_and_envelope_fields():
    data = {**ORDER, "orderId": "o-1", "items": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 0}]}
    bad = sample(data)
    bad.envelope["correlationId"] = None
    findings = check_sample_expectation(bad, INVENTORY_READS, consumer="inventory@1")
    assert {(f.path, f.expected, f.found) for f in findings} == {
        ("$.correlationId", 'type: "string"', "null"),
        ("$.data.items[1].quantity", "minimum: 1", "0"),
        ("$.data.orderId", 'format: "uuid"', '"o-1"'),
    }
    assert {finding.consumer for finding in findings} == {"inventory@1"}


def test_check_2_with_an_avro_reader_admits_unknown_fields_and_fills_defaults():
    reader = expect_avro(
        "OrderCreated",
        {
            "type": "record",
            "name": "OrderCreated",
            "fields": [
                {"name": "orderId", "type": "string"},
                {"name": "currency", "type": "string", "default": "EUR"},
            ],
        },
    )
    assert check_sample_expectation(sample(), reader, consumer="billing@1") == []
    findings = check_sample_expectation(sample({"total": 3}), reader, consumer="billing@1")
    assert [finding.message for finding in findings] == ["'orderId' is a required property"]


def test_check_3_avro_reader_needs_a_default_for_a_field_the_producer_lacks():
    reader = expect_avro(
        "OrderCreated",
        {
            "type": "record",
            "name": "OrderCreated",
            "namespace": "shop",
            "fields": [{"name": "orderId", "type": "string"}, {"name": "coupon", "type": "string"}],
        },
    )
    findings = check_schema_expectation(avro_schema(3), reader, consumer="billing@7")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.check, finding.severity, finding.schema, finding.consumer) == (
        Check.SCHEMA_EXPECTATION,
        "error",
        "OrderCreated v3",
        "billing@7",
    )
    assert finding.path == "$.data.coupon"
    assert finding.message.startswith(
        "READER_FIELD_MISSING_DEFAULT_VALUE: Field 'coupon' at path '#/fields/1' of the expected schema has "
        "no default and the published schema does not have it"
    )
    assert '"name":"coupon"' in finding.message


def test_an_unusable_schema_is_one_finding_not_a_crash():
    broken = ProducerSchema("OrderCreated", "AVRO", '{"type": "record"}', 2)
    [finding] = check_sample_schema(sample(), broken)
    assert finding.message.startswith("OrderCreated v2 cannot be used: Invalid Avro schema")
