"""Catastrophic backtracking cannot hang validation: a schema's pattern and a message's string are matched
in bounded time, every keyword that matches patterns included. Each case runs in a child process with a
generous deadline, so a regression fails the test instead of hanging the suite."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from client.patterns import InvalidPatternError, search

EVIL = "^(a+)+$"  # exponential in Python's `re` on "aaaa…!"
ATTACK = "a" * 64 + "!"
DEADLINE_SECONDS = 60  # the bounded engine needs milliseconds; the backtracking one, centuries

CASES = {
    "pattern": ({"type": "string", "pattern": EVIL}, ATTACK, "pattern"),
    "additionalProperties": (
        {"type": "object", "patternProperties": {EVIL: {}}, "additionalProperties": False},
        {ATTACK: 1},
        "additionalProperties",
    ),
    "draft-03": (
        {"$schema": "http://json-schema.org/draft-03/schema#", "type": "string", "pattern": EVIL},
        ATTACK,
        "pattern",
    ),
    "unevaluatedProperties": (
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "patternProperties": {EVIL: {}},
            "unevaluatedProperties": False,
        },
        {ATTACK: 1},
        "unevaluatedProperties",
    ),
    "backreference": ({"type": "string", "pattern": r"^(a|a)*\1b$"}, "a" * 5000 + "!", "pattern"),
}


def run_isolated(script: str, timeout: float) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("case", CASES)
def test_a_redos_pattern_is_refused_quickly_instead_of_hanging(case: str) -> None:
    schema, data, keyword = CASES[case]
    output = run_isolated(
        f"""
        import json
        from client.json_schema import JsonSchemaValidator
        validator = JsonSchemaValidator(json.loads({json.dumps(json.dumps(schema))}))
        data = json.loads({json.dumps(json.dumps(data))})
        print(json.dumps([validator.is_valid(data), [v.rule for v in validator.violations(data)]]))
        """,
        DEADLINE_SECONDS,
    )
    valid, keywords = json.loads(output)
    assert valid is False
    assert keyword in keywords


def test_the_attack_is_real_for_a_backtracking_engine() -> None:
    """The control: python-jsonschema's own additionalProperties, on `re`, does not finish in seconds."""
    schema, data, _ = CASES["additionalProperties"]
    with pytest.raises(subprocess.TimeoutExpired):
        run_isolated(
            f"""
            import json, jsonschema
            schema = json.loads({json.dumps(json.dumps(schema))})
            print(jsonschema.Draft7Validator(schema).is_valid(json.loads({json.dumps(json.dumps(data))})))
            """,
            3,
        )


def test_search_has_ecma_semantics_and_names_bad_patterns() -> None:
    assert search("b", "abc")
    assert not search("^b", "abc")
    assert search(r"^\d+$", "123")
    assert not search(r"^\d+$", "١٢٣")  # ECMA-262 \d is ASCII only
    with pytest.raises(
        InvalidPatternError, match=r"'\(' is not a regular expression \(JSON Schema's patterns are ECMA-262\)"
    ):
        search("(", "x")
