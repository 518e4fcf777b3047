"""The normalized form of a JSON Schema, compared when `normalize=true`: equal for schemas that differ only
in key order, in the order of set-like arrays, or in the spelling of their `$ref`s."""

from __future__ import annotations

from typing import Any

import orjson

from registry.compatibility.jsonschema.references import normalize_reference
from registry.compatibility.jsonschema.subschemas import (
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    SINGLE_SCHEMA_KEYWORDS,
)

# Arrays whose order means nothing to a validator.
_SET_KEYWORDS = frozenset({"required", "type", "enum"})


def normalized_text(document: Any) -> str:
    return orjson.dumps(_normalized(document), option=orjson.OPT_SORT_KEYS).decode()


def _normalized(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword in ("$ref", "$dynamicRef", "$recursiveRef") and isinstance(value, str):
            result[keyword] = normalize_reference(value)
        elif keyword in _SET_KEYWORDS and isinstance(value, list):
            result[keyword] = _sorted(value)
        elif keyword in SINGLE_SCHEMA_KEYWORDS and isinstance(value, dict | bool):
            result[keyword] = _normalized(value)
        elif keyword in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            result[keyword] = [_normalized(item) for item in value]
        elif keyword in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            result[keyword] = {
                name: _sorted(item) if isinstance(item, list) else _normalized(item)
                for name, item in value.items()
            }
        elif keyword == "dependentRequired" and isinstance(value, dict):
            result[keyword] = {
                name: _sorted(item) if isinstance(item, list) else item for name, item in value.items()
            }
        else:
            result[keyword] = value
    return result


def _sorted(values: list[Any]) -> list[Any]:
    return sorted(values, key=lambda value: orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
