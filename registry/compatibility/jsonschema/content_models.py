"""The content model of an object or an array: which schema governs each key or index.

Confluent's terms: a model is *open* when keys (or items) it does not name may carry anything, *closed*
when they are forbidden, *partially open* when a schema governs them (`patternProperties`, a schema
for `additionalProperties`/`additionalItems`, or for `unevaluatedProperties`/`unevaluatedItems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from client import patterns

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Part
    from registry.compatibility.jsonschema.nodes import Node

# In-place applicators whose annotations decide what `unevaluated*` sees, beyond `allOf` and `$ref`
# (which the comparison expands into conjuncts and so knows).
_CONDITIONAL_APPLICATORS = (
    "anyOf",
    "oneOf",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "$dynamicRef",
    "$recursiveRef",
)


class Governed(NamedTuple):
    """A schema that applies to a key or an index, and where it is written."""

    node: Node
    keyword: str  # "properties", "patternProperties", "additionalProperties", "items", ...
    name: str  # the property name, pattern or index under that keyword ("" for a single schema)


class Subschemas(Mapping[str, "Node"]):
    """Subschemas by name (`properties`), as nodes made when first asked for: most are never needed
    because they did not change."""

    def __init__(self, owner: Node | None = None, written: dict[str, Any] | None = None) -> None:
        self.owner = owner
        self.written = written or {}

    def __getitem__(self, name: str) -> Node:
        assert self.owner is not None
        return self.owner.child(self.written[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.written)

    def __len__(self) -> int:
        return len(self.written)

    def __contains__(self, name: object) -> bool:
        return name in self.written


@dataclass(slots=True)
class ObjectModel:
    """`properties`, `patternProperties` and the schema for the remaining keys of one conjunct."""

    properties: Subschemas = field(default_factory=Subschemas)
    patterns: dict[str, Node] = field(default_factory=dict)
    rest: Node | None = None  # None: remaining keys may carry anything
    rest_keyword: str = "additionalProperties"
    rest_exempt: frozenset[str] = frozenset()  # keys another conjunct evaluates: `unevaluated*` skips them
    # python-jsonschema's 2019-09 validator applies `unevaluatedProperties` even to keys that a schema for
    # `additionalProperties` evaluated; a reader's then constrains the remaining keys too.
    unevaluated_too: Node | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.properties or self.patterns or self.rest is not None)

    def governing(self, key: str) -> list[Governed]:
        """The schemas that apply to `key`; empty when nothing constrains it."""
        found = []
        if key in self.properties:
            found.append(Governed(self.properties[key], "properties", key))
        found.extend(
            Governed(node, "patternProperties", pattern)
            for pattern, node in self.patterns.items()
            if patterns.search(pattern, key)  # bounded: a schema's pattern cannot stall the registry
        )
        if not found and self.rest is not None and key not in self.rest_exempt:
            found.append(Governed(self.rest, self.rest_keyword, ""))
        if self.unevaluated_too is not None and (not found or found[-1].keyword == self.rest_keyword):
            found.append(Governed(self.unevaluated_too, "unevaluatedProperties", ""))
        return found


def object_model(node: Node | None, parts: list[Part], *, reader: bool) -> ObjectModel:
    """The content model of one conjunct. `parts` are all conjuncts of its schema.

    `unevaluatedProperties` reaches exactly the keys no in-place applicator evaluated. For a reader it is
    taken to reach every key its conjunct's siblings do not name, which asks more of the writer than the
    reader does. For a writer that would claim more than the writer promises, so it counts only when no
    conditional applicator could evaluate further keys.
    """
    if node is None:
        return ObjectModel()
    model = ObjectModel(
        properties=Subschemas(node, node.get("properties")),
        patterns={
            pattern: node.child(schema) for pattern, schema in (node.get("patternProperties") or {}).items()
        },
    )
    additional = node.get("additionalProperties")
    unevaluated = node.get("unevaluatedProperties")
    if additional is not None:
        model.rest = _unless_true(node.child(additional))
        if (
            reader
            and unevaluated is not None
            and node.draft.name == "2019-09"
            and isinstance(additional, dict)
        ):
            model.unevaluated_too = _unless_true(node.child(unevaluated))
    elif unevaluated is not None and _unevaluated_applies(node, parts, reader=reader, keyword="properties"):
        model.rest = _unless_true(node.child(unevaluated))
        model.rest_keyword = "unevaluatedProperties"
        model.rest_exempt = frozenset(
            name for part in parts if part.node is not node for name in (part.node.get("properties") or {})
        )
    return model


@dataclass(slots=True)
class ArrayModel:
    """The schemas of leading items (a tuple) and of the items after them, for one conjunct."""

    prefix: list[Node] = field(default_factory=list)
    prefix_keyword: str = "items"
    rest: Node | None = None  # None: further items may be anything
    rest_keyword: str = "additionalItems"

    @property
    def is_empty(self) -> bool:
        return not self.prefix and self.rest is None

    def governing(self, index: int) -> Governed | None:
        if index < len(self.prefix):
            return Governed(self.prefix[index], self.prefix_keyword, str(index))
        return Governed(self.rest, self.rest_keyword, "") if self.rest is not None else None


def array_model(node: Node | None, parts: list[Part], *, reader: bool) -> ArrayModel:
    """The item model of one conjunct, in any draft's spelling (see `object_model` on `unevaluatedItems`)."""
    if node is None:
        return ArrayModel()
    model = ArrayModel()
    items = node.get("items")
    if node.draft.prefix_items:
        model.prefix = [node.child(schema) for schema in node.get("prefixItems") or []]
        model.prefix_keyword = "prefixItems"
        rest, rest_keyword = items, "items"
    elif isinstance(items, list):
        model.prefix = [node.child(schema) for schema in items]
        rest, rest_keyword = node.get("additionalItems"), "additionalItems"
    else:
        rest, rest_keyword = items, "items"
    if rest is None:
        unevaluated = node.get("unevaluatedItems")
        if unevaluated is not None and _unevaluated_applies(node, parts, reader=reader, keyword="items"):
            rest, rest_keyword = unevaluated, "unevaluatedItems"
    if rest is not None:
        model.rest = _unless_true(node.child(rest))
        model.rest_keyword = rest_keyword
    return model


def _unevaluated_applies(node: Node, parts: list[Part], *, reader: bool, keyword: str) -> bool:
    others = [part.node for part in parts if part.node is not node]
    if any(_evaluates_all(other, keyword) for other in others):
        return False  # another conjunct evaluates every key or item: nothing is left unevaluated
    if reader:
        return True
    partial = ("patternProperties",) if keyword == "properties" else ("prefixItems", "items", "contains")
    return not any(node.get(k) is not None for k in (*_CONDITIONAL_APPLICATORS, "contains")) and not any(
        other.get(k) is not None for other in others for k in partial
    )


def _evaluates_all(node: Node, keyword: str) -> bool:
    if keyword == "properties":
        return node.get("additionalProperties") is not None or node.get("unevaluatedProperties") is not None
    items = node.get("items")
    return (
        (items is not None and not isinstance(items, list))
        or (isinstance(items, list) and node.get("additionalItems") is not None)
        or node.get("unevaluatedItems") is not None
    )


def _unless_true(node: Node) -> Node | None:
    return None if node.contents is True else node


def may_overlap(pattern: str, other: str) -> bool:
    """Whether some key may match both regular expressions; False only when both require different
    literal prefixes (`^a_` and `^b_`)."""
    first, second = _literal_prefix(pattern), _literal_prefix(other)
    if first is None or second is None:
        return True
    return first.startswith(second) or second.startswith(first)


def _literal_prefix(pattern: str) -> str | None:
    if "|" in pattern:
        return None
    match = re.match(r"\^([A-Za-z0-9_\-]*)", pattern)
    if match is None:
        return None
    prefix, following = match.group(1), pattern[match.end() :]
    if following[:1] in {"?", "*", "{"}:
        prefix = prefix[:-1]  # the last literal may be absent
    return prefix
