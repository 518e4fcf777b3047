"""An example of the data a schema describes, for the catalog page of an event type no producer has
published a sample of. Deterministic and small: defaults and examples where the schema gives them, the
first symbol, branch or enum value, one item per array, placeholders of each type otherwise.
"""

from __future__ import annotations

from typing import Any

import orjson

from registry.compatibility import SchemaType

MAX_DEPTH = 8  # a recursive schema ends in null (or nothing) at this depth
AVRO_PRIMITIVES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "int": 1,
    "long": 1,
    "float": 1.5,
    "double": 1.5,
    "bytes": "",
    "string": "text",
}
JSON_PLACEHOLDERS: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "integer": 1,
    "number": 1.5,
    "string": "text",
    "array": [],
    "object": {},
}
STRING_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "someone@example.com",
    "uri": "https://example.com/",
}


def example_of(schema_type: SchemaType, text: str) -> Any:
    """Example data for the schema `text` (None for Protobuf, whose text is no JSON)."""
    if schema_type is SchemaType.PROTOBUF:
        return None
    schema = orjson.loads(text)
    if schema_type is SchemaType.AVRO:
        return _avro(schema, {}, 0)
    return _json(schema, 0)


def _avro(schema: Any, named: dict[str, Any], depth: int) -> Any:
    if depth > MAX_DEPTH:
        return None
    if isinstance(schema, str):
        return AVRO_PRIMITIVES.get(schema, _avro(named.get(schema), named, depth + 1))
    if isinstance(schema, list):  # a union: its first branch
        return _avro(schema[0], named, depth + 1) if schema else None
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(schema.get("name"), str):
        named[schema["name"]] = schema
    if kind in ("record", "error"):
        return {
            field["name"]: field["default"]
            if "default" in field
            else _avro(field.get("type"), named, depth + 1)
            for field in schema.get("fields", [])
            if isinstance(field, dict) and "name" in field
        }
    if kind == "enum":
        return (schema.get("symbols") or [None])[0]
    if kind == "array":
        return [_avro(schema.get("items"), named, depth + 1)]
    if kind == "map":
        return {"key": _avro(schema.get("values"), named, depth + 1)}
    if kind == "fixed":
        return "\u0000" * int(schema.get("size", 0))
    return _avro(kind, named, depth + 1)


def _json(schema: Any, depth: int) -> Any:
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    for given in ("const", "default"):
        if given in schema:
            return schema[given]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for combined in ("oneOf", "anyOf", "allOf"):
        if isinstance(schema.get(combined), list) and schema[combined]:
            return _json(schema[combined][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((name for name in kind if name != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "null"
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: _json(inner, depth + 1) for name, inner in properties.items()}
    if kind == "array":
        return [_json(schema.get("items"), depth + 1)] if isinstance(schema.get("items"), dict) else []
    if kind == "string":
        return STRING_FORMATS.get(str(schema.get("format")), "text")
    if kind in ("integer", "number") and isinstance(schema.get("minimum"), int | float):
        return schema["minimum"]
    return JSON_PLACEHOLDERS.get(str(kind))
