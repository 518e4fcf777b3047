"""The matcher DSL: what a consumer reads, written as Python, compiled to a JSON Schema reader schema.

    {"orderId": uuid(), "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1),
     "total": decimal(), "note": optional(string()), "status": enum_of("NEW", "PAID")}

A plain dict is an object whose keys are required (unless wrapped in `optional`); keys it does not list
may be anything, because the consumer ignores them. A plain value (a string, a number, ...) must be
exactly that value, as in Pact; `like(value)` asks only for the same type. Every matcher carries an
example, so a consumer test can run its handler on events that match (`variants`).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from contracts.errors import MatcherError
from contracts.string_formats import format_checker

Spec = Any  # a Matcher, a dict of specs, or a plain JSON value
JsonSchema = dict[str, Any]

_EXAMPLE_UUID = "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10"
_EXAMPLE_DATETIME = "2024-05-01T12:30:00Z"
_FORMAT_EXAMPLES = {
    "uuid": _EXAMPLE_UUID,
    "date-time": _EXAMPLE_DATETIME,
    "date": "2024-05-01",
    "time": "12:30:00",
}


class Matcher:
    """A rule for one value: its JSON Schema and an example value that satisfies it."""

    def schema(self) -> JsonSchema:
        raise NotImplementedError

    def example(self, choice: Choice) -> Any:
        raise NotImplementedError

    def branches(self) -> int:
        """How many alternatives (one_of branches) this matcher or anything inside it offers."""
        return 1


@dataclass(frozen=True, slots=True)
class Choice:
    """Which example to build: with or without optional values, and which one_of branch."""

    optionals: bool = True
    branch: int = 0


@dataclass(frozen=True, slots=True)
class _Typed(Matcher):
    keywords: JsonSchema
    value: Any

    def schema(self) -> JsonSchema:
        return dict(self.keywords)

    def example(self, choice: Choice) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class _Like(Matcher):
    value: Any

    def schema(self) -> JsonSchema:
        return _type_schema(self.value)

    def example(self, choice: Choice) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class _EachLike(Matcher):
    item: Spec
    min: int
    max: int | None = None

    def schema(self) -> JsonSchema:
        schema: JsonSchema = {"type": "array", "items": compile_spec(self.item)}
        if self.min:
            schema["minItems"] = self.min
        if self.max is not None:
            schema["maxItems"] = self.max
        return schema

    def example(self, choice: Choice) -> Any:
        return [build_example(self.item, choice)] * max(self.min, 1)

    def branches(self) -> int:
        return branch_count(self.item)


@dataclass(frozen=True, slots=True)
class _EachValue(Matcher):
    item: Spec
    keys: str | None
    value: dict[str, Any]

    def schema(self) -> JsonSchema:
        schema: JsonSchema = {"type": "object", "additionalProperties": compile_spec(self.item)}
        if self.keys is not None:
            schema["propertyNames"] = {"pattern": self.keys}
        return schema

    def example(self, choice: Choice) -> Any:
        return self.value or {"key": build_example(self.item, choice)}

    def branches(self) -> int:
        return branch_count(self.item)


@dataclass(frozen=True, slots=True)
class _ArrayContains(Matcher):
    items: tuple[Spec, ...]

    def schema(self) -> JsonSchema:
        return {"type": "array", "allOf": [{"contains": compile_spec(item)} for item in self.items]}

    def example(self, choice: Choice) -> Any:
        return [build_example(item, choice) for item in self.items]


@dataclass(frozen=True, slots=True)
class _Optional(Matcher):
    inner: Spec

    def schema(self) -> JsonSchema:
        return _nullable(compile_spec(self.inner))

    def example(self, choice: Choice) -> Any:
        return build_example(self.inner, choice)

    def branches(self) -> int:
        return branch_count(self.inner)


@dataclass(frozen=True, slots=True)
class _Alternatives(Matcher):
    alternatives: tuple[Spec, ...] = field(default=())
    keyword: str = "oneOf"  # exactly one matches; "anyOf": at least one

    def schema(self) -> JsonSchema:
        return {self.keyword: [compile_spec(alternative) for alternative in self.alternatives]}

    def example(self, choice: Choice) -> Any:
        index = min(choice.branch, len(self.alternatives) - 1)
        return build_example(self.alternatives[index], choice)

    def branches(self) -> int:
        return max(len(self.alternatives), *(branch_count(alternative) for alternative in self.alternatives))


def like(value: Any) -> Matcher:
    """Any value of the same JSON type as `value` (objects and arrays: the same shape, by type)."""
    _type_schema(value)
    return _checked(_Like(value))


def string(
    *,
    pattern: str | None = None,
    format: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    example: str | None = None,
) -> Matcher:
    """A string, optionally matching an ECMA-262 `pattern`, a `format` and length bounds."""
    keywords: JsonSchema = {"type": "string"}
    if pattern is not None:
        keywords["pattern"] = pattern
    if format is not None:
        keywords["format"] = format
    if min_length is not None:
        keywords["minLength"] = min_length
    if max_length is not None:
        keywords["maxLength"] = max_length
    if example is None:
        if pattern is not None:
            raise MatcherError(
                f"string(pattern={pattern!r}) needs an example= value that matches the pattern"
            )
        example = _FORMAT_EXAMPLES.get(format or "", "text")
        if format is None:
            example = example.ljust(min_length or 0, "x")[: max_length if max_length is not None else None]
    return _checked(_Typed(keywords, example))


def integer(*, minimum: int | None = None, maximum: int | None = None, example: int | None = None) -> Matcher:
    """A whole number, optionally within [minimum, maximum]."""
    keywords = _bounded({"type": "integer"}, minimum, maximum)
    if example is None:
        example = minimum if minimum is not None else min(1, maximum) if maximum is not None else 1
    return _checked(_Typed(keywords, example))


def decimal(
    *, minimum: float | None = None, maximum: float | None = None, example: float | None = None
) -> Matcher:
    """Any JSON number (12, 12.5), optionally within [minimum, maximum]: amounts, prices, ratios."""
    keywords = _bounded({"type": "number"}, minimum, maximum)
    if example is None:
        example = minimum if minimum is not None else min(12.5, maximum) if maximum is not None else 12.5
    return _checked(_Typed(keywords, example))


def uuid(*, example: str = _EXAMPLE_UUID) -> Matcher:
    """A UUID in its canonical text form."""
    return _checked(_Typed({"type": "string", "format": "uuid"}, example))


def datetime(*, example: str = _EXAMPLE_DATETIME) -> Matcher:
    """An RFC 3339 timestamp with a time zone, like 2024-05-01T12:30:00Z."""
    return _checked(_Typed({"type": "string", "format": "date-time"}, example))


def enum_of(*values: Any) -> Matcher:
    """One of exactly these values."""
    if not values:
        raise MatcherError("enum_of() needs at least one value")
    return _checked(_Typed({"enum": list(values)}, values[0]))


def each_like(item: Spec, *, min: int = 0, max: int | None = None) -> Matcher:
    """An array whose every element matches `item`, with at least `min` (and at most `max`) elements."""
    if min < 0:
        raise MatcherError(f"each_like(min={min}): the minimum number of elements cannot be negative")
    if max is not None and max < builtins.max(min, 1):
        raise MatcherError(f"each_like(min={min}, max={max}): max must be at least min and at least 1")
    return _checked(_EachLike(item, min, max))


def each_value(item: Spec, *, keys: str | None = None, example: dict[str, Any] | None = None) -> Matcher:
    """An object used as a map: every value matches `item`, and every key the `keys` pattern if given."""
    return _checked(_EachValue(item, keys, example or {}))


def array_contains(*items: Spec) -> Matcher:
    """An array that holds, for each of `items`, at least one element matching it (others may follow)."""
    if not items:
        raise MatcherError("array_contains() needs at least one element to look for")
    return _checked(_ArrayContains(tuple(items)))


def optional(matcher: Spec) -> Matcher:
    """The key may be absent or null; when present it matches `matcher`. Only meaningful in an object."""
    if isinstance(matcher, _Optional):
        raise MatcherError("optional(optional(...)) says the same as optional(...)")
    return _Optional(matcher)


def one_of(*alternatives: Spec) -> Matcher:
    """Exactly one of the alternatives matches (variants of a payload, e.g. card or bank transfer)."""
    if len(alternatives) < 2:
        raise MatcherError("one_of() needs at least two alternatives")
    return _checked(_Alternatives(tuple(alternatives)))


def any_of(*alternatives: Spec) -> Matcher:
    """At least one of the alternatives matches (Pact's OR of matching rules)."""
    if len(alternatives) < 2:
        raise MatcherError("any_of() needs at least two alternatives")
    return _checked(_Alternatives(tuple(alternatives), "anyOf"))


def compile_spec(spec: Spec) -> JsonSchema:
    """The JSON Schema of a spec: a matcher, a dict of specs (an object), or an exact value."""
    if isinstance(spec, Matcher):
        return spec.schema()
    if isinstance(spec, dict):
        properties = {}
        required = []
        for key, value in spec.items():
            if not isinstance(key, str):
                raise MatcherError(f"object keys must be strings, not {key!r}")
            properties[key] = compile_spec(value)
            if not isinstance(value, _Optional):
                required.append(key)
        schema: JsonSchema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema
    _type_schema(spec)  # refuses values JSON cannot carry
    return {"const": spec}


def build_example(spec: Spec, choice: Choice | None = None) -> Any:
    """A value that matches `spec`; `choice` picks optional values and one_of branches."""
    choice = choice or Choice()
    if isinstance(spec, Matcher):
        return spec.example(choice)
    if isinstance(spec, dict):
        return {
            key: build_example(value, choice)
            for key, value in spec.items()
            if choice.optionals or not isinstance(value, _Optional)
        }
    return spec


def branch_count(spec: Spec) -> int:
    if isinstance(spec, Matcher):
        return spec.branches()
    if isinstance(spec, dict):
        return max((branch_count(value) for value in spec.values()), default=1)
    return 1


def variants(spec: Spec) -> list[Any]:
    """Examples that exercise every variant: all optional values, none of them, each one_of branch."""
    choices = [Choice(), Choice(optionals=False)]
    choices += [Choice(branch=index) for index in range(1, branch_count(spec))]
    found: list[Any] = []
    for choice in choices:
        value = build_example(spec, choice)
        if value not in found:
            found.append(value)
    return found


def _checked(matcher: Matcher) -> Matcher:
    """The matcher, once its own example satisfies its schema (a contradiction is a declaration bug)."""
    schema = matcher.schema()
    example = matcher.example(Choice())
    validator = jsonschema.Draft7Validator(schema, format_checker=format_checker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(example))
    if error is not None:
        raise MatcherError(f"the example {example!r} does not satisfy {schema}: {error.message}")
    return matcher


def _bounded(schema: JsonSchema, minimum: float | None, maximum: float | None) -> JsonSchema:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise MatcherError(f"minimum {minimum} is greater than maximum {maximum}")
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _type_schema(value: Any) -> JsonSchema:
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, dict):
        properties = {str(key): _type_schema(item) for key, item in value.items()}
        return {"type": "object", "properties": properties, "required": list(properties)}
    if isinstance(value, list):
        return {"type": "array", "items": _type_schema(value[0])} if value else {"type": "array"}
    raise MatcherError(f"{value!r} ({type(value).__name__}) is not a JSON value")


def _nullable(schema: JsonSchema) -> JsonSchema:
    """The schema, also admitting null: consumers treat a missing and a null optional value alike."""
    if "enum" in schema and "type" not in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    kind = schema.get("type")
    if isinstance(kind, str) and "enum" not in schema and "const" not in schema:
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}
