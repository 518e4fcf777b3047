"""JSON data: validate against a JSON Schema and write orjson bytes in Confluent's framing.

jsonschema-rs answers the hot question (valid or not) in microseconds; python-jsonschema explains a
failure with every error's keyword, path and value. Draft 3 has no compiled validator, so python-jsonschema
answers both questions there. A schema without `$schema` is read as draft-07, as Confluent does.
Formats are annotations (not asserted), as python-jsonschema does by default.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import jsonschema_rs
import orjson
from jsonschema.protocols import Validator

from client.errors import Violation
from client.paths import child_path
from client.wire import schema_prefix

_COMPILED: dict[type[Validator], Any] = {
    jsonschema.Draft4Validator: jsonschema_rs.Draft4Validator,
    jsonschema.Draft6Validator: jsonschema_rs.Draft6Validator,
    jsonschema.Draft7Validator: jsonschema_rs.Draft7Validator,
    jsonschema.Draft201909Validator: jsonschema_rs.Draft201909Validator,
    jsonschema.Draft202012Validator: jsonschema_rs.Draft202012Validator,
}


class JsonSchemaError(ValueError):
    """The text is not a usable JSON Schema."""


def _refuse_remote(uri: str) -> Any:
    raise ValueError(f"remote $ref {uri!r} is not fetched; register it as a schema reference instead")


class JsonSchemaValidator:
    """A JSON Schema compiled once: a fast yes/no, and every violation when the answer is no."""

    def __init__(self, schema: Any) -> None:
        explainer_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
        try:
            explainer_class.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise JsonSchemaError(f"invalid JSON Schema at {error.json_path}: {error.message}") from error
        self._explainer = explainer_class(schema)
        compiled_class = _COMPILED.get(explainer_class)
        self._compiled = None
        if compiled_class is not None:
            try:
                self._compiled = compiled_class(schema, validate_formats=False, retriever=_refuse_remote)
            except (ValueError, jsonschema_rs.ReferencingError) as error:
                raise JsonSchemaError(f"JSON Schema cannot be compiled: {error}") from error

    def is_valid(self, data: Any) -> bool:
        if self._compiled is None:
            return bool(self._explainer.is_valid(data))
        try:
            return bool(self._compiled.is_valid(data))
        except (ValueError, TypeError):
            return False  # a Python value with no JSON counterpart; `violations` names it

    def violations(self, data: Any) -> list[Violation]:
        """Every violation, in document order, each with its keyword, JSON path, message and value."""
        found = [
            Violation(str(error.validator), _json_path(error.absolute_path), error.message, error.instance)
            for error in self._explainer.iter_errors(data)
        ]
        return sorted(found, key=lambda violation: violation.path)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path = child_path(path, part)
    return path


class JsonCodec:
    """Writes and reads data of one JSON Schema, framed with its Confluent prefix."""

    content_type = "application/json"

    def __init__(self, validator: JsonSchemaValidator, schema_id: int) -> None:
        self.validator = validator
        self.schema_id = schema_id
        self.prefix = schema_prefix(schema_id)

    def encode(self, data: Any) -> bytes | None:
        """The framed bytes, or None when the data is invalid (then ask `violations` why)."""
        if not self.validator.is_valid(data):
            return None
        try:
            return self.prefix + orjson.dumps(data)
        except TypeError:
            return None

    def encode_checked(self, data: Any) -> bytes:
        return self.prefix + orjson.dumps(data)

    def violations(self, data: Any) -> list[Violation]:
        found = self.validator.violations(data)
        if not found:
            try:
                orjson.dumps(data)
            except TypeError as error:
                found.append(Violation("json", "$", f"not representable as JSON: {error}", data))
        return found

    def decode(self, raw: bytes) -> Any:
        """Parse the JSON after the prefix; raises ValueError when it is not JSON."""
        try:
            return orjson.loads(memoryview(raw)[len(self.prefix) :])
        except orjson.JSONDecodeError as error:
            raise ValueError(f"payload is not valid JSON: {error}") from error
