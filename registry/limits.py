"""Limits on what one schema may ask of the registry: its size, how deep it nests, how many references
it needs. Each refusal says which limit and which setting raises it."""

from __future__ import annotations

import orjson

from registry import errors
from registry.compatibility.jsonschema.subschemas import nesting_depth


def check_schema_size(text: str, *, max_bytes: int) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise errors.InvalidSchemaError(
            f"Invalid schema: it is {size} bytes, more than the limit of {max_bytes} bytes "
            "(setting ACCORD_MAX_SCHEMA_BYTES)"
        )


def check_schema_depth(text: str, *, max_depth: int) -> None:
    """Refuse JSON nested deeper than `max_depth` (text that is not JSON is left to the schema's parser)."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "recursion" in str(error) or "depth" in str(error):
            raise _too_deep(max_depth) from None
        return
    if nesting_depth(document) > max_depth:
        raise _too_deep(max_depth)


def check_reference_count(count: int, *, max_references: int) -> None:
    if count > max_references:
        raise errors.InvalidSchemaError(
            f"Invalid schema: it needs more than {max_references} referenced schemas, counting the "
            "references of references (setting ACCORD_MAX_REFERENCES)"
        )


def check_reference_depth(depth: int, *, max_depth: int) -> None:
    if depth > max_depth:
        raise errors.InvalidSchemaError(
            f"Invalid schema: its references go more than {max_depth} levels deep, counting the "
            "references of references (setting ACCORD_MAX_REFERENCE_DEPTH)"
        )


def _too_deep(max_depth: int) -> errors.InvalidSchemaError:
    return errors.InvalidSchemaError(
        f"Invalid schema: it nests more than {max_depth} levels deep (setting ACCORD_MAX_SCHEMA_DEPTH)"
    )
