"""Where in the data a place in a schema applies, as contract findings name it: the engine's pointers
(which pass through `$ref`s and named types where they are used) become JSON paths like check 2's."""

from __future__ import annotations

import orjson
import pytest

from registry.compatibility import SchemaType, parse_schema

ORDER_AVRO = {
    "type": "record",
    "name": "Order",
    "fields": [
        {"name": "id", "type": "string"},
        {
            "name": "lines",
            "type": {
                "type": "array",
                "items": {"type": "record", "name": "Line", "fields": [{"name": "sku", "type": "string"}]},
            },
        },
        {
            "name": "shipTo",
            "type": [
                "null",
                {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}]},
            ],
        },
        {"name": "billTo", "type": ["null", "Address"]},
        {
            "name": "tags",
            "type": {"type": "map", "values": {"type": "enum", "name": "Tag", "symbols": ["A"]}},
        },
    ],
}


@pytest.mark.parametrize(
    ("pointer", "path"),
    [
        ("#/", "$"),
        ("#/name", "$"),
        ("#/fields/0", "$.id"),
        ("#/fields/0/type", "$.id"),
        ("#/fields/1/type/items/fields/0/type", "$.lines[*].sku"),
        ("#/fields/2/type/1/fields/0", "$.shipTo.city"),
        ("#/fields/3/type/1/fields/0", "$.billTo.city"),  # a named type followed where it is used
        ("#/fields/4/type/values/symbols", "$.tags.*"),
        ("#/fields/9", "$"),
    ],
)
def test_avro_pointers_name_the_datum(pointer: str, path: str) -> None:
    assert parse_schema(SchemaType.AVRO, orjson.dumps(ORDER_AVRO).decode()).data_path(pointer) == path


@pytest.mark.parametrize(
    ("pointer", "path"),
    [
        ("#", "$"),
        ("#/type", "$"),
        ("#/properties/id", "$.id"),
        ("#/properties/lines/items/properties/sku/pattern", "$.lines[*].sku"),
        ("#/properties/point/items/1", "$.point[1]"),
        ("#/properties/point/prefixItems/0/type", "$.point[0]"),
        ("#/properties/home/required/city", "$.home.city"),
        ("#/properties/pay/oneOf/1/properties/iban", "$.pay.iban"),
        ("#/properties/pay/anyOf/0/not/type", "$.pay"),
        ("#/additionalProperties/type", "$.*"),
        ("#/patternProperties/^x-/type", "$.*"),
        ("#/properties/a~1b/properties/odd key", "$['a/b']['odd key']"),
        ("#/properties/tags/contains/enum", "$.tags[*]"),
    ],
)
def test_json_schema_pointers_name_the_data(pointer: str, path: str) -> None:
    assert parse_schema(SchemaType.JSON, "{}").data_path(pointer) == path


def test_json_schema_values_are_found_through_references() -> None:
    schema = parse_schema(
        SchemaType.JSON,
        orjson.dumps(
            {
                "properties": {"home": {"$ref": "#/definitions/address"}},
                "definitions": {"address": {"properties": {"city": {"type": "string"}}}},
            }
        ).decode(),
    )

    assert schema.value_at("#/properties/home/properties/city") == {"type": "string"}
    assert schema.value_at("#/properties/home/properties/zip") is None
    assert schema.value_at("#/properties/work") is None
