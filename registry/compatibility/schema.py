"""What every parsed schema offers, whatever its format."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.levels import CompatibilityPolicy
    from registry.compatibility.result import Incompatibility


class SchemaType(StrEnum):
    """The schema formats the registry knows by name (Confluent's `schemaType`)."""

    AVRO = "AVRO"
    JSON = "JSON"
    PROTOBUF = "PROTOBUF"


class SchemaParseError(ValueError):
    """The schema text does not parse, breaks its metaschema, or names a reference that is not there."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.message} (at {self.path})" if self.path else self.message


@dataclass(frozen=True, slots=True)
class ResolvedReference:
    """A schema another schema refers to, as the registry resolved it.

    `name` is what the referring schema calls it: an Avro full name, or the `$ref` of a JSON Schema.
    """

    name: str
    subject: str
    version: int
    schema_type: SchemaType
    text: str


@dataclass(frozen=True, slots=True)
class Roles:
    """Which of the two schemas is the new one, so messages can say "new" and "old" instead of
    "reader" and "writer"."""

    reader: str
    writer: str

    @classmethod
    def backward(cls) -> Roles:
        """The new schema reads what the old one wrote."""
        return cls(reader="new", writer="old")

    @classmethod
    def forward(cls) -> Roles:
        """The old schema reads what the new one writes."""
        return cls(reader="old", writer="new")


class ParsedSchema(ABC):
    """A schema that parsed: immutable, safe to cache and share between threads."""

    schema_type: ClassVar[SchemaType]

    def __init__(self, text: str, references: Sequence[ResolvedReference] = ()) -> None:
        self.text = text
        self.references = tuple(references)

    @property
    @abstractmethod
    def canonical(self) -> str:
        """The schema re-serialized compactly with every attribute kept: insensitive to whitespace,
        this is what the registry stores, returns and compares when `normalize` is off."""

    @property
    @abstractmethod
    def normalized(self) -> str:
        """The form compared when `normalize=true`: equal for schemas that mean the same thing."""

    @abstractmethod
    def data_path(self, pointer: str) -> str:
        """The JSON path (`$.items[*].sku`) of the data constrained at `pointer`, a place in this schema as
        compatibility reports give it: as far as the pointer leads into the data."""

    @abstractmethod
    def incompatibilities(
        self, writer: ParsedSchema, *, roles: Roles, policy: CompatibilityPolicy
    ) -> list[Incompatibility]:
        """Why this schema, as the reader, cannot read every datum `writer` allows (empty when it can).

        Called only with a writer of the same schema type.
        """


def pointer_tokens(pointer: str) -> list[str]:
    """The unescaped steps of a JSON pointer fragment: "#/properties/a~1b" -> ["properties", "a/b"]."""
    return [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.removeprefix("#").split("/")[1:]]
