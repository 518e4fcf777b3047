"""A subschema as the comparison sees it: its value, its draft and where its `$ref`s lead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from referencing import Registry
    from referencing._core import Resolver

    from registry.compatibility.jsonschema.drafts import Draft

# Keywords that describe a value without constraining it for the validator. The comparison still judges
# `format` and the content keywords, because consumers commonly enforce them.
ANNOTATION_KEYWORDS = frozenset(
    {
        "$id",
        "id",
        "title",
        "description",
        "default",
        "examples",
        "format",
        "contentEncoding",
        "contentMediaType",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


class SchemaIndex:
    """What the comparison needs to know about one parsed schema and the schemas it references: the
    draft of every subschema and a fingerprint of its content. Parsed schemas are immutable, so both
    are computed once and kept."""

    def __init__(self, registry: Registry[Any], drafts: dict[int, Draft], documents: list[Any]) -> None:
        self.registry = registry
        self._drafts = drafts
        self._documents = documents  # keeps every id() in `_drafts` and `_fingerprints` valid
        self._fingerprints: dict[int, bytes] = {}

    def draft_of(self, contents: Any, default: Draft) -> Draft:
        return self._drafts.get(id(contents), default)

    def fingerprint(self, contents: Any) -> bytes:
        """The subschema as compact JSON with sorted keys; equal fingerprints mean equal JSON (1 and
        true differ, unlike Python equality)."""
        if isinstance(contents, bool):
            return b"true" if contents else b"false"
        key = id(contents)
        found = self._fingerprints.get(key)
        if found is None:
            found = orjson.dumps(contents, option=orjson.OPT_SORT_KEYS)
            self._fingerprints[key] = found
        return found


@dataclass(frozen=True, slots=True)
class Node:
    """A subschema (an object or a boolean) with the draft that gives its keywords their meaning and the
    resolver that knows its base URI."""

    contents: Any
    draft: Draft
    resolver: Resolver[Any]
    index: SchemaIndex

    def get(self, keyword: str) -> Any:
        """The value of a keyword this node's draft evaluates here, else None. In drafts 4-7 a `$ref`
        hides its siblings."""
        contents = self.contents
        if type(contents) is not dict or keyword not in self.draft.keywords:
            return None
        if self.draft.ref_overrides_siblings and keyword != "$ref" and "$ref" in contents:
            return None
        return contents.get(keyword)

    def annotation(self, keyword: str) -> Any:
        """The value of an annotation keyword (`title`, `format`, ...), else None."""
        contents = self.contents
        if type(contents) is not dict:
            return None
        if self.draft.ref_overrides_siblings and "$ref" in contents:
            return None
        return contents.get(keyword)

    def child(self, contents: Any) -> Node:
        """The node for a subschema found inside this one."""
        resolver = self.resolver
        if type(contents) is dict and (
            isinstance(contents.get("$id"), str) or isinstance(contents.get("id"), str)
        ):
            resolver = resolver.in_subresource(self.draft.specification.create_resource(contents))
        return Node(contents, self.draft, resolver, self.index)

    def follow(self, reference: str) -> Node:
        """The node a `$ref` here points to (resolution was checked when the schema was parsed)."""
        resolved = self.resolver.lookup(reference)
        draft = self.index.draft_of(resolved.contents, self.draft)
        return Node(resolved.contents, draft, resolved.resolver, self.index)

    @property
    def fingerprint(self) -> bytes:
        return self.index.fingerprint(self.contents)

    @property
    def has_references(self) -> bool:
        """Whether any `$ref` may hide inside (a property merely named "$ref" also counts: that only
        costs a shortcut)."""
        fingerprint = self.fingerprint
        return b'$ref"' in fingerprint or b'Ref"' in fingerprint
