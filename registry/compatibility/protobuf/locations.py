"""Where in the data a place in a Protobuf schema applies, in Protobuf's JSON mapping: `#/Order/3` is
`$.lineItems` when field 3 of Order has the JSON name lineItems, and a field of a nested message is
reached the way the file's messages use it (`#/Order/LineItem/1` is `$.lineItems[*].sku`)."""

from __future__ import annotations

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
