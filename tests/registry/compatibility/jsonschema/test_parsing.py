"""Parsing: what is refused (and how precisely), references by name, remote references never fetched,
and the canonical and normalized forms."""

from __future__ import annotations

import json
import socket

import pytest

from registry.compatibility import (
    ResolvedReference,
    SchemaParseError,
    SchemaType,
    parse_json_schema,
    parse_schema,
)
from registry.compatibility.jsonschema.references import normalize_reference
from tests.registry.compatibility.jsonschema.support import backward_compatible, parse

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def reference(name: str, schema: object, schema_type: SchemaType = SchemaType.JSON) -> ResolvedReference:
    return ResolvedReference(name, name.removesuffix(".json"), 1, schema_type, json.dumps(schema))


@pytest.mark.parametrize(
    ("text", "message", "path"),
    [
        ("{", "not JSON", ""),
        ("[]", "a schema is a JSON object or a boolean, not list", ""),
        ('"string"', "a schema is a JSON object or a boolean, not str", ""),
        ('{"$schema": 7}', "`$schema` must be a string", "#/$schema"),
        ('{"$schema": "http://example.com/my-dialect"}', "Unknown `$schema`", "#/$schema"),
        ('{"$schema": "http://json-schema.org/draft-03/schema#"}', "Unknown `$schema`", "#/$schema"),
        (
            '{"properties": {"a": {"$ref": "#/definitions/missing"}}}',
            "points to nothing",
            "#/properties/a/$ref",
        ),
        ('{"properties": {"a": {"$ref": "#missing"}}}', "cannot be resolved", "#/properties/a/$ref"),
        ('{"$ref": "customer.json"}', "register 'customer.json' as a schema", "#/$ref"),
    ],
)
def test_a_refusal_says_what_is_wrong_and_where(text, message, path):
    with pytest.raises(SchemaParseError) as refused:
        parse_json_schema(text)

    assert message in refused.value.message
    assert refused.value.path == path


@pytest.mark.parametrize(
    ("schema", "path", "keyword", "detail"),
    [
        ({"properties": {"a": {"type": 5}}}, "#/properties/a/type", "anyOf", ""),
        ({"required": "a"}, "#/required", "type", "is not of type 'array'"),
        ({"maxLength": -1}, "#/maxLength", "minimum", "is less than the minimum of 0"),
        ({"$schema": DRAFT4, "minimum": 1, "exclusiveMinimum": 0}, "#/exclusiveMinimum", "type", "boolean"),
        ({"$schema": DRAFT2020, "prefixItems": {}}, "#/prefixItems", "type", "is not of type 'array'"),
        ({"pattern": "(unclosed"}, "#/pattern", "format", "is not a 'regex'"),
    ],
)
def test_a_metaschema_violation_names_the_rule_and_the_place(schema, path, keyword, detail):
    with pytest.raises(SchemaParseError) as refused:
        parse(schema)

    assert refused.value.path == path
    assert f"(metaschema keyword {keyword!r})" in refused.value.message
    assert detail in refused.value.message


def test_a_subschema_only_a_ref_reaches_is_checked_against_the_metaschema_too():
    # draft-07 does not know `$defs`, so its metaschema never looks inside it.
    schema = {"$defs": {"a": {"type": "nope"}}, "properties": {"x": {"$ref": "#/$defs/a"}}}

    with pytest.raises(SchemaParseError) as refused:
        parse(schema)

    assert refused.value.path == "#/$defs/a/type"


def test_a_regular_expression_no_metaschema_checks_is_still_checked():
    # Draft 4's metaschema does not say that patternProperties keys are regular expressions.
    with pytest.raises(SchemaParseError) as refused:
        parse({"$schema": DRAFT4, "patternProperties": {"([": {}}})

    assert "not a regular expression" in refused.value.message
    assert refused.value.path == "#/patternProperties"


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#"},
        {"allOf": [{"$ref": "#"}]},
        {"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}},
        {"$schema": DRAFT2020, "$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}]}}},
    ],
)
def test_a_ref_cycle_that_never_describes_a_nested_value_is_refused(schema):
    with pytest.raises(SchemaParseError) as refused:
        parse(schema)

    assert "validation would never end" in refused.value.message


def test_deeply_nested_documents_are_refused_before_they_can_exhaust_the_stack():
    schema: dict = {"type": "string"}
    for _ in range(100):
        schema = {"properties": {"a": schema}}

    with pytest.raises(SchemaParseError) as refused:
        parse(schema)

    assert "nest more than 128 levels" in refused.value.message


@pytest.fixture
def listening_socket():
    """A local server nobody should ever connect to."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.3)
    yield server
    server.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_remote_ref_is_refused_without_any_connection(listening_socket, scheme):
    port = listening_socket.getsockname()[1]
    url = f"{scheme}://127.0.0.1:{port}/schemas/customer.json"

    with pytest.raises(SchemaParseError) as refused:
        parse({"properties": {"customer": {"$ref": url}}})

    assert "never fetched" in refused.value.message
    with pytest.raises(TimeoutError):
        listening_socket.accept()


def test_a_remote_ref_inside_a_reference_is_refused_without_any_connection(listening_socket):
    port = listening_socket.getsockname()[1]
    customer = reference(
        "customer.json", {"properties": {"tier": {"$ref": f"http://127.0.0.1:{port}/t.json"}}}
    )

    with pytest.raises(SchemaParseError) as refused:
        parse({"$ref": "customer.json"}, (customer,))

    assert refused.value.message.startswith("In reference 'customer.json': ")
    with pytest.raises(TimeoutError):
        listening_socket.accept()


def test_a_file_ref_is_refused_and_the_file_left_unread(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string"}')

    with pytest.raises(SchemaParseError) as refused:
        parse({"$ref": secret.as_uri()})

    assert "remote and file schemas are never fetched" in refused.value.message


def test_references_resolve_by_name_and_by_pointer_into_them():
    customer = reference("customer.json", {"type": "object", "properties": {"id": {"type": "string"}}})
    common = reference("common.json", {"definitions": {"money": {"type": "integer"}}})
    schema = {
        "properties": {
            "customer": {"$ref": "customer.json"},
            "total": {"$ref": "common.json#/definitions/money"},
        }
    }

    parsed = parse(schema, (customer, common))

    assert parsed.references == (customer, common)
    assert backward_compatible(parsed, parsed)


def test_a_schema_with_an_absolute_id_finds_its_references_by_name():
    customer = reference("customer.json", {"type": "object"})
    schema = {"$id": "https://example.com/schemas/order.json", "properties": {"c": {"$ref": "customer.json"}}}

    assert parse(schema, (customer,)).references == (customer,)


def test_a_reference_may_refer_to_another_reference():
    address = reference("address.json", {"type": "object", "properties": {"city": {"type": "string"}}})
    customer = reference("customer.json", {"properties": {"address": {"$ref": "address.json"}}})

    old = parse({"$ref": "customer.json"}, (address, customer))
    narrowed = reference("address.json", {"type": "object", "properties": {"city": {"maxLength": 3}}})
    new = parse({"$ref": "customer.json"}, (narrowed, customer))

    assert not backward_compatible(old, new)


@pytest.mark.parametrize(
    ("references", "message"),
    [
        ((reference("customer.avsc", {"type": "string"}, SchemaType.AVRO),), "not AVRO"),
        ((ResolvedReference("customer.json", "customer", 3, SchemaType.JSON, "{"),), "not JSON"),
        ((reference("customer.json", {"type": "strin"}),), "metaschema"),
    ],
)
def test_a_bad_reference_is_named_in_the_refusal(references, message):
    with pytest.raises(SchemaParseError) as refused:
        parse({"$ref": references[0].name}, references)

    assert refused.value.message.startswith(f"In reference {references[0].name!r}")
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("declared", "draft"),
    [
        (None, "draft-07"),
        ("http://json-schema.org/draft-04/schema#", "draft-04"),
        ("http://json-schema.org/draft-06/schema", "draft-06"),
        ("http://json-schema.org/draft-07/schema#", "draft-07"),
        ("https://json-schema.org/draft/2019-09/schema", "2019-09"),
        ("https://json-schema.org/draft/2020-12/schema", "2020-12"),
    ],
)
def test_the_draft_comes_from_dollar_schema(declared, draft):
    schema = {"type": "string"} if declared is None else {"$schema": declared, "type": "string"}

    assert parse(schema).draft.name == draft


def test_boolean_schemas_parse():
    assert parse_json_schema("true").canonical == "true"
    assert parse_json_schema(" false ").canonical == "false"


def test_the_registry_dispatch_parses_json_schemas():
    parsed = parse_schema(SchemaType.JSON, '{"type": "string"}')

    assert parsed.schema_type is SchemaType.JSON


def test_the_canonical_form_is_compact_and_keeps_key_order():
    parsed = parse_json_schema('{\n  "type": "object",\n  "required": ["b", "a"],\n  "properties": {}\n}')

    assert parsed.canonical == '{"type":"object","required":["b","a"],"properties":{}}'


def test_the_normalized_form_is_equal_for_schemas_that_differ_only_in_spelling():
    first = {
        "type": ["string", "null"],
        "required": ["b", "a"],
        "enum": ["x", None],
        "properties": {"a": {"$ref": "https://example.com/schemas/a.json#"}},
    }
    second = {
        "properties": {"a": {"$ref": "https://example.com/schemas/a.json"}},
        "enum": [None, "x"],
        "required": ["a", "b"],
        "type": ["null", "string"],
    }
    references = (reference("https://example.com/schemas/a.json", {}),)

    normalized = {parse(document, references).normalized for document in (first, second)}

    assert len(normalized) == 1
    assert '"$ref":"https://example.com/schemas/a.json"' in normalized.pop()


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("#", "#"),
        ("#/definitions/a%20b", "#/definitions/a%20b"),
        ("#/definitions/a b", "#/definitions/a%20b"),
        ("customer.json#", "customer.json"),
        ("./schemas/../customer.json", "customer.json"),
        (
            "HTTPS://Example.COM/schemas/./a.json#/definitions/x",
            "https://example.com/schemas/a.json#/definitions/x",
        ),
    ],
)
def test_refs_are_normalized_to_one_spelling(written, normalized):
    assert normalize_reference(written) == normalized


def test_normalization_keeps_what_changes_meaning():
    tuple_order = [
        parse({"items": items}).normalized for items in ([{"type": "string"}, {}], [{}, {"type": "string"}])
    ]
    assert tuple_order[0] != tuple_order[1]
    assert (
        parse({"$ref": "#/definitions/a%20b", "definitions": {"a b": {}}}).normalized
        == parse({"$ref": "#/definitions/a b", "definitions": {"a b": {}}}).normalized
    )
