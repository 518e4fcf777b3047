"""Parsing JSON Schema text: JSON, draft, metaschema, references, and the checks that keep later
comparisons finite."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson
from jsonschema.exceptions import best_match

from registry.compatibility.jsonschema.drafts import Draft, draft_of
from registry.compatibility.jsonschema.nodes import Node, SchemaIndex
from registry.compatibility.jsonschema.references import build_registry, check_resolves
from registry.compatibility.jsonschema.schema import JsonSchema
from registry.compatibility.jsonschema.subschemas import MAX_NESTING, child_schemas, nesting_depth, pointer
from registry.compatibility.schema import InvalidSchemaError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from referencing._core import Resolver

    from registry.compatibility.schema import ResolvedReference

# Keywords that apply their subschemas to the same value: a cycle through them alone never ends.
_IN_PLACE_KEYWORDS = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"}
)
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


def parse_json_schema(text: str, references: Sequence[ResolvedReference] = ()) -> JsonSchema:
    """Parse and check a JSON Schema; `references` are the schemas its `$ref`s may name (dependencies first).

    Raises InvalidSchemaError saying what is wrong and where (a JSON pointer) for text that is not JSON, an
    unknown `$schema`, a metaschema violation, an invalid regular expression, a `$ref` that resolves to
    nothing (remote schemas are never fetched), or a cycle of references that never ends.
    """
    document = _load(text, context="")
    draft = _checked_draft(document, context="")
    referenced = []
    for reference in references:
        context = f"In reference {reference.name!r} ({reference.subject} version {reference.version}): "
        if reference.schema_type is not SchemaType.JSON:
            raise InvalidSchemaError(
                f"{context}a JSON Schema can only reference JSON schemas, not {reference.schema_type.value}"
            )
        contents = _load(reference.text, context=context)
        referenced.append((reference.name, contents, _checked_draft(contents, context=context)))
    registry, base = build_registry((document, draft), referenced)
    documents = [("", document, draft, registry.resolver(base))]
    documents.extend(
        (f"In reference {name!r}: ", contents, reference_draft, registry.resolver(name))
        for name, contents, reference_draft in referenced
    )
    drafts = _inspect(documents)
    index = SchemaIndex(registry, drafts, [document, *(contents for _, contents, _ in referenced)])
    root = Node(document, draft, registry.resolver(base), index)
    return JsonSchema(text, references, document=document, draft=draft, root=root)


def _load(text: str, *, context: str) -> Any:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidSchemaError(f"{context}Invalid JSON Schema: not JSON: {error}") from None
    if not isinstance(document, dict | bool):
        raise InvalidSchemaError(
            f"{context}Invalid JSON Schema: a schema is a JSON object or a boolean, not "
            f"{type(document).__name__}"
        )
    if nesting_depth(document) > MAX_NESTING:
        raise InvalidSchemaError(
            f"{context}Invalid JSON Schema: values nest more than {MAX_NESTING} levels deep; "
            "move nested parts into definitions referenced with $ref"
        )
    return document


def _checked_draft(document: Any, *, context: str) -> Draft:
    try:
        draft = draft_of(document)
    except InvalidSchemaError as error:
        raise InvalidSchemaError(f"{context}{error.message}", path=error.path) from None
    validator = draft.validator(draft.validator.META_SCHEMA, format_checker=draft.validator.FORMAT_CHECKER)
    violation = best_match(validator.iter_errors(document))
    if violation is not None:
        raise InvalidSchemaError(
            f"{context}Invalid JSON Schema: it breaks the {draft} metaschema: {violation.message} "
            f"(metaschema keyword {violation.validator!r})",
            path=pointer(tuple(str(segment) for segment in violation.absolute_path)),
        )
    return draft


def _inspect(documents: list[tuple[str, Any, Draft, Resolver[Any]]]) -> dict[int, Draft]:
    """Check every subschema of every document; return the draft of each (by object identity)."""
    drafts: dict[int, Draft] = {}
    in_place: dict[int, list[int]] = {}
    located: dict[int, tuple[str, str]] = {}
    for context, document, draft, resolver in documents:
        pending: list[tuple[Any, Resolver[Any], tuple[str, ...]]] = [(document, resolver, ())]
        while pending:
            contents, resolver, segments = pending.pop()
            if not isinstance(contents, dict):
                continue
            if "$id" in contents or "id" in contents:
                resolver = resolver.in_subresource(draft.specification.create_resource(contents))
            path = pointer(segments)
            drafts[id(contents)] = draft
            located[id(contents)] = (context, path)
            _check_patterns(contents, context=context, path=path)
            successors = []
            for keyword in _REFERENCE_KEYWORDS:
                reference = contents.get(keyword)
                if isinstance(reference, str):
                    try:
                        check_resolves(resolver, reference, path=pointer((*segments, keyword)))
                    except InvalidSchemaError as error:
                        raise InvalidSchemaError(f"{context}{error.message}", path=error.path) from None
                    successors.append(id(resolver.lookup(reference).contents))
            ref_alone = draft.ref_overrides_siblings and "$ref" in contents
            for child_segments, child in child_schemas(contents):
                pending.append((child, resolver, (*segments, *child_segments)))
                if child_segments[0] in _IN_PLACE_KEYWORDS and not ref_alone:
                    successors.append(id(child))
            in_place[id(contents)] = successors
    _refuse_endless_cycles(in_place, located)
    return drafts


def _check_patterns(contents: dict[str, Any], *, context: str, path: str) -> None:
    candidates = []
    if isinstance(contents.get("pattern"), str):
        candidates.append((contents["pattern"], f"{path.rstrip('/')}/pattern"))
    if isinstance(contents.get("patternProperties"), dict):
        candidates.extend(
            (key, f"{path.rstrip('/')}/patternProperties") for key in contents["patternProperties"]
        )
    for expression, where in candidates:
        try:
            re.compile(expression)
        except re.error as error:
            raise InvalidSchemaError(
                f"{context}Invalid JSON Schema: {expression!r} is not a regular expression this registry "
                f"can evaluate: {error}",
                path=where,
            ) from None


def _refuse_endless_cycles(in_place: dict[int, list[int]], located: dict[int, tuple[str, str]]) -> None:
    """Refuse schemas that reach themselves through `$ref`/`allOf`/`anyOf`/... without describing a nested
    value: validating some values against them would never end."""
    finished: set[int] = set()
    for start in in_place:
        if start in finished:
            continue
        on_path = {start}
        stack = [(start, iter(in_place.get(start, ())))]
        while stack:
            node, successors = stack[-1]
            following = next(successors, None)
            if following is None:
                stack.pop()
                on_path.discard(node)
                finished.add(node)
            elif following in on_path:
                context, path = located[following]
                raise InvalidSchemaError(
                    f"{context}Invalid JSON Schema: the subschema refers back to itself through $ref or a "
                    "combining keyword without describing a nested value, so validation would never end",
                    path=path,
                )
            elif following not in finished:
                on_path.add(following)
                stack.append((following, iter(in_place.get(following, ()))))
