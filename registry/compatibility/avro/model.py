"""The parsed Avro type graph that resolution and normalization work on.

Named types are single objects: every reference to `com.acme.Address` is the same `Record`, so a
recursive schema is a graph with a cycle, never an infinite tree. Attributes that Avro does not
define (`connect.name`, custom tags, ...) are kept in `attributes` for the normalized form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRIMITIVE_KINDS = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})

# Reader kind -> the writer kinds it can read besides its own (the specification's promotions).
PROMOTIONS: dict[str, frozenset[str]] = {
    "long": frozenset({"int"}),
    "float": frozenset({"int", "long"}),
    "double": frozenset({"int", "long", "float"}),
    "string": frozenset({"bytes"}),
    "bytes": frozenset({"string"}),
}


class AvroType:
    """A node of the type graph; `kind` is the Avro type name ("int", "record", "union", ...).

    Records, enums, fixed types, arrays, maps and unions cache their `fingerprint` (see
    normalization.fingerprint) once it is first asked for.
    """

    __slots__ = ()
    kind: str


@dataclass(eq=False, slots=True)
class Primitive(AvroType):
    """null, boolean, int, long, float, double, bytes or string, maybe with a logical type."""

    kind: str
    logical_type: str | None = None
    # Everything besides "type" as written: logicalType, precision, scale and custom attributes.
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Named(AvroType):
    """A record, enum or fixed: resolution matches these by unqualified name or by reader alias."""

    full_name: str
    aliases: frozenset[str]  # full names, resolved against the type's namespace
    doc: str | None
    attributes: dict[str, Any]
    fingerprint: bytes | None = field(default=None, init=False, repr=False)  # see normalization

    @property
    def name(self) -> str:
        return self.full_name.rpartition(".")[2]

    def answers_to(self, writer: Named) -> bool:
        """Whether this type, as the reader, accepts the writer's type by name (Avro's rule)."""
        return self.name == writer.name or writer.full_name in self.aliases


@dataclass(eq=False, slots=True)
class Field:
    """One field of a record, at `index` in the record's field list."""

    index: int
    name: str
    type: AvroType
    has_default: bool
    default: Any
    aliases: tuple[str, ...]
    order: str
    doc: str | None
    attributes: dict[str, Any]


@dataclass(eq=False, slots=True)
class Record(Named):
    """A record (or an `error`, which Avro treats as a record); `fields` is filled after creation so a
    record can refer to itself."""

    kind: str = field(default="record", init=False)
    type_label: str = "record"
    fields: list[Field] = field(default_factory=list)
    fields_by_name: dict[str, Field] = field(default_factory=dict)

    def add_field(self, new_field: Field) -> None:
        self.fields.append(new_field)
        self.fields_by_name[new_field.name] = new_field

    def writer_field_for(self, reader_field: Field) -> Field | None:
        """The field of this (writer) record that feeds `reader_field`: same name, else a reader alias."""
        direct = self.fields_by_name.get(reader_field.name)
        if direct is not None:
            return direct
        for alias in reader_field.aliases:
            aliased = self.fields_by_name.get(alias)
            if aliased is not None:
                return aliased
        return None


@dataclass(eq=False, slots=True)
class Enum(Named):
    """An enum; `default` is the symbol a reader uses for symbols it does not know."""

    kind: str = field(default="enum", init=False)
    symbols: tuple[str, ...] = ()
    default: str | None = None


@dataclass(eq=False, slots=True)
class Fixed(Named):
    """A fixed-size byte string, maybe with a logical type (decimal, duration, uuid)."""

    kind: str = field(default="fixed", init=False)
    size: int = 0
    logical_type: str | None = None


@dataclass(eq=False, slots=True)
class Array(AvroType):
    kind: str = field(default="array", init=False)
    items: AvroType
    attributes: dict[str, Any] = field(default_factory=dict)
    fingerprint: bytes | None = field(default=None, init=False, repr=False)


@dataclass(eq=False, slots=True)
class Map(AvroType):
    kind: str = field(default="map", init=False)
    values: AvroType
    attributes: dict[str, Any] = field(default_factory=dict)
    fingerprint: bytes | None = field(default=None, init=False, repr=False)


@dataclass(eq=False, slots=True)
class Union(AvroType):
    kind: str = field(default="union", init=False)
    branches: tuple[AvroType, ...]
    fingerprint: bytes | None = field(default=None, init=False, repr=False)


def plain_primitive(kind: str) -> Primitive:
    """The shared node for a primitive written without attributes ("int"): comparing a node with
    itself is the fastest check there is."""
    return _PLAIN_PRIMITIVES[kind]


_PLAIN_PRIMITIVES = {kind: Primitive(kind) for kind in PRIMITIVE_KINDS}
