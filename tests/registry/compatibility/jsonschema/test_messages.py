"""What users read: Confluent's sentence and path, then what changed, who it breaks and the usual fix; and
the verdicts of every compatibility level over a history of JSON schemas."""

from __future__ import annotations

import pytest

from registry.compatibility import (
    CompatibilityLevel,
    CompatibilityPolicy,
    PreviousVersion,
    Roles,
    check_compatibility,
)
from tests.registry.compatibility.jsonschema.support import parse

OPEN = {"type": "object", "properties": {"id": {"type": "string"}}}
WITH_TYPED_EXTRA = {"type": "object", "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}


def only_incompatibility(old: object, new: object, roles: Roles = Roles.backward()):
    reader, writer = (parse(new), parse(old)) if roles == Roles.backward() else (parse(old), parse(new))
    [issue] = reader.incompatibilities(writer, roles=roles, policy=CompatibilityPolicy.STRICT)
    return issue


def test_a_type_change_reads_as_confluent_writes_it():
    issue = only_incompatibility(
        {"properties": {"foo": {"type": "string"}}}, {"properties": {"foo": {"type": "integer"}}}
    )

    assert issue.type == "TYPE_CHANGED"
    assert issue.path == "#/properties/foo"
    assert issue.message.startswith(
        "A type at path '#/properties/foo' is different between the new schema and the old schema: "
        "the old schema allows string but the new schema allows only integer."
    )
    assert "a consumer upgraded to the new schema reading events written with the old one" in issue.message


def test_the_forward_direction_names_the_schemas_the_other_way_round():
    issue = only_incompatibility({"type": "integer"}, {"type": "number"}, roles=Roles.forward())

    assert issue.type == "TYPE_NARROWED"
    assert "between the old schema and the new schema" in issue.message
    assert "the new schema allows number but the old schema allows only integer" in issue.message
    assert "a consumer still on the old schema reading events written with the new one" in issue.message


def test_a_typed_property_added_to_an_open_model_says_why_and_what_to_do_instead():
    issue = only_incompatibility(OPEN, WITH_TYPED_EXTRA)

    assert issue.type == "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    assert issue.path == "#/properties/note"
    # why: old data may already carry the key with any value
    assert (
        "the old schema has an open content model, so its data may already carry 'note' with any value"
        in (issue.message)
    )
    # what to do instead
    assert "Declare the new property with the empty schema {}" in issue.message
    assert '"additionalProperties": false' in issue.message
    assert "LENIENT" in issue.message


def test_the_same_addition_is_accepted_as_an_empty_schema_or_under_lenient():
    old = parse(OPEN)
    as_empty = parse({"type": "object", "properties": {"id": {"type": "string"}, "note": {}}})
    typed = parse(WITH_TYPED_EXTRA)

    assert as_empty.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT) == []
    assert typed.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.LENIENT) == []


@pytest.mark.parametrize(
    ("old", "new", "headline"),
    [
        (
            {"type": "string"},
            {"type": "string", "maxLength": 3},
            "The keyword at path '#/maxLength' in the new schema is not present in the old schema",
        ),
        (
            {"type": "string", "maxLength": 5},
            {"type": "string", "maxLength": 3},
            "The value at path '#/maxLength' in the new schema is less than its value in the old schema",
        ),
        (
            {"enum": ["a", "b"]},
            {"enum": ["a"]},
            "An array or combined type at path '#/enum' has fewer elements in the new schema than the old "
            "schema",
        ),
        (
            {"type": "string", "pattern": "^a"},
            {"type": "string", "pattern": "^b"},
            "The value at path '#/pattern' is different between the new and old schema",
        ),
    ],
)
def test_headlines_follow_confluents_sentences(old, new, headline):
    assert only_incompatibility(old, new).message.startswith(headline)


def test_a_path_with_braces_and_slashes_is_reported_escaped_and_intact():
    issue = only_incompatibility(
        {"properties": {"a/{b}": {"type": "string"}}}, {"properties": {"a/{b}": {"type": "integer"}}}
    )

    assert issue.path == "#/properties/a~1{b}"
    assert "'#/properties/a~1{b}'" in issue.message


def test_other_roles_name_their_reader():
    old, new = parse({"type": "string"}), parse({"type": "integer"})
    roles = Roles(reader="expected", writer="published")

    [issue] = new.incompatibilities(old, roles=roles, policy=CompatibilityPolicy.STRICT)

    assert "between the expected schema and the published schema" in issue.message
    assert "a reader using the expected schema would fail on it" in issue.message


HISTORY = [
    PreviousVersion(
        1, parse({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})
    ),
    PreviousVersion(2, parse({"type": "object", "properties": {"id": {"type": "string"}}})),
]


@pytest.mark.parametrize(
    ("level", "new", "failures"),
    [
        # v3 reads both: it requires nothing and declares no more than v2.
        (CompatibilityLevel.BACKWARD_TRANSITIVE, {"type": "object"}, []),
        # v3 makes id required again: v2 data may lack it, v1 data may not.
        (
            CompatibilityLevel.BACKWARD,
            {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            [(2, "BACKWARD")],
        ),
        (
            CompatibilityLevel.FULL_TRANSITIVE,
            {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            [(2, "BACKWARD")],
        ),
        # v1 requires id, so it cannot read v3 data without it; v2 can.
        (CompatibilityLevel.FORWARD, {"type": "object", "properties": {"id": {"type": "string"}}}, []),
        (
            CompatibilityLevel.FORWARD_TRANSITIVE,
            {"type": "object", "properties": {"id": {"type": "string"}}},
            [(1, "FORWARD")],
        ),
    ],
)
def test_levels_walk_the_json_schema_history(level, new, failures):
    result = check_compatibility(parse(new), HISTORY, level=level)

    assert [(failure.version, failure.direction) for failure in result.failures] == failures


def test_verbose_messages_end_with_the_old_version_schema_and_level():
    new = parse({"type": "object", "properties": {"id": {"type": "integer"}}})

    messages = check_compatibility(new, HISTORY, level=CompatibilityLevel.BACKWARD).messages()

    assert messages[0].startswith("{errorType:'TYPE_CHANGED', description:'A type at path '#/properties/id'")
    assert messages[1:] == [
        "{oldSchemaVersion: 2}",
        """{oldSchema: '{"type":"object","properties":{"id":{"type":"string"}}}'}""",
        "{compatibility: 'BACKWARD'}",
    ]
