"""The seed guide's order flow as test data: OrderCreated in Avro and JSON Schema, and expectations."""

from __future__ import annotations

import orjson

from contracts import each_like, expect, integer, optional, string, uuid
from contracts.checks import ProducerSchema
from contracts.samples import Sample, envelope_for

ORDER_CREATED_AVRO = {
    "type": "record",
    "name": "OrderCreated",
    "namespace": "shop",
    "fields": [
        {"name": "orderId", "type": "string"},
        {"name": "customerEmail", "type": "string"},
        {
            "name": "items",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Item",
                    "fields": [{"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"}],
                },
            },
        },
        {"name": "total", "type": "double"},
    ],
}

ORDER_CREATED_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "orderId": {"type": "string"},
        "customerEmail": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["sku", "quantity"],
            },
        },
        "total": {"type": "number"},
    },
    "required": ["orderId", "customerEmail", "items", "total"],
}

ORDER = {
    "orderId": "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10",
    "customerEmail": "ada@example.com",
    "items": [{"sku": "SKU-1", "quantity": 2}],
    "total": 25.0,
}

INVENTORY_READS = expect(
    "OrderCreated",
    {"orderId": uuid(), "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1)},
    envelope={"correlationId": string()},
)
NOTIFICATION_READS = expect(
    "OrderCreated", {"orderId": string(), "customerEmail": string(), "note": optional(string())}
)


def avro_schema(version: int | None = 1, schema: dict | None = None) -> ProducerSchema:
    return ProducerSchema(
        "OrderCreated", "AVRO", orjson.dumps(schema or ORDER_CREATED_AVRO).decode(), version
    )


def sample(data: dict | None = None, *, scenario: str = "order placed", schema: dict | None = None) -> Sample:
    envelope = envelope_for(
        "OrderCreated", ORDER if data is None else data, source="order-service", event_version=1
    )
    text = orjson.dumps(schema or ORDER_CREATED_AVRO).decode()
    return Sample(scenario, envelope, "AVRO", text)
