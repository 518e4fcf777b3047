"""Hypothesis strategies: small JSON Schemas of every draft, changes to them, and their instances."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from tests.support.json_instances import instances_of

DRAFT_URIS = {
    4: "http://json-schema.org/draft-04/schema#",
    6: "http://json-schema.org/draft-06/schema#",
    7: "http://json-schema.org/draft-07/schema#",
    19: "https://json-schema.org/draft/2019-09/schema",
    20: "https://json-schema.org/draft/2020-12/schema",
}
DRAFTS = tuple(DRAFT_URIS)

NAMES = ("a", "b", "c")
KEY_PATTERNS = ("^a", "^x", "1$")
STRING_PATTERNS = ("^a", "^[ab]*$", "b")
SMALL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 1.5, 2.0]),
    st.sampled_from(["a", "b", "ab", ""]),
)
SCALAR_TYPES = ("null", "boolean", "integer", "number", "string")


def violations_of(old: Any, new: Any, draft: int) -> st.SearchStrategy[Any] | None:
    """Values `old` admits and `new` rejects, as the generator reads them: a directed search for the
    counterexamples that a compatible verdict says do not exist. Only for schemas without `$ref`s, which
    would point elsewhere once both are nested in one document."""
    both = [_without_schema_keyword(old), _without_schema_keyword(new)]
    if "$ref" in repr(both):
        return st.nothing()
    return instances_of({"$schema": DRAFT_URIS[draft], "allOf": [both[0], {"not": both[1]}]}, draft=draft)


def _without_schema_keyword(document: Any) -> Any:
    return {k: v for k, v in document.items() if k != "$schema"} if isinstance(document, dict) else document


def _maybe(draw: st.DrawFn, probability_in_4: int = 1) -> bool:
    return draw(st.integers(0, 3)) < probability_in_4


KINDS = ("string", "number", "enum", "object", "array", "combination")


@st.composite
def schemas(draw: st.DrawFn, draft: int, depth: int = 2, kind: str | None = None) -> Any:
    """A small schema (a subschema: no `$schema`), of `kind` when given."""
    kinds = ["string", "number", "enum", "any"]
    if draft >= 6:
        kinds.append("boolean schema")
    if depth > 0:
        kinds += ["object", "object", "array", "combination"]
    kind = kind or draw(st.sampled_from(kinds))
    if kind == "string":
        return draw(_strings(draft))
    if kind == "number":
        return draw(_numbers(draft))
    if kind == "enum":
        values = draw(st.lists(SMALL_VALUES, min_size=1, max_size=3, unique_by=repr))
        if draft >= 6 and len(values) == 1 and _maybe(draw, 2):
            return {"const": values[0]}
        return {"enum": values}
    if kind == "any":
        return draw(
            st.sampled_from([{}, {"type": list(draw(st.sets(st.sampled_from(SCALAR_TYPES), min_size=1)))}])
        )
    if kind == "boolean schema":
        return draw(st.booleans())
    if kind == "object":
        return draw(_objects(draft, depth))
    if kind == "array":
        return draw(_arrays(draft, depth))
    return draw(_combinations(draft, depth))


@st.composite
def _strings(draw: st.DrawFn, draft: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if _maybe(draw, 2):
        schema["minLength"] = draw(st.integers(0, 3))
    if _maybe(draw, 2):
        schema["maxLength"] = draw(st.integers(1, 5))
    if _maybe(draw):
        schema["pattern"] = draw(st.sampled_from(STRING_PATTERNS))
    if _maybe(draw):
        schema["format"] = draw(st.sampled_from(["date", "email"]))
    return schema


@st.composite
def _numbers(draw: st.DrawFn, draft: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    bound = st.one_of(st.integers(-4, 4), st.sampled_from([-1.5, 0.5, 2.5]))
    for inclusive, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if _maybe(draw, 2):
            if draft == 4:
                schema[inclusive] = draw(bound)
                if _maybe(draw):
                    schema[exclusive] = draw(st.booleans())
            else:
                schema[draw(st.sampled_from([inclusive, exclusive]))] = draw(bound)
    if _maybe(draw):
        schema["multipleOf"] = draw(st.sampled_from([1, 2, 3, 4, 0.5]))
    return schema


@st.composite
def _objects(draw: st.DrawFn, draft: int, depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"} if _maybe(draw, 3) else {}
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    if names:
        schema["properties"] = {name: draw(schemas(draft, depth - 1)) for name in names}
    required = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2))
    if required:
        schema["required"] = required
    choice = draw(st.integers(0, 5))
    if choice == 1:
        schema["additionalProperties"] = False
    elif choice == 2:
        schema["additionalProperties"] = draw(schemas(draft, 0))
    elif choice == 3:
        schema["patternProperties"] = {draw(st.sampled_from(KEY_PATTERNS)): draw(schemas(draft, 0))}
    elif choice == 4 and draft >= 19:
        schema["unevaluatedProperties"] = draw(st.sampled_from([False, {"type": "string"}]))
    if _maybe(draw):
        schema[draw(st.sampled_from(["minProperties", "maxProperties"]))] = draw(st.integers(0, 3))
    if _maybe(draw):
        key, needs = (
            draw(st.sampled_from(NAMES)),
            draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2)),
        )
        if draft >= 19:
            schema["dependentRequired"] = {key: needs}
        else:
            schema["dependencies"] = {key: needs if needs or draft > 4 else [NAMES[0]]}
    if draft >= 6 and _maybe(draw):
        schema["propertyNames"] = {"maxLength": draw(st.integers(1, 3))}
    return schema


@st.composite
def _arrays(draw: st.DrawFn, draft: int, depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array"} if _maybe(draw, 3) else {}
    shape = draw(st.integers(0, 2))
    if shape == 1:
        schema["items"] = draw(schemas(draft, depth - 1))
    elif shape == 2:
        prefix = draw(st.lists(schemas(draft, depth - 1), min_size=1, max_size=2))
        rest = draw(st.one_of(st.none(), st.just(False), schemas(draft, 0)))
        if draft == 20:
            schema["prefixItems"] = prefix
            if rest is not None:
                schema["items"] = rest
        else:
            schema["items"] = prefix
            if rest is not None:
                schema["additionalItems"] = rest
    if _maybe(draw):
        schema[draw(st.sampled_from(["minItems", "maxItems"]))] = draw(st.integers(0, 3))
    if _maybe(draw):
        schema["uniqueItems"] = True
    if draft >= 6 and _maybe(draw):
        schema["contains"] = draw(schemas(draft, 0))
        if draft >= 19 and _maybe(draw, 2):
            schema[draw(st.sampled_from(["minContains", "maxContains"]))] = draw(st.integers(0, 2))
    return schema


@st.composite
def _combinations(draw: st.DrawFn, draft: int, depth: int) -> dict[str, Any]:
    keywords = ["anyOf", "oneOf", "allOf", "not"] + (["if"] if draft >= 7 else [])
    keyword = draw(st.sampled_from(keywords))
    if keyword == "not":
        return {"not": draw(schemas(draft, 0))}
    if keyword == "if":
        schema = {"if": draw(schemas(draft, 0)), "then": draw(schemas(draft, depth - 1))}
        if _maybe(draw, 2):
            schema["else"] = draw(schemas(draft, depth - 1))
        return schema
    return {keyword: draw(st.lists(schemas(draft, depth - 1), min_size=1, max_size=3))}


@st.composite
def documents(draw: st.DrawFn, draft: int, depth: int = 2, kind: str | None = None) -> Any:
    """A top-level schema: declares its draft, and sometimes keeps a subschema in definitions."""
    schema = draw(schemas(draft, depth, kind))
    if not isinstance(schema, dict):
        return schema
    schema = {"$schema": DRAFT_URIS[draft], **schema}
    properties = schema.get("properties")
    if properties and _maybe(draw, 2):
        name = draw(st.sampled_from(sorted(properties)))
        container = "$defs" if draft >= 19 else "definitions"
        schema[container] = {"shared": properties[name]}
        properties[name] = {"$ref": f"#/{container}/shared"}
        if _maybe(draw, 2):
            # A recursive type: the shared definition may hold itself.
            shared = schema[container]["shared"] = {
                "type": "object",
                "properties": {"value": properties[name]},
            }
            shared["properties"]["next"] = {"$ref": f"#/{container}/shared"}
            properties[name] = {"$ref": f"#/{container}/shared"}
    return schema


def _subschema_slots(schema: Any) -> list[tuple[Any, Any]]:
    """(container, key) pairs where a subschema of `schema` sits, the root included as (None, None)."""
    slots: list[tuple[Any, Any]] = [(None, None)]
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        for keyword in (
            "additionalProperties",
            "additionalItems",
            "items",
            "contains",
            "not",
            "if",
            "then",
            "else",
        ):
            if isinstance(node.get(keyword), dict | bool):
                slots.append((node, keyword))
                pending.append(node[keyword])
        for keyword in ("properties", "patternProperties", "definitions", "$defs"):
            for name, child in (node.get(keyword) or {}).items():
                slots.append((node[keyword], name))
                pending.append(child)
        for keyword in ("anyOf", "oneOf", "allOf", "prefixItems", "items"):
            if isinstance(node.get(keyword), list):
                for index, child in enumerate(node[keyword]):
                    slots.append((node[keyword], index))
                    pending.append(child)
    return slots


@st.composite
def changed(draw: st.DrawFn, document: Any, draft: int, most_edits: int = 3) -> Any:
    """`document` after one or more edits of the kinds schema authors make."""
    result = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, most_edits))):
        slots = _subschema_slots(result)
        container, key = slots[0] if _maybe(draw, 2) else draw(st.sampled_from(slots))
        current = result if container is None else container[key]
        edited = draw(_edit(current, draft))
        if container is None:
            if isinstance(edited, dict) and isinstance(result, dict) and "$schema" in result:
                edited = {"$schema": result["$schema"], **{k: v for k, v in edited.items() if k != "$schema"}}
                for container_keyword in ("definitions", "$defs"):
                    if container_keyword in result:
                        edited[container_keyword] = result[container_keyword]
            result = edited
        else:
            container[key] = edited
    return result


def _like(schema: dict[str, Any], draft: int) -> st.SearchStrategy[Any]:
    """Fresh schemas of the same kind as `schema`, to borrow a keyword from."""
    kind = schema.get("type")
    if kind == "string":
        return _strings(draft)
    if kind in ("integer", "number"):
        return _numbers(draft)
    if kind == "object" or "properties" in schema:
        return _objects(draft, 1)
    if kind == "array" or "items" in schema:
        return _arrays(draft, 1)
    return schemas(draft, 1).filter(lambda fresh: isinstance(fresh, dict))


_LIMITS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)


@st.composite
def _edit(draw: st.DrawFn, schema: Any, draft: int) -> Any:
    if not isinstance(schema, dict):
        return draw(schemas(draft, 1))
    edited = dict(schema)
    action = draw(
        st.sampled_from(
            [
                "remove keyword",
                "replace",
                "nudge limit",
                "nudge limit",
                "nudge limit",
                "widen type",
                "edit enum",
                "add property",
                "remove property",
                "toggle required",
                "additional properties",
                "wrap in anyOf",
                "add keywords",
                "add one keyword",
                "add one keyword",
                "add one keyword",
                "retune keyword",
                "retune keyword",
            ]
        )
    )
    removable = [keyword for keyword in edited if keyword not in ("$schema", "definitions", "$defs")]
    if action == "remove keyword" and removable:
        del edited[draw(st.sampled_from(removable))]
    elif action == "nudge limit" and (
        limits := [k for k in _LIMITS if isinstance(edited.get(k), int | float)]
    ):
        keyword = draw(st.sampled_from(limits))
        edited[keyword] = max(0, edited[keyword] + draw(st.sampled_from([-2, -1, 1, 2])))
    elif action == "widen type" and isinstance(edited.get("type"), str):
        edited["type"] = [
            edited["type"],
            draw(st.sampled_from([t for t in SCALAR_TYPES if t != edited["type"]])),
        ]
    elif action == "edit enum" and isinstance(edited.get("enum"), list):
        values = list(edited["enum"])
        if len(values) > 1 and _maybe(draw, 2):
            values.remove(draw(st.sampled_from(values)))
        else:
            values.append(draw(SMALL_VALUES.filter(lambda value: repr(value) not in map(repr, values))))
        edited["enum"] = values
    elif action == "add property":
        properties = dict(edited.get("properties") or {})
        name = draw(st.sampled_from((*NAMES, "d")))
        properties[name] = draw(st.one_of(st.just({}), schemas(draft, 0)))
        edited["properties"] = properties
    elif action == "remove property" and edited.get("properties"):
        properties = dict(edited["properties"])
        del properties[draw(st.sampled_from(sorted(properties)))]
        edited["properties"] = properties
    elif action == "toggle required":
        required = list(edited.get("required") or [])
        name = draw(st.sampled_from(NAMES))
        required = [n for n in required if n != name] if name in required else [*required, name]
        if required:
            edited["required"] = required
        else:
            edited.pop("required", None)
    elif action == "additional properties":
        edited["additionalProperties"] = draw(st.one_of(st.booleans(), schemas(draft, 0)))
    elif action == "wrap in anyOf":
        return {"anyOf": [schema, draw(schemas(draft, 0))]}
    elif action == "add keywords":
        fresh = draw(schemas(draft, 1))
        if isinstance(fresh, dict):
            edited.update(fresh)
    elif action in ("add one keyword", "retune keyword"):
        fresh = draw(_like(edited, draft))
        wanted = [k for k in fresh if (k in edited) == (action == "retune keyword") and k != "type"]
        if wanted:
            keyword = draw(st.sampled_from(wanted))
            edited[keyword] = fresh[keyword]
    else:
        return draw(schemas(draft, 1))
    return edited
