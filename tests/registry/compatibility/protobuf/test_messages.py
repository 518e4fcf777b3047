"""The messages users read in CI logs: what changed, where, which consumers it breaks, and the fix.

Every incompatibility of every case in cases.json is checked for the four parts; a few messages are
checked phrase by phrase."""

from __future__ import annotations

import pytest

from registry.compatibility import CompatibilityPolicy, Roles
from tests.registry.compatibility.protobuf.support import CASES, parse

BREAKS_NEW = "consumers that move to the new schema could not read data written with the old schema"
BREAKS_OLD = "consumers still on the old schema could not read data written with the new schema"
FIXES = (
    "Keep ",
    "Make the field optional",
    "Move at most one",
    "add new message types in a file of their own",
)

DIRECTIONS = [(case, direction) for case in CASES for direction in ("backward", "forward") if case[direction]]


@pytest.mark.parametrize(("case", "direction"), DIRECTIONS, ids=[f"{c['id']}, {d}" for c, d in DIRECTIONS])
def test_every_incompatibility_says_where_what_who_and_how(case, direction):
    old, new = parse(case["old"]), parse(case["new"])
    reader, writer, roles = (
        (new, old, Roles.backward()) if direction == "backward" else (old, new, Roles.forward())
    )

    for issue in reader.incompatibilities(writer, roles=roles, policy=CompatibilityPolicy.STRICT):
        assert f"at path '{issue.path}'" in issue.message
        assert "the new schema" in issue.message or "the new " in issue.message
        assert "old schema" in issue.message
        assert BREAKS_NEW in issue.message or BREAKS_OLD in issue.message or "side by side" in issue.message
        assert any(fix in issue.message for fix in FIXES), issue.message


def messages(old_text, new_text, direction, roles=None):
    old, new = parse(old_text), parse(new_text)
    if direction == "backward":
        return [
            issue.message
            for issue in new.incompatibilities(
                old, roles=roles or Roles.backward(), policy=CompatibilityPolicy.STRICT
            )
        ]
    return [
        issue.message
        for issue in old.incompatibilities(
            new, roles=roles or Roles.forward(), policy=CompatibilityPolicy.STRICT
        )
    ]


def case_texts(case_id):
    case = next(case for case in CASES if case["id"] == case_id)
    return case["old"], case["new"]


def test_scalar_kind_changed_names_the_encodings_and_the_types_that_share_one():
    [message] = messages(*case_texts("int32 to sint32"), "backward")

    assert message == (
        "Field 'value' (number 2) of message acme.Order at path '#/Order/2' is int32 in the old schema but "
        "sint32 in the new schema; int32 is a varint on the wire and sint32 is a zigzag varint, so "
        f"{BREAKS_NEW}. Keep int32 (or bool, int64, uint32, uint64, which share its encoding); for a value "
        "of another type, add a new field with a new number and reserve the old one. Types that share an "
        "encoding: int32, uint32, int64, uint64 and bool; sint32 and sint64; fixed32 and sfixed32; fixed64 "
        "and sfixed64; string and bytes."
    )


def test_a_message_added_under_forward_says_where_to_put_new_messages():
    [message] = messages(*case_texts("message added"), "forward")

    assert message.startswith(
        "Message acme.Refund at path '#/Refund' is new in the new schema, and the old schema"
    )
    assert BREAKS_OLD in message
    assert "add new message types in a file of their own" in message


def test_a_removed_message_says_records_name_their_message():
    [message] = messages(*case_texts("message removed"), "backward")

    assert "Every record names its message by an index into the schema that wrote it" in message
    assert message.endswith("Keep the message, even unused.")


def test_required_field_added_says_why_and_what_instead():
    [message] = messages(*case_texts("required field added"), "backward")

    assert message.startswith(
        "Field 'quantity' (number 2) of message acme.Order at path '#/Order/2' is required in the new "
        "schema, and the old schema does not have it."
    )
    assert "required fields can never be added safely" in message


def test_two_fields_moved_into_a_oneof_name_both():
    [message] = messages(*case_texts("two fields moved into a new oneof"), "backward")

    assert (
        "Fields 'card' (2), 'iban' (3) of message acme.Order are separate fields in the old schema" in message
    )
    assert "A oneof holds one of its fields" in message


def test_contract_roles_name_the_schemas_expected_and_published():
    roles = Roles(reader="expected", writer="published")
    [message] = messages(*case_texts("int64 to fixed64"), "backward", roles)

    assert "is int64 in the published schema but fixed64 in the expected schema" in message
    assert (
        "a consumer reading with the expected schema could not read data written with the published schema"
        in message
    )
