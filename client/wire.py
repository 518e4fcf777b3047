"""Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro, JSON or Protobuf
bytes. Protobuf puts the message indexes between the id and the payload: the path to the message in
its file (top-level position, then nested positions) as a zigzag varint count and a zigzag varint per
index; the first message of the file, [0], is written as the single byte 0x00."""

from __future__ import annotations

from collections.abc import Sequence

MAGIC_BYTE = 0
PREFIX_SIZE = 5
FIRST_MESSAGE = b"\x00"  # the message indexes [0]
_MAX_VARINT_BYTES = 10  # a 64-bit varint


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


def _zigzag_varint(value: int) -> bytes:
    encoded = (value << 1) ^ (value >> 63)
    out = bytearray()
    while encoded > 0x7F:
        out.append((encoded & 0x7F) | 0x80)
        encoded >>= 7
    out.append(encoded)
    return bytes(out)


def message_indexes_bytes(indexes: Sequence[int]) -> bytes:
    """The message indexes as Confluent writes them: 0x00 for [0], else a count and each index."""
    if not indexes:
        raise ValueError("a message's indexes name at least its position in the file")
    if any(index < 0 for index in indexes):
        raise ValueError(f"message indexes {list(indexes)} must not be negative")
    if list(indexes) == [0]:
        return FIRST_MESSAGE
    return _zigzag_varint(len(indexes)) + b"".join(_zigzag_varint(index) for index in indexes)


def _read_zigzag_varint(raw: bytes, offset: int, what: str) -> tuple[int, int]:
    value = shift = 0
    for position in range(offset, min(len(raw), offset + _MAX_VARINT_BYTES)):
        byte = raw[position]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return (value >> 1) ^ -(value & 1), position + 1
        shift += 7
    if len(raw) - offset >= _MAX_VARINT_BYTES:
        raise ValueError(f"{what} at byte {offset} is a varint longer than {_MAX_VARINT_BYTES} bytes")
    raise ValueError(f"{what} at byte {offset} is cut off: the message ends inside its varint")


def read_message_indexes(raw: bytes, offset: int = PREFIX_SIZE) -> tuple[tuple[int, ...], int]:
    """The Protobuf message indexes that start at `offset`, and where the payload starts after them;
    ValueError says what is wrong with them."""
    if offset >= len(raw):
        raise ValueError(f"message of {len(raw)} byte(s) ends before its Protobuf message indexes")
    count, position = _read_zigzag_varint(raw, offset, "the message index count")
    if count == 0:
        return (0,), position
    if count < 0 or count > len(raw) - position:
        raise ValueError(
            f"message index count {count} is impossible: {len(raw) - position} byte(s) follow it"
        )
    indexes = []
    for _ in range(count):
        index, position = _read_zigzag_varint(raw, position, "a message index")
        if index < 0:
            raise ValueError(f"message index {index} is negative")
        indexes.append(index)
    return tuple(indexes), position
