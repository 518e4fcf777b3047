"""One spelling for "this or null" (and any other union of types) before an expectation is compared.

JSON Schema says "an address or null" in two ways: `{"type": ["object", "null"], "properties": ...}`
and `{"anyOf": [{"type": "object", "properties": ...}, {"type": "null"}]}` (what an Avro
`["null", Address]` union decodes to, and what `optional(...)` writes for objects with alternatives).
The compatibility engine, like Confluent's, compares a type list with a type list and a combination
with a combination, but reports a type list against a combination as narrowed, although both admit the
same data. An expectation only asks whether the producer's data is readable, so both schemas are brought
to the combination form first: a type list becomes an `anyOf` with one branch per type, each branch
keeping the keywords that apply to its type, an `enum` listing null becomes "the other values or
null", and a combination directly inside another is flattened (see _OPENED).
"""

from __future__ import annotations

from typing import Any

from registry.compatibility.jsonschema.values import (
    ARRAY_ATOMS,
    INTEGER_ATOMS,
    KEYWORD_ATOMS,
    NUMBER_ATOMS,
    OBJECT_ATOMS,
    STRING_ATOMS,
)

# The values each type of a type list admits, to give each branch the keywords that constrain them
# (KEYWORD_ATOMS); keywords that constrain every type stay beside the `anyOf`.
_ATOMS_OF = {
    "object": OBJECT_ATOMS,
    "array": ARRAY_ATOMS,
    "string": STRING_ATOMS,
    "number": NUMBER_ATOMS,
    "integer": INTEGER_ATOMS,
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
}
# Keywords whose value maps names to subschemas, and keywords whose value is data, not a schema.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "dependentSchemas", "dependencies", "definitions", "$defs"}
)
_DATA = frozenset({"enum", "const", "default", "examples", "required", "type"})
# A node with one of these beside its type list says more than "one of these types"; it is kept as is.
_KEPT_WHOLE = frozenset({"enum", "const", "anyOf", "oneOf", "allOf", "not", "if", "$ref"})
# Which combinations a combination opens when one is its branch: inside an `anyOf`, whether one or
# several alternatives match makes no difference to what can be read; inside a `oneOf`, a `oneOf`.
_OPENED = {"anyOf": frozenset({"anyOf", "oneOf"}), "oneOf": frozenset({"oneOf"})}


def as_alternatives(document: Any) -> Any:
    """`document` with every type list written as an `anyOf` of one branch per type (see above)."""
    if isinstance(document, list):
        return [as_alternatives(item) for item in document]
    if not isinstance(document, dict):
        return document
    node: dict[str, Any] = {}
    for key, value in document.items():
        if key in _DATA:
            node[key] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            node[key] = {name: as_alternatives(schema) for name, schema in value.items()}
        else:
            node[key] = as_alternatives(value)
    node = _split_type_list(_split_null_value(node))
    for keyword, opened in _OPENED.items():
        if isinstance(node.get(keyword), list):
            node[keyword] = _flattened(node[keyword], opened)
    return node


def _split_type_list(node: dict[str, Any]) -> dict[str, Any]:
    kinds = node.get("type")
    if not isinstance(kinds, list) or len(kinds) < 2 or _KEPT_WHOLE & node.keys():
        return node
    if not all(isinstance(kind, str) and kind in _ATOMS_OF for kind in kinds):
        return node
    shared = {key: value for key, value in node.items() if key != "type" and key not in KEYWORD_ATOMS}
    branches = [
        {
            "type": kind,
            **{
                key: value
                for key, value in node.items()
                if key in KEYWORD_ATOMS and KEYWORD_ATOMS[key] & _ATOMS_OF[kind]
            },
        }
        for kind in dict.fromkeys(kinds)
    ]
    return {**shared, "anyOf": branches}


def _split_null_value(node: dict[str, Any]) -> dict[str, Any]:
    """An `enum` that lists null among other values, as "one of the others, or null"."""
    values = node.get("enum")
    if not isinstance(values, list) or None not in values or values == [None] or "type" in node:
        return node
    return {"anyOf": [{**node, "enum": [value for value in values if value is not None]}, {"type": "null"}]}


def _flattened(branches: list[Any], opened: frozenset[str]) -> list[Any]:
    """The branches of a combination, with a branch that is itself only a combination of a kind in
    `opened` replaced by its own branches."""
    flat: list[Any] = []
    for branch in branches:
        inner = _only_alternatives(branch, opened)
        if inner is not None:
            flat.extend(inner)
        else:
            flat.append(branch)
    return flat


def _only_alternatives(branch: Any, opened: frozenset[str]) -> list[Any] | None:
    if isinstance(branch, dict) and len(branch) == 1:
        [(keyword, inner)] = branch.items()
        if keyword in opened and isinstance(inner, list):
            return _flattened(inner, opened)
    return None
