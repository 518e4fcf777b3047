"""jsonschema-rs answers the publish/consume hot path, python-jsonschema explains failures: prove
they agree on every draft the client supports, keyword by keyword and on generated instances.

The client's contract is `is_valid(x) == (violations(x) == [])`: the compiled verdict must never
disagree with the explanation users read."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.json_schema import JsonSchemaValidator
from tests.support.json_instances import instances_of

DRAFTS = {
    4: "http://json-schema.org/draft-04/schema#",
    6: "http://json-schema.org/draft-06/schema#",
    7: "http://json-schema.org/draft-07/schema#",
    2019: "https://json-schema.org/draft/2019-09/schema",
    2020: "https://json-schema.org/draft/2020-12/schema",
}
CASES = Path(__file__).resolve().parents[1] / "data" / "conformance" / "jsonschema" / "cases.json"
CORPUS: list[dict[str, Any]] = [
    case[side]
    for case in json.loads(CASES.read_text())["tests"]
    for side in ("original", "updated")
    if isinstance(case[side], dict)
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def agree(validator: JsonSchemaValidator, instance: Any) -> bool:
    return validator.is_valid(instance) == (validator.violations(instance) == [])


@cache
def validator_for(index: int, draft: int) -> JsonSchemaValidator | None:
    schema = dict(CORPUS[index], **{"$schema": DRAFTS[draft]})
    try:
        return JsonSchemaValidator(schema)
    except ValueError:
        return None  # not a valid schema under this draft's meta-schema


@cache
def generator_for(index: int) -> st.SearchStrategy[Any] | None:
    schema = {key: value for key, value in CORPUS[index].items() if key != "$schema"}
    return instances_of(schema, draft=7)


def mutated(instance: Any, replacement: Any, key_index: int) -> Any:
    """The instance with one member or item swapped for an arbitrary value (near-miss instances)."""
    if isinstance(instance, dict) and instance:
        key = sorted(instance)[key_index % len(instance)]
        return dict(instance, **{key: replacement})
    if isinstance(instance, list) and instance:
        copy = list(instance)
        copy[key_index % len(copy)] = replacement
        return copy
    return replacement


@pytest.mark.parametrize("draft", sorted(DRAFTS))
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_compiled_and_explaining_validators_agree_on_generated_instances(draft, data):
    index = data.draw(st.integers(min_value=0, max_value=len(CORPUS) - 1), label="schema")
    validator = validator_for(index, draft)
    generator = generator_for(index)
    if validator is None or generator is None:
        instance = data.draw(json_values)
    else:
        instance = data.draw(generator)
        if data.draw(st.booleans(), label="mutate"):
            instance = mutated(instance, data.draw(json_values), data.draw(st.integers(0, 10)))
        assert agree(validator, instance), (CORPUS[index], instance)
        instance = data.draw(json_values)
    if validator is not None:
        assert agree(validator, instance), (CORPUS[index], instance)


# (drafts, schema, instance, valid): the keywords whose meaning moved between drafts, and the
# corners where two implementations most often part ways.
KEYWORD_TABLE: list[tuple[tuple[int, ...], dict[str, Any], Any, bool]] = [
    ((4, 6, 7, 2019, 2020), {"type": "integer"}, 1, True),
    ((4, 6, 7, 2019, 2020), {"type": "integer"}, 1.5, False),
    ((4, 6, 7, 2019, 2020), {"type": "integer"}, True, False),
    ((6, 7, 2019, 2020), {"type": "integer"}, 1.0, True),
    ((4, 6, 7, 2019, 2020), {"type": "number"}, False, False),
    ((4, 6, 7, 2019, 2020), {"enum": [1]}, True, False),
    ((4, 6, 7, 2019, 2020), {"enum": [1]}, 1.0, True),
    ((6, 7, 2019, 2020), {"const": False}, 0, False),
    ((4, 6, 7, 2019, 2020), {"uniqueItems": True}, [1, True], True),
    ((4, 6, 7, 2019, 2020), {"uniqueItems": True}, [1, 1.0], False),
    ((4, 6, 7, 2019, 2020), {"uniqueItems": True}, [{"a": 1}, {"a": 1}], False),
    ((4,), {"maximum": 5, "exclusiveMaximum": True}, 5, False),
    ((6, 7, 2019, 2020), {"exclusiveMaximum": 5}, 5, False),
    ((6, 7, 2019, 2020), {"exclusiveMinimum": 5}, 5.5, True),
    ((4, 6, 7, 2019, 2020), {"multipleOf": 0.01}, 0.07, True),
    ((4, 6, 7, 2019, 2020), {"multipleOf": 3}, 10, False),
    ((4, 6, 7, 2019, 2020), {"minLength": 2}, "é", False),
    ((4, 6, 7, 2019, 2020), {"maxLength": 1}, "😀", True),
    ((4, 6, 7, 2019, 2020), {"pattern": "^[A-Z]{3}$"}, "EUR", True),
    ((4, 6, 7, 2019, 2020), {"pattern": "[0-9]"}, "no digits", False),
    ((4, 6, 7, 2019, 2020), {"pattern": "\\d"}, "٣", False),  # ECMA-262: \d is [0-9]
    ((4, 6, 7, 2019, 2020), {"patternProperties": {"^\\w+$": {"type": "integer"}}}, {"é": "x"}, True),
    ((4, 6, 7, 2019, 2020), {"format": "email"}, "not an email", True),
    ((4, 6, 7, 2019, 2020), {"format": "date-time"}, "yesterday", True),
    ((4, 6, 7, 2019, 2020), {"required": ["a"], "properties": {"a": {"type": "string"}}}, {}, False),
    (
        (4, 6, 7, 2019, 2020),
        {"additionalProperties": False, "properties": {"a": {}}},
        {"a": 1, "b": 2},
        False,
    ),
    ((4, 6, 7, 2019, 2020), {"patternProperties": {"^x-": {"type": "string"}}}, {"x-a": 1}, False),
    ((4, 6, 7, 2019, 2020), {"minProperties": 1}, {}, False),
    ((6, 7, 2019, 2020), {"propertyNames": {"maxLength": 2}}, {"abc": 1}, False),
    ((6, 7, 2019, 2020), {"contains": {"type": "string"}}, [1, 2], False),
    ((4, 6, 7, 2019), {"items": [{"type": "string"}], "additionalItems": False}, ["a", "b"], False),
    ((2020,), {"prefixItems": [{"type": "string"}], "items": False}, ["a", "b"], False),
    ((2020,), {"prefixItems": [{"type": "string"}]}, [1], False),
    ((4, 6, 7), {"dependencies": {"a": ["b"]}}, {"a": 1}, False),
    ((4, 6, 7), {"dependencies": {"a": {"required": ["c"]}}}, {"a": 1, "c": 2}, True),
    ((2019, 2020), {"dependentRequired": {"a": ["b"]}}, {"a": 1}, False),
    ((2019, 2020), {"dependentSchemas": {"a": {"required": ["c"]}}}, {"a": 1}, False),
    ((2019, 2020), {"minContains": 2, "contains": {"const": 1}}, [1, 2], False),
    (
        (2019, 2020),
        {"properties": {"a": {}}, "allOf": [{"properties": {"b": {}}}], "unevaluatedProperties": False},
        {"a": 1, "b": 2},
        True,
    ),
    ((2019, 2020), {"properties": {"a": {}}, "unevaluatedProperties": False}, {"a": 1, "c": 3}, False),
    ((2020,), {"prefixItems": [{}], "unevaluatedItems": False}, [1, 2], False),
    (
        (7,),
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"required": ["c"]}},
        {"a": 1},
        False,
    ),
    (
        (7,),
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"required": ["c"]}},
        {"c": 1},
        True,
    ),
    ((4, 6, 7, 2019, 2020), {"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, False),
    ((4, 6, 7, 2019, 2020), {"anyOf": [{"type": "string"}, {"type": "null"}]}, None, True),
    ((4, 6, 7, 2019, 2020), {"not": {"type": "string"}}, "x", False),
    (
        (4, 6, 7),
        {"definitions": {"p": {"type": "integer"}}, "items": {"$ref": "#/definitions/p"}},
        [1, "x"],
        False,
    ),
    ((2019, 2020), {"$defs": {"p": {"type": "integer"}}, "items": {"$ref": "#/$defs/p"}}, [1, "x"], False),
    ((7,), {"$ref": "#/definitions/p", "definitions": {"p": {"type": "integer"}}, "type": "string"}, 1, True),
    ((2019, 2020), {"$ref": "#/$defs/p", "$defs": {"p": {"type": "integer"}}, "type": "string"}, 1, False),
    ((6, 7, 2019, 2020), {"properties": {"a": False}}, {"a": 1}, False),
]


@pytest.mark.parametrize(
    ("draft", "schema", "instance", "valid"),
    [
        pytest.param(
            draft, schema, instance, valid, id=f"draft{draft}-{json.dumps(schema)[:48]}-{instance!r}"
        )
        for drafts, schema, instance, valid in KEYWORD_TABLE
        for draft in drafts
    ],
)
def test_keyword_table(draft, schema, instance, valid):
    validator = JsonSchemaValidator(dict(schema, **{"$schema": DRAFTS[draft]}))
    assert validator.is_valid(instance) is valid
    assert (validator.violations(instance) == []) is valid


def test_schema_without_dollar_schema_is_draft_7():
    validator = JsonSchemaValidator(
        {"$ref": "#/definitions/p", "definitions": {"p": {"type": "integer"}}, "type": "string"}
    )
    assert validator.is_valid(1)


def test_draft_3_falls_back_to_python_jsonschema():
    validator = JsonSchemaValidator(
        {"$schema": "http://json-schema.org/draft-03/schema#", "properties": {"a": {"required": True}}}
    )
    assert not validator.is_valid({})
    assert [violation.rule for violation in validator.violations({})] == ["required"]


def test_remote_references_are_refused_not_fetched():
    with pytest.raises(ValueError, match="cannot be compiled"):
        JsonSchemaValidator({"$ref": "http://127.0.0.1:9/nowhere.json"})


def test_where_the_explainer_still_differs_the_compiled_validator_explains():
    # python-jsonschema finds "additional" properties with Python's Unicode \w; ECMA-262's \w is ASCII.
    validator = JsonSchemaValidator({"patternProperties": {"^\\w+$": {}}, "additionalProperties": False})
    assert not validator.is_valid({"é": 1})
    assert [(v.rule, v.path) for v in validator.violations({"é": 1})] == [("additionalProperties", "$")]
