"""Why Protobuf data does not fit its registered schema, as Violations with JSON paths.

Paths use the fields' JSON names (`$.items[0].unitPriceCents`), as Protobuf's JSON mapping writes them
and as the other formats' paths read. Four sources: buf.validate rules (protovalidate, every violation
it finds), a dict that is not the JSON mapping of the message (every field checked on its own, by
protobuf's own parser), fields the registered message does not have (a generated class newer than the
schema), and missing proto2 required fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, message_factory
from google.protobuf.unknown_fields import UnknownFieldSet

from client.errors import Violation
from client.paths import child_path

_PARSE_PREFIX = re.compile(r"^(?:Failed to parse \w+ field: )+")
_PARSE_SUFFIX = re.compile(r"\.*(?: at [\w.\[\]'\"]+)?\.*$")
_WELL_KNOWN_PACKAGE = "google.protobuf."


def _reason(error: Exception) -> str:
    """protobuf's parse error without its nesting prefixes and its own (proto-named) location."""
    text = str(error).split("\n", 1)[0]
    return _PARSE_SUFFIX.sub("", _PARSE_PREFIX.sub("", text)) or text


def _rule_of(reason: str) -> str:
    if "enum" in reason:
        return "enum"
    if "out of range" in reason:
        return "range"
    return "type"


def _map_value_field(field: Any) -> Any:
    """The value field of a map field's entry type, or None when the field is not a map."""
    entry = field.message_type
    if entry is None or not entry.GetOptions().map_entry:
        return None
    return entry.fields_by_name["value"]


def _explained_type(descriptor: Any) -> bool:
    """Whether a message-typed field's dict value is checked field by field (not well-known types,
    whose JSON forms are strings, lists or anything at all)."""
    return descriptor is not None and not descriptor.full_name.startswith(_WELL_KNOWN_PACKAGE)


def message_from_dict(data: Mapping[str, Any], message_class: Any) -> tuple[Any, list[Violation]]:
    """The message a dict in Protobuf's JSON mapping describes, or every way it does not."""
    message = message_class()
    try:
        json_format.ParseDict(data, message)
    except (json_format.ParseError, TypeError, ValueError, AttributeError) as error:
        found: list[Violation] = []
        _explain(data, message_class.DESCRIPTOR, "$", found)
        return None, found or [Violation("type", "$", _reason(error), data)]
    return message, []


def _check(descriptor: Any, name: str, value: Any, path: str, found: list[Violation]) -> None:
    """One member parsed on its own, by protobuf's parser; its error as a violation at `path`."""
    try:
        json_format.ParseDict({name: value}, message_factory.GetMessageClass(descriptor)())
    except (json_format.ParseError, TypeError, ValueError, AttributeError) as error:
        reason = _reason(error)
        found.append(Violation(_rule_of(reason), path, reason, value))


def _explain(data: Mapping[str, Any], descriptor: Any, path: str, found: list[Violation]) -> None:
    fields = {field.json_name: field for field in descriptor.fields}
    fields.update({field.name: field for field in descriptor.fields})
    for name, value in data.items():
        where = child_path(path, str(name))
        field = fields.get(name) if isinstance(name, str) else None
        if field is None:
            message = f"message {descriptor.full_name} has no field {name!r}"
            found.append(Violation("unknown_field", where, message, value))
            continue
        map_value = _map_value_field(field)
        if map_value is not None and isinstance(value, Mapping):
            for key, item in value.items():
                item_path = child_path(where, str(key))
                if _explained_type(map_value.message_type) and isinstance(item, Mapping):
                    _check(descriptor, name, {key: {}}, item_path, found)  # the key on its own
                    _explain(item, map_value.message_type, item_path, found)
                else:
                    _check(descriptor, name, {key: item}, item_path, found)
        elif field.is_repeated and map_value is None and isinstance(value, list):
            for index, item in enumerate(value):
                if _explained_type(field.message_type) and isinstance(item, Mapping):
                    _explain(item, field.message_type, child_path(where, index), found)
                else:
                    _check(descriptor, name, [item], child_path(where, index), found)
        elif _explained_type(field.message_type) and not field.is_repeated and isinstance(value, Mapping):
            _explain(value, field.message_type, where, found)
        else:
            _check(descriptor, name, value, where, found)


def _children(message: Any, path: str) -> list[tuple[Any, str]]:
    """The set message-typed values directly inside `message`, with their paths."""
    children: list[tuple[Any, str]] = []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        where = child_path(path, field.json_name)
        map_value = _map_value_field(field)
        if map_value is not None:
            if map_value.message_type is not None:
                children.extend((item, child_path(where, str(key))) for key, item in value.items())
        elif field.is_repeated:
            children.extend((item, child_path(where, index)) for index, item in enumerate(value))
        else:
            children.append((value, where))
    return children


def unknown_field_violations(message: Any) -> list[Violation]:
    """A violation for every field the message's (registered) type does not declare, at any depth."""
    found: list[Violation] = []
    pending = [(message, "$")]
    while pending:
        current, path = pending.pop()
        for unknown in UnknownFieldSet(current):
            found.append(
                Violation(
                    "unknown_field",
                    path,
                    f"field number {unknown.field_number} is not a field of {current.DESCRIPTOR.full_name} "
                    "in the registered schema",
                    None,
                )
            )
        pending.extend(_children(current, path))
    return sorted(found, key=lambda violation: violation.path)


def required_field_violations(message: Any) -> list[Violation]:
    """A violation for every proto2 required field that is not set, at any depth."""
    found: list[Violation] = []
    pending = [(message, "$")]
    while pending:
        current, path = pending.pop()
        for field in current.DESCRIPTOR.fields:
            if field.is_required and not current.HasField(field.name):
                found.append(
                    Violation(
                        "required", child_path(path, field.json_name), "required field is missing", None
                    )
                )
        pending.extend(_children(current, path))
    return sorted(found, key=lambda violation: violation.path)


def _subscript_path(path: str, subscript: Any) -> str:
    """A repeated field's index or a map's key (protovalidate's FieldPathElement.subscript)."""
    if subscript.field == "index":
        return child_path(path, int(subscript.value))
    value = subscript.value
    return child_path(path, ("true" if value else "false") if isinstance(value, bool) else str(value))


def rule_violation(violation: Any, root: Any) -> Violation:
    """A protovalidate violation with its field path in JSON names, walked down the descriptors."""
    proto = violation.proto
    path, descriptor = "$", root
    for element in proto.field.elements if proto.field is not None else ():
        field = descriptor.fields_by_number.get(element.field_number) if descriptor is not None else None
        path = child_path(path, field.json_name if field is not None else element.field_name)
        if element.subscript is not None:
            path = _subscript_path(path, element.subscript)
        if field is None:
            descriptor = None
            continue
        map_value = _map_value_field(field)
        descriptor = (map_value if map_value is not None else field).message_type
    message = proto.message or proto.rule_id
    if proto.for_key:
        message = f"map key {message}"
    return Violation(proto.rule_id or "rule", path, message, violation.field_value)
