"""`AvroSchema`: a parsed Avro schema as the compatibility engine and the registry use it."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import orjson

from registry.compatibility.avro.explanations import explain
from registry.compatibility.avro.locations import data_path
from registry.compatibility.avro.model import Named
from registry.compatibility.avro.normalization import normalize
from registry.compatibility.avro.parsing import load_document, parse_document
from registry.compatibility.avro.resolution import find_incompatibilities
from registry.compatibility.schema import ParsedSchema, SchemaParseError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.avro.model import AvroType
    from registry.compatibility.levels import CompatibilityPolicy
    from registry.compatibility.result import Incompatibility
    from registry.compatibility.schema import ResolvedReference, Roles


class AvroSchema(ParsedSchema):
    """A parsed Avro schema, with the named types of its references."""

    schema_type = SchemaType.AVRO

    def __init__(
        self,
        text: str,
        references: Sequence[ResolvedReference],
        *,
        canonical: str,
        root: AvroType,
        reference_names: frozenset[str],
    ) -> None:
        super().__init__(text, references)
        self._canonical = canonical
        self.root = root
        self.reference_names = reference_names

    @property
    def canonical(self) -> str:
        return self._canonical

    @cached_property
    def normalized(self) -> str:
        return normalize(self.root, self.reference_names)

    @cached_property
    def resolved(self) -> str:
        """The schema on its own: the named types of its references spelled out where first used and
        by full name after (Confluent's `format=resolved`), in the normalized form."""
        return normalize(self.root, frozenset())

    @property
    def full_name(self) -> str | None:
        """The full name of the top-level record, enum or fixed (Confluent's schema `name`), else None."""
        return self.root.full_name if isinstance(self.root, Named) else None

    def data_path(self, pointer: str) -> str:
        return data_path(self.root, pointer)

    def incompatibilities(
        self, writer: ParsedSchema, *, roles: Roles, policy: CompatibilityPolicy
    ) -> list[Incompatibility]:
        if not isinstance(writer, AvroSchema):
            raise TypeError(
                f"An Avro schema can only be compared with another, not with {writer.schema_type}"
            )
        return [explain(finding, roles) for finding in find_incompatibilities(self.root, writer.root)]


def parse_avro(text: str, references: Sequence[ResolvedReference] = ()) -> AvroSchema:
    """Parse Avro schema text; named types may come from `references` (dependencies first).

    Raises SchemaParseError saying what is wrong and where (a JSON pointer into the schema).
    """
    try:
        document = load_document(text)
        root, reference_names = parse_document(document, references)
    except SchemaParseError as error:
        raise SchemaParseError(f"Invalid Avro schema: {error.message}", path=error.path) from error
    return AvroSchema(
        text,
        references,
        canonical=orjson.dumps(document).decode(),
        root=root,
        reference_names=reference_names,
    )
