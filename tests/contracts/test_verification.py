"""Verification pairs producers with the consumers that read their event types, and generated samples
stand in for a producer that recorded none."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import jsonschema
import orjson

from contracts import ConsumerContract, expect_avro
from contracts.generation import generate_samples
from contracts.samples import json_value
from contracts.verification import producer_side, verify
from tests.contracts.orders import ORDER, ORDER_CREATED_AVRO, ORDER_CREATED_JSON, avro_schema, sample

READS_TOTAL = expect_avro(
    "OrderCreated",
    {
        "type": "record",
        "name": "OrderCreated",
        "namespace": "shop",
        "fields": [{"name": "total", "type": "double"}],
    },
)
READS_COUPON = expect_avro(
    "OrderCreated",
    {
        "type": "record",
        "name": "OrderCreated",
        "namespace": "shop",
        "fields": [{"name": "coupon", "type": "string"}],
    },
    versions=">=2",
)
READS_PAYMENTS = expect_avro("OrderPaid", {"type": "record", "name": "OrderPaid", "fields": []})


def test_pairs_are_the_consumers_that_read_what_the_producer_publishes():
    side = producer_side("order-service", "p1", [sample()], [avro_schema(1)])
    billing = ConsumerContract("billing", "b1", (READS_TOTAL,))
    payments = ConsumerContract("payments", "x1", (READS_PAYMENTS,))
    result = verify([side], [billing, payments])
    assert [(pair.consumer, pair.success) for pair in result.pairs] == [("billing", True)]
    assert result.success


def test_an_expectation_checks_only_schema_versions_in_its_range():
    side = producer_side("order-service", "p1", [], [avro_schema(1)])
    coupon_reader = ConsumerContract("promotions", "c1", (READS_COUPON,))
    assert verify([side], [coupon_reader]).pairs[0].findings == ()
    side_v2 = producer_side("order-service", "p2", [], [avro_schema(1), avro_schema(2)])
    [finding] = verify([side_v2], [coupon_reader]).pairs[0].findings
    assert finding.schema == "OrderCreated v2"
    assert finding.consumer == "promotions@c1"


def test_a_sample_invalid_under_its_own_schema_fails_the_producer_and_every_reader():
    bad = sample({**ORDER, "total": "free"})
    side = producer_side("order-service", "p1", [bad], [])
    result = verify([side], [ConsumerContract("billing", "b1", (READS_TOTAL,))])
    assert not result.success
    assert [f.path for f in result.producer_findings] == ["$.data.total"]
    assert result.producer_findings[0].schema == "OrderCreated (schema of sample 'order placed')"
    pair_paths = sorted(f.path for f in result.pairs[0].findings)
    assert pair_paths == ["$.data.total", "$.data.total"]  # check 1 and check 2
    assert len(result.findings()) == 2


def test_generated_avro_samples_are_decoded_and_valid():
    schema = avro_schema(1)
    samples = generate_samples(schema, source="order-service", count=4)
    assert len(samples) == 4
    assert all(s.generated and s.event_type == "OrderCreated" for s in samples)
    assert generate_samples(schema, source="order-service", count=4) == samples  # the same every run
    side = producer_side("order-service", "p1", samples, [schema])
    assert verify([side], []).producer_findings == ()


def test_generated_json_samples_satisfy_their_schema():
    from contracts.checks import ProducerSchema

    schema = ProducerSchema("OrderCreated", "JSON", orjson.dumps(ORDER_CREATED_JSON).decode(), 1)
    samples = generate_samples(schema, source="order-service", count=5)
    assert len(samples) == 5
    validator = jsonschema.Draft7Validator(ORDER_CREATED_JSON)
    assert all(validator.is_valid(s.data) for s in samples)


def test_decoded_values_take_their_json_form():
    value = json_value(
        {
            "at": datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
            "id": UUID("5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10"),
            "price": Decimal("12.50"),
            "count": Decimal("3"),
            "raw": b"\x00\xff",
            "nested": [(1, 2)],
        }
    )
    assert value == {
        "at": "2024-05-01T12:30:00Z",
        "id": "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10",
        "price": 12.5,
        "count": 3,
        "raw": "\x00\xff",
        "nested": [[1, 2]],
    }
    assert orjson.loads(orjson.dumps(value)) == value
    assert ORDER_CREATED_AVRO["name"] == "OrderCreated"
