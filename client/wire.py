"""Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro or JSON bytes."""

from __future__ import annotations

MAGIC_BYTE = 0
PREFIX_SIZE = 5


def schema_prefix(schema_id: int) -> bytes:
    """The 5 bytes that start every message written with this schema id."""
    if not 0 <= schema_id < 2**31:
        raise ValueError(f"schema id {schema_id} does not fit Confluent's 4-byte signed id")
    return bytes((MAGIC_BYTE,)) + schema_id.to_bytes(4, "big")


def read_schema_id(raw: bytes) -> int:
    """The schema id of a framed message; ValueError says what is wrong with the frame."""
    if len(raw) < PREFIX_SIZE:
        raise ValueError(f"message of {len(raw)} byte(s) is shorter than the 5-byte wire-format prefix")
    if raw[0] != MAGIC_BYTE:
        raise ValueError(f"unknown magic byte {raw[0]:#04x}, expected 0x00 (Confluent wire format)")
    return int.from_bytes(raw[1:PREFIX_SIZE], "big")
