"""Confluent's Protobuf rules, one case per rule (tests/data/protobuf/cases.json, written for this
project): the incompatibilities in each direction, by type and path, in report order. Where a direction
is compatible, protobuf itself proves it: messages written with the writer's schema parse with the
reader's, and every field the two declare alike keeps its value."""

from __future__ import annotations

import random

import pytest

from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from tests.registry.compatibility.protobuf.support import (
    CASES,
    assert_kept,
    backward_issues,
    filled,
    forward_issues,
    parse,
    read_back,
)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case):
    old, new = parse(case["old"]), parse(case["new"])

    assert backward_issues(old, new) == case["backward"]
    assert forward_issues(old, new) == case["forward"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_compatible_directions_read_what_was_written(case):
    old, new = parse(case["old"]), parse(case["new"])
    directions = [(old, new, case["backward"]), (new, old, case["forward"])]
    proven = 0
    for writer, reader, issues in directions:
        if issues:
            continue
        for message in writer.messages:
            if message.name not in {known.name for known in reader.messages}:
                continue
            rng = random.Random(message.name)
            for _ in range(20):
                written = filled(writer, message.name, rng)
                assert_kept(written, read_back(written, reader, message.name))
            proven += 1
    assert proven or (case["backward"] and case["forward"])


def test_every_difference_type_has_a_case():
    from registry.compatibility.protobuf import DifferenceType

    seen = set()
    for case in CASES:
        old, new = parse(case["old"]), parse(case["new"])
        seen |= {difference.type for difference in new.differences(old)}
        seen |= {difference.type for difference in old.differences(new)}
    assert seen == set(DifferenceType)


LEVELS = {
    # level: verdict for adding a message type (BACKWARD only), then for changing a field's encoding
    CompatibilityLevel.NONE: (True, True),
    CompatibilityLevel.BACKWARD: (True, False),
    CompatibilityLevel.BACKWARD_TRANSITIVE: (True, False),
    CompatibilityLevel.FORWARD: (False, False),
    CompatibilityLevel.FORWARD_TRANSITIVE: (False, False),
    CompatibilityLevel.FULL: (False, False),
    CompatibilityLevel.FULL_TRANSITIVE: (False, False),
}

V1 = 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\n'
V2 = V1 + "message Refund {\n  string id = 1;\n}\n"
V3_ENCODING = V2.replace(
    "string id = 1;\n}\nmessage Refund", "string id = 1;\n  int32 qty = 2;\n}\nmessage Refund"
)
V4_SINT = V3_ENCODING.replace("int32 qty", "sint32 qty")


@pytest.mark.parametrize("level", list(LEVELS))
def test_levels(level):
    message_added, encoding_changed = LEVELS[level]
    history = [PreviousVersion(1, parse(V1))]
    assert check_compatibility(parse(V2), history, level=level).is_compatible is message_added
    history = [PreviousVersion(1, parse(V3_ENCODING))]
    assert check_compatibility(parse(V4_SINT), history, level=level).is_compatible is encoding_changed


def test_transitive_levels_check_every_version():
    # v1 has qty as sint32; v2 drops it; v3 brings it back as int32, which only v1 contradicts.
    v1 = parse(V1.replace("string id = 1;", "string id = 1;\n  sint32 qty = 2;"))
    v2, v3 = parse(V1), parse(V1.replace("string id = 1;", "string id = 1;\n  int32 qty = 2;"))
    history = [PreviousVersion(1, v1), PreviousVersion(2, v2)]

    assert check_compatibility(v3, history, level=CompatibilityLevel.BACKWARD).is_compatible
    result = check_compatibility(v3, history, level=CompatibilityLevel.BACKWARD_TRANSITIVE)
    assert [failure.version for failure in result.failures] == [1]
    assert [issue.type for issue in result.incompatibilities] == ["FIELD_SCALAR_KIND_CHANGED"]
