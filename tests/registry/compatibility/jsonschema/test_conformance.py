"""Apicurio Registry's 145 JSON Schema compatibility cases, in both directions.

A case passes when the engine's verdict equals its label. Where the engine is stricter than a label,
the case must be listed below with its reason: either Confluent's documented rules are stricter, or
the label is wrong, proven by an instance that the writer accepts and the reader rejects (checked
here with python-jsonschema). The engine is never allowed to be more lenient than a label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.registry.compatibility.jsonschema.support import (
    backward_compatible,
    forward_compatible,
    is_valid,
    parse,
)

CASES = json.loads((Path(__file__).parents[3] / "data/conformance/jsonschema/cases.json").read_text())[
    "tests"
]


@dataclass(frozen=True)
class WrongLabel:
    """The label says compatible, but this instance is valid under the writer and invalid under the reader."""

    instance: Any
    reason: str


@dataclass(frozen=True)
class StricterRule:
    """Confluent's documented rules refuse what the label accepts."""

    reason: str


# (case id, direction) -> why the engine's verdict is stricter than the label.
STRICTER_THAN_LABEL: dict[tuple[str, str], WrongLabel | StricterRule] = {
    ("Complex: oneOf 1", "backward"): WrongLabel(
        "abcdefg",
        "the old oneOf admits strings longer than 5 (they match only its first branch); the new oneOf "
        "rejects those of length 6 to 10, which match both of its branches",
    ),
    ("Complex: oneOf 3", "backward"): WrongLabel(
        "abc",
        "the new second branch {maxLength: 5} also matches short strings, so they match two branches "
        "and oneOf rejects them",
    ),
}

VERDICTS = {"both": (True, True), "backward": (True, False), "forward": (False, True), "none": (False, False)}


def _cases() -> list[Any]:
    params = []
    for index, case in enumerate(CASES):
        for direction in ("backward", "forward"):
            params.append(pytest.param(case, direction, id=f"{index}-{case['id']}-{direction}"))
    return params


def test_the_suite_is_complete_and_the_exceptions_name_real_cases():
    assert len(CASES) == 145
    ids = [case["id"] for case in CASES]
    for case_id, _direction in STRICTER_THAN_LABEL:
        assert ids.count(case_id) == 1, case_id


@pytest.mark.parametrize(("case", "direction"), _cases())
def test_case(case, direction, conformance_tally):
    old, new = parse(case["original"]), parse(case["updated"])
    expected = VERDICTS[case["compatibility"]][direction == "forward"]
    if direction == "backward":
        actual = backward_compatible(old, new)
        writer, reader = case["original"], case["updated"]
    else:
        actual = forward_compatible(old, new)
        writer, reader = case["updated"], case["original"]
    exception = STRICTER_THAN_LABEL.get((case["id"], direction))

    if actual == expected:
        assert exception is None, "listed as stricter than its label, but the engine agrees with the label"
        conformance_tally["agree"] += 1
        return
    assert expected, "the engine must never accept what a label refuses"
    assert exception is not None, "the engine is stricter than the label without a stated reason"
    if isinstance(exception, WrongLabel):
        assert is_valid(writer, exception.instance)
        assert not is_valid(reader, exception.instance)
        conformance_tally["wrong label"] += 1
    else:
        conformance_tally["stricter by Confluent's rules"] += 1
