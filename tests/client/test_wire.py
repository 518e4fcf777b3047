from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.wire import read_schema_id, schema_prefix


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
