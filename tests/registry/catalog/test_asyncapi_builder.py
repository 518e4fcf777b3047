"""The AsyncAPI builder and the example generator as pure functions: the cases the registry's data
does not reach in the other tests (Protobuf payloads, full Avro names in unions and arrays, JSON
Schema examples)."""

from __future__ import annotations

import json

from registry.catalog import CatalogContent, EventSchema, build_document
from registry.catalog.asyncapi import split_full_names
from registry.catalog.examples import example_of
from registry.compatibility import SchemaType

PROTO = 'syntax = "proto3";\npackage shop;\nmessage Refund { string id = 1; }\n'


def test_a_protobuf_payload_is_its_text_with_the_protobuf_schema_format() -> None:
    event = EventSchema("refunds-value", 2, 7, SchemaType.PROTOBUF, PROTO, versions=(1, 2))
    document = build_document(CatalogContent("t", "http://r", [event]), by_reference=True)
    message = document["components"]["messages"]["refunds-value"]
    assert message["payload"] == {
        "schemaFormat": "application/vnd.google.protobuf;version=3",
        "schema": PROTO,
    }
    assert message["contentType"] == "application/x-protobuf"
    assert message["x-accord-versions"] == [1, 2]
    assert document["channels"]["refunds-value"]["address"] == "refunds"
    assert document["info"]["version"] == "7.0.0"


def test_full_names_are_split_wherever_a_named_type_is_defined() -> None:
    schema = {
        "type": "record",
        "name": "shop.Order",
        "fields": [
            {"name": "state", "type": ["null", {"type": "enum", "name": "shop.State", "symbols": ["NEW"]}]},
            {
                "name": "lines",
                "type": {"type": "array", "items": {"type": "fixed", "name": "a.b.Id", "size": 4}},
            },
            {"name": "again", "type": "shop.State"},
        ],
    }
    split = split_full_names(schema)
    assert (split["name"], split["namespace"]) == ("Order", "shop")
    assert split["fields"][0]["type"][1] == {
        "type": "enum",
        "name": "State",
        "namespace": "shop",
        "symbols": ["NEW"],
    }
    assert split["fields"][1]["type"]["items"] == {
        "type": "fixed",
        "name": "Id",
        "namespace": "a.b",
        "size": 4,
    }
    assert split["fields"][2] == {"name": "again", "type": "shop.State"}  # a use by name stays a full name


def test_json_schema_examples_use_what_the_schema_gives() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "kind": {"enum": ["refund", "chargeback"]},
            "amount": {"type": "integer", "minimum": 5},
            "note": {"type": ["null", "string"], "examples": ["late delivery"]},
            "tags": {"type": "array", "items": {"type": "string", "default": "x"}},
            "payer": {"oneOf": [{"type": "object", "properties": {"iban": {"const": "DE00"}}}]},
        },
    }
    assert example_of(SchemaType.JSON, json.dumps(schema)) == {
        "id": "00000000-0000-4000-8000-000000000000",
        "kind": "refund",
        "amount": 5,
        "note": "late delivery",
        "tags": ["x"],
        "payer": {"iban": "DE00"},
    }
    assert example_of(SchemaType.PROTOBUF, PROTO) is None


def test_avro_examples_end_recursive_types() -> None:
    node = {
        "type": "record",
        "name": "Node",
        "fields": [{"name": "value", "type": "int"}, {"name": "next", "type": ["Node", "null"]}],
    }
    example = example_of(SchemaType.AVRO, json.dumps(node))
    depth = 0
    while isinstance(example, dict):
        example, depth = example["next"], depth + 1
    assert example is None
    assert 1 < depth < 10
