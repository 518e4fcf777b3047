r"""JSON data: validate against a JSON Schema and write orjson bytes in Confluent's framing.

jsonschema-rs answers the hot question (valid or not) in microseconds; python-jsonschema explains a
failure with every error's keyword, path and value. Draft 3 has no compiled validator, so python-jsonschema
answers both questions there. A schema without `$schema` is read as draft-07, as Confluent does.
Formats are annotations (not asserted), as python-jsonschema does by default.

Where the two differ, the explainer is taught jsonschema-rs's (and the specification's) meaning, and a
differential test keeps them in step: `multipleOf` is decimal (0.07 is a multiple of 0.01), and
`pattern`/`patternProperties` are ECMA-262 regular expressions (`\d` is ASCII only).

Every regular expression is matched by client.patterns, in bounded time, never by Python's backtracking
`re`: a schema's pattern and a message's string together cannot hang a producer or a consumer. The one
keyword python-jsonschema evaluates with `re` internally, `unevaluatedProperties` next to
`patternProperties`, is explained by jsonschema-rs itself.

A schema's `$ref`s may name the schemas of its Confluent `references` (`"$ref": "address.json"` or
`"address.json#/definitions/zip"`): both validators find them under the reference name, resolved against
the schema's `$id` as Confluent's serializers do. Nothing is ever fetched from the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Context, Decimal, localcontext
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin

import jsonschema
import jsonschema_rs
import orjson
import referencing
import referencing.jsonschema
from jsonschema.protocols import Validator

from client import patterns
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


# python-jsonschema would otherwise fetch http(s) `$ref`s itself; no schema makes the client reach out.
_LOCAL_ONLY: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse_remote)  # type: ignore[call-arg]


# jsonschema-rs wants absolute URIs: a schema without an `$id` gets this base (its own default).
_DEFAULT_BASE = "json-schema:///"


def _schema_id(schema: Any) -> str:
    identifier = schema.get("$id", schema.get("id")) if isinstance(schema, dict) else None
    return identifier if isinstance(identifier, str) else ""


def _refuse_remote_references(schema: Any, references: Mapping[str, Any]) -> None:
    """Refuse a `$ref` to another document (the schema's own fragments, and its references by name, are
    fine), in the schema and in its references."""
    base = urljoin(_DEFAULT_BASE, _schema_id(schema))
    known = {urljoin(base, name) for name in references}
    pending = [schema, *references.values()]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            reference = value.get("$ref")
            if (
                isinstance(reference, str)
                and not reference.startswith("#")
                and urljoin(base, urldefrag(reference).url) not in known
            ):
                raise JsonSchemaError(
                    f"remote $ref {reference!r} is not fetched; register it as a schema reference instead"
                )
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _explainer_registry(schema: Any, references: Mapping[str, Any]) -> referencing.Registry[Any]:
    """python-jsonschema's registry of the references, under their names as the schema resolves them;
    nothing else is ever retrieved."""
    registry = _LOCAL_ONLY
    base = _schema_id(schema)
    for name, referenced in references.items():
        resource = referencing.Resource.from_contents(
            referenced, default_specification=referencing.jsonschema.DRAFT7
        )
        for uri in {name, urljoin(base, name)}:
            registry = registry.with_resource(uri, resource)
    return registry


# Enough digits for the quotient of any two finite doubles.
_DECIMAL_CONTEXT = Context(prec=800)


def _is_multiple(instance: int | float, divisor: int | float) -> bool:
    if isinstance(instance, int) and isinstance(divisor, int):
        return instance % divisor == 0
    with localcontext(_DECIMAL_CONTEXT):
        return Decimal(repr(instance)) % Decimal(repr(divisor)) == 0


def _multiple_of(validator: Validator, divisor: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "number") and not _is_multiple(instance, divisor):
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {divisor}")


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not patterns.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Validator, by_pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in by_pattern.items():
        for name, value in instance.items():
            if patterns.search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(
    validator: Validator, additional: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    expressions = list(schema.get("patternProperties", {}))
    extras = [
        name
        for name in instance
        if name not in declared and not any(patterns.search(expression, name) for expression in expressions)
    ]
    if validator.is_type(additional, "object"):
        for name in extras:
            yield from validator.descend(instance[name], additional, path=name)
    elif not additional and extras:
        names = ", ".join(repr(name) for name in sorted(extras))
        yield jsonschema.ValidationError(f"Additional properties are not allowed ({names} unexpected)")


_AGREEING_KEYWORDS = {
    "multipleOf": _multiple_of,
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
}


def local_explainer(
    validator_class: type[Validator],
    schema: Any,
    *,
    format_checker: Any = None,
    references: Mapping[str, Any] | None = None,
) -> Validator:
    """python-jsonschema's `validator_class` for `schema`, taught the specification's `multipleOf` and
    bounded ECMA-262 pattern matching, that never fetches a `$ref` (JsonSchemaError for one to another
    document that is not among `references`, reference name -> document). For callers that need
    python-jsonschema's error objects, like the contract harness."""
    references = references or {}
    _refuse_remote_references(schema, references)
    explaining = jsonschema.validators.extend(validator_class, _AGREEING_KEYWORDS)
    return explaining(schema, format_checker=format_checker, registry=_explainer_registry(schema, references))


def _checked(schema: Any, where: str) -> type[Validator]:
    """The draft's validator class, once `schema` passed its metaschema."""
    validator_class: type[Validator] = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft7Validator
    )
    try:
        validator_class.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise JsonSchemaError(f"invalid JSON Schema{where} at {error.json_path}: {error.message}") from error
    return validator_class


class JsonSchemaValidator:
    """A JSON Schema compiled once: a fast yes/no, and every violation when the answer is no."""

    def __init__(self, schema: Any, references: Mapping[str, Any] | None = None) -> None:
        """`references` maps each reference name (what `$ref`s call it) to that schema's document."""
        references = dict(references or {})
        explainer_class = _checked(schema, "")
        for name, referenced in references.items():
            _checked(referenced, f" (reference {name!r})")
        compiled_class = _COMPILED.get(explainer_class)
        if compiled_class is None:
            _refuse_remote_references(schema, references)  # jsonschema-rs checks them for the other drafts
        explainer_class = jsonschema.validators.extend(explainer_class, _AGREEING_KEYWORDS)
        self._explainer = explainer_class(schema, registry=_explainer_registry(schema, references))
        self._explains = compiled_class is None or not _evaluates_patterns_with_re(schema)
        self._compiled = None
        if compiled_class is not None:
            base = urljoin(_DEFAULT_BASE, _schema_id(schema))
            try:
                self._compiled = compiled_class(
                    schema,
                    validate_formats=False,
                    retriever=_refuse_remote,
                    registry=jsonschema_rs.Registry(
                        [(urljoin(base, name), referenced) for name, referenced in references.items()],
                        draft=jsonschema_rs.Draft7,
                        retriever=_refuse_remote,
                    ),
                    base_uri=base,
                )
            except (ValueError, jsonschema_rs.ReferencingError) as error:
                reason = str(error).split("\n\n")[0]  # the rest describes an instance there is none of
                raise JsonSchemaError(f"JSON Schema cannot be compiled: {reason}") from error

        # For data parsed from JSON text (it raises on Python values with no JSON counterpart); being the
        # compiled validator's own method, it saves a Python call per message.
        self.is_valid_json: Callable[[Any], bool] = (
            self._explainer.is_valid if self._compiled is None else self._compiled.is_valid
        )

    def is_valid(self, data: Any) -> bool:
        """Whether `data` is valid; False for a Python value with no JSON counterpart."""
        if self._compiled is None:
            return bool(self._explainer.is_valid(data))
        try:
            return self._compiled.is_valid(data)  # type: ignore[no-any-return]
        except (ValueError, TypeError):
            return False  # a Python value with no JSON counterpart; `violations` names it

    def violations(self, data: Any) -> list[Violation]:
        """Every violation, in document order, each with its keyword, JSON path, message and value."""
        found = (
            [
                Violation(
                    str(error.validator), _json_path(error.absolute_path), error.message, error.instance
                )
                for error in self._explainer.iter_errors(data)
            ]
            if self._explains
            else []
        )
        if not found and self._compiled is not None:
            found = _compiled_violations(self._compiled, data)
        return sorted(found, key=lambda violation: violation.path)


def _evaluates_patterns_with_re(schema: Any) -> bool:
    """Whether python-jsonschema would match patternProperties with `re` for unevaluatedProperties."""
    keywords: set[str] = set()
    pending = [schema]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            keywords.update(key for key in value if isinstance(key, str))
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return {"unevaluatedProperties", "patternProperties"} <= keywords


def _compiled_violations(compiled: Any, data: Any) -> list[Violation]:
    """jsonschema-rs's own account, for a disagreement the differential tests have not met yet."""
    try:
        errors = list(compiled.iter_errors(data))
    except (ValueError, TypeError):
        return []
    return [
        Violation(
            str(error.schema_path[-1]) if error.schema_path else "schema",
            _json_path(error.instance_path),
            error.message,
            error.instance,
        )
        for error in errors
    ]


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path = child_path(path, part)
    return path


class JsonCodec:
    """Writes and reads data of one JSON Schema, framed with its Confluent prefix."""

    content_type: Literal["application/json"] = "application/json"

    def __init__(self, validator: JsonSchemaValidator, schema_id: int) -> None:
        self.validator = validator
        self._is_valid_json = validator.is_valid_json
        self.schema_id = schema_id
        self.prefix = schema_prefix(schema_id)

    def encode(self, data: Any) -> bytes | None:
        """The framed bytes, or None when the data is invalid (then ask `violations` why)."""
        try:
            if self._is_valid_json(data):
                return self.prefix + orjson.dumps(data)
        except (ValueError, TypeError):  # a Python value with no JSON counterpart
            pass
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
