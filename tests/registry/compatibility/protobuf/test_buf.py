"""Buf as a second opinion: `buf breaking --against` under its WIRE and WIRE_JSON categories, on every pair
of tests/data/protobuf/cases.json, against Accord's FULL verdict (each direction, as Buf's rules look at
both readers and writers).

Where the two disagree, the case is named below with the reason: Confluent's rules (which Accord keeps)
and Buf's look at different things. Buf guards the wire and the JSON mapping of every message and
field number, and wants deleted numbers reserved; Confluent also guards what its own wire format adds
(a record names its message type by index, so messages may not disappear, nor new ones surprise old
consumers) and refuses some changes the bytes would survive. A disagreement that is not listed, or a
listed one that no longer happens, fails the test.

Buf's CLI is the npm package @bufbuild/buf, pinned in package-lock.json; `make test` installs it.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.registry.compatibility.protobuf.support import CASES, backward_issues, forward_issues, parse

BUF = Path(__file__).parents[4] / "node_modules" / ".bin" / "buf"
CATEGORIES = ("WIRE", "WIRE_JSON")
BUF_CONFIG = "version: v2\nbreaking:\n  use:\n    - WIRE\n    - WIRE_JSON\n"


@dataclass(frozen=True)
class Disagreement:
    """Accord's FULL verdict differs from Buf's in `categories`, for `reason`."""

    accord_compatible: bool
    categories: tuple[str, ...]
    reason: str


JSON_NAMES = "the JSON mapping writes field names, which Confluent's binary rules do not look at"
RESERVE = (
    "Buf wants the deleted number reserved so that no later field reuses it; Confluent's rules accept the "
    "removal (readers skip unknown numbers), and Accord's FIELD_REMOVED message says to reserve it"
)
SYNTAX = (
    "Buf checks the syntax only in its FILE category; Confluent refuses a syntax change because the same "
    "declarations mean other things (presence, enum openness, UTF-8 checks)"
)
JSON_INTEGERS = "the JSON mapping writes 64-bit integers as strings and bools as true/false"
ONEOF = "Buf's FIELD_SAME_ONEOF refuses any change of a field's oneof"
CLOSED_ENUM = (
    "Buf (and Confluent) allow adding enum constants; a reader whose closed enum lacks the number keeps it "
    "as an unknown field, so a required field of that enum reads as missing and the message is refused "
    "(FORWARD), which test_rules shows with protobuf's own parser"
)

DISAGREEMENTS = {
    "field removed": Disagreement(True, CATEGORIES, RESERVE),
    "field renumbered": Disagreement(
        True, CATEGORIES, RESERVE + "; Confluent sees a removal and an addition"
    ),
    "field renamed": Disagreement(True, ("WIRE_JSON",), JSON_NAMES),
    "int32 to int64": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "int32 to uint64": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "bool to int32": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "uint32 to int64": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "sint32 to sint64": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "map value int32 to int64": Disagreement(True, ("WIRE_JSON",), JSON_INTEGERS),
    "string to bytes": Disagreement(
        True, ("WIRE_JSON",), "the JSON mapping writes bytes as base64 and strings as text"
    ),
    "repeated string to singular": Disagreement(
        True,
        CATEGORIES,
        "Buf's cardinality rules refuse it; protobuf's language guide calls string, bytes and message fields "
        "compatible between singular and repeated (a singular reader keeps the last value), and so does "
        "Confluent (FIELD_STRING_OR_BYTES_LABEL_CHANGED); test_rules reads the bytes back",
    ),
    "singular message to repeated": Disagreement(
        True,
        CATEGORIES,
        "as for string: a message field may change between singular and repeated on the wire",
    ),
    "enum constant removed": Disagreement(True, CATEGORIES, RESERVE.replace("field", "constant")),
    "enum constant renamed": Disagreement(
        True, ("WIRE_JSON",), "the JSON mapping writes enum constants by name"
    ),
    "field moved into a new oneof": Disagreement(
        True,
        CATEGORIES,
        ONEOF + "; the language guide and Confluent allow one field to move into a new oneof",
    ),
    "oneof renamed": Disagreement(
        True, CATEGORIES, ONEOF + " (matched by oneof name); the wire does not carry oneof names"
    ),
    "reserved and options changed": Disagreement(True, ("WIRE_JSON",), "json_name changed: " + JSON_NAMES),
    "editions legacy required added": Disagreement(
        False,
        CATEGORIES,
        "Buf 1.75's MESSAGE_SAME_REQUIRED_FIELDS does not count an edition's LEGACY_REQUIRED field (it does "
        "count proto2's required, see 'required field added'); readers refuse data without the field",
    ),
    "message added": Disagreement(
        False,
        CATEGORIES,
        "Confluent's records name their message type by index into the schema that wrote them, so old "
        "consumers cannot resolve a record of a new message (FORWARD); Buf never objects to additions",
    ),
    "message removed": Disagreement(
        False,
        CATEGORIES,
        "Buf's MESSAGE_NO_DELETE is in its FILE and PACKAGE categories only, as Protobuf's wire format does "
        "not name messages; Confluent's does (message indexes), so old records may need the removed message",
    ),
    "nested message removed": Disagreement(
        False, CATEGORIES, "as for 'message removed': message indexes reach nested messages"
    ),
    "proto2 to proto3": Disagreement(False, CATEGORIES, SYNTAX),
    "proto3 to edition 2023": Disagreement(False, CATEGORIES, SYNTAX),
    "closed enum constant added, required field": Disagreement(False, CATEGORIES, CLOSED_ENUM),
    "closed enum constant added, editions LEGACY_REQUIRED": Disagreement(False, CATEGORIES, CLOSED_ENUM),
    "field added to a oneof": Disagreement(
        False,
        CATEGORIES,
        "Confluent reports ONEOF_FIELD_REMOVED in the FORWARD direction: old consumers see the oneof unset "
        "when the new member is the choice; Buf allows adding members",
    ),
}


def _rule_categories() -> dict[str, set[str]]:
    listed = _buf("config", "ls-breaking-rules", "--version", "v2", "--format", "json", cwd=Path.cwd())
    assert listed.returncode == 0, listed.stderr
    return {rule["id"]: set(rule["categories"]) for rule in map(json.loads, listed.stdout.splitlines())}


def _buf(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert BUF.exists(), f"{BUF} is missing: run `npm ci` (make test does) to install Buf's CLI"
    return subprocess.run(
        [str(BUF), *arguments], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _buf_findings(case: dict, directory: Path) -> list[str]:
    """The rule ids `buf breaking` reports for the case's new file against its old one."""
    for side in ("old", "new"):
        (directory / side).mkdir()
        (directory / side / "buf.yaml").write_text(BUF_CONFIG)
        (directory / side / "schema.proto").write_text(case[side])
    found = _buf("breaking", "new", "--against", "old", "--error-format", "json", cwd=directory)
    assert found.returncode in (0, 100), found.stderr  # 100: breaking changes found
    return [json.loads(line)["type"] for line in found.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def buf_verdicts(tmp_path_factory) -> dict[str, dict[str, bool]]:
    """For each case and category, whether Buf finds the change compatible."""
    categories = _rule_categories()
    root = tmp_path_factory.mktemp("buf")
    directories = [root / f"case{index}" for index in range(len(CASES))]
    for directory in directories:
        directory.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        findings = list(pool.map(_buf_findings, CASES, directories))
    return {
        case["id"]: {
            category: not any(category in categories[rule] for rule in found) for category in CATEGORIES
        }
        for case, found in zip(CASES, findings, strict=True)
    }


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_buf_agrees_or_the_difference_is_documented(case, buf_verdicts):
    old, new = parse(case["old"]), parse(case["new"])
    accord_compatible = not backward_issues(old, new) and not forward_issues(old, new)
    disagreement = DISAGREEMENTS.get(case["id"])

    for category in CATEGORIES:
        buf_compatible = buf_verdicts[case["id"]][category]
        if disagreement is not None and category in disagreement.categories:
            assert accord_compatible is disagreement.accord_compatible
            assert buf_compatible is not accord_compatible, f"Buf now agrees under {category}: drop the entry"
        else:
            assert buf_compatible is accord_compatible, f"undocumented disagreement with Buf's {category}"


def test_every_documented_disagreement_names_a_case():
    assert set(DISAGREEMENTS) <= {case["id"] for case in CASES}
