"""Parsing JSON Schema text: JSON, draft, metaschema, references, and the checks that keep later
comparisons finite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from registry.compatibility.jsonschema.drafts import Draft, draft_of
from registry.compatibility.jsonschema.inspection import Inspection, check_metaschema
from registry.compatibility.jsonschema.nodes import Node, SchemaIndex
from registry.compatibility.jsonschema.references import build_registry
from registry.compatibility.jsonschema.schema import JsonSchema
from registry.compatibility.jsonschema.subschemas import MAX_NESTING, nesting_depth
from registry.compatibility.schema import SchemaParseError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.schema import ResolvedReference


def parse_json_schema(text: str, references: Sequence[ResolvedReference] = ()) -> JsonSchema:
    """Parse and check a JSON Schema; `references` are the schemas its `$ref`s may name (dependencies first).

    Raises SchemaParseError saying what is wrong and where (a JSON pointer) for text that is not JSON, an
    unknown `$schema`, a metaschema violation, an invalid regular expression, a `$ref` that resolves to
    nothing (remote schemas are never fetched), or a cycle of references that never ends.
    """
    document = _load(text, context="")
    draft = _checked_draft(document, context="")
    referenced = []
    for reference in references:
        context = f"In reference {reference.name!r} ({reference.subject} version {reference.version}): "
        if reference.schema_type is not SchemaType.JSON:
            raise SchemaParseError(
                f"{context}a JSON Schema can only reference JSON schemas, not {reference.schema_type.value}"
            )
        contents = _load(reference.text, context=context)
        referenced.append((reference.name, contents, _checked_draft(contents, context=context)))
    registry, base = build_registry((document, draft), referenced)
    inspection = Inspection()
    inspection.walk("", document, draft, registry.resolver(base))
    for name, contents, reference_draft in referenced:
        inspection.walk(f"In reference {name!r}: ", contents, reference_draft, registry.resolver(name))
    index = SchemaIndex(inspection.finish(), [document, *(contents for _, contents, _ in referenced)])
    root = Node(document, draft, registry.resolver(base), index)
    return JsonSchema(text, references, document=document, draft=draft, root=root)


def _load(text: str, *, context: str) -> Any:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise SchemaParseError(f"{context}Invalid JSON Schema: not JSON: {error}") from None
    if not isinstance(document, dict | bool):
        raise SchemaParseError(
            f"{context}Invalid JSON Schema: a schema is a JSON object or a boolean, not "
            f"{type(document).__name__}"
        )
    if nesting_depth(document) > MAX_NESTING:
        raise SchemaParseError(
            f"{context}Invalid JSON Schema: values nest more than {MAX_NESTING} levels deep; "
            "move nested parts into definitions referenced with $ref"
        )
    return document


def _checked_draft(document: Any, *, context: str) -> Draft:
    try:
        draft = draft_of(document)
    except SchemaParseError as error:
        raise SchemaParseError(f"{context}{error.message}", path=error.path) from None
    check_metaschema(document, draft, context=context)
    return draft
