"""A subschema as the comparison sees it: its value, its draft and where its `$ref`s lead."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from referencing._core import Resolver

    from registry.compatibility.jsonschema.drafts import Draft


class SchemaIndex:
    """What the comparison needs to know about one parsed schema and the schemas it references: the
    draft of every subschema and a fingerprint of its content. Parsed schemas are immutable, so both
    are computed once and kept."""

    def __init__(self, drafts: dict[int, Draft], documents: list[Any]) -> None:
        self._drafts = drafts
        self._documents = documents  # keeps every id() in `_drafts` and `_fingerprints` valid
        self._fingerprints: dict[int, bytes] = {}
        self._member_fingerprints: dict[int, dict[str, bytes]] = {}
        self._resolved: dict[tuple[int, str], Node] = {}

    def member_fingerprints(self, members: dict[str, Any]) -> dict[str, bytes]:
        """The fingerprint of each subschema without `$ref`s in a map such as `properties`."""
        key = id(members)
        found = self._member_fingerprints.get(key)
        if found is None:
            found = {name: self.fingerprint(member) for name, member in members.items()}
            found = {name: print_ for name, print_ in found.items() if not _may_refer(print_)}
            self._member_fingerprints[key] = found
        return found

    def resolve(self, holder: Node, reference: str) -> Node:
        """Where a `$ref` in `holder` leads (the holder's place fixes its base URI, so this is kept)."""
        key = (id(holder.contents), reference)
        found = self._resolved.get(key)
        if found is None:
            resolved = holder.resolver.lookup(reference)
            draft = self._drafts.get(id(resolved.contents), holder.draft)
            found = Node(resolved.contents, draft, resolved.resolver, self)
            self._resolved[key] = found
        return found

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


class Node:
    """A subschema (an object or a boolean) with the draft that gives its keywords their meaning and the
    resolver that knows its base URI. Treated as immutable; a plain slotted class because comparisons
    create many."""

    __slots__ = ("contents", "draft", "index", "resolver")

    def __init__(self, contents: Any, draft: Draft, resolver: Resolver[Any], index: SchemaIndex) -> None:
        self.contents = contents
        self.draft = draft
        self.resolver = resolver
        self.index = index

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
        if (
            type(contents) is dict
            and ("$id" in contents or "id" in contents)
            and self._declares_base(contents)
        ):
            resolver = resolver.in_subresource(self.draft.specification.create_resource(contents))
        return Node(contents, self.draft, resolver, self.index)

    @staticmethod
    def _declares_base(contents: dict[str, Any]) -> bool:
        return isinstance(contents.get("$id"), str) or isinstance(contents.get("id"), str)

    def follow(self, reference: str) -> Node:
        """The node a `$ref` here points to (resolution was checked when the schema was parsed)."""
        return self.index.resolve(self, reference)

    @property
    def fingerprint(self) -> bytes:
        return self.index.fingerprint(self.contents)

    @property
    def has_references(self) -> bool:
        """Whether any `$ref` may hide inside (a property merely named "$ref" also counts: that only
        costs a shortcut)."""
        return _may_refer(self.fingerprint)


def unchanged(writer: Node, writer_contents: Any, reader: Node, reader_contents: Any) -> bool:
    """Whether two subschemas, found in `writer` and in `reader`, are written identically and so mean the
    same (a `$ref` inside may resolve differently in each, so those are never taken as unchanged)."""
    if writer_contents is reader_contents and writer.index is reader.index:
        return True
    if writer.draft is not reader.draft:
        return False
    fingerprint = writer.index.fingerprint(writer_contents)
    return fingerprint == reader.index.fingerprint(reader_contents) and not _may_refer(fingerprint)


def _may_refer(fingerprint: bytes) -> bool:
    """Whether a `$ref` (or `$dynamicRef`, `$recursiveRef`) may hide in a fingerprinted subschema."""
    return b'$ref"' in fingerprint or b'Ref"' in fingerprint
