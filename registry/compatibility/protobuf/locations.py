"""Where in the data a place in a Protobuf schema applies, in Protobuf's JSON mapping: `#/Order/3` is
`$.lineItems` when field 3 of Order has the JSON name lineItems, and a field of a nested message is
reached the way the file's messages use it (`#/Order/LineItem/1` is `$.lineItems[*].sku`)."""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING

from client.paths import child_path
from registry.compatibility.schema import pointer_tokens

if TYPE_CHECKING:
    from registry.compatibility.protobuf.model import FileShape, MessageShape


def data_path(shape: FileShape, pointer: str) -> str:
    """The JSON path of the datum that the message or field at `pointer` describes."""
    tokens = pointer_tokens(pointer)
    message, taken = shape.message_by_path(tokens)
    if message is None:
        return "$"
    path = _usage_path(shape, message)
    rest = tokens[taken:]
    if rest and rest[0].isdigit() and int(rest[0]) in message.fields:
        path = child_path(path, message.fields[int(rest[0])].json_name)
    return path


def _usage_path(shape: FileShape, target: MessageShape) -> str:
    """The shortest path from a top-level message through message fields to `target` ("$" for a top-level
    message, or for a nested one that no field uses)."""
    pending = deque((message, "$") for message in shape.messages.values() if len(message.indexes) == 1)
    seen: set[str] = set()
    while pending:
        message, path = pending.popleft()
        if message.name == target.name:
            return path
        if message.name in seen:
            continue
        seen.add(message.name)
        for field in message.fields.values():
            inner = shape.messages.get(field.type) if field.kind in ("message", "group") else None
            if inner is not None:
                step = child_path(path, field.json_name)
                pending.append((inner, f"{step}[*]" if field.repeated else step))
    return "$"


_OPENER = re.compile(r"\b(message|enum|oneof|group)\s+(\w+)\b[^{;]*\{")


def line_of(text: str, pointer: str) -> int | None:
    """The 1-based line of `.proto` text (as the registry prints it) that declares what `pointer` names:
    `#/Order/LineItem` a message, `#/Order/3` a field (oneof members included), `#/Status/2` an enum
    constant, `#/Order/payment` a oneof. When the pointer goes deeper than the text (it names something
    removed), the deepest part found; None when not even its first step is there."""
    lines = text.splitlines()
    found: int | None = None
    start, end = 0, len(lines)
    for token in pointer_tokens(pointer):
        hit = _find(lines, start, end, token)
        if hit is None:
            break
        found = hit
        start, end = hit + 1, _block_end(lines, hit)
    return None if found is None else found + 1


def _find(lines: list[str], start: int, end: int, token: str) -> int | None:
    """The line in [start, end) that declares `token` directly in the block (fields also inside its
    oneofs)."""
    number = re.compile(rf"=\s*{re.escape(token)}\s*[;\[{{]") if token.isdigit() else None
    level = 0
    oneof_level: int | None = None
    for index in range(start, end):
        line = lines[index]
        opener = _OPENER.search(line)
        direct = level == 0 or (number is not None and level == 1 and oneof_level == 0)
        if direct:
            if number is not None and number.search(line):
                return index
            if number is None and opener is not None and opener.group(2) == token:
                return index
        if opener is not None and level == 0:
            oneof_level = 0 if opener.group(1) == "oneof" else None
        level += line.count("{") - line.count("}")
        if level < 0:
            return None
    return None


def _block_end(lines: list[str], opener: int) -> int:
    """The index after the line that closes the block opened on line `opener`."""
    level = 0
    for index in range(opener, len(lines)):
        level += lines[index].count("{") - lines[index].count("}")
        if level <= 0 and index > opener:
            return index + 1
    return len(lines)
