"""Where subschemas live inside a schema document, walked without recursion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema, in any
# draft. Walking a keyword a draft does not evaluate is harmless: only `$ref`s and `$id`s are read there.
SINGLE_SCHEMA_KEYWORDS = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
SCHEMA_MAP_KEYWORDS = (
    "$defs",
    "definitions",
    "dependentSchemas",
    "patternProperties",
    "properties",
    "dependencies",
)

MAX_NESTING = 128
"""How deeply JSON values may nest in a schema: deeper ones are refused rather than risk recursion limits
in the validator and the comparison."""


def is_schema(value: Any) -> bool:
    return isinstance(value, dict | bool)


def child_schemas(contents: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Each subschema directly inside `contents`, with the path segments that lead to it."""
    if not isinstance(contents, dict):
        return
    for keyword in SINGLE_SCHEMA_KEYWORDS:
        value = contents.get(keyword)
        if is_schema(value):
            yield (keyword,), value
    for keyword in SCHEMA_LIST_KEYWORDS:
        value = contents.get(keyword)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if is_schema(item):
                    yield (keyword, str(index)), item
    for keyword in SCHEMA_MAP_KEYWORDS:
        value = contents.get(keyword)
        if isinstance(value, dict):
            for name, item in value.items():
                if is_schema(item):
                    yield (keyword, name), item


def pointer(segments: tuple[str, ...]) -> str:
    """A JSON pointer fragment (`#/properties/a~1b`) for path segments."""
    return "#/" + "/".join(segment.replace("~", "~0").replace("/", "~1") for segment in segments)


def nesting_depth(document: Any) -> int:
    """How deeply arrays and objects nest in a JSON value (a scalar is 0)."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
