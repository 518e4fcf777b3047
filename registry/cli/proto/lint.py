"""The event conventions for `.proto` files: what `accord schema lint` reads from a compiled file (the
event is the file's first message, as Confluent's serializers take it by default; fields are keyed by
number, named in Protobuf's JSON mapping for the envelope), and rule ACC006, Protobuf's own style.

A field counts as documented when a comment sits on the line above it or at the end of its line.
Imports resolve from the file's own folder and each folder above it, so a file is linted the same in
the working tree, at a git ref, or as a registry's previous version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from registry.cli.proto.findings import finding_on, proto_position
from registry.cli.proto.imports import resolved_imports
from registry.compatibility import SchemaParseError

if TYPE_CHECKING:
    from google.protobuf import descriptor

    from registry.cli.conventions import Shape
    from registry.cli.project import SchemaFile
    from registry.compatibility.reports import ReportFinding

STYLE_RULE = "ACC006"
_PASCAL_CASE = re.compile(r"[A-Z][A-Za-z0-9]*")
_LOWER_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_UPPER_SNAKE_CASE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")


def proto_shape(file: SchemaFile) -> Shape | None:
    """What the lint rules read from a `.proto` file (None when protoc refuses it)."""
    from registry.cli.conventions import Field, Shape

    messages = _compiled_messages(file)
    if messages is None:
        return None
    shape = Shape()
    for pointer, message in messages:
        fields = [
            Field(
                name=field.name,
                pointer=f"{pointer}/{field.number}",
                documented=_commented(file.text, f"{pointer}/{field.number}"),
                has_default=not field.is_required,  # Protobuf gives every field but a required one a default
                required=field.is_required,
            )
            for field in message.fields
        ]
        shape.records[message.full_name] = fields
        shape.record_pointers[message.full_name] = pointer
        if shape.event_name is None:
            shape.event_name, shape.name_pointer, shape.top_pointer = message.name, pointer, pointer
            # The envelope's fields by their JSON names (event_id is eventId), as ENVELOPE_FIELDS spells them.
            shape.top_fields = [
                replace(item, name=field.json_name)
                for item, field in zip(fields, message.fields, strict=True)
            ]
    return shape


def style_findings(file: SchemaFile) -> Iterator[ReportFinding]:
    """ACC006 protobuf-style: messages and enums in PascalCase, fields in lower_snake_case, enum
    constants in UPPER_SNAKE_CASE, as Protobuf's style guide (and `buf lint`) ask."""
    messages = _compiled_messages(file) or []
    for pointer, message in messages:
        if not _PASCAL_CASE.fullmatch(message.name):
            yield _style(
                file, pointer, f"message name {message.name!r} is not PascalCase (like OrderCreated)"
            )
        for field in message.fields:
            if not _LOWER_SNAKE_CASE.fullmatch(field.name):
                yield _style(
                    file,
                    f"{pointer}/{field.number}",
                    f"field name {field.name!r} is not lower_snake_case (like order_id)",
                )
        for enum in message.enum_types:
            yield from _enum_style(file, f"{pointer}/{enum.name}", enum)
    if messages is not None:
        for enum in _top_level_enums(file):
            yield from _enum_style(file, f"#/{enum.name}", enum)


def _enum_style(file: SchemaFile, pointer: str, enum: descriptor.EnumDescriptor) -> Iterator[ReportFinding]:
    if not _PASCAL_CASE.fullmatch(enum.name):
        yield _style(file, pointer, f"enum name {enum.name!r} is not PascalCase (like OrderStatus)")
    for value in enum.values:
        if not _UPPER_SNAKE_CASE.fullmatch(value.name):
            yield _style(
                file,
                f"{pointer}/{value.number}",
                f"enum value {value.name!r} is not UPPER_SNAKE_CASE (like ORDER_STATUS_PLACED)",
            )


def _style(file: SchemaFile, pointer: str, message: str) -> ReportFinding:
    return finding_on(
        file.text, pointer, file=file.display, rule=STYLE_RULE, message=message, case=file.subject
    )


_COMPILED: dict[tuple[str, str], list[tuple[str, descriptor.Descriptor]] | None] = {}
_ENUMS: dict[tuple[str, str], list[descriptor.EnumDescriptor]] = {}


def _compiled_messages(file: SchemaFile) -> list[tuple[str, descriptor.Descriptor]] | None:
    """Every message of the file (nested ones after their parent, map entries left out) with its
    pointer; the rules of one run share the compilation."""
    key = (str(file.path), file.text)
    if key not in _COMPILED:
        from registry.compatibility.protobuf import parse_protobuf

        roots = [file.path.parent, *file.path.parent.parents]
        try:
            schema = parse_protobuf(file.text, resolved_imports(file.text, roots))
        except SchemaParseError:
            _COMPILED[key] = None
            return None
        found: list[tuple[str, descriptor.Descriptor]] = []
        pending = [
            (f"#/{message.name}", message)
            for message in schema.file_descriptor.message_types_by_name.values()
        ]
        while pending:
            pointer, message = pending.pop(0)
            if not message.GetOptions().map_entry:
                found.append((pointer, message))
                pending.extend((f"{pointer}/{nested.name}", nested) for nested in message.nested_types)
        _COMPILED[key] = found
        _ENUMS[key] = list(schema.file_descriptor.enum_types_by_name.values())
    return _COMPILED[key]


def _top_level_enums(file: SchemaFile) -> list[descriptor.EnumDescriptor]:
    return _ENUMS.get((str(file.path), file.text), [])


def _commented(text: str, pointer: str) -> bool:
    position = proto_position(text, pointer)
    if position is None:
        return False
    lines = text.splitlines()
    line = lines[position[0] - 1]
    above = lines[position[0] - 2].strip() if position[0] >= 2 else ""
    return "//" in line or "/*" in line or above.startswith(("//", "/*", "*")) or above.endswith("*/")


def comment_ignores(
    file: SchemaFile, pattern: re.Pattern[str], rule_ids: Callable[[str], frozenset[str]]
) -> list[tuple[int, int, frozenset[str]]]:
    """(first line, last line, rule ids) that `// accord:ignore ACC006` comments cover in a `.proto`
    file: a comment at the end of a line covers that line; a comment on lines of its own covers the
    declaration after it, the whole block for a message or enum."""
    lines = file.text.splitlines()
    spans = []
    for index, line in enumerate(lines):
        code, _, comment = line.partition("//")
        match = pattern.search(comment) if comment else None
        if match is None:
            continue
        ids = rule_ids(match.group(1))
        if code.strip():
            spans.append((index + 1, index + 1, ids))
            continue
        following = next(
            (i for i in range(index + 1, len(lines)) if not lines[i].strip().startswith("//")), None
        )
        if following is not None:
            spans.append((following + 1, _block_end(lines, following) + 1, ids))
    return spans


def _block_end(lines: list[str], start: int) -> int:
    """The index of the line that closes the block opened on line `start` (`start` when none opens)."""
    depth = 0
    for index in range(start, len(lines)):
        code = lines[index].partition("//")[0]
        depth += code.count("{") - code.count("}")
        if depth <= 0:
            return index
    return len(lines) - 1
