"""Avro's resolution rules, one row per rule: the incompatibilities found in each direction, by type and
JSON pointer (into the reader schema), in schema order. Where a direction is compatible, fastavro
proves it: data written with the writer schema reads back with the reader schema."""

from __future__ import annotations

import io
import json

import avro.schema
import fastavro
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from fastavro.read import SchemaResolutionError

from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from tests.registry.compatibility.avro_support import (
    avro_reference,
    backward_issues,
    forward_issues,
    parse,
    record,
    write_and_read,
)

TM, RF, NM, FS, ES, UB = (
    "TYPE_MISMATCH",
    "READER_FIELD_MISSING_DEFAULT_VALUE",
    "NAME_MISMATCH",
    "FIXED_SIZE_MISMATCH",
    "MISSING_ENUM_SYMBOLS",
    "MISSING_UNION_BRANCH",
)


def one(field_type, **extra):
    """A record with one field `f` of `field_type`."""
    return record({"name": "f", "type": field_type, **extra})


def enum(*symbols, name="Status", **extra):
    return {"type": "enum", "name": name, "symbols": list(symbols), **extra}


def fixed(size, name="Hash"):
    return {"type": "fixed", "name": name, "size": size}


def node(value_type="int", *more_fields):
    """A linked-list node: a value and an optional next node."""
    return record(
        {"name": "value", "type": value_type},
        {"name": "next", "type": ["null", "Node"], "default": None},
        *more_fields,
        name="Node",
    )


def tree(leaf_value_type):
    """A tree whose optional leaf refers back to its tree."""
    leaf = record(
        {"name": "parent", "type": ["null", "Tree"]}, {"name": "x", "type": leaf_value_type}, name="Leaf"
    )
    return record({"name": "child", "type": ["null", leaf]}, name="Tree")


ADDRESS = record({"name": "zip", "type": "string"}, name="Address")
ADDRESS_WITH_CITY = record(
    {"name": "zip", "type": "string"}, {"name": "city", "type": "string"}, name="Address"
)

# id: (old, new, backward issues (new reads old), forward issues (old reads new))
RULES = {
    # Promotions: int -> long -> float -> double, and string <-> bytes.
    "int to long": (one("int"), one("long"), [], [(TM, "#/fields/0/type")]),
    "int to float": (one("int"), one("float"), [], [(TM, "#/fields/0/type")]),
    "int to double": (one("int"), one("double"), [], [(TM, "#/fields/0/type")]),
    "long to float": (one("long"), one("float"), [], [(TM, "#/fields/0/type")]),
    "long to double": (one("long"), one("double"), [], [(TM, "#/fields/0/type")]),
    "float to double": (one("float"), one("double"), [], [(TM, "#/fields/0/type")]),
    "double to float": (one("double"), one("float"), [(TM, "#/fields/0/type")], []),
    "long to int": (one("long"), one("int"), [(TM, "#/fields/0/type")], []),
    "string to bytes": (one("string"), one("bytes"), [], []),
    "bytes to string": (one("bytes"), one("string"), [], []),
    "boolean to int": (one("boolean"), one("int"), [(TM, "#/fields/0/type")], [(TM, "#/fields/0/type")]),
    "null to string": (one("null"), one("string"), [(TM, "#/fields/0/type")], [(TM, "#/fields/0/type")]),
    "string to int": (one("string"), one("int"), [(TM, "#/fields/0/type")], [(TM, "#/fields/0/type")]),
    "top-level int to long": ("int", "long", [], [(TM, "#/")]),
    "top-level primitive to record": ("string", one("string"), [(TM, "#/")], [(TM, "#/")]),
    # Logical types do not take part in resolution (Avro's checkers ignore them).
    "logical type added": (one("long"), one({"type": "long", "logicalType": "timestamp-millis"}), [], []),
    "decimal precision changed": (
        one({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}),
        one({"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}),
        [],
        [],
    ),
    # Defaults: a reader field the writer lacks needs one.
    "add field with default": (
        one("int"),
        record({"name": "f", "type": "int"}, {"name": "g", "type": "int", "default": 0}),
        [],
        [],
    ),
    "add field without default": (
        one("int"),
        record({"name": "f", "type": "int"}, {"name": "g", "type": "int"}),
        [(RF, "#/fields/1")],
        [],
    ),
    "remove field without default": (
        record({"name": "f", "type": "int"}, {"name": "g", "type": "int"}),
        one("int"),
        [],
        [(RF, "#/fields/1")],
    ),
    "remove field with default": (
        record({"name": "f", "type": "int"}, {"name": "g", "type": "int", "default": 1}),
        one("int"),
        [],
        [],
    ),
    "add nullable field with null default": (
        one("int"),
        record({"name": "f", "type": "int"}, {"name": "g", "type": ["null", "string"], "default": None}),
        [],
        [],
    ),
    "default added to an existing field": (one("int"), one("int", default=7), [], []),
    # An enum's default replaces unknown symbols; it does not stand in for a missing field.
    "add enum field without field default": (
        one("int"),
        record({"name": "f", "type": "int"}, {"name": "s", "type": enum("A", "B", default="A")}),
        [(RF, "#/fields/1")],
        [],
    ),
    "several missing fields in schema order": (
        record({"name": "a", "type": "int"}),
        record({"name": "b", "type": "int"}, {"name": "a", "type": "string"}, {"name": "c", "type": "int"}),
        [(RF, "#/fields/0"), (TM, "#/fields/1/type"), (RF, "#/fields/2")],
        [(TM, "#/fields/0/type")],
    ),
    # Names: records, enums and fixed types match by unqualified name, or by a reader alias.
    "rename record": (one("int"), {**one("int"), "name": "Purchase"}, [(NM, "#/name")], [(NM, "#/name")]),
    "rename record with full alias": (
        one("int"),
        {**one("int"), "name": "Purchase", "aliases": ["com.acme.Order"]},
        [],
        [(NM, "#/name")],
    ),
    "rename record with alias relative to its namespace": (
        one("int"),
        {**one("int"), "name": "Purchase", "aliases": ["Order"]},
        [],
        [(NM, "#/name")],
    ),
    "alias in another namespace does not match": (
        one("int"),
        {**one("int"), "name": "Purchase", "aliases": ["org.other.Order"]},
        [(NM, "#/name")],
        [(NM, "#/name")],
    ),
    "change namespace only": (one("int"), {**one("int"), "namespace": "org.acme"}, [], []),
    "rename field with alias": (
        one("int"),
        record({"name": "g", "type": "int", "aliases": ["f"]}),
        [],
        [(RF, "#/fields/0")],
    ),
    "rename field without alias": (
        one("int"),
        record({"name": "g", "type": "int"}),
        [(RF, "#/fields/0")],
        [(RF, "#/fields/0")],
    ),
    "rename enum": (
        one(enum("A")),
        one(enum("A", name="State")),
        [(NM, "#/fields/0/type/name")],
        [(NM, "#/fields/0/type/name")],
    ),
    "rename enum with alias": (
        one(enum("A")),
        one(enum("A", name="State", aliases=["Status"])),
        [],
        [(NM, "#/fields/0/type/name")],
    ),
    "rename fixed": (
        one(fixed(16)),
        one(fixed(16, name="Digest")),
        [(NM, "#/fields/0/type/name")],
        [(NM, "#/fields/0/type/name")],
    ),
    # Enums: the reader needs every symbol the writer can write, or a default.
    "add enum symbol": (one(enum("A", "B")), one(enum("A", "B", "C")), [], [(ES, "#/fields/0/type/symbols")]),
    "remove enum symbol": (one(enum("A", "B")), one(enum("A")), [(ES, "#/fields/0/type/symbols")], []),
    "remove enum symbol with new default": (one(enum("A", "B")), one(enum("A", default="A")), [], []),
    "add enum symbol with old default": (
        one(enum("A", "B", default="A")),
        one(enum("A", "B", "C", default="A")),
        [],
        [],
    ),
    "replace enum symbol": (
        one(enum("A", "B")),
        one(enum("A", "C")),
        [(ES, "#/fields/0/type/symbols")],
        [(ES, "#/fields/0/type/symbols")],
    ),
    # Fixed: the size must match.
    "fixed size change": (
        one(fixed(16)),
        one(fixed(32)),
        [(FS, "#/fields/0/type/size")],
        [(FS, "#/fields/0/type/size")],
    ),
    "fixed rename and resize": (
        one(fixed(16)),
        one(fixed(32, name="Digest")),
        [(NM, "#/fields/0/type/name"), (FS, "#/fields/0/type/size")],
        [(NM, "#/fields/0/type/name"), (FS, "#/fields/0/type/size")],
    ),
    # Unions on either side.
    "make a field nullable": (one("int"), one(["null", "int"]), [], [(TM, "#/fields/0/type")]),
    "make a field required": (one(["null", "int"]), one("int"), [(TM, "#/fields/0/type")], []),
    "add union branch": (one(["null", "int"]), one(["null", "int", "string"]), [], [(UB, "#/fields/0/type")]),
    "remove union branch": (
        one(["null", "int", "string"]),
        one(["null", "int"]),
        [(UB, "#/fields/0/type")],
        [],
    ),
    "reorder union branches": (one(["null", "int", "string"]), one(["string", "null", "int"]), [], []),
    "promote a union branch": (one(["null", "int"]), one(["null", "long"]), [], [(UB, "#/fields/0/type")]),
    "union to a different type": (
        one(["null", "int"]),
        one("string"),
        [(TM, "#/fields/0/type"), (TM, "#/fields/0/type")],
        [(UB, "#/fields/0/type")],
    ),
    "union branch record gains a field without default": (
        one(["null", ADDRESS]),
        one(["null", ADDRESS_WITH_CITY]),
        [(UB, "#/fields/0/type")],
        [],
    ),
    "top-level union add branch": (["null", "int"], ["null", "int", "string"], [], [(UB, "#/")]),
    # Arrays and maps compare their items and values.
    "array item promotion": (
        one({"type": "array", "items": "int"}),
        one({"type": "array", "items": "long"}),
        [],
        [(TM, "#/fields/0/type/items")],
    ),
    "map value demotion": (
        one({"type": "map", "values": "double"}),
        one({"type": "map", "values": "float"}),
        [(TM, "#/fields/0/type/values")],
        [],
    ),
    "array to map": (
        one({"type": "array", "items": "int"}),
        one({"type": "map", "values": "int"}),
        [(TM, "#/fields/0/type")],
        [(TM, "#/fields/0/type")],
    ),
    "record in array gains a field without default": (
        one({"type": "array", "items": ADDRESS}),
        one({"type": "array", "items": ADDRESS_WITH_CITY}),
        [(RF, "#/fields/0/type/items/fields/1")],
        [],
    ),
    # Nested and reused named types.
    "nested record loses a field without default": (
        one(ADDRESS_WITH_CITY),
        one(ADDRESS),
        [],
        [(RF, "#/fields/0/type/fields/1")],
    ),
    "a reused named type is reported once, where first met": (
        record({"name": "billing", "type": ADDRESS}, {"name": "shipping", "type": "Address"}),
        record({"name": "billing", "type": ADDRESS_WITH_CITY}, {"name": "shipping", "type": "Address"}),
        [(RF, "#/fields/0/type/fields/1")],
        [],
    ),
    # Recursive types resolve exactly, however they recur.
    "linked list gains a field with default": (
        node(),
        node("int", {"name": "tag", "type": "string", "default": ""}),
        [],
        [],
    ),
    "linked list value promoted": (node("int"), node("long"), [], [(TM, "#/fields/0/type")]),
    "linked list gains a field without default": (
        node(),
        node("int", {"name": "tag", "type": "string"}),
        [(RF, "#/fields/2")],
        [],
    ),
    "mutually recursive records": (tree("int"), tree("long"), [], [(UB, "#/fields/0/type")]),
    "tree of itself in an array": (
        record(
            {"name": "children", "type": {"type": "array", "items": "Tree"}},
            {"name": "v", "type": "int"},
            name="Tree",
        ),
        record(
            {"name": "children", "type": {"type": "array", "items": "Tree"}},
            {"name": "v", "type": "string"},
            name="Tree",
        ),
        [(TM, "#/fields/1/type")],
        [(TM, "#/fields/1/type")],
    ),
}


@pytest.mark.parametrize(("old", "new", "backward", "forward"), RULES.values(), ids=RULES.keys())
def test_rule(old, new, backward, forward):
    old_schema, new_schema = parse(old), parse(new)

    assert backward_issues(old_schema, new_schema) == backward
    assert forward_issues(old_schema, new_schema) == forward

    if not backward:
        write_and_read(writer=old, reader=new, count=20)
    if not forward:
        write_and_read(writer=new, reader=old, count=20)


def test_named_types_from_references_are_compared_like_inline_ones():
    old_references = [avro_reference("com.acme.Address", ADDRESS, version=1)]
    new_references = [avro_reference("com.acme.Address", ADDRESS_WITH_CITY, version=2)]
    order = record({"name": "shipTo", "type": "com.acme.Address"})
    old, new = parse(order, old_references), parse(order, new_references)

    assert backward_issues(old, new) == [(RF, "#/fields/0/type/fields/1")]
    assert forward_issues(old, new) == []
    read = write_and_read(
        writer=order,
        reader=order,
        count=5,
        writer_references=new_references,
        reader_references=old_references,
    )
    assert all(set(datum["shipTo"]) == {"zip"} for datum in read)


def test_incompatible_verdicts_are_real_failures_for_fastavro():
    """Where the engine says no, a datum exists that fastavro cannot resolve."""
    pairs = [
        (one("string"), one("int")),  # TYPE_MISMATCH
        (one("int"), record({"name": "f", "type": "int"}, {"name": "g", "type": "int"})),  # missing default
        (one(fixed(16)), one(fixed(32))),  # FIXED_SIZE_MISMATCH
        (one("int"), {**one("int"), "name": "Purchase"}),  # NAME_MISMATCH
        (one(enum("A")), one(enum("B"))),  # MISSING_ENUM_SYMBOLS
        (one("int"), one(["null", "string"])),  # MISSING_UNION_BRANCH
    ]
    for old, new in pairs:
        assert backward_issues(parse(old), parse(new))
        with pytest.raises(SchemaResolutionError):
            write_and_read(writer=old, reader=new, count=1)


def test_a_failing_level_names_the_version_and_renders_confluents_shape():
    v1 = parse(one("int"))
    v2 = parse(record({"name": "f", "type": "int"}, {"name": "g", "type": "string", "default": ""}))
    v3 = parse(record({"name": "f", "type": "string"}, {"name": "g", "type": "string", "default": ""}))

    result = check_compatibility(
        v3, [PreviousVersion(1, v1), PreviousVersion(2, v2)], level=CompatibilityLevel.FULL
    )

    assert [failure.direction for failure in result.failures] == ["BACKWARD", "FORWARD"]
    messages = result.messages()
    assert messages[0].startswith(
        "{errorType:'TYPE_MISMATCH', description:'The type of field 'f' at path '#/fields/0/type'"
    )
    assert messages[-3:] == [
        "{oldSchemaVersion: 2}",
        f"{{oldSchema: '{v2.canonical}'}}",
        "{compatibility: 'FULL'}",
    ]


def test_a_recursive_failure_found_while_trying_a_union_branch_is_not_forgotten():
    """Apache's checker counts a pair it is still checking as compatible and memoizes what it derives
    from that, so here it says compatible: field f1's union tries record R first (which fails on k)
    and settles on Q, but f2's record A was judged while R was assumed to fit. The engine settles
    the pairs exactly; fastavro proves it right, failing on f2's R."""
    a = {"type": "record", "name": "A", "fields": [{"name": "h", "type": ["null", "R"]}]}
    writer = record(
        {"name": "f1", "type": record({"name": "g", "type": a}, {"name": "k", "type": "int"}, name="R")},
        {"name": "f2", "type": "A"},
        name="T",
    )
    reader = record(
        {
            "name": "f1",
            "type": [
                record({"name": "g", "type": a}, {"name": "k", "type": "string"}, name="R"),
                record({"name": "k", "type": "int"}, name="Q", aliases=["com.acme.R"]),
            ],
        },
        {"name": "f2", "type": "A"},
        name="T",
    )
    apache = ReaderWriterCompatibilityChecker().get_compatibility(
        avro.schema.parse(json.dumps(reader)), avro.schema.parse(json.dumps(writer))
    )

    assert apache.compatibility is SchemaCompatibilityType.compatible
    assert backward_issues(parse(writer), parse(reader)) == [(UB, "#/fields/1/type/fields/0/type")]
    datum = {"f1": {"g": {"h": None}, "k": 1}, "f2": {"h": {"g": {"h": None}, "k": 5}}}
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(writer), datum)
    buffer.seek(0)
    with pytest.raises(SchemaResolutionError, match="int is not string"):
        fastavro.schemaless_reader(buffer, fastavro.parse_schema(writer), fastavro.parse_schema(reader))
