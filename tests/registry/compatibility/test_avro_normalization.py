"""`canonical` (the schema as written, compact) and `normalized` (what normalize=true compares)."""

from __future__ import annotations

import json

import pytest

from registry.compatibility.avro import parse_avro
from tests.registry.compatibility.avro_support import avro_reference, parse, record


def test_canonical_is_the_schema_as_written_without_whitespace():
    text = """{ "type" : "record",
        "name": "Order", "x-owner": "sales",
        "fields": [ {"name": "id", "type": "int"} ] }"""

    assert parse_avro(text).canonical == (
        '{"type":"record","name":"Order","x-owner":"sales","fields":[{"name":"id","type":"int"}]}'
    )


def test_normalized_form_spells_everything_out_in_a_fixed_order():
    schema = {
        "namespace": "com.acme",
        "doc": "An order",
        "fields": [
            {"type": {"type": "long", "logicalType": "timestamp-millis"}, "name": "at", "doc": "when"},
            {
                "name": "status",
                "type": {"symbols": ["NEW", "DONE"], "type": "enum", "name": "Status", "default": "NEW"},
                "default": "NEW",
            },
            {
                "name": "price",
                "type": {"type": "bytes", "logicalType": "decimal", "scale": 2, "precision": 9},
            },
            {"name": "again", "type": "Status", "aliases": ["z", "b"], "x-pii": False, "order": "descending"},
            {"name": "total", "type": "double", "default": 1},
        ],
        "type": "record",
        "aliases": ["Purchase", "org.old.Order"],
        "name": "Order",
        "x-team": {"b": 1, "a": 2},
    }

    assert parse(schema).normalized == (
        '{"name":"com.acme.Order","type":"record","fields":['
        '{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"when"},'
        '{"name":"status","type":{"name":"com.acme.Status","type":"enum","symbols":["NEW","DONE"],'
        '"default":"NEW"},"default":"NEW"},'
        '{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},'
        '{"name":"again","type":"com.acme.Status","order":"descending","aliases":["b","z"],"x-pii":false},'
        '{"name":"total","type":"double","default":1.0}],'
        '"doc":"An order","aliases":["com.acme.Purchase","org.old.Order"],"x-team":{"b":1,"a":2}}'
    )


ADDRESS = {"type": "record", "name": "Address", "fields": [{"name": "zip", "type": "string"}]}

SAME_MEANING = {
    "key order and whitespace": (
        record({"name": "a", "type": "int"}),
        {
            "fields": [{"type": "int", "name": "a"}],
            "namespace": "com.acme",
            "name": "Order",
            "type": "record",
        },
    ),
    "namespace attribute or full name": (
        record(),
        {"type": "record", "name": "com.acme.Order", "fields": []},
    ),
    "inherited or explicit namespace": (
        record({"name": "a", "type": ADDRESS}),
        record({"name": "a", "type": {**ADDRESS, "namespace": "com.acme"}}),
    ),
    "primitive as name or object": (
        record({"name": "a", "type": "int"}),
        record({"name": "a", "type": {"type": "int"}}),
    ),
    "reference by short or full name": (
        record({"name": "a", "type": ADDRESS}, {"name": "b", "type": "Address"}),
        record({"name": "a", "type": ADDRESS}, {"name": "b", "type": "com.acme.Address"}),
    ),
    "aliases in any order, short or full": (
        record(aliases=["Old", "org.x.Older"]),
        record(aliases=["org.x.Older", "com.acme.Old"]),
    ),
    "whole-number default of a double": (
        record({"name": "a", "type": "double", "default": 1}),
        record({"name": "a", "type": "double", "default": 1.0}),
    ),
    "ascending order is the default": (
        record({"name": "a", "type": "int", "order": "ascending"}),
        record({"name": "a", "type": "int"}),
    ),
    "decimal scale 0 is the default": (
        {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 0},
        {"type": "bytes", "logicalType": "decimal", "precision": 4},
    ),
    "empty doc is no doc": (record(doc=""), record()),
}


@pytest.mark.parametrize(("first", "second"), SAME_MEANING.values(), ids=SAME_MEANING.keys())
def test_schemas_that_mean_the_same_normalize_alike(first, second):
    assert parse(first).canonical != parse(second).canonical
    assert parse(first).normalized == parse(second).normalized


DIFFERENT = {
    "a default": (
        record({"name": "a", "type": "int", "default": 1}),
        record({"name": "a", "type": "int", "default": 2}),
    ),
    "an alias": (record(), record(aliases=["Old"])),
    "a field alias": (
        record({"name": "a", "type": "int"}),
        record({"name": "a", "type": "int", "aliases": ["b"]}),
    ),
    "a logical type": (
        record({"name": "a", "type": "long"}),
        record({"name": "a", "type": {"type": "long", "logicalType": "timestamp-micros"}}),
    ),
    "a decimal's precision": (
        {"type": "bytes", "logicalType": "decimal", "precision": 4},
        {"type": "bytes", "logicalType": "decimal", "precision": 5},
    ),
    "an enum default": (
        {"type": "enum", "name": "E", "symbols": ["A", "B"]},
        {"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"},
    ),
    "the symbol order": (
        {"type": "enum", "name": "E", "symbols": ["A", "B"]},
        {"type": "enum", "name": "E", "symbols": ["B", "A"]},
    ),
    "the field order": (
        record({"name": "a", "type": "int"}, {"name": "b", "type": "int"}),
        record({"name": "b", "type": "int"}, {"name": "a", "type": "int"}),
    ),
    "a field's sort order": (
        record({"name": "a", "type": "int"}),
        record({"name": "a", "type": "int", "order": "ignore"}),
    ),
    "the namespace": (record(), record(namespace="org.acme")),
    "a doc (Confluent's normalization keeps it)": (record(doc="v1"), record(doc="v2")),
    "a custom attribute": (record(**{"connect.version": 1}), record(**{"connect.version": 2})),
}


@pytest.mark.parametrize(("first", "second"), DIFFERENT.values(), ids=DIFFERENT.keys())
def test_schemas_that_differ_in_what_normalization_keeps_normalize_apart(first, second):
    assert parse(first).normalized != parse(second).normalized


def test_types_from_references_appear_by_name():
    address = avro_reference("com.acme.Address", {**ADDRESS, "namespace": "com.acme"})

    normalized = parse(record({"name": "shipTo", "type": "Address"}), [address]).normalized

    assert json.loads(normalized)["fields"] == [{"name": "shipTo", "type": "com.acme.Address"}]


def test_a_recursive_type_is_spelled_out_once():
    linked = record({"name": "next", "type": ["null", "Node"], "default": None}, name="Node")

    assert parse(linked).normalized == (
        '{"name":"com.acme.Node","type":"record","fields":'
        '[{"name":"next","type":["null","com.acme.Node"],"default":null}]}'
    )


def test_a_type_in_the_null_namespace_keeps_it_inside_a_namespaced_record():
    schema = record({"name": "e", "type": {"type": "enum", "name": "E", "namespace": "", "symbols": ["A"]}})

    normalized = parse(schema).normalized

    assert json.loads(normalized)["fields"][0]["type"] == {
        "name": "E",
        "namespace": "",
        "type": "enum",
        "symbols": ["A"],
    }
    assert parse(json.loads(normalized)).normalized == normalized
