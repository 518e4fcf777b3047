"""The 43 Avro conformance cases, each checked in both directions (labels: ../data/conformance/README.md).

Every label comes from Apache Avro's own checker; the engine must agree with each one, and every
incompatible verdict must come with at least one located, explained incompatibility.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.compatibility import (
    CompatibilityLevel,
    PreviousVersion,
    SchemaType,
    check_compatibility,
    parse_schema,
)

CASES = json.loads((Path(__file__).parents[2] / "data" / "conformance" / "avro" / "cases.json").read_text())[
    "tests"
]
AVRO_TYPES = {
    "NAME_MISMATCH",
    "FIXED_SIZE_MISMATCH",
    "MISSING_ENUM_SYMBOLS",
    "READER_FIELD_MISSING_DEFAULT_VALUE",
    "TYPE_MISMATCH",
    "MISSING_UNION_BRANCH",
}
# label -> (BACKWARD holds, FORWARD holds)
LABELS = {"both": (True, True), "backward": (True, False), "forward": (False, True), "none": (False, False)}


def test_the_suite_is_complete():
    assert len(CASES) == 43
    assert {case["compatibility"] for case in CASES} == set(LABELS)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
@pytest.mark.parametrize(
    ("level", "label_index"), [(CompatibilityLevel.BACKWARD, 0), (CompatibilityLevel.FORWARD, 1)]
)
def test_engine_agrees_with_the_label(case, level, label_index):
    original = parse_schema(SchemaType.AVRO, json.dumps(case["original"]))
    updated = parse_schema(SchemaType.AVRO, json.dumps(case["updated"]))

    result = check_compatibility(updated, [PreviousVersion(1, original)], level=level)

    assert result.is_compatible is LABELS[case["compatibility"]][label_index]
    for issue in result.incompatibilities:
        assert issue.type in AVRO_TYPES
        assert issue.path.startswith("#/")
        assert "new schema" in issue.message
        assert "old schema" in issue.message
