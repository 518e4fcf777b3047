"""Optional values against nullable unions: an Avro `["null", T]`, a JSON Schema `anyOf`/`oneOf` with a
null branch and a type list all say "T or null", and an `optional(...)` expectation of any matcher
holds against each of them. The property tests derive expectations from random schemas: whatever a
consumer writes by reading a schema faithfully must hold against that schema."""

from __future__ import annotations

import itertools
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import (
    any_of,
    each_like,
    enum_of,
    expect,
    integer,
    like,
    one_of,
    optional,
    string,
)
from contracts.checks import ProducerSchema, check_schema_expectation
from contracts.matchers import decimal
from registry.compatibility import SchemaParseError, SchemaType, expectation_gaps, parse_schema
from registry.compatibility.union_forms import as_alternatives

ADDRESS_AVRO = {
    "type": "record",
    "name": "Address",
    "fields": [{"name": "street", "type": "string"}, {"name": "city", "type": "string"}],
}
ADDRESS_JSON = {
    "type": "object",
    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
    "required": ["street", "city"],
}
PARCEL_JSON = {
    "type": "object",
    "properties": {"locker": {"type": "string"}},
    "required": ["locker"],
}

# (what the consumer writes, the Avro type, the JSON Schema of the same values)
CASES: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    "object": (
        {"street": string(), "city": string()},
        ADDRESS_AVRO,
        ADDRESS_JSON,
    ),
    "array": (
        each_like(string()),
        {"type": "array", "items": "string"},
        {"type": "array", "items": {"type": "string"}},
    ),
    "string": (string(), "string", {"type": "string"}),
    "integer": (integer(), "long", {"type": "integer"}),
    "decimal": (decimal(), "double", {"type": "number"}),
    "boolean": (like(True), "boolean", {"type": "boolean"}),
    "enum": (
        enum_of("NEW", "PAID"),
        {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]},
        {"type": "string", "enum": ["NEW", "PAID"]},
    ),
    "one_of": (
        one_of({"street": string()}, {"locker": string()}),
        [
            ADDRESS_AVRO,
            {"type": "record", "name": "Parcel", "fields": [{"name": "locker", "type": "string"}]},
        ],
        {"oneOf": [ADDRESS_JSON, PARCEL_JSON]},
    ),
    "nested optional": (
        {"street": string(), "note": optional(string())},
        {**ADDRESS_AVRO, "fields": [*ADDRESS_AVRO["fields"], {"name": "note", "type": ["null", "string"]}]},
        {**ADDRESS_JSON, "properties": {**ADDRESS_JSON["properties"], "note": {"type": ["string", "null"]}}},
    ),
}


def _json_nullable_forms(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    forms = {
        "anyOf null first": {"anyOf": [{"type": "null"}, schema]},
        "anyOf null last": {"anyOf": [schema, {"type": "null"}]},
        "oneOf null first": {"oneOf": [{"type": "null"}, schema]},
    }
    if isinstance(schema.get("type"), str) and "enum" not in schema:
        forms["type list"] = {**schema, "type": [schema["type"], "null"]}
    return forms


def _avro_producer(field_type: Any) -> ProducerSchema:
    branches = field_type if isinstance(field_type, list) else [field_type]
    record = {
        "type": "record",
        "name": "OrderPlaced",
        "fields": [
            {"name": "orderId", "type": "string"},
            {"name": "shippingAddress", "type": ["null", *branches], "default": None},
        ],
    }
    return ProducerSchema("OrderPlaced", "AVRO", orjson.dumps(record).decode(), 1)


def _json_producer(property_schema: dict[str, Any], *, required: bool = False) -> ProducerSchema:
    document = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"orderId": {"type": "string"}, "shippingAddress": property_schema},
        "required": ["orderId", "shippingAddress"] if required else ["orderId"],
    }
    return ProducerSchema("OrderPlaced", "JSON", orjson.dumps(document).decode(), 1)


def _errors(schema: ProducerSchema, spec: Any) -> list[str]:
    expectation = expect("OrderPlaced", {"orderId": string(), "shippingAddress": spec})
    findings = check_schema_expectation(schema, expectation, consumer="shipping@1")
    return [finding.describe() for finding in findings if finding.severity == "error"]


@pytest.mark.parametrize("case", CASES)
def test_an_optional_expectation_holds_against_an_avro_nullable_union(case):
    spec, avro_type, _ = CASES[case]
    assert _errors(_avro_producer(avro_type), optional(spec)) == []


@pytest.mark.parametrize(
    ("case", "form"),
    [(case, form) for case in CASES for form in _json_nullable_forms(CASES[case][2])],
)
def test_an_optional_expectation_holds_against_every_json_spelling_of_nullable(case, form):
    spec, _, json_schema = CASES[case]
    nullable = _json_nullable_forms(json_schema)[form]
    assert _errors(_json_producer(nullable), optional(spec)) == []


@pytest.mark.parametrize("case", CASES)
def test_a_required_expectation_against_a_nullable_producer_is_breaking(case):
    spec, avro_type, json_schema = CASES[case]
    assert _errors(_avro_producer(avro_type), spec)
    for nullable in _json_nullable_forms(json_schema).values():
        assert _errors(_json_producer(nullable, required=True), spec), nullable


def test_an_optional_object_still_catches_a_field_the_producer_lacks():
    spec = optional({"street": string(), "zip": string()})
    avro = _errors(_avro_producer(ADDRESS_AVRO), spec)
    assert len(avro) == 1
    assert "zip" in avro[0]
    for nullable in _json_nullable_forms(ADDRESS_JSON).values():
        found = _errors(_json_producer(nullable), spec)
        assert len(found) == 1, nullable
        assert "zip" in found[0]


# --- property tests: expectations derived from a schema hold against it ---------------------------

_NAMES = st.sampled_from(["a", "b", "c", "d", "e"])
_AVRO_SCALARS = {
    "string": string,
    "long": integer,
    "int": integer,
    "double": decimal,
    "float": decimal,
    "boolean": lambda: like(True),
}


@st.composite
def avro_types(draw: st.DrawFn, depth: int = 0, names: itertools.count | None = None) -> Any:
    names = names if names is not None else itertools.count()
    kinds = ["scalar", "enum"] + (["record", "array", "map", "nullable", "records"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return draw(st.sampled_from(sorted(_AVRO_SCALARS)))
    if kind == "enum":
        symbols = draw(st.lists(st.sampled_from(["X", "Y", "Z"]), min_size=1, unique=True))
        return {"type": "enum", "name": f"E{next(names)}", "symbols": symbols}
    if kind == "array":
        return {"type": "array", "items": draw(avro_types(depth + 1, names))}
    if kind == "map":
        return {"type": "map", "values": draw(avro_types(depth + 1, names))}
    if kind == "nullable":
        inner = draw(avro_types(depth + 1, names).filter(lambda t: not isinstance(t, list)))
        return ["null", inner] if draw(st.booleans()) else [inner, "null"]
    if kind == "records":
        return ["null", draw(_avro_records(depth, names)), draw(_avro_records(depth, names))]
    return draw(_avro_records(depth, names))


@st.composite
def _avro_records(draw: st.DrawFn, depth: int, names: itertools.count) -> dict[str, Any]:
    field_names = draw(st.lists(_NAMES, min_size=1, max_size=3, unique=True))
    fields = [{"name": name, "type": draw(avro_types(depth + 1, names))} for name in field_names]
    return {"type": "record", "name": f"R{next(names)}", "fields": fields}


@st.composite
def read_avro(draw: st.DrawFn, avro_type: Any) -> Any:
    """What a consumer that reads (some of) an Avro type writes with matchers."""
    if isinstance(avro_type, list):
        branches = [branch for branch in avro_type if branch != "null"]
        read = [draw(read_avro(branch)) for branch in branches]
        inner = read[0] if len(read) == 1 else any_of(*read)
        return optional(inner) if "null" in avro_type else inner
    if isinstance(avro_type, str):
        return _AVRO_SCALARS[avro_type]()
    kind = avro_type["type"]
    if kind == "enum":
        return enum_of(*avro_type["symbols"])
    if kind == "array":
        return each_like(draw(read_avro(avro_type["items"])))
    if kind == "map":
        return like({})
    fields = avro_type["fields"]
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, unique_by=lambda f: f["name"]))
    spec = {}
    for field in chosen:
        value = draw(read_avro(field["type"]))
        wrap = draw(st.booleans()) and not isinstance(value, type(optional(string())))
        spec[field["name"]] = optional(value) if wrap else value
    return spec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.data())
def test_property_an_expectation_read_from_an_avro_schema_holds_against_it(data):
    record = data.draw(_avro_records(0, itertools.count()))
    record["name"] = "OrderPlaced"
    spec = data.draw(read_avro(record))
    producer = ProducerSchema("OrderPlaced", "AVRO", orjson.dumps(record).decode(), 1)
    findings = check_schema_expectation(producer, expect("OrderPlaced", spec), consumer="c@1")
    assert [f.describe() for f in findings if f.severity == "error"] == []


_JSON_SCALARS = {"string": string, "integer": integer, "number": decimal, "boolean": lambda: like(True)}


@st.composite
def json_schemas(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    kinds = ["scalar", "enum"] + (["object", "array", "nullable"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return {"type": draw(st.sampled_from(sorted(_JSON_SCALARS)))}
    if kind == "enum":
        return {
            "type": "string",
            "enum": draw(st.lists(st.sampled_from(["X", "Y"]), min_size=1, unique=True)),
        }
    if kind == "array":
        return {"type": "array", "items": draw(json_schemas(depth + 1))}
    if kind == "nullable":
        inner = draw(json_schemas(depth + 1).filter(lambda s: isinstance(s.get("type"), str)))
        forms = _json_nullable_forms(inner)
        return forms[draw(st.sampled_from(sorted(forms)))]
    names = draw(st.lists(_NAMES, min_size=1, max_size=3, unique=True))
    properties = {name: draw(json_schemas(depth + 1)) for name in names}
    required = draw(st.lists(st.sampled_from(names), unique=True))
    return {"type": "object", "properties": properties, "required": required}


def _nullable_inner(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The non-null schema of a nullable one (any spelling), or None when the schema is not nullable."""
    if isinstance(schema.get("type"), list):
        return {**schema, "type": next(kind for kind in schema["type"] if kind != "null")}
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return next(branch for branch in schema[keyword] if branch != {"type": "null"})
    return None


@st.composite
def read_json(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    inner = _nullable_inner(schema)
    if inner is not None:
        return optional(draw(read_json(inner)))
    if "enum" in schema:
        return enum_of(*schema["enum"])
    kind = schema["type"]
    if kind == "array":
        return each_like(draw(read_json(schema["items"])))
    if kind != "object":
        return _JSON_SCALARS[kind]()
    names = draw(st.lists(st.sampled_from(sorted(schema["properties"])), min_size=1, unique=True))
    spec = {}
    for name in names:
        value = draw(read_json(schema["properties"][name]))
        needs_optional = name not in schema["required"] and not isinstance(value, type(optional(string())))
        spec[name] = optional(value) if needs_optional else value
    return spec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.data())
def test_property_an_expectation_read_from_a_json_schema_holds_against_it(data):
    schema = data.draw(json_schemas().filter(lambda s: s.get("type") == "object"))
    spec = data.draw(read_json(schema))
    document = {"$schema": "http://json-schema.org/draft-07/schema#", **schema}
    producer = ProducerSchema("OrderPlaced", "JSON", orjson.dumps(document).decode(), 1)
    findings = check_schema_expectation(producer, expect("OrderPlaced", spec), consumer="c@1")
    assert [f.describe() for f in findings if f.severity == "error"] == []


def test_a_schema_at_the_nesting_limit_is_compared_as_written():
    def nested(levels: int) -> str:
        node: dict[str, Any] = {"type": ["string", "null"]}
        for _ in range(levels):
            node = {"type": "object", "properties": {"a": node}}
        return orjson.dumps(node).decode()

    deepest = max(
        levels for levels in range(40, 70) if _parses(nested(levels))
    )  # the deepest the registry accepts
    spelled = orjson.dumps(as_alternatives(orjson.loads(nested(deepest)))).decode()
    assert not _parses(spelled)  # spelled out, it would be too deep
    schema = parse_schema(SchemaType.JSON, nested(deepest))
    assert expectation_gaps(schema, schema) == []


def _parses(text: str) -> bool:
    try:
        parse_schema(SchemaType.JSON, text)
    except SchemaParseError:
        return False
    return True
