"""The Avro fast path (gap checks + fastavro's writer) against the explainer, which follows fastavro's
validation rules: they must never disagree, on valid data and on near misses.

One deliberate departure: fastavro's validator takes any non-string sequence as an array, bytes
included (b"" passes as an empty array); Accord refuses bytes where an array belongs."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from fastavro.validation import validate
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_DATA
from client.avro import AvroCodec, AvroSchemaError, parse_avro

PARSED = parse_avro(orjson.dumps(ORDER_CREATED_AVRO).decode())
CODEC = AvroCodec(PARSED, 1)

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.binary(max_size=5)
    | st.sampled_from(["NEW", "PAID", "LOST"])
)
values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy_ = copy.copy(value)
    copy_[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy_


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_fast_path_and_explainer_agree_on_near_misses(data):
    targets = paths(ORDER_CREATED_DATA)[1:]
    path = data.draw(st.sampled_from(targets))
    datum = replaced(ORDER_CREATED_DATA, path, data.draw(values))
    if data.draw(st.booleans()) and isinstance(datum, dict):
        datum = {
            key: value for key, value in datum.items() if key != data.draw(st.sampled_from(sorted(datum)))
        }
    fast = CODEC.encode(datum)
    violations = CODEC.violations(datum)
    if fast is not None:
        assert violations == [], (path, datum)
    if violations:
        assert fast is None
    else:
        CODEC.encode_checked(datum)
    if _bytes_for_an_array(datum, path):
        assert fast is None
        # The bytes are a type violation; a key dropped as well adds its own.
        assert "type" in [violation.rule for violation in violations], (path, violations)
    else:
        assert (violations == []) == validate(datum, PARSED, raise_errors=False), (path, violations)


def _bytes_for_an_array(datum: Any, path: tuple[Any, ...]) -> bool:
    """Whether `datum` holds bytes at `path` where ORDER_CREATED_DATA holds a list (an Avro array)."""
    original, value = ORDER_CREATED_DATA, datum
    for step in path:
        if not isinstance(value, (dict, list)) or (isinstance(value, dict) and step not in value):
            return False
        original, value = original[step], value[step]
    return isinstance(original, list) and isinstance(value, (bytes, bytearray))


def test_bytes_are_not_an_array_although_fastavro_validates_them_as_one():
    datum = replaced(ORDER_CREATED_DATA, ("items",), b"")

    assert validate(datum, PARSED, raise_errors=False)  # fastavro's view
    assert CODEC.encode(datum) is None
    violations = CODEC.violations(datum)
    assert [(violation.rule, violation.path) for violation in violations] == [("type", "$.items")]


def test_valid_data_takes_the_fast_path_and_round_trips():
    framed = CODEC.encode(ORDER_CREATED_DATA)
    assert framed is not None
    decoded = CODEC.decode(framed)
    assert decoded["items"] == ORDER_CREATED_DATA["items"]


@pytest.mark.parametrize(
    ("schema", "value", "rule", "path"),
    [
        ({"type": "array", "items": "int"}, [1, "2"], "type", "$[1]"),
        ({"type": "map", "values": "long"}, {"a b": 2**70}, "range", "$['a b']"),
        ({"type": "map", "values": "string"}, {1: "x"}, "type", "$"),
        ({"type": "fixed", "name": "Id", "size": 4}, b"abc", "size", "$"),
        ({"type": "fixed", "name": "Id", "size": 4}, "abcd", "type", "$"),
        (["null", "int"], "x", "union", "$"),
        ("null", 0, "type", "$"),
        ("float", True, "type", "$"),
        ("bytes", "text", "type", "$"),
        ({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}, [], "type", "$"),
        (
            ["null", {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}],
            {"a": "one"},
            "type",
            "$.a",
        ),
    ],
)
def test_explainer_names_the_rule_and_path(schema, value, rule, path):
    codec = AvroCodec(parse_avro(orjson.dumps(schema).decode()), 1)
    assert codec.encode(value) is None
    assert [(v.rule, v.path) for v in codec.violations(value)] == [(rule, path)]


def test_recursive_types_are_checked():
    schema = {
        "type": "record",
        "name": "Node",
        "fields": [{"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}],
    }
    codec = AvroCodec(parse_avro(orjson.dumps(schema).decode()), 1)
    assert codec.encode({"value": 1, "next": {"value": 2, "next": None}}) is not None
    bad = {"value": 1, "next": {"value": 2.5, "next": None}}
    assert codec.encode(bad) is None
    assert [(v.rule, v.path) for v in codec.violations(bad)] == [("type", "$.next.value")]


@pytest.mark.parametrize("text", ["{", '{"type": "record", "fields": []}', '{"type": "nope"}', "[]x"])
def test_invalid_schemas_raise_a_schema_error(text):
    with pytest.raises(AvroSchemaError, match="invalid Avro schema"):
        parse_avro(text)
