"""Parsing Avro schemas: what is accepted, and for what is not, the reason and the JSON pointer."""

from __future__ import annotations

import json

import pytest

from registry.compatibility import (
    CompatibilityPolicy,
    ResolvedReference,
    Roles,
    SchemaParseError,
    SchemaType,
)
from registry.compatibility.avro import parse_avro
from registry.compatibility.avro.parsing import MAX_NESTING


def record(*fields, name="Order", **attributes):
    return {"type": "record", "name": name, "namespace": "com.acme", "fields": list(fields), **attributes}


def reference(name, schema, subject="shared", version=1, schema_type=SchemaType.AVRO):
    return ResolvedReference(name, subject, version, schema_type, json.dumps(schema))


ADDRESS = {
    "type": "record",
    "name": "Address",
    "namespace": "com.acme",
    "fields": [{"name": "zip", "type": "string"}],
}

VALID = {
    "bare primitive": "string",
    "object primitive": {"type": "long"},
    "top-level union": ["null", "string", record()],
    "top-level array": {"type": "array", "items": {"type": "map", "values": "bytes"}},
    "logical types": record(
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "time", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {
            "name": "amount",
            "type": {"type": "fixed", "name": "Amount", "size": 8, "logicalType": "decimal", "precision": 18},
        },
        {"name": "span", "type": {"type": "fixed", "name": "Span", "size": 12, "logicalType": "duration"}},
    ),
    # The specification says to ignore unknown logical types and ones on the wrong type.
    "unknown logical type": {"type": "string", "logicalType": "postcode"},
    "misplaced logical type": {"type": "string", "logicalType": "date"},
    "recursive record": record({"name": "next", "type": ["null", "Order"], "default": None}, name="Order"),
    "named type reused by short name": record(
        {"name": "billing", "type": ADDRESS}, {"name": "shipping", "type": "Address"}
    ),
    "named type as a type object": record(
        {"name": "a", "type": ADDRESS}, {"name": "b", "type": {"type": "Address"}}
    ),
    "short name found in the null namespace": {
        "type": "record",
        "name": "Outer",
        "fields": [
            {"name": "a", "type": {"type": "enum", "name": "Color", "symbols": ["RED"]}},
            {
                "name": "b",
                "type": {"type": "record", "name": "x.Inner", "fields": [{"name": "c", "type": "Color"}]},
            },
        ],
    },
    "empty namespace means the null namespace": record(
        {"name": "e", "type": {"type": "enum", "name": "E", "namespace": "", "symbols": ["A"]}},
        {"name": "again", "type": "E"},
    ),
    "defaults of every kind": record(
        {"name": "n", "type": "null", "default": None},
        {"name": "b", "type": "boolean", "default": True},
        {"name": "i", "type": "int", "default": -(2**31)},
        {"name": "l", "type": "long", "default": 2**63 - 1},
        {"name": "f", "type": "float", "default": 1},
        {"name": "d", "type": "double", "default": "NaN"},
        {"name": "by", "type": "bytes", "default": "\u00ff\u0000"},
        {"name": "s", "type": "string", "default": "\u2603"},
        {"name": "fx", "type": {"type": "fixed", "name": "Two", "size": 2}, "default": "ab"},
        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}, "default": "B"},
        {"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, 2]},
        {"name": "m", "type": {"type": "map", "values": "E"}, "default": {"k": "A"}},
        {"name": "r", "type": ADDRESS, "default": {"zip": "12345"}},
        {"name": "u", "type": ["null", "string"], "default": "any branch may match"},
    ),
    "custom attributes": record(
        {"name": "a", "type": "int", "x-pii": True}, **{"connect.name": "com.acme.Order"}
    ),
    "error type is a record": {
        "type": "error",
        "name": "Failure",
        "fields": [{"name": "reason", "type": "string"}],
    },
    "field order and doc": record(
        {"name": "a", "type": "int", "order": "descending", "doc": "the a"}, doc="An order"
    ),
    "enum default": {"type": "enum", "name": "Status", "symbols": ["NEW", "UNKNOWN"], "default": "UNKNOWN"},
}


@pytest.mark.parametrize("schema", VALID.values(), ids=VALID.keys())
def test_valid_schemas_parse(schema):
    parsed = parse_avro(json.dumps(schema))

    assert json.loads(parsed.canonical) == schema
    assert json.loads(parsed.normalized)  # the normalized form is JSON too


def test_named_types_come_from_references_in_dependency_order():
    country = {"type": "enum", "name": "Country", "namespace": "com.acme", "symbols": ["NL", "DE"]}
    address = {
        "type": "record",
        "name": "Address",
        "namespace": "com.acme",
        "fields": [{"name": "country", "type": "Country"}],
    }
    references = [reference("com.acme.Country", country), reference("com.acme.Address", address)]

    order = parse_avro(json.dumps(record({"name": "shipTo", "type": "Address"})), references)

    assert order.full_name == "com.acme.Order"
    assert order.root.fields[0].type.fields[0].type.symbols == ("NL", "DE")
    assert order.references == tuple(references)


def test_a_reference_listed_twice_counts_once():
    country = reference("com.acme.Country", {"type": "enum", "name": "com.acme.Country", "symbols": ["NL"]})

    parsed = parse_avro(json.dumps(record({"name": "c", "type": "Country"})), [country, country])

    assert parsed.root.fields[0].type.symbols == ("NL",)


def test_two_references_defining_one_name_conflict():
    first = reference("com.acme.Country", {"type": "enum", "name": "com.acme.Country", "symbols": ["NL"]})
    second = reference("countries", {"type": "enum", "name": "com.acme.Country", "symbols": ["DE"]}, "other")

    with pytest.raises(SchemaParseError) as caught:
        parse_avro('"com.acme.Country"', [first, second])

    assert caught.value.message.startswith(
        "Invalid Avro schema: In the schema reference 'countries' (subject 'other', version 1)"
    )
    assert 'The name "com.acme.Country" is already defined' in caught.value.message


def test_a_schema_may_be_just_a_referenced_type():
    parsed = parse_avro('"com.acme.Address"', [reference("com.acme.Address", ADDRESS)])

    assert parsed.full_name == "com.acme.Address"
    assert parsed.normalized == '"com.acme.Address"'


INVALID = {
    "not JSON": ('{"type": "record",', "#/", "Not valid JSON: unexpected end of data (line 1, column 19)"),
    "empty text": ("", "#/", "Not valid JSON"),
    "not a schema": (42, "#/", "Expected a schema"),
    "unknown primitive": ("strin", "#/", 'Unknown type "strin"'),
    "unknown type with a suggestion": (
        record({"name": "b", "type": ADDRESS}, {"name": "a", "type": "Adress"}),
        "#/fields/1/type",
        'no named type "com.acme.Adress" or "Adress" is defined (named types must be defined before they are '
        'used, here or in a schema reference). Did you mean "com.acme.Address"?',
    ),
    "used before it is defined": (
        record({"name": "b", "type": "Address"}, {"name": "a", "type": ADDRESS}),
        "#/fields/0/type",
        "A type of that name is defined later, at #/fields/1/type; define a named type where it is first",
    ),
    "misspelt complex type": (
        {"type": "recrod", "name": "R", "fields": []},
        "#/type",
        'Did you mean "record"?',
    ),
    "type is not a name": ({"type": {"type": "string"}}, "#/type", '"type" must be a type name'),
    "no type": ({"name": "x"}, "#/", 'A schema object needs a "type" attribute'),
    "record without fields": ({"type": "record", "name": "R"}, "#/", 'A record needs the attribute "fields"'),
    "fields not a list": ({"type": "record", "name": "R", "fields": {}}, "#/", '"fields" must be an array'),
    "field without type": (record({"name": "a"}), "#/fields/0", 'A field needs the attribute "type"'),
    "field not an object": (record("a"), "#/fields/0", "A field must be a JSON object"),
    "duplicate field": (
        record({"name": "a", "type": "int"}, {"name": "a", "type": "long"}),
        "#/fields/1/name",
        'Duplicate field name "a" in record "com.acme.Order": field 0 has it too',
    ),
    "bad field name": (
        record({"name": "first-name", "type": "string"}),
        "#/fields/0/name",
        "not a valid Avro name",
    ),
    "bad record name": (
        {"type": "record", "name": "1Order", "fields": []},
        "#/name",
        "not a valid Avro name",
    ),
    "bad namespace": (record(namespace="com..acme"), "#/namespace", 'Namespace "com..acme" is not a valid'),
    "name is a primitive": (
        {"type": "fixed", "name": "long", "size": 8},
        "#/name",
        "name of a primitive type",
    ),
    "name defined twice": (
        record({"name": "a", "type": ADDRESS}, {"name": "b", "type": ADDRESS}),
        "#/fields/1/type/name",
        'The name "com.acme.Address" is already defined',
    ),
    "bad alias": (record(aliases=["old-order"]), "#/aliases/0", 'Alias "old-order" is not a valid'),
    "aliases not a list": (record(aliases="Old"), "#/aliases", '"aliases" must be an array'),
    "bad field alias": (
        record({"name": "a", "type": "int", "aliases": ["b.c"]}),
        "#/fields/0/aliases/0",
        'Field alias "b.c" is not a valid',
    ),
    "field alias naming another field": (
        record({"name": "c", "type": "int"}, {"name": "x", "type": "int", "aliases": ["c"]}),
        "#/fields/1/aliases/0",
        'Field "x" has the alias "c", which field 0 of record "com.acme.Order" already names',
    ),
    "field alias used twice": (
        record(
            {"name": "x", "type": "int", "aliases": ["c"]}, {"name": "y", "type": "int", "aliases": ["c"]}
        ),
        "#/fields/1/aliases/0",
        'Field "y" has the alias "c", which an alias of field 0 of record "com.acme.Order" already names',
    ),
    "bad field order": (
        record({"name": "a", "type": "int", "order": "up"}),
        "#/fields/0/order",
        'Field "a" has order "up"',
    ),
    "nested union": (["null", ["int", "string"]], "#/1", "cannot directly contain another union"),
    "duplicate union branch": (
        ["null", "long", {"type": "long", "logicalType": "timestamp-millis"}],
        "#/2",
        'The union has "long" twice (branches 1 and 2)',
    ),
    "duplicate named union branch": (
        [ADDRESS, "com.acme.Address"],
        "#/1",
        'The union has "com.acme.Address" twice',
    ),
    "enum without symbols": ({"type": "enum", "name": "E"}, "#/", 'An enum needs the attribute "symbols"'),
    "bad enum symbol": ({"type": "enum", "name": "E", "symbols": ["A", "b-c"]}, "#/symbols/1", "Enum symbol"),
    "duplicate enum symbol": (
        {"type": "enum", "name": "E", "symbols": ["A", "B", "A"]},
        "#/symbols/2",
        'Duplicate enum symbol "A": symbol 0 is the same',
    ),
    "enum default not a symbol": (
        {"type": "enum", "name": "E", "symbols": ["A"], "default": "Z"},
        "#/default",
        'The enum default "Z" is not one of the symbols A',
    ),
    "enum default not even a string": (
        {"type": "enum", "name": "E", "symbols": ["A"], "default": ["A"]},
        "#/default",
        'The enum default ["A"] is not one of the symbols A',
    ),
    "fixed without size": ({"type": "fixed", "name": "F"}, "#/", 'A fixed type needs the attribute "size"'),
    "fixed with a bad size": (
        {"type": "fixed", "name": "F", "size": "16"},
        "#/",
        '"size" must be a whole number',
    ),
    "array without items": ({"type": "array"}, "#/", 'An array schema needs the attribute "items"'),
    "map without values": ({"type": "map"}, "#/", 'A map schema needs the attribute "values"'),
    "decimal without precision": (
        {"type": "bytes", "logicalType": "decimal"},
        "#/precision",
        'A decimal needs "precision"',
    ),
    "decimal scale above precision": (
        {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 5},
        "#/scale",
        "a whole number from 0 to its precision (4); found 5",
    ),
    "decimal too wide for its fixed": (
        {"type": "fixed", "name": "D", "size": 4, "logicalType": "decimal", "precision": 10},
        "#/precision",
        "does not fit in 4 bytes; at most 9 digits fit",
    ),
    "default of the wrong type": (
        record({"name": "qty", "type": "int", "default": "one"}),
        "#/fields/0/default",
        'Invalid default for field "qty" of record "com.acme.Order": expected an int',
    ),
    "int default out of range": (
        record({"name": "qty", "type": "int", "default": 2**31}),
        "#/fields/0/default",
        "an int",
    ),
    "boolean is not a number": (
        record({"name": "x", "type": "double", "default": True}),
        "#/fields/0/default",
        "a number",
    ),
    "default not in the union": (
        record({"name": "u", "type": ["null", "string"], "default": 3}),
        "#/fields/0/default",
        "expected a value of one of the types in union [null, string], found 3",
    ),
    "bytes default beyond \\u00ff": (
        record({"name": "b", "type": "bytes", "default": "\u2603"}),
        "#/fields/0/default",
        "one per byte",
    ),
    "fixed default of the wrong length": (
        record({"name": "f", "type": {"type": "fixed", "name": "F", "size": 2}, "default": "abc"}),
        "#/fields/0/default",
        "exactly 2 characters",
    ),
    "enum default of a field not a symbol": (
        record({"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}, "default": "B"}),
        "#/fields/0/default",
        "one of the symbols A",
    ),
    "bad array item in a default": (
        record({"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, "x"]}),
        "#/fields/0/default/1",
        "expected an int",
    ),
    "record default missing a field": (
        record({"name": "r", "type": ADDRESS, "default": {}}),
        "#/fields/0/default",
        'lacks field "zip", which has no default',
    ),
    "too deep": (
        json.loads('{"type": "array", "items": ' * MAX_NESTING + '"int"' + "}" * MAX_NESTING),
        "#/" + "/".join(["items"] * MAX_NESTING),
        f"nests more than {MAX_NESTING} levels",
    ),
}


@pytest.mark.parametrize(("schema", "path", "message"), INVALID.values(), ids=INVALID.keys())
def test_invalid_schemas_are_rejected_with_reason_and_place(schema, path, message):
    text = schema if isinstance(schema, str) and not schema.isidentifier() else json.dumps(schema)

    with pytest.raises(SchemaParseError) as caught:
        parse_avro(text)

    assert caught.value.message.startswith("Invalid Avro schema: ")
    assert message in caught.value.message
    assert (caught.value.path or "#/") == path


def test_a_default_that_nested_unions_would_check_exponentially_often_is_checked_quickly():
    """Every level's union tries R, then Q, each looking all the way down: without remembering what
    failed, 2**24 tries."""
    shape = [{"name": "x", "type": "int"}, {"name": "next", "type": ["null", "R", "Q"]}]
    r = {
        "type": "record",
        "name": "R",
        "fields": [
            shape[0],
            {**shape[1], "type": ["null", "R", {"type": "record", "name": "Q", "fields": shape}]},
        ],
    }
    default: dict = {"x": "not a number", "next": None}
    for _ in range(24):
        default = {"x": 1, "next": default}
    schema = {
        "type": "record",
        "name": "Holder",
        "fields": [{"name": "r", "type": r}, {"name": "s", "type": "R", "default": default}],
    }

    with pytest.raises(SchemaParseError, match='Invalid default for field "s"'):
        parse_avro(json.dumps(schema))


def test_errors_in_a_reference_name_the_reference():
    broken = reference(
        "com.acme.Address", record({"name": "zip", "type": "Zip"}, name="Address"), "addresses", 3
    )

    with pytest.raises(SchemaParseError) as caught:
        parse_avro(json.dumps(record({"name": "a", "type": "com.acme.Address"})), [broken])

    assert caught.value.message.startswith(
        "Invalid Avro schema: In the schema reference 'com.acme.Address' (subject 'addresses', version 3): "
        'Unknown type "Zip"'
    )
    assert caught.value.path == "#/fields/0/type"


def test_a_reference_must_be_avro():
    json_reference = reference("address.json", {"type": "object"}, schema_type=SchemaType.JSON)

    with pytest.raises(SchemaParseError, match="is a JSON schema; an Avro schema can only refer to Avro"):
        parse_avro('"string"', [json_reference])


def test_a_missing_reference_is_an_unknown_type():
    with pytest.raises(SchemaParseError, match=r'Unknown type "com\.acme\.Address"'):
        parse_avro(json.dumps(record({"name": "a", "type": "com.acme.Address"})))


def test_deep_but_allowed_nesting_parses_and_checks_without_recursion_errors():
    depth = MAX_NESTING - 1
    schema = json.loads('{"type": "array", "items": ' * depth + '"int"' + "}" * depth)
    widened = json.loads('{"type": "array", "items": ' * depth + '"long"' + "}" * depth)

    old, new = parse_avro(json.dumps(schema)), parse_avro(json.dumps(widened))

    assert new.normalized == json.dumps(widened, separators=(",", ":"))
    assert new.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT) == []
    [issue] = old.incompatibilities(new, roles=Roles.forward(), policy=CompatibilityPolicy.STRICT)
    assert issue.path == "#/" + "/".join(["items"] * depth)
