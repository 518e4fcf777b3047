"""Whatever JSON arrives, parsing ends in a parsed schema or an SchemaParseError: never another
exception (which the registry would turn into a 500) and never a RecursionError."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.compatibility import CompatibilityPolicy, Roles, SchemaParseError
from registry.compatibility.avro import AvroSchema, parse_avro

KEYS = (
    "type", "name", "namespace", "fields", "symbols", "items", "values", "size", "default", "aliases",
    "logicalType", "precision", "scale", "order", "doc",
)  # fmt: skip
WORDS = (
    "record", "error", "enum", "fixed", "array", "map", "null", "boolean", "int", "long", "float",
    "double", "bytes", "string", "decimal", "uuid", "date", "A", "R", "a.b.R", "", "ascending",
)  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**65), 2**65)
    | st.floats(allow_nan=False)
    | st.sampled_from(WORDS),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner, max_size=6)
    ),
    max_leaves=30,
)


def outcome(text: str) -> AvroSchema | SchemaParseError:
    try:
        return parse_avro(text)
    except SchemaParseError as error:
        return error


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_parses_or_is_rejected_with_a_located_reason(document):
    result = outcome(json.dumps(document))

    if isinstance(result, SchemaParseError):
        assert result.message
        assert result.path == "" or result.path.startswith("#/")
    else:
        assert json.loads(result.normalized) is not None
        assert (
            result.incompatibilities(result, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT) == []
        )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_is_rejected(text):
    result = outcome(text)

    assert isinstance(result, AvroSchema) or result.message


@pytest.mark.parametrize(
    ("depth", "reason"), [(1000, "nests more than 128 levels"), (5000, "Not valid JSON")]
)
def test_a_very_deep_document_is_rejected_not_a_recursion_error(depth, reason):
    with pytest.raises(SchemaParseError, match=reason):
        parse_avro("[" * depth + "]" * depth)
