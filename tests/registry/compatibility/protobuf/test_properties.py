"""Sound verdicts on generated schema pairs: whenever the engine says a reader's schema can read a
writer's, protobuf agrees. Messages of every type are filled with random values using the writer's
descriptors, serialized, and parsed with the reader's (dynamic messages from each schema's own
descriptor pool): the bytes must parse, and every field the two schemas declare alike must keep its
value. The generated files also check the printer: its text compiles back to the same descriptor."""

from __future__ import annotations

import random

import pytest
from google.protobuf.message import DecodeError
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from registry.compatibility import CompatibilityPolicy, Roles, SchemaParseError
from registry.compatibility.protobuf import parse_protobuf
from tests.registry.compatibility.protobuf.schema_strategies import files, pairs
from tests.registry.compatibility.protobuf.support import assert_kept, filled, message_class, read_back

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compile(file):
    try:
        return parse_protobuf(file.text())
    except SchemaParseError as error:  # an edit the generator could not keep valid (rare)
        note(str(error))
        assume(False)
        raise


@SETTINGS
@given(pairs(), st.integers(0, 2**32))
def test_a_compatible_verdict_is_never_contradicted_by_protobuf(pair, seed):
    old_file, new_file = pair
    note(f"old:\n{old_file.text()}\nnew:\n{new_file.text()}")
    old, new = _compile(old_file), _compile(new_file)
    rng = random.Random(seed)
    for reader, writer, roles in ((new, old, Roles.backward()), (old, new, Roles.forward())):
        issues = reader.incompatibilities(writer, roles=roles, policy=CompatibilityPolicy.STRICT)
        event("compatible" if not issues else "incompatible")
        if issues:
            continue
        for message in writer.messages:
            for _ in range(5):
                written = filled(writer, message.name, rng)
                note(f"{roles.writer} -> {roles.reader}: {message.name} {written}")
                assert_kept(written, read_back(written, reader, message.name))


@SETTINGS
@given(files())
def test_printed_text_compiles_to_the_same_descriptor(file):
    schema = _compile(file)

    again = parse_protobuf(schema.canonical)

    assert again.descriptor_proto == schema.descriptor_proto
    assert parse_protobuf(schema.normalized).normalized == schema.normalized
    assert parse_protobuf(schema.serialized).canonical == schema.canonical


@SETTINGS
@given(files(), st.randoms(use_true_random=False))
def test_field_order_does_not_change_the_normalized_text(file, shuffler):
    for message in file.messages:
        shuffler.shuffle(message.fields)
    shuffled = _compile(file)
    for message in file.messages:
        message.fields.sort(key=lambda field: field.number)

    assert _compile(file).normalized == shuffled.normalized


def test_bytes_read_as_a_proto3_string_must_be_utf8():
    """string and bytes share an encoding, so Confluent (and Buf's WIRE category) call the change
    compatible, and so does Accord; protobuf's proto3 parser, though, refuses a string field holding bytes
    that are not UTF-8. The generated values keep bytes valid UTF-8 for that reason; this is the gap."""
    old = parse_protobuf('syntax = "proto3";\nmessage M { bytes data = 1; }\n')
    new = parse_protobuf('syntax = "proto3";\nmessage M { string data = 1; }\n')
    assert new.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT) == []

    valid = message_class(old, "M")(data="ü".encode())
    assert read_back(valid, new, "M").data == "ü"
    with pytest.raises(DecodeError):
        read_back(message_class(old, "M")(data=b"\xff"), new, "M")


def test_a_closed_enum_constant_unknown_to_a_required_field_makes_the_message_unreadable():
    """Found by the property above: a proto2 reader keeps a number its closed enum lacks as an unknown
    field, so a required field of that enum is missing and the reader refuses the message. Adding the
    constant is therefore FORWARD-incompatible while a required field uses the enum (Confluent accepts it)."""
    text = 'syntax = "proto2";\nmessage M {{ required E e = 1; }}\nenum E {{ {} }}\n'
    old = parse_protobuf(text.format("A = 0;"))
    new = parse_protobuf(text.format("A = 0; B = 1;"))

    issues = old.incompatibilities(new, roles=Roles.forward(), policy=CompatibilityPolicy.STRICT)

    assert [(issue.type, issue.path) for issue in issues] == [("ENUM_CONST_REMOVED", "#/E/1")]
    assert "'e' (number 1) of message M" in issues[0].message
    with pytest.raises(AssertionError, match="required"):
        read_back(message_class(new, "M")(e=1), old, "M")
