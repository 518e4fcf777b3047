"""A parsed JSON Schema, as the registry stores and compares it."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import orjson

from registry.compatibility.jsonschema.comparison import compare_schemas
from registry.compatibility.jsonschema.differences import is_compatible
from registry.compatibility.jsonschema.groups import KEYWORD_GROUPS
from registry.compatibility.jsonschema.locations import data_path
from registry.compatibility.jsonschema.messages import describe
from registry.compatibility.jsonschema.normalization import normalized_text
from registry.compatibility.levels import CompatibilityPolicy
from registry.compatibility.result import Change, Incompatibility
from registry.compatibility.schema import ParsedSchema, Roles, SchemaType, pointer_tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.jsonschema.differences import Difference
    from registry.compatibility.jsonschema.drafts import Draft
    from registry.compatibility.jsonschema.nodes import Node
    from registry.compatibility.schema import ResolvedReference


class JsonSchema(ParsedSchema):
    """A JSON Schema that parsed and passed its metaschema, with its references resolved."""

    schema_type = SchemaType.JSON

    def __init__(
        self,
        text: str,
        references: Sequence[ResolvedReference],
        *,
        document: Any,
        draft: Draft,
        root: Node,
    ) -> None:
        super().__init__(text, references)
        self.document = document
        self.draft = draft
        self.root = root
        self._canonical = orjson.dumps(document).decode()

    @property
    def canonical(self) -> str:
        return self._canonical

    @cached_property
    def normalized(self) -> str:
        return normalized_text(self.document)

    def data_path(self, pointer: str) -> str:
        return data_path(pointer)

    def value_at(self, pointer: str) -> Any:
        """The JSON at a place as compatibility paths give it, following `$ref`s on the way as they do
        (None where there is nothing)."""
        node = self.root
        for token in pointer_tokens(pointer):
            while type(node.contents) is dict and token not in node.contents and "$ref" in node.contents:
                node = node.follow(node.contents["$ref"])
            contents = node.contents
            if type(contents) is dict and token in contents:
                node = node.child(contents[token])
            elif type(contents) is list and token.isdigit() and int(token) < len(contents):
                node = node.child(contents[int(token)])
            else:
                return None
        return node.contents

    def differences(
        self,
        writer: JsonSchema,
        *,
        roles: Roles | None = None,
        policy: CompatibilityPolicy = CompatibilityPolicy.STRICT,
    ) -> list[Difference]:
        """Every change from `writer` to this schema as the reader, compatible ones included."""
        if self._canonical == writer._canonical and self.references == writer.references:
            return []
        return compare_schemas(
            writer.root, self.root, roles=roles or Roles.backward(), policy=policy, groups=KEYWORD_GROUPS
        )

    def changes(
        self,
        writer: JsonSchema,
        *,
        roles: Roles | None = None,
        policy: CompatibilityPolicy = CompatibilityPolicy.STRICT,
    ) -> list[Change]:
        """Every change from `writer` to this schema as the reader, described, each with whether `policy`
        accepts it."""
        roles = roles or Roles.backward()
        return [
            Change(
                difference.type.value,
                difference.path,
                describe(difference, roles, policy),
                is_compatible(difference.type, policy),
            )
            for difference in self.differences(writer, roles=roles, policy=policy)
        ]

    def incompatibilities(
        self, writer: ParsedSchema, *, roles: Roles, policy: CompatibilityPolicy
    ) -> list[Incompatibility]:
        assert isinstance(writer, JsonSchema)
        return [
            Incompatibility(change.type, change.path, change.message)
            for change in self.changes(writer, roles=roles, policy=policy)
            if not change.compatible
        ]
