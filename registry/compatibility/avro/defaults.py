"""Checking a field's default value against the field's type, the way a reader will use it.

A default is JSON: bytes and fixed values are strings of characters U+0000 to U+00FF (one per byte),
a record is an object with a value for every field that has no default of its own, and a union's
default may match any of its branches (Avro 1.12). The conformed value is the default normalized to
its type (a whole number given to a double becomes a float), which the normalized form uses.
"""

from __future__ import annotations

from typing import Any

from registry.compatibility.avro.model import Array, AvroType, Enum, Fixed, Map, Record, Union
from registry.compatibility.avro.wording import describe_type, pointer_token, show_value

_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)
_FLOAT_WORDS = ("NaN", "Infinity", "-Infinity")


class InvalidDefaultError(ValueError):
    """A default value does not fit its type; `pointer` locates the bad part inside the default."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer


def conform_default(value: Any, avro_type: AvroType) -> Any:
    """`value` normalized to `avro_type`, or InvalidDefaultError saying what was expected."""
    return _Conformer().conform(value, avro_type)


class _Conformer:
    """One default's check. A union tries its branches in turn, so each failure of a part of the value
    against a type is remembered: nested unions of records then cost polynomial time, not
    exponential."""

    def __init__(self) -> None:
        self.failures: dict[tuple[int, int], InvalidDefaultError] = {}

    def conform(self, value: Any, avro_type: AvroType) -> Any:
        key = (id(value), id(avro_type))
        failure = self.failures.get(key)
        if failure is not None:
            raise InvalidDefaultError(failure.message, failure.pointer)
        try:
            return self._conform(value, avro_type)
        except InvalidDefaultError as error:
            self.failures[key] = error
            raise

    def _conform(self, value: Any, avro_type: AvroType) -> Any:
        kind = avro_type.kind
        if kind == "null" and value is None:
            return value
        if kind == "boolean" and isinstance(value, bool):
            return value
        if kind in ("int", "long") and is_whole_number(value):
            low, high = _INT_RANGE if kind == "int" else _LONG_RANGE
            if low <= value <= high:
                return value
        if kind in ("float", "double"):
            if is_whole_number(value) or isinstance(value, float):
                return float(value)
            if value in _FLOAT_WORDS:
                return value
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "bytes" and _is_byte_string(value):
            return value
        if isinstance(avro_type, Fixed) and _is_byte_string(value) and len(value) == avro_type.size:
            return value
        if isinstance(avro_type, Enum) and value in avro_type.symbols:
            return value
        if isinstance(avro_type, Array) and isinstance(value, list):
            return [self._part(item, avro_type.items, str(index)) for index, item in enumerate(value)]
        if isinstance(avro_type, Map) and isinstance(value, dict):
            return {key: self._part(item, avro_type.values, key) for key, item in value.items()}
        if isinstance(avro_type, Record) and isinstance(value, dict):
            return self._record(value, avro_type)
        if isinstance(avro_type, Union):
            return self._union(value, avro_type)
        raise InvalidDefaultError(f"expected {_expectation(avro_type)}, found {show_value(value)}")

    def _part(self, value: Any, avro_type: AvroType, key: str) -> Any:
        try:
            return self.conform(value, avro_type)
        except InvalidDefaultError as error:
            raise InvalidDefaultError(error.message, f"/{pointer_token(key)}{error.pointer}") from error

    def _record(self, value: dict[str, Any], record: Record) -> dict[str, Any]:
        conformed = {}
        for field in record.fields:
            if field.name in value:
                conformed[field.name] = self._part(value[field.name], field.type, field.name)
            elif not field.has_default:
                raise InvalidDefaultError(
                    f'the value for record {record.full_name} lacks field "{field.name}", '
                    "which has no default"
                )
        return conformed

    def _union(self, value: Any, union: Union) -> Any:
        for branch in union.branches:
            try:
                return self.conform(value, branch)
            except InvalidDefaultError:
                continue
        raise InvalidDefaultError(
            f"expected a value of one of the types in {describe_type(union)}, found {show_value(value)}"
        )


def _expectation(avro_type: AvroType) -> str:
    kind = avro_type.kind
    if isinstance(avro_type, Enum):
        return "one of the symbols " + ", ".join(avro_type.symbols)
    if isinstance(avro_type, Fixed):
        return f"a string of exactly {avro_type.size} characters from \\u0000 to \\u00ff (one per byte)"
    if isinstance(avro_type, Record):
        return f"a JSON object with the fields of record {avro_type.full_name}"
    return _EXPECTATIONS[kind]


_EXPECTATIONS = {
    "null": "null",
    "boolean": "true or false",
    "int": "an int (a whole number from -2147483648 to 2147483647)",
    "long": "a long (a whole number from -9223372036854775808 to 9223372036854775807)",
    "float": "a number",
    "double": "a number",
    "string": "a string",
    "bytes": "a string of characters from \\u0000 to \\u00ff (one per byte)",
    "array": "a JSON array",
    "map": "a JSON object",
}


def is_whole_number(value: Any) -> bool:
    """An int that is not a bool (JSON's true and false are not numbers)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_byte_string(value: Any) -> bool:
    return isinstance(value, str) and all(ord(character) < 256 for character in value)
