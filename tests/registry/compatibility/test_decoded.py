"""The JSON Schema of Avro's decoded form accepts exactly what fastavro decodes, and as a reader schema
it admits what Avro resolution would read."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import fastavro
import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.samples import json_value
from registry.compatibility import ResolvedReference, SchemaParseError, SchemaType
from registry.compatibility.decoded import decoded_json_schema

ORDER = {
    "type": "record",
    "name": "OrderCreated",
    "namespace": "shop",
    "fields": [
        {"name": "orderId", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {
            "name": "lines",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Line",
                    "fields": [{"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"}],
                },
            },
        },
        {"name": "tags", "type": {"type": "map", "values": "long"}},
        {"name": "previous", "type": ["null", "Status"], "default": None},
        {"name": "checksum", "type": {"type": "fixed", "name": "Checksum", "size": 4}},
    ],
}


def decoded(schema, datum):
    parsed = fastavro.parse_schema(schema)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, datum)
    buffer.seek(0)
    return json_value(fastavro.schemaless_reader(buffer, parsed, parsed))


def test_the_decoded_form_of_an_order_is_described_exactly():
    schema = decoded_json_schema(orjson.dumps(ORDER).decode())
    properties = schema["properties"]
    assert properties["orderId"] == {"type": "string", "format": "uuid"}
    assert properties["placedAt"] == {"type": "string", "format": "date-time"}
    assert properties["total"] == {"type": "number"}
    assert properties["status"] == {"type": "string", "enum": ["NEW", "PAID"]}
    assert properties["note"] == {"type": ["null", "string"]}
    assert properties["lines"]["items"]["properties"]["quantity"] == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
    assert properties["tags"]["additionalProperties"]["maximum"] == 2**63 - 1
    assert properties["previous"] == {
        "anyOf": [{"type": "null"}, {"type": "string", "enum": ["NEW", "PAID"]}]
    }
    assert schema["required"] == [field["name"] for field in ORDER["fields"]]
    assert schema["additionalProperties"] is False

    datum = {
        "orderId": UUID("5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10"),
        "placedAt": datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        "total": Decimal("12.50"),
        "status": "PAID",
        "note": None,
        "lines": [{"sku": "A-1", "quantity": 2}],
        "tags": {"x": 1},
        "previous": "NEW",
        "checksum": b"\x00\x01\x02\xff",
    }
    value = decoded(ORDER, datum)
    assert value["placedAt"] == "2024-05-01T12:30:00Z"
    assert value["total"] == 12.5
    jsonschema.Draft7Validator(schema).validate(value)
    assert not jsonschema.Draft7Validator(schema).is_valid({**value, "extra": 1})


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_every_generated_datum_decodes_to_a_valid_instance(data):
    quantity = data.draw(st.integers(-(2**31), 2**31 - 1))
    sku = data.draw(st.text())
    datum = {
        "orderId": UUID(int=data.draw(st.integers(0, 2**128 - 1))),
        "placedAt": data.draw(st.datetimes(min_value=datetime(1970, 1, 2), timezones=st.just(UTC))),
        "total": Decimal(data.draw(st.integers(-(10**8), 10**8))) / 100,
        "status": data.draw(st.sampled_from(["NEW", "PAID"])),
        "note": data.draw(st.none() | st.text()),
        "lines": [{"sku": sku, "quantity": quantity}],
        "tags": data.draw(st.dictionaries(st.text(), st.integers(-(2**63), 2**63 - 1), max_size=3)),
        "previous": None,
        "checksum": data.draw(st.binary(min_size=4, max_size=4)),
    }
    jsonschema.Draft7Validator(decoded_json_schema(orjson.dumps(ORDER).decode())).validate(
        decoded(ORDER, datum)
    )


def test_as_a_reader_records_are_open_and_defaulted_fields_optional():
    schema = decoded_json_schema(orjson.dumps(ORDER).decode(), as_reader=True)
    assert "additionalProperties" not in schema
    assert "note" not in schema["required"]
    assert "previous" not in schema["required"]
    assert "orderId" in schema["required"]


def test_named_types_come_from_references_and_recursion_is_cut():
    money = {
        "type": "record",
        "name": "Money",
        "namespace": "shop",
        "fields": [{"name": "cents", "type": "long"}],
    }
    reference = ResolvedReference("shop.Money", "Money", 1, SchemaType.AVRO, orjson.dumps(money).decode())
    tree = {
        "type": "record",
        "name": "Node",
        "namespace": "shop",
        "fields": [
            {"name": "price", "type": "Money"},
            {"name": "children", "type": {"type": "array", "items": "Node"}},
        ],
    }
    schema = decoded_json_schema(orjson.dumps(tree).decode(), [reference])
    assert schema["properties"]["price"]["properties"]["cents"]["type"] == "integer"
    assert schema["properties"]["children"] == {"type": "array", "items": {}}


@pytest.mark.parametrize(
    "text", ['{"type": "record", "name": "R", "fields": [{"name": "a", "type": "Nope"}]}', "{"]
)
def test_unknown_names_and_bad_json_are_invalid_schemas(text):
    with pytest.raises(SchemaParseError):
        decoded_json_schema(text)
