"""Hypothesis strategies for pairs of Protobuf files: a random file, and a version of it changed by a few
random edits of the kinds schemas see (fields added, removed, renamed, renumbered, retyped, relabelled,
moved into or out of oneofs; messages and enum constants added, removed or reordered; the syntax
changed). Files are written as `.proto` text here, independently of the printer under test."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from hypothesis import strategies as st

SCALARS = (
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool",
    "fixed32", "sfixed32", "fixed64", "sfixed64", "float", "double", "string", "bytes",
)  # fmt: skip
MAP_KEYS = ("int32", "int64", "uint32", "sint64", "bool", "string", "fixed32")
SYNTAXES = ("proto2", "proto3", "edition 2023")


@dataclass
class Field:
    name: str
    number: int
    type: str  # a scalar, or the name of a message or enum of the file
    label: str = ""  # "", "optional", "required", "repeated"
    map_key: str | None = None


@dataclass
class Oneof:
    name: str
    fields: list[Field]


@dataclass
class Enum:
    name: str
    values: list[tuple[str, int]]


@dataclass
class Message:
    name: str
    fields: list[Field] = field(default_factory=list)
    oneofs: list[Oneof] = field(default_factory=list)


@dataclass
class File:
    syntax: str
    messages: list[Message]
    enums: list[Enum]
    package: str = "acme"

    def all_fields(self) -> list[tuple[Message, Field, Oneof | None]]:
        found: list[tuple[Message, Field, Oneof | None]] = []
        for message in self.messages:
            found.extend((message, item, None) for item in message.fields)
            for oneof in message.oneofs:
                found.extend((message, item, oneof) for item in oneof.fields)
        return found

    def used_numbers(self, message: Message) -> set[int]:
        return {item.number for owner, item, _ in self.all_fields() if owner is message}

    def used_names(self, message: Message) -> set[str]:
        names = {item.name for owner, item, _ in self.all_fields() if owner is message}
        return names | {oneof.name for oneof in message.oneofs}

    def text(self) -> str:
        if self.syntax.startswith("edition"):
            head = f'edition = "{self.syntax.split()[1]}";\n'
        else:
            head = f'syntax = "{self.syntax}";\n'
        lines = [head + f"package {self.package};"]
        for enum in self.enums:
            values = " ".join(f"{name} = {number};" for name, number in enum.values)
            lines.append(f"enum {enum.name} {{ {values} }}")
        for message in self.messages:
            body = [self._field(item) for item in message.fields]
            for oneof in message.oneofs:
                members = " ".join(self._field(item, in_oneof=True) for item in oneof.fields)
                body.append(f"oneof {oneof.name} {{ {members} }}")
            lines.append(f"message {message.name} {{ {' '.join(body)} }}")
        return "\n".join(lines) + "\n"

    def _field(self, item: Field, *, in_oneof: bool = False) -> str:
        options = ""
        label = item.label
        if self.syntax.startswith("edition") and label == "required":
            label, options = "", " [features.field_presence = LEGACY_REQUIRED]"
        elif self.syntax.startswith("edition") and label == "optional":
            label = ""
        if item.map_key is not None:
            return f"map<{item.map_key}, {item.type}> {item.name} = {item.number};"
        prefix = "" if in_oneof or not label else label + " "
        return f"{prefix}{item.type} {item.name} = {item.number}{options};"


def _label(syntax: str, draw: st.DrawFn, *, scalar: bool) -> str:
    if syntax == "proto2":
        choices = ["optional", "repeated", "required"] if scalar else ["optional", "repeated"]
    elif syntax == "proto3":
        choices = ["", "optional", "repeated"]
    else:
        choices = ["", "repeated", "required"] if scalar else ["", "repeated"]
    return draw(st.sampled_from(choices))


def _new_field(draw: st.DrawFn, file: File, message: Message, *, number: int | None = None) -> Field:
    taken = file.used_numbers(message)
    if number is None:
        number = draw(st.sampled_from([candidate for candidate in range(1, 21) if candidate not in taken]))
    name = f"f{number}"
    suffix = 0
    while name in file.used_names(message):
        suffix += 1
        name = f"f{number}_{suffix}"
    named = [other.name for other in file.messages] + [enum.name for enum in file.enums]
    kind = draw(st.sampled_from(["scalar", "scalar", "scalar", "named", "map"] if named else ["scalar"]))
    if kind == "map":
        value = draw(st.sampled_from([*SCALARS, *named]))
        return Field(name, number, value, "", draw(st.sampled_from(MAP_KEYS)))
    field_type = draw(st.sampled_from(SCALARS if kind == "scalar" else named))
    return Field(
        name,
        number,
        field_type,
        _label(file.syntax, draw, scalar=field_type in SCALARS or _is_enum(file, field_type)),
    )


def _is_enum(file: File, name: str) -> bool:
    return any(enum.name == name for enum in file.enums)


@st.composite
def files(draw: st.DrawFn) -> File:
    syntax = draw(st.sampled_from(SYNTAXES))
    enums = [
        Enum(f"E{index}", [(f"E{index}_ZERO", 0), (f"E{index}_ONE", 1), (f"E{index}_TWO", 2)])
        for index in range(draw(st.integers(0, 1)))
    ]
    file = File(syntax, [Message(f"M{index}") for index in range(draw(st.integers(1, 3)))], enums)
    for message in file.messages:
        for _ in range(draw(st.integers(1, 5))):
            message.fields.append(_new_field(draw, file, message))
        if draw(st.booleans()):
            members = [_new_field(draw, file, message) for _ in range(draw(st.integers(1, 2)))]
            for member in members:
                member.label, member.map_key = "", None
                if member.type == message.name:
                    member.type = "string"  # keep every message constructible
            message.oneofs.append(Oneof(f"choice_{message.name.lower()}", members))
    _drop_required_cycles(file)
    return file


def _drop_required_cycles(file: File) -> None:
    """Required fields are scalars or enums only, so a filled message never needs an endless chain."""
    for _, item, _ in file.all_fields():
        if item.label == "required" and not (item.type in SCALARS or _is_enum(file, item.type)):
            item.label = "optional" if file.syntax == "proto2" else ""


EDITS = (
    "add field", "remove field", "rename field", "renumber field", "retype field", "relabel field",
    "require field", "into new oneof", "into existing oneof", "out of oneof", "add message",
    "remove message", "reorder messages", "add constant", "remove constant", "rename constant", "syntax",
)  # fmt: skip


@st.composite
def pairs(draw: st.DrawFn) -> tuple[File, File]:
    """A file and a changed copy of it."""
    old = draw(files())
    new = copy.deepcopy(old)
    for _ in range(draw(st.integers(1, 3))):
        _edit(draw, new, draw(st.sampled_from(EDITS)))
    _drop_required_cycles(new)
    return old, new


def _edit(draw: st.DrawFn, file: File, edit: str) -> None:
    message = draw(st.sampled_from(file.messages))
    plain = message.fields
    if edit == "add field":
        plain.append(_new_field(draw, file, message))
    elif edit == "remove field" and plain:
        plain.pop(draw(st.integers(0, len(plain) - 1)))
    elif edit == "rename field" and plain:
        target = draw(st.sampled_from(plain))
        target.name = f"renamed_{target.number}"
    elif edit == "renumber field" and plain:
        target = draw(st.sampled_from(plain))
        free = [number for number in range(21, 30) if number not in file.used_numbers(message)]
        target.number = draw(st.sampled_from(free))
    elif edit == "retype field" and plain:
        target = draw(st.sampled_from(plain))
        replacement = _new_field(draw, file, message, number=target.number)
        target.type, target.map_key = replacement.type, replacement.map_key
        target.label = "" if target.map_key else target.label
        if target.map_key is None and not target.label and file.syntax == "proto2":
            target.label = "optional"
        if target.label == "required" and not (target.type in SCALARS or _is_enum(file, target.type)):
            target.label = "optional" if file.syntax == "proto2" else ""
    elif edit == "relabel field" and plain:
        target = draw(st.sampled_from([item for item in plain if item.map_key is None] or [None]))
        if target is not None:
            target.label = _label(
                file.syntax, draw, scalar=target.type in SCALARS or _is_enum(file, target.type)
            )
    elif edit == "require field" and plain and file.syntax != "proto3":
        target = draw(st.sampled_from(plain))
        if target.map_key is None and (target.type in SCALARS or _is_enum(file, target.type)):
            target.label = (
                "optional" if target.label == "required" and file.syntax == "proto2" else "required"
            )
    elif edit in ("into new oneof", "into existing oneof"):
        movable = [
            item
            for item in plain
            if item.map_key is None and item.label != "repeated" and item.type != message.name
        ]
        if not movable:
            return
        chosen = draw(
            st.lists(st.sampled_from(movable), min_size=1, max_size=2, unique_by=lambda item: item.number)
        )
        for item in chosen:
            plain.remove(item)
            item.label = ""
        if edit == "into existing oneof" and message.oneofs:
            message.oneofs[0].fields.extend(chosen)
        else:
            name = f"new_choice_{len(message.oneofs)}"
            message.oneofs.append(Oneof(name, chosen))
    elif edit == "out of oneof" and message.oneofs:
        oneof = message.oneofs[0]
        item = oneof.fields.pop()
        item.label = "optional" if file.syntax == "proto2" else ""
        plain.append(item)
        if not oneof.fields:
            message.oneofs.remove(oneof)
    elif edit == "add message":
        file.messages.insert(
            draw(st.integers(0, len(file.messages))),
            Message(
                f"Added{len(file.messages)}",
                [Field("id", 1, "string", "optional" if file.syntax == "proto2" else "")],
            ),
        )
    elif edit == "remove message" and len(file.messages) > 1:
        used = {item.type for _, item, _ in file.all_fields()}
        removable = [candidate for candidate in file.messages if candidate.name not in used]
        if removable:
            file.messages.remove(draw(st.sampled_from(removable)))
    elif edit == "reorder messages":
        file.messages.reverse()
    elif edit == "add constant" and file.enums:
        enum = file.enums[0]
        enum.values.append(
            (f"{enum.name}_ADDED{len(enum.values)}", max(number for _, number in enum.values) + 1)
        )
    elif edit == "remove constant" and file.enums and len(file.enums[0].values) > 1:
        file.enums[0].values.pop()
    elif edit == "rename constant" and file.enums and len(file.enums[0].values) > 1:
        name, number = file.enums[0].values[1]
        file.enums[0].values[1] = (name + "_RENAMED", number)
    elif edit == "syntax":
        file.syntax = draw(st.sampled_from([syntax for syntax in SYNTAXES if syntax != file.syntax]))
        _fit_labels(file)


def _fit_labels(file: File) -> None:
    """Labels the new syntax allows for every field (proto2 needs one; proto3 has no required)."""
    for message in file.messages:
        for item in message.fields:
            if item.map_key is not None:
                continue
            if file.syntax == "proto2" and item.label == "":
                item.label = "optional"
            elif file.syntax == "proto3" and item.label == "required":
                item.label = ""
