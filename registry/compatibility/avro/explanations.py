"""Findings turned into messages a person can act on: what changed, where, which side it breaks, and
the usual fix. `Roles` names the two schemas, so messages speak of "the new schema" and "the old schema"
(or the contract harness's "expected" and "published") rather than of readers and writers. Every message
gives its place as Confluent's do, "at path '#/fields/1/type'", so tools find it the same way in Avro
and JSON Schema messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.avro.model import PROMOTIONS, AvroType, Enum, Fixed, Named, Union
from registry.compatibility.avro.resolution import (
    FIXED_SIZE_MISMATCH,
    MISSING_ENUM_SYMBOLS,
    MISSING_UNION_BRANCH,
    NAME_MISMATCH,
    READER_FIELD_MISSING_DEFAULT_VALUE,
    TYPE_MISMATCH,
    FieldStep,
    ResolutionFailure,
    Step,
)
from registry.compatibility.avro.wording import describe_type
from registry.compatibility.result import Incompatibility

if TYPE_CHECKING:
    from collections.abc import Callable

    from registry.compatibility.schema import Roles


def explain(finding: ResolutionFailure, roles: Roles) -> Incompatibility:
    """The incompatibility a user sees for `finding`.

    Its path is a JSON pointer into the reader schema that, like Confluent's, follows a named type
    where it is used: past a type's name (`#/fields/1/type`, "com.acme.Address") it continues into
    the definition (`#/fields/1/type/fields/0`), which for a type from a reference lies in that
    reference.
    """
    message = _MESSAGES[finding.type](_Context(finding, roles))
    return Incompatibility(finding.type, pointer(finding.path), message)


def pointer(path: tuple[Step, ...]) -> str:
    """A path as a JSON pointer fragment: `#/fields/2/type`, `#/` for the root."""
    return "#/" + "/".join(str(step) for step in path)


class _Context:
    """What every message needs: the finding, who is new and who is old, and where it is."""

    def __init__(self, finding: ResolutionFailure, roles: Roles) -> None:
        self.finding = finding
        self.reader_side = roles.reader
        self.writer_side = roles.writer
        self.reader_is_new = roles.reader == "new"
        # The side that comes later, and the one consumers read with before it: new and old when
        # versions evolve; published and expected in a contract check.
        self.new = roles.reader if self.reader_is_new else roles.writer
        self.old = roles.writer if self.reader_is_new else roles.reader
        self.roles = roles
        field_names = [step.name for step in finding.path if isinstance(step, FieldStep)]
        self.field_name = ".".join(field_names)
        self.pointer = pointer(finding.path)
        self.at_path = f"at path '{self.pointer}'"
        self.subject = f"field '{self.field_name}'" if field_names else "the schema"
        self.of_field = f" of field '{self.field_name}'" if field_names else ""

    @property
    def reader(self) -> AvroType:
        return self.finding.reader

    @property
    def writer(self) -> AvroType:
        return self.finding.writer

    @property
    def consequence(self) -> str:
        if self.reader_is_new:
            return "consumers that move to the new schema could not read data written with the old schema"
        if self.reader_side == "old":
            return "consumers still on the old schema could not read data written with the new schema"
        return (
            f"a consumer reading with the {self.reader_side} schema could not read data written with the "
            f"{self.writer_side} schema"
        )

    @property
    def writer_type(self) -> str:
        """The writer's type, saying which branch of the writer's union it is when it is one."""
        branch = self.finding.writer_branch
        described = describe_type(self.writer)
        return described if branch is None else f"{described} (branch {branch} of its union)"


def _type_mismatch(context: _Context) -> str:
    reader_kind, writer_kind = context.reader.kind, context.writer.kind
    message = (
        f"The type of {context.subject} {context.at_path} differs: the {context.reader_side} schema has "
        f"{describe_type(context.reader)} where the {context.writer_side} schema has {context.writer_type}, "
        f"and Avro cannot read {writer_kind} data as {reader_kind}, so {context.consequence}. "
    )
    if context.finding.writer_branch is not None:
        if context.reader_is_new:
            return message + f"Keep the field a union that includes {writer_kind}."
        return message + (
            f"Do not widen the field into a union with {writer_kind}, which the {context.old} schema cannot "
            "read; publish a new event type for that."
        )
    if context.reader_is_new:
        wider = [kind for kind, sources in PROMOTIONS.items() if writer_kind in sources]
        keep = f"Keep {writer_kind}" + (f" or widen it to {_either(wider)}" if wider else "")
    else:
        narrower = sorted(PROMOTIONS.get(reader_kind, ()))
        keep = f"Keep writing {reader_kind}" + (f" (or {_either(narrower)})" if narrower else "")
    return message + (
        f"{keep}: Avro only promotes int to long, float or double, long to float or double, float to "
        "double, and string and bytes to each other. For another type, add a new field with a default, "
        "or publish a new event type."
    )


def _missing_default(context: _Context) -> str:
    field = context.finding.detail
    aliases = f" (nor under its aliases {', '.join(field.aliases)})" if field.aliases else ""
    if context.reader_is_new:
        message = (
            f"Field '{context.field_name}' {context.at_path} is new in the new schema{aliases} and has no "
            f"default, so {context.consequence}, which lacks the field. Add a default to the field, e.g. "
            '"default": null with "type": ["null", ...] for an optional field.'
        )
    else:
        message = (
            f"Field '{context.field_name}' {context.at_path} of the {context.old} schema has no default "
            f"and the {context.new} schema does not have it{aliases}, so {context.consequence}. Keep the "
            f"field in the {context.new} schema; a field can only be dropped once every schema consumers "
            "read with gives it a default."
        )
    if isinstance(field.type, Enum) and field.type.default is not None:
        message += (
            f" (The enum's default, {field.type.default}, only stands in for unknown symbols; it does "
            "not make the field optional.)"
        )
    return message


def _name_mismatch(context: _Context) -> str:
    reader, writer = _as_named(context.reader), _as_named(context.writer)
    message = (
        f"The {reader.kind}{context.of_field} {context.at_path} is named {reader.full_name} in the "
        f"{context.reader_side} schema but {writer.full_name} in the {context.writer_side} schema; Avro "
        f"matches {reader.kind}s by name, so {context.consequence}. "
    )
    if context.reader_is_new:
        return message + (
            f"Keep the name {writer.name}, or list the old name in the new {reader.kind}: "
            f'"aliases": ["{writer.full_name}"].'
        )
    return message + (
        f"Keep the name {reader.name}: an alias in the {context.new} schema does not help consumers of the "
        f"{context.old} one. To rename, publish a new event type."
    )


def _fixed_size_mismatch(context: _Context) -> str:
    reader, writer = context.reader, context.writer
    assert isinstance(reader, Fixed)
    assert isinstance(writer, Fixed)
    old_size = writer.size if context.reader_is_new else reader.size
    return (
        f"The fixed type {reader.full_name}{context.of_field} {context.at_path} holds {reader.size} "
        f"bytes in the {context.reader_side} schema but {writer.size} bytes in the {context.writer_side} "
        f"schema; a fixed value is read with exactly the writer's size, so {context.consequence}. "
        f"Keep {old_size} bytes; for values of another size, add a new field with its own fixed type "
        "and a default, or publish a new event type."
    )


def _missing_enum_symbols(context: _Context) -> str:
    reader = context.reader
    assert isinstance(reader, Enum)
    missing = context.finding.detail
    symbols = ("symbol " if len(missing) == 1 else "symbols ") + ", ".join(missing)
    them = "it" if len(missing) == 1 else "them"
    if context.reader_is_new:
        return (
            f"The enum {reader.full_name}{context.of_field} {context.at_path} no longer has the {symbols}, "
            f"which the old schema can write, and the new enum has no default, so {context.consequence} "
            f"that uses {them}. Keep the {symbols}, or give the new enum a default symbol that unknown "
            'symbols are read as ("default": "...").'
        )
    return (
        f"The enum {reader.full_name}{context.of_field} {context.at_path} gains the {symbols} in the "
        f"{context.new} schema, and the {context.old} enum has no default, so {context.consequence} that "
        f"uses {them}. Add symbols "
        "only once the enum that consumers read with has a default (add the default first), or publish "
        "a new event type."
    )


def _missing_union_branch(context: _Context) -> str:
    union = context.reader
    assert isinstance(union, Union)
    if context.reader_is_new:
        message = (
            f"The old schema can write {context.writer_type} in {context.subject} {context.at_path}, but "
            f"the new schema's {describe_type(union)} has no branch that reads it, so "
            f"{context.consequence} when they hold such a value. Keep a branch for "
            f"{describe_type(context.writer)} in the union."
        )
    else:
        message = (
            f"The {context.new} schema can write {context.writer_type} in {context.subject} "
            f"{context.at_path}, but the {context.old} schema's {describe_type(union)} has no branch that "
            f"reads it, so {context.consequence} when they hold such a value. Write only types the "
            f"{context.old} union reads, or publish a new event type."
        )
    reason = context.finding.detail
    if isinstance(reason, ResolutionFailure):
        inner = explain(reason.under(context.finding.path), context.roles)
        message += f" The closest branch does not fit: {inner.message}"
    return message


def _as_named(avro_type: AvroType) -> Named:
    assert isinstance(avro_type, Named)
    return avro_type


def _either(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


_MESSAGES: dict[str, Callable[[_Context], str]] = {
    TYPE_MISMATCH: _type_mismatch,
    READER_FIELD_MISSING_DEFAULT_VALUE: _missing_default,
    NAME_MISMATCH: _name_mismatch,
    FIXED_SIZE_MISMATCH: _fixed_size_mismatch,
    MISSING_ENUM_SYMBOLS: _missing_enum_symbols,
    MISSING_UNION_BRANCH: _missing_union_branch,
}
