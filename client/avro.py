"""Avro data: validate and write Confluent-framed schemaless binary, read it back with schema resolution.

fastavro's writer checks most of a datum while writing, but it silently truncates 1.5 to an int, writes
2**40 into a 32-bit int, writes "x" as boolean true and writes anything at all as null. A small checker
built once per schema covers exactly those gaps on the hot path; when either fails, `violations`
walks the whole datum and explains every problem with its JSON path.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import fastavro
import orjson
from fastavro.read import SchemaResolutionError

from client.errors import Violation
from client.paths import child_path
from client.wire import schema_prefix

Check = Callable[[Any], bool]

_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)
_LOGICAL_CLASSES: dict[str, tuple[type, ...]] = {
    "date": (date,),
    "time-millis": (time,),
    "time-micros": (time,),
    "timestamp-millis": (datetime,),
    "timestamp-micros": (datetime,),
    "local-timestamp-millis": (datetime,),
    "local-timestamp-micros": (datetime,),
    "decimal": (Decimal,),
    "uuid": (UUID,),
}
_MISSING = object()


class AvroSchemaError(ValueError):
    """The text is not a valid Avro schema."""


def parse_avro(schema_str: str, named_schemas: dict[str, Any] | None = None) -> Any:
    """fastavro's parsed form of the schema text (named types from references go in `named_schemas`)."""
    try:
        return fastavro.parse_schema(_interned(orjson.loads(schema_str)), named_schemas=named_schemas)
    except (orjson.JSONDecodeError, fastavro.schema.SchemaParseException, ValueError, TypeError) as error:
        raise AvroSchemaError(f"invalid Avro schema: {error}") from error


def _interned(node: Any) -> Any:
    """The JSON document with its strings interned, as a Python literal's are.

    fastavro matches type and field names with string comparisons, which are instant for the same
    object; with the fresh strings of parsed text, writing a message took about 5% longer.
    """
    if type(node) is str:
        return sys.intern(node)
    if type(node) is list:
        return [_interned(item) for item in node]
    if type(node) is dict:
        return {sys.intern(key): _interned(value) for key, value in node.items()}
    return node


class AvroCodec:
    """Writes and reads data of one Avro schema, framed with its Confluent prefix."""

    content_type: Literal["application/avro"] = "application/avro"

    def __init__(self, parsed: Any, schema_id: int) -> None:
        self.parsed = parsed
        self.schema_id = schema_id
        self.prefix = schema_prefix(schema_id)
        self._named: dict[str, Any] = parsed.get("__named_schemas", {}) if isinstance(parsed, dict) else {}
        self._gaps_ok = _GapChecks(self._named).build(parsed)

    def encode(self, data: Any) -> bytes | None:
        """The framed bytes, or None when the data is invalid (then ask `violations` why)."""
        if not self._gaps_ok(data):
            return None
        out = io.BytesIO()
        out.write(self.prefix)
        try:
            fastavro.schemaless_writer(out, self.parsed, data)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            return None
        return out.getvalue()

    def encode_checked(self, data: Any) -> bytes:
        """Write data `violations` found valid though the fast checks doubted it (defaults, logical types)."""
        out = io.BytesIO()
        out.write(self.prefix)
        fastavro.schemaless_writer(out, self.parsed, data)
        return out.getvalue()

    def violations(self, data: Any) -> list[Violation]:
        """Every way `data` breaks the schema, each with its JSON path."""
        found: list[Violation] = []
        _explain(self.parsed, data, "$", self._named, found)
        return found

    def decode(self, raw: bytes, reader: Any | None = None) -> Any:
        """Read the payload after the 5-byte prefix; raises ValueError when the bytes are not this schema's.

        SchemaResolutionError passes through when the reader schema cannot read this writer's data.
        """
        stream = io.BytesIO(raw)
        stream.seek(len(self.prefix))
        try:
            data = fastavro.schemaless_reader(stream, self.parsed, reader)
        except SchemaResolutionError:
            raise
        except Exception as error:
            # Arbitrary bytes fail in arbitrary ways (EOFError, IndexError, UnicodeDecodeError...).
            raise ValueError(
                f"payload is not valid Avro for this schema: {type(error).__name__}: {error}"
            ) from error
        if stream.tell() != len(raw):
            raise ValueError(f"{len(raw) - stream.tell()} unread byte(s) after the Avro payload")
        return data


class _GapChecks:
    """Builds, once per schema, a check of what fastavro's writer lets through."""

    def __init__(self, named: Mapping[str, Any]) -> None:
        self._named = named
        self._records: dict[str, Check] = {}

    def build(self, schema: Any) -> Check:
        check = self._check(schema)
        return check if check is not None else _always

    def _check(self, schema: Any) -> Check | None:
        """A check for this schema position, or None when the writer checks it fully by itself."""
        if isinstance(schema, str):
            if schema in self._named:
                return self._record(self._named[schema])
            return _PRIMITIVE_CHECKS.get(schema)
        if isinstance(schema, list):
            return None  # fastavro validates every union branch before choosing one
        kind = schema["type"]
        logical = schema.get("logicalType")
        if kind == "record" or kind == "error":
            return self._record(schema)
        if kind == "array":
            return _array(self._check(schema["items"]))
        if kind == "map":
            return _map(self._check(schema["values"]))
        if kind in ("int", "long") and logical in _LOGICAL_CLASSES:
            return _logical_integer(_INT_RANGE if kind == "int" else _LONG_RANGE)
        if isinstance(kind, str) and kind in _PRIMITIVE_CHECKS and logical is None:
            return _PRIMITIVE_CHECKS[kind]
        return None

    def _record(self, schema: Mapping[str, Any]) -> Check | None:
        name = schema["name"]
        if name in self._records:
            return self._records[name]
        fields: list[tuple[str, Check]] = []
        # A recursive type refers to itself: the check looks the finished record check up when it runs.
        self._records[name] = lambda value: self._records[name](value)
        for field in schema["fields"]:
            check = self._check(field["type"])
            if check is not None:
                fields.append((field["name"], check))
        record_check = _record(tuple(fields)) if fields else None
        if record_check is None:
            del self._records[name]
            return None
        self._records[name] = record_check
        return record_check


def _always(value: Any) -> bool:
    return True


def _is_int(value: Any) -> bool:
    return type(value) is int and -2147483648 <= value <= 2147483647


def _is_long(value: Any) -> bool:
    return type(value) is int and -9223372036854775808 <= value <= 9223372036854775807


def _is_number(value: Any) -> bool:
    return type(value) is float or type(value) is int


def _is_null(value: Any) -> bool:
    return value is None


def _is_boolean(value: Any) -> bool:
    return type(value) is bool


_PRIMITIVE_CHECKS: dict[str, Check] = {
    "null": _is_null,
    "boolean": _is_boolean,
    "int": _is_int,
    "long": _is_long,
    "float": _is_number,
    "double": _is_number,
}


def _logical_integer(bounds: tuple[int, int]) -> Check:
    low, high = bounds

    def check(value: Any) -> bool:
        if type(value) is int:
            return low <= value <= high
        return not isinstance(value, (float, bool, str))

    return check


# How the record check inlines the scalar checks above.
_INTEGER_BOUNDS: dict[Check, tuple[int, int]] = {_is_int: _INT_RANGE, _is_long: _LONG_RANGE}
_EXACT_TYPES: dict[Check, frozenset[type]] = {
    _is_null: frozenset({type(None)}),
    _is_boolean: frozenset({bool}),
    _is_number: frozenset({int, float}),
}


# The record check is plain loops over fields grouped by kind: a function call or a generator per
# field would cost several microseconds per event on the hot path.
def _record(fields: tuple[tuple[str, Check], ...]) -> Check:
    ranges = tuple((name, *_INTEGER_BOUNDS[check]) for name, check in fields if check in _INTEGER_BOUNDS)
    typed = tuple((name, _EXACT_TYPES[check]) for name, check in fields if check in _EXACT_TYPES)
    others = tuple(
        (name, check) for name, check in fields if check not in _INTEGER_BOUNDS and check not in _EXACT_TYPES
    )

    def check(record: Any) -> bool:
        if type(record) is not dict:
            return False
        get = record.get
        for name, low, high in ranges:
            value = get(name)
            if type(value) is not int or not low <= value <= high:
                return False
        for name, allowed in typed:
            if type(get(name, _MISSING)) not in allowed:
                return False
        for name, field_ok in others:  # noqa: SIM110
            if not field_ok(get(name, _MISSING)):
                return False
        return True

    return check


def _array(items_ok: Check | None) -> Check:
    def check(value: Any) -> bool:
        if type(value) is not list and type(value) is not tuple:
            return False
        if items_ok is not None:
            for item in value:
                if not items_ok(item):
                    return False
        return True

    return check


def _map(values_ok: Check | None) -> Check | None:
    if values_ok is None:
        return None

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        for item in value.values():  # noqa: SIM110
            if not values_ok(item):
                return False
        return True

    return check


def _type_name(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    if isinstance(schema, list):
        return "union"
    return str(schema.get("logicalType") or schema.get("name") or schema["type"])


def _explain(schema: Any, value: Any, path: str, named: Mapping[str, Any], found: list[Violation]) -> None:
    """Append every violation of `value` against `schema` (fastavro's validation rules) to `found`."""
    if isinstance(schema, str) and schema in named:
        schema = named[schema]
    if isinstance(schema, list):
        _explain_union(schema, value, path, named, found)
        return
    kind = schema if isinstance(schema, str) else schema["type"]
    if not isinstance(kind, str):
        _explain(kind, value, path, named, found)
        return
    logical = None if isinstance(schema, str) else schema.get("logicalType")
    if logical in _LOGICAL_CLASSES and isinstance(value, _LOGICAL_CLASSES[logical]):
        return
    explain = _EXPLAINERS.get(kind)
    if explain is not None:
        explain(schema, value, path, named, found)
        return
    message = _primitive_problem(kind, value)
    if message is not None:
        found.append(Violation("type" if "range" not in message else "range", path, message, value))


def _primitive_problem(kind: str, value: Any) -> str | None:
    if kind in ("int", "long"):
        if type(value) is not int:
            return f"expected an Avro {kind}, got {type(value).__name__}"
        low, high = _INT_RANGE if kind == "int" else _LONG_RANGE
        if not low <= value <= high:
            return f"{value} is out of range for an Avro {kind} ({low}..{high})"
        return None
    expected: dict[str, tuple[type, ...]] = {
        "null": (type(None),),
        "boolean": (bool,),
        "float": (int, float),
        "double": (int, float),
        "string": (str,),
        "bytes": (bytes, bytearray),
    }
    classes = expected.get(kind)
    if classes is None:
        return f"unknown Avro type {kind!r}"
    if not isinstance(value, classes) or (kind in ("float", "double") and isinstance(value, bool)):
        return f"expected {kind}, got {type(value).__name__}"
    return None


def _explain_record(
    schema: Mapping[str, Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    if not isinstance(value, Mapping):
        found.append(
            Violation("type", path, f"expected a record {schema['name']}, got {type(value).__name__}", value)
        )
        return
    for field in schema["fields"]:
        name = field["name"]
        field_path = child_path(path, name)
        if name in value:
            _explain(field["type"], value[name], field_path, named, found)
        elif "default" not in field:
            found.append(Violation("required", field_path, f"required field {name!r} is missing", None))


def _explain_array(
    schema: Mapping[str, Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes, bytearray)):
        found.append(Violation("type", path, f"expected an array, got {type(value).__name__}", value))
        return
    for index, item in enumerate(value):
        _explain(schema["items"], item, child_path(path, index), named, found)


def _explain_map(
    schema: Mapping[str, Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    if not isinstance(value, Mapping):
        found.append(Violation("type", path, f"expected a map, got {type(value).__name__}", value))
        return
    for key, item in value.items():
        if not isinstance(key, str):
            found.append(Violation("type", path, f"map keys must be strings, got {key!r}", key))
        else:
            _explain(schema["values"], item, child_path(path, key), named, found)


def _explain_enum(
    schema: Mapping[str, Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    if value not in schema["symbols"]:
        symbols = ", ".join(schema["symbols"])
        found.append(Violation("enum", path, f"{value!r} is not one of the symbols {symbols}", value))


def _explain_fixed(
    schema: Mapping[str, Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    if not isinstance(value, (bytes, bytearray)):
        found.append(
            Violation(
                "type", path, f"expected {schema['size']} fixed bytes, got {type(value).__name__}", value
            )
        )
    elif len(value) != schema["size"]:
        found.append(
            Violation("size", path, f"expected exactly {schema['size']} bytes, got {len(value)}", value)
        )


def _explain_union(
    branches: list[Any], value: Any, path: str, named: Mapping[str, Any], found: list[Violation]
) -> None:
    attempts: list[list[Violation]] = []
    for branch in branches:
        branch_found: list[Violation] = []
        _explain(branch, value, path, named, branch_found)
        if not branch_found:
            return
        attempts.append(branch_found)
    # A mapping offered to a union with one record branch was meant as that record: show why it fails.
    record_branches = [
        found_in_branch
        for branch, found_in_branch in zip(branches, attempts, strict=True)
        if _resolved_kind(branch, named) in ("record", "error")
    ]
    if isinstance(value, Mapping) and len(record_branches) == 1:
        found.extend(record_branches[0])
        return
    names = ", ".join(_type_name(branch) for branch in branches)
    found.append(Violation("union", path, f"{type(value).__name__} value matches none of [{names}]", value))


def _resolved_kind(schema: Any, named: Mapping[str, Any]) -> str:
    if isinstance(schema, str):
        schema = named.get(schema, schema)
    if isinstance(schema, str):
        return schema
    return "union" if isinstance(schema, list) else str(schema["type"])


_EXPLAINERS: dict[str, Callable[[Any, Any, str, Mapping[str, Any], list[Violation]], None]] = {
    "record": _explain_record,
    "error": _explain_record,
    "array": _explain_array,
    "map": _explain_map,
    "enum": _explain_enum,
    "fixed": _explain_fixed,
}
