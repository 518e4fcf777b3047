"""A consumer's expectations as a Pact V4 message pact, so teams can move between Accord and Pact.

Each expectation becomes one `Asynchronous/Messages` interaction: its first example as the content
(matchers' examples, an Avro reader schema's generated example), `eventType` in the metadata (which
`import_pact` reads back), and the expectation's JSON Schema as Pact matching rules: strings with a
pattern as `regex`, formats as `date`/`time`/`timestamp` (UUIDs as a `regex`), integers as `integer`,
numbers as `number`, other typed values and arrays (with their bounds) as `type`, string enums as a
`regex` of the values, maps as `values`. A value without a rule must equal the example, as in Pact, so
constants need none. What Pact cannot say (optional and nullable values, numeric bounds, string
lengths, alternatives) is listed in the pact's `metadata.accord.notExported`, so nobody takes the
pact for the whole expectation.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from contracts.errors import ContractError
from contracts.expectations import ConsumerContract, Expectation
from contracts.protobuf_data import imported, message_class
from contracts.string_formats import literal_pattern
from registry.compatibility import decoded_json_schema, json_mapping_schema

_UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_FORMATS = {
    "date": {"match": "date", "format": "yyyy-MM-dd"},
    "time": {"match": "time", "format": "HH:mm:ss"},
    "date-time": {"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss[.SSS]XXX"},
    "uuid": {"match": "regex", "regex": _UUID},
}
_UNSAID = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
)


def export_pact(contract: ConsumerContract, *, provider: str) -> dict[str, Any]:
    """The V4 message pact of `contract` (a JSON document)."""
    interactions = []
    not_exported: list[str] = []
    for index, expectation in enumerate(contract.expectations):
        schema = _json_schema(expectation)
        example = _example_of(expectation, schema)
        rules: dict[str, Any] = {}
        _rules(schema, example, "$", rules, not_exported, expectation.event_type)
        interactions.append(
            {
                "type": "Asynchronous/Messages",
                "key": f"{contract.consumer}-{index + 1}",
                "description": expectation.description or f"a {expectation.event_type} event",
                "metadata": {"eventType": expectation.event_type, "contentType": "application/json"},
                "contents": {"contentType": "application/json", "encoded": False, "content": example},
                "matchingRules": {"content": rules},
                "pending": False,
            }
        )
    metadata: dict[str, Any] = {"pactSpecification": {"version": "4.0"}}
    if not_exported:
        metadata["accord"] = {"notExported": not_exported}
    return {
        "consumer": {"name": contract.consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": metadata,
    }


def _json_schema(expectation: Expectation) -> dict[str, Any]:
    if expectation.schema_type == "AVRO":
        return decoded_json_schema(expectation.schema_text, as_reader=True)
    if isinstance(expectation.schema, str):  # a reader .proto: what its message reads, in the JSON mapping
        reader = message_class(
            expectation.schema_text,
            imported(expectation.imports),
            message=expectation.message,
            event_type=expectation.event_type,
        )
        return json_mapping_schema(reader.DESCRIPTOR)
    return expectation.schema


def _example_of(expectation: Expectation, schema: dict[str, Any]) -> Any:
    try:
        return expectation.examples()[0]
    except ContractError:
        return _example(schema)


def _example(schema: Any) -> Any:
    """A value of `schema` for expectations read from files (no matchers to take one from)."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        return _example(_not_null(alternatives)[0])
    kind = _kind(schema)
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name]) for name in schema.get("required", []) if name in properties}
    if kind == "array":
        return [_example(schema.get("items", {}))] * max(int(schema.get("minItems", 1)), 1)
    if kind == "string":
        formats = {"date": "2024-05-01", "time": "12:30:00", "date-time": "2024-05-01T12:30:00Z"}
        uuid = "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10"
        return {**formats, "uuid": uuid}.get(str(schema.get("format")), "text")
    return {"integer": 1, "number": 12.5, "boolean": True}.get(str(kind))


def _rules(
    schema: Any, value: Any, path: str, rules: dict[str, Any], unsaid: list[str], event_type: str
) -> None:
    if not isinstance(schema, dict) or value is None:
        return
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        branches = _not_null(alternatives)
        if len(branches) < len(alternatives):
            unsaid.append(f"{event_type} {path}: may be null")
        if len(branches) > 1:
            unsaid.append(f"{event_type} {path}: alternatives (only the example's shape is exported)")
        schema = next((b for b in branches if _fits(b, value)), branches[0])
    unsaid += [
        f"{event_type} {path}: {keyword} {schema[keyword]}" for keyword in _UNSAID if keyword in schema
    ]
    matcher = _matcher(schema, value)
    if matcher is not None:
        rules[path] = {"combine": "AND", "matchers": [matcher]}
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        required = schema.get("required", [])
        for key, item in value.items():
            child = f"{path}.{key}" if re.fullmatch(r"\w+", key) else f"{path}['{key}']"
            if key in properties and key not in required:
                unsaid.append(f"{event_type} {child}: optional (Pact expects it present)")
            _rules(properties.get(key, extra), item, child, rules, unsaid, event_type)
    elif isinstance(value, list) and value and isinstance(schema.get("items"), dict):
        _rules(schema["items"], value[0], f"{path}[*]", rules, unsaid, event_type)


def _matcher(schema: dict[str, Any], value: Any) -> dict[str, Any] | None:
    kind = _kind(schema)
    if "const" in schema:
        return None  # equal to the example: Pact's default
    if isinstance(schema.get("enum"), list) and all(isinstance(item, str) for item in schema["enum"]):
        return {
            "match": "regex",
            "regex": "^(" + "|".join(literal_pattern(item) for item in schema["enum"]) + ")$",
        }
    if "enum" in schema:
        return None
    if kind == "string":
        if "pattern" in schema:
            return {"match": "regex", "regex": schema["pattern"]}
        return dict(_FORMATS.get(str(schema.get("format")), {"match": "type"}))
    if kind == "integer":
        return {"match": "integer"}
    if kind == "number":
        return {"match": "number"}
    if kind == "array":
        bounds = {
            key: schema[source]
            for key, source in (("min", "minItems"), ("max", "maxItems"))
            if source in schema
        }
        return {"match": "type", **bounds}
    if (
        kind == "object"
        and isinstance(schema.get("additionalProperties"), dict)
        and not schema.get("properties")
    ):
        return {"match": "values"}
    if kind == "boolean":
        return {"match": "type"}
    return None


def _kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        return str(kinds[0]) if kinds else None
    return None if kind is None else str(kind)


def _not_null(branches: list[Any]) -> list[Any]:
    kept = [branch for branch in branches if not (isinstance(branch, dict) and branch.get("type") == "null")]
    return kept or branches


def _fits(schema: Any, value: Any) -> bool:
    expected = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value))
    if expected is None:
        expected = "integer" if isinstance(value, int) else "number"
    kind = _kind(schema) if isinstance(schema, dict) else None
    return kind is None or kind == expected or (kind == "number" and expected == "integer")


def pact_text(pact: dict[str, Any]) -> bytes:
    return orjson.dumps(pact, option=orjson.OPT_INDENT_2) + b"\n"
