"""Example data for an Avro reader schema, as the consumer's handler sees it once decoded.

A consumer that declares what it reads as an Avro reader schema gets, from the pytest fixture, one
event per variant: every nullable field set, every nullable field null, and each branch of its
unions. Values are in their JSON form, as recorded samples are (contracts.samples): timestamps and
dates as RFC 3339 text, UUIDs as text, decimals as numbers. Fields with a default are present, because
schema resolution fills them in. The schema is read with the client's Avro parser (fastavro), which
names every named type by its full name; only the client's dependencies are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from client.avro import AvroSchemaError, parse_avro
from contracts.errors import ContractError

_PRIMITIVES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "int": 1,
    "long": 1,
    "float": 12.5,
    "double": 12.5,
    "string": "text",
    "bytes": "bytes",
}
_LOGICAL: dict[str, Any] = {
    "decimal": 12.5,
    "uuid": "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10",
    "date": "2024-05-01",
    "time-millis": "12:30:00",
    "time-micros": "12:30:00",
    "timestamp-millis": "2024-05-01T12:30:00Z",
    "timestamp-micros": "2024-05-01T12:30:00Z",
    "timestamp-nanos": "2024-05-01T12:30:00Z",
    "local-timestamp-millis": "2024-05-01T12:30:00",
    "local-timestamp-micros": "2024-05-01T12:30:00",
}


@dataclass(frozen=True, slots=True)
class _Choice:
    nulls: bool  # nullable values null (True) or set (False)
    branch: int  # which non-null branch of each union


def avro_examples(schema: Any) -> list[Any]:
    """Decoded values of `schema` that exercise every variant: nullable values set, nullable values
    null, and each union branch (a recursive type stops at its first repetition)."""
    named: dict[str, Any] = {}
    try:
        parsed = parse_avro(orjson.dumps(schema).decode(), named)  # named types by their full names
    except AvroSchemaError as error:
        raise ContractError(f"the Avro reader schema cannot give examples: {error}") from error
    choices = [_Choice(nulls=False, branch=0), _Choice(nulls=True, branch=0)]
    choices += [_Choice(nulls=False, branch=index) for index in range(1, _widest_union(parsed, set()))]
    found: list[Any] = []
    for choice in choices:
        value = _example(parsed, choice, named, ())
        if value not in found:
            found.append(value)
    return found


def _example(schema: Any, choice: _Choice, named: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(schema, list):
        branches = [branch for branch in schema if branch != "null"]
        if not branches or (choice.nulls and "null" in schema):
            return None
        return _example(branches[min(choice.branch, len(branches) - 1)], choice, named, seen)
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        if schema in seen:
            return None
        return _example(named[schema], choice, named, (*seen, schema))
    kind = schema.get("type")
    logical = schema.get("logicalType")
    if logical in _LOGICAL:
        return _LOGICAL[logical]
    if kind in ("record", "error"):
        inside = (*seen, str(schema.get("name")))
        return {
            str(field["name"]): _example(field["type"], choice, named, inside) for field in schema["fields"]
        }
    if kind == "enum":
        return schema["symbols"][0]
    if kind == "fixed":
        return "x" * int(schema["size"])
    if kind == "array":
        return [_example(schema["items"], choice, named, seen)]
    if kind == "map":
        return {"key": _example(schema["values"], choice, named, seen)}
    return _example(kind, choice, named, seen)


def _widest_union(schema: Any, seen: set[int]) -> int:
    """The most non-null branches any union in `schema` has (1 when it has none)."""
    if id(schema) in seen:
        return 1
    if isinstance(schema, list):
        own = len([branch for branch in schema if branch != "null"])
        return max(own, *(_widest_union(branch, seen) for branch in schema))
    if not isinstance(schema, dict):
        return 1
    seen.add(id(schema))
    inner = [field.get("type") for field in schema.get("fields", []) if isinstance(field, dict)]
    inner += [schema[key] for key in ("items", "values") if key in schema]
    if isinstance(schema.get("type"), dict | list):
        inner.append(schema["type"])
    return max([1, *(_widest_union(item, seen) for item in inner)])
