"""Each matcher compiles to the JSON Schema a person would write, carries a valid example, and refuses
declarations that cannot describe any value."""

from __future__ import annotations

import jsonschema
import pytest

from contracts.errors import MatcherError
from contracts.matchers import (
    Choice,
    build_example,
    compile_spec,
    datetime,
    decimal,
    each_like,
    enum_of,
    integer,
    like,
    one_of,
    optional,
    string,
    uuid,
    variants,
)
from contracts.string_formats import format_checker


def valid(schema, value) -> bool:
    return jsonschema.Draft7Validator(schema, format_checker=format_checker()).is_valid(value)


@pytest.mark.parametrize(
    ("matcher", "schema", "accepted", "rejected"),
    [
        (like("abc"), {"type": "string"}, "other", 3),
        (like(3), {"type": "integer"}, 40, 4.5),
        (like(2.5), {"type": "number"}, 7, "7"),
        (like(True), {"type": "boolean"}, False, 1),
        (
            like({"id": "a", "n": 1}),
            {
                "type": "object",
                "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
                "required": ["id", "n"],
            },
            {"id": "b", "n": 2, "extra": None},
            {"id": "b"},
        ),
        (like([1]), {"type": "array", "items": {"type": "integer"}}, [5, 6], ["x"]),
        (string(), {"type": "string"}, "", None),
        (
            string(pattern="^SKU-[0-9]+$", example="SKU-1"),
            {"type": "string", "pattern": "^SKU-[0-9]+$"},
            "SKU-42",
            "sku-42",
        ),
        (
            string(min_length=2, max_length=3),
            {"type": "string", "minLength": 2, "maxLength": 3},
            "ab",
            "abcd",
        ),
        (integer(minimum=1), {"type": "integer", "minimum": 1}, 1, 0),
        (integer(maximum=10), {"type": "integer", "maximum": 10}, -3, 11),
        (decimal(minimum=0), {"type": "number", "minimum": 0}, 0.01, -0.01),
        (uuid(), {"type": "string", "format": "uuid"}, "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10", "not-a-uuid"),
        (datetime(), {"type": "string", "format": "date-time"}, "2024-05-01T12:30:00+02:00", "2024-05-01"),
        (enum_of("NEW", "PAID"), {"enum": ["NEW", "PAID"]}, "PAID", "SHIPPED"),
    ],
)
def test_matcher_compiles_to_its_schema_and_its_example_matches(matcher, schema, accepted, rejected):
    assert matcher.schema() == schema
    assert valid(schema, build_example(matcher))
    assert valid(schema, accepted)
    assert not valid(schema, rejected)


def test_a_plain_dict_is_an_open_object_whose_keys_are_required_unless_optional():
    schema = compile_spec({"orderId": uuid(), "note": optional(string()), "source": "shop"})
    assert schema == {
        "type": "object",
        "properties": {
            "orderId": {"type": "string", "format": "uuid"},
            "note": {"type": ["string", "null"]},
            "source": {"const": "shop"},
        },
        "required": ["orderId", "source"],
    }
    order = {"orderId": "5b6f3e0c-8a34-4f6e-9b1c-2d7a9e4f1a10", "source": "shop"}
    assert valid(schema, order)
    assert valid(schema, {**order, "note": None, "anything": [1, 2]})
    assert not valid(schema, {**order, "note": 5})
    assert not valid(schema, {**order, "source": "other"})


@pytest.mark.parametrize(
    ("inner", "present", "absent_is_null"),
    [(enum_of("A", "B"), "A", {"enum": ["A", "B", None]}), (one_of(like(1), like("x")), 1, None)],
)
def test_optional_admits_null_for_every_kind_of_matcher(inner, present, absent_is_null):
    schema = optional(inner).schema()
    if absent_is_null is not None:
        assert schema == absent_is_null
    assert valid(schema, None)
    assert valid(schema, present)
    assert not valid(schema, 2.5)


def test_each_like_nests_arrays_of_objects_with_a_minimum():
    matcher = each_like({"sku": string(), "lines": each_like(integer(minimum=1))}, min=2)
    schema = matcher.schema()
    assert schema["minItems"] == 2
    assert schema["items"]["properties"]["lines"] == {
        "type": "array",
        "items": {"type": "integer", "minimum": 1},
    }
    example = build_example(matcher)
    assert len(example) == 2
    assert valid(schema, example)
    assert not valid(schema, [{"sku": "a", "lines": [0]}, {"sku": "b", "lines": []}])


def test_one_of_requires_exactly_one_alternative():
    schema = one_of({"card": string()}, {"iban": string()}).schema()
    assert valid(schema, {"card": "4111"})
    assert valid(schema, {"iban": "DE00"})
    assert not valid(schema, {"card": "4111", "iban": "DE00"})
    assert not valid(schema, {"cash": True})


def test_variants_cover_optional_values_and_every_branch():
    spec = {
        "orderId": uuid(),
        "note": optional(string()),
        "payment": one_of({"card": string()}, {"iban": string()}, {"voucher": integer()}),
    }
    found = variants(spec)
    schema = compile_spec(spec)
    assert all(valid(schema, value) for value in found)
    assert any("note" in value for value in found)
    assert any("note" not in value for value in found)
    assert {next(iter(value["payment"])) for value in found} == {"card", "iban", "voucher"}
    assert build_example(spec, Choice(optionals=False, branch=2))["payment"] == {"voucher": 1}


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (lambda: string(pattern="^[A-Z]+$"), "needs an example"),
        (lambda: string(pattern="^[A-Z]+$", example="abc"), "does not satisfy"),
        (lambda: integer(minimum=5, maximum=1), "greater than maximum"),
        (lambda: integer(minimum=5, example=2), "less than the minimum"),
        (lambda: uuid(example="nope"), "is not a 'uuid'"),
        (lambda: datetime(example="yesterday"), "is not a 'date-time'"),
        (lambda: enum_of(), "at least one value"),
        (lambda: one_of(string()), "at least two"),
        (lambda: each_like(string(), min=-1), "cannot be negative"),
        (lambda: optional(optional(string())), "says the same"),
        (lambda: like(object()), "is not a JSON value"),
        (lambda: compile_spec({1: string()}), "keys must be strings"),
    ],
)
def test_declarations_that_describe_nothing_are_refused(declare, message):
    with pytest.raises(MatcherError, match=message):
        declare()
