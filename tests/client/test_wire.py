from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.wire import message_indexes_bytes, read_message_indexes, read_schema_id, schema_prefix


def test_prefix_is_magic_byte_and_big_endian_id():
    assert schema_prefix(1) == b"\x00\x00\x00\x00\x01"
    assert schema_prefix(0x01020304) == b"\x00\x01\x02\x03\x04"


@given(st.integers(min_value=0, max_value=2**31 - 1), st.binary(max_size=20))
def test_schema_id_round_trips(schema_id, payload):
    assert read_schema_id(schema_prefix(schema_id) + payload) == schema_id


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "shorter than"),
        (b"\x00\x00\x01", "shorter than"),
        (b"\x01\x00\x00\x00\x01{}", "magic byte 0x01"),
    ],
)
def test_bad_frames_say_what_is_wrong(raw, reason):
    with pytest.raises(ValueError, match=reason):
        read_schema_id(raw)


@pytest.mark.parametrize("schema_id", [-1, 2**31])
def test_ids_outside_four_signed_bytes_are_refused(schema_id):
    with pytest.raises(ValueError, match="4-byte"):
        schema_prefix(schema_id)


@pytest.mark.parametrize(
    ("indexes", "encoded"),
    [
        ((0,), b"\x00"),  # the first message: one byte, not a count of 1 and an index of 0
        ((1,), b"\x02\x02"),
        ((1, 0), b"\x04\x02\x00"),
        ((0, 2, 1), b"\x06\x00\x04\x02"),
        ((64,), b"\x02\x80\x01"),  # zigzag(64) = 128 needs two varint bytes
    ],
)
def test_message_indexes_are_zigzag_varints_with_the_first_message_as_one_byte(indexes, encoded):
    assert message_indexes_bytes(indexes) == encoded
    assert read_message_indexes(schema_prefix(7) + encoded + b"payload") == (indexes, 5 + len(encoded))


@given(st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=8), st.binary(max_size=8))
def test_message_indexes_round_trip(indexes, payload):
    raw = schema_prefix(1) + message_indexes_bytes(indexes) + payload
    read, start = read_message_indexes(raw)
    assert read == tuple(indexes)
    assert raw[start:] == payload


@pytest.mark.parametrize(
    ("after_prefix", "reason"),
    [
        (b"", "ends before its Protobuf message indexes"),
        (b"\x80", "index count at byte 5 is cut off"),
        (b"\x04\x02", "count 2 is impossible: 1 byte"),
        (b"\x03\x00", "count -2 is impossible"),
        (b"\x02\x01", "message index -1 is negative"),
        (b"\x02\xff\xff", "a message index at byte 6 is cut off"),
        (b"\xff" * 11, "longer than 10 bytes"),
    ],
)
def test_malformed_message_indexes_say_what_is_wrong(after_prefix, reason):
    with pytest.raises(ValueError, match=reason):
        read_message_indexes(schema_prefix(1) + after_prefix)


@pytest.mark.parametrize(
    ("indexes", "reason"), [((), "at least its position"), ((0, -1), "must not be negative")]
)
def test_impossible_message_indexes_are_refused(indexes, reason):
    with pytest.raises(ValueError, match=reason):
        message_indexes_bytes(indexes)
