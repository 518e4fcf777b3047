"""The walk over earlier versions that each level asks for, with a toy schema format.

A toy schema is a set of allowed values: a reader reads a writer when it allows everything the
writer allows. That keeps these tests about levels, not about Avro or JSON Schema.
"""

from __future__ import annotations

import pytest

from registry.compatibility import (
    CompatibilityLevel,
    Incompatibility,
    ParsedSchema,
    PreviousVersion,
    Roles,
    SchemaType,
    check_compatibility,
)


class ValueSet(ParsedSchema):
    schema_type = SchemaType.JSON

    def __init__(self, *values: str) -> None:
        super().__init__(",".join(values))
        self.values = frozenset(values)

    @property
    def canonical(self) -> str:
        return ",".join(sorted(self.values))

    @property
    def normalized(self) -> str:
        return self.canonical

    def data_path(self, pointer: str) -> str:
        return "$"

    def incompatibilities(self, writer, *, roles, policy):
        missing = sorted(writer.values - self.values)
        return [
            Incompatibility("ENUM_ARRAY_NARROWED", "#/", f"{roles.reader} lacks {value}") for value in missing
        ]


class OtherFormat(ValueSet):
    schema_type = SchemaType.AVRO


def history(*schemas: ParsedSchema) -> list[PreviousVersion]:
    return [PreviousVersion(version, schema) for version, schema in enumerate(schemas, start=1)]


# v1 allows a, v2 allows a and b. The new schema allows a, b, c: it reads both, and only v1 reads it.
WIDER = ValueSet("a", "b", "c")
# Allows b and c: it cannot read v1's "a", and v2 cannot read its "c".
SHIFTED = ValueSet("b", "c")
PAST = history(ValueSet("a"), ValueSet("a", "b"))


@pytest.mark.parametrize(
    ("level", "new", "failing_version", "directions"),
    [
        (CompatibilityLevel.NONE, SHIFTED, None, []),
        (CompatibilityLevel.BACKWARD, WIDER, None, []),
        (CompatibilityLevel.BACKWARD_TRANSITIVE, WIDER, None, []),
        (CompatibilityLevel.FORWARD, WIDER, 2, ["FORWARD"]),
        (CompatibilityLevel.FULL, WIDER, 2, ["FORWARD"]),
        # Only the latest version counts for plain levels: SHIFTED reads v2's b but not v1's a.
        (CompatibilityLevel.BACKWARD, ValueSet("a", "b"), None, []),
        (CompatibilityLevel.BACKWARD, SHIFTED, 2, ["BACKWARD"]),
        (CompatibilityLevel.BACKWARD_TRANSITIVE, ValueSet("b", "x", "a"), None, []),
        (CompatibilityLevel.FULL_TRANSITIVE, SHIFTED, 2, ["BACKWARD", "FORWARD"]),
    ],
)
def test_level_decides_which_versions_and_directions_are_checked(level, new, failing_version, directions):
    result = check_compatibility(new, PAST, level=level)

    assert result.is_compatible is (failing_version is None)
    assert [failure.version for failure in result.failures] == [failing_version] * len(directions)
    assert [failure.direction for failure in result.failures] == directions


def test_transitive_levels_reach_versions_older_than_the_latest():
    new = ValueSet("b")  # reads the latest (v2 allows only "b") but not v1's "a"
    only_v1_breaks = history(ValueSet("a"), ValueSet("b"))

    plain = check_compatibility(new, only_v1_breaks, level=CompatibilityLevel.BACKWARD)
    transitive = check_compatibility(new, only_v1_breaks, level=CompatibilityLevel.BACKWARD_TRANSITIVE)

    assert plain.is_compatible
    assert [failure.version for failure in transitive.failures] == [1]


def test_messages_use_confluents_verbose_shape():
    result = check_compatibility(SHIFTED, PAST, level=CompatibilityLevel.BACKWARD)

    assert result.messages() == [
        "{errorType:'ENUM_ARRAY_NARROWED', description:'new lacks a'}",
        "{oldSchemaVersion: 2}",
        "{oldSchema: 'a,b'}",
        "{compatibility: 'BACKWARD'}",
    ]


def test_roles_name_the_new_schema_in_each_direction():
    assert Roles.backward() == Roles(reader="new", writer="old")
    assert Roles.forward() == Roles(reader="old", writer="new")


def test_a_different_schema_type_is_incompatible_at_every_checking_level():
    for level in CompatibilityLevel:
        result = check_compatibility(OtherFormat("a", "b"), PAST, level=level)
        assert result.is_compatible is (level is CompatibilityLevel.NONE)
        if not result.is_compatible:
            assert result.incompatibilities[0].type == "SCHEMA_TYPE_CHANGED"
