"""Where in the data a place in a JSON Schema applies: `#/properties/items/items/properties/sku` is
`$.items[*].sku`."""

from __future__ import annotations

from client.paths import child_path
from registry.compatibility.schema import pointer_tokens

# Keywords whose subschemas apply to the same data; those in the first set are followed by an index or a
# property name that says which subschema.
_SAME_DATA_KEYED = frozenset(
    {"allOf", "anyOf", "oneOf", "dependentSchemas", "dependencies", "dependentRequired"}
)
_SAME_DATA = frozenset({"not", "if", "then", "else"})
_EVERY_ITEM = frozenset({"items", "additionalItems", "unevaluatedItems", "contains"})
_EVERY_MEMBER = frozenset({"additionalProperties", "unevaluatedProperties"})


def data_path(pointer: str) -> str:
    """The JSON path of the data that the subschema or keyword at `pointer` constrains."""
    tokens = pointer_tokens(pointer)
    path = "$"
    position = 0
    while position < len(tokens):
        token = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        if token in ("properties", "required") and following is not None:
            path, position = child_path(path, following), position + 2
        elif token in ("items", "prefixItems") and following is not None and following.isdigit():
            path, position = child_path(path, int(following)), position + 2
        elif token in _EVERY_ITEM:
            path, position = f"{path}[*]", position + 1
        elif token == "patternProperties" and following is not None:
            path, position = f"{path}.*", position + 2
        elif token in _EVERY_MEMBER:
            path, position = f"{path}.*", position + 1
        elif token in _SAME_DATA_KEYED and following is not None:
            position += 2
        elif token in _SAME_DATA:
            position += 1
        else:
            break  # a keyword: it constrains the data reached so far
    return path
