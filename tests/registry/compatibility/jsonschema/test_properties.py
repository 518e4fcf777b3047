"""Generated evidence: verdicts hold for generated instances, and bad input only ever raises
SchemaParseError."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from registry.compatibility import CompatibilityPolicy, Roles, SchemaParseError, parse_json_schema
from tests.registry.compatibility.jsonschema.schema_strategies import (
    DRAFT_URIS,
    DRAFTS,
    KINDS,
    changed,
    documents,
    violations_of,
)
from tests.registry.compatibility.jsonschema.support import backward_compatible, is_valid, parse
from tests.support.json_instances import instances_of

SETTINGS = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _parsed_or_rejected(document: Any) -> Any:
    try:
        return parse(document)
    except SchemaParseError:
        assume(False)  # an edit broke the metaschema (e.g. draft 4's exclusiveMinimum without minimum)


def _drawn(data: st.DataObject, build: Callable[[], st.SearchStrategy[Any] | None], label: str) -> list[Any]:
    strategy = build()
    if strategy is None or strategy.is_empty:
        event(f"nothing to generate for {label}")
        return []
    return data.draw(st.lists(strategy, min_size=1, max_size=8), label=label)


def _check_backward_verdict(
    data: st.DataObject, *, depth: int, most_edits: int, kind: str | None = None
) -> None:
    draft = data.draw(st.sampled_from(DRAFTS), label="draft")
    old_document = data.draw(documents(draft, depth, kind), label="old")
    new_document = data.draw(changed(old_document, draft, most_edits), label="new")
    old, new = _parsed_or_rejected(old_document), _parsed_or_rejected(new_document)

    compatible = backward_compatible(old, new)
    event(f"compatible: {compatible}")
    if not compatible:
        return
    candidates = _drawn(data, lambda: violations_of(old_document, new_document, draft), "old and not new")
    candidates += _drawn(data, lambda: instances_of(old_document, draft=draft), "instances of the old schema")
    for instance in candidates:
        if not _validity(old_document, instance):
            # The generator and python-jsonschema disagree on some formats (an "email" of one character).
            event("generated instance rejected by the old schema, not checked")
            continue
        assert _validity(new_document, instance) is not False, (
            f"BACKWARD was granted, yet the new schema rejects {instance!r}"
        )


def _validity(document: Any, instance: Any) -> bool | None:
    """python-jsonschema's verdict; None where it crashes (its draft 6/7 `additionalItems` takes `len()` of a
    boolean `items`)."""
    try:
        return is_valid(document, instance)
    except TypeError:
        event("python-jsonschema cannot validate against this schema")
        return None


@pytest.mark.parametrize("kind", KINDS)
@settings(SETTINGS, max_examples=300)
@given(data=st.data())
def test_a_backward_verdict_on_one_edit_holds_for_every_instance_of_the_old_schema(kind, data):
    _check_backward_verdict(data, depth=1, most_edits=1, kind=kind)


@SETTINGS
@given(data=st.data())
def test_a_backward_verdict_on_nested_edits_holds_for_every_instance_of_the_old_schema(data):
    _check_backward_verdict(data, depth=2, most_edits=3)


@SETTINGS
@given(data=st.data())
def test_a_schema_reads_itself_written_differently(data):
    draft = data.draw(st.sampled_from(DRAFTS), label="draft")
    document = data.draw(documents(draft), label="schema")
    reordered = orjson.loads(orjson.dumps(document, option=orjson.OPT_SORT_KEYS))
    first, second = _parsed_or_rejected(document), _parsed_or_rejected(reordered)
    assume(first.canonical != second.canonical)

    assert second.incompatibilities(first, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT) == []


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)
KEYWORDS = st.sampled_from(
    [
        "$schema", "$ref", "$id", "id", "$defs", "definitions", "type", "enum", "const", "properties",
        "patternProperties", "additionalProperties", "unevaluatedProperties", "required", "dependencies",
        "dependentRequired", "dependentSchemas", "propertyNames", "minProperties", "items", "prefixItems",
        "additionalItems", "unevaluatedItems", "contains", "minContains", "maxContains", "uniqueItems",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "minimum", "exclusiveMinimum", "maximum",
        "exclusiveMaximum", "multipleOf", "minLength", "pattern", "format", "$dynamicRef", "$recursiveRef",
    ]
)  # fmt: skip
SCHEMA_LIKE = st.recursive(
    st.booleans() | st.dictionaries(KEYWORDS, JSON_VALUES, max_size=3),
    lambda children: st.dictionaries(
        KEYWORDS,
        children
        | st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "^a"]), children),
        max_size=4,
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40) | JSON_VALUES.map(json.dumps))
def test_any_text_parses_or_is_refused_with_an_invalid_schema_error(text):
    try:
        parsed = parse_json_schema(text)
    except SchemaParseError as error:
        refusal = error.message
    else:
        refusal = parsed.canonical  # parsed: a schema always has a canonical form
    assert refusal


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=SCHEMA_LIKE,
    second=SCHEMA_LIKE,
    draft=st.sampled_from([None, *DRAFT_URIS.values()]),
    policy=st.sampled_from(list(CompatibilityPolicy)),
)
def test_schema_like_input_never_raises_anything_but_invalid_schema_error(first, second, draft, policy):
    documents_ = [first, second]
    if draft is not None:
        documents_ = [{**d, "$schema": draft} if isinstance(d, dict) else d for d in documents_]
    try:
        old, new = (parse(document) for document in documents_)
    except SchemaParseError:
        return  # refused precisely: the other property test checks the message
    for reader, writer in ((new, old), (old, new)):
        for difference in reader.incompatibilities(writer, roles=Roles.backward(), policy=policy):
            assert difference.path.startswith("#")
            assert difference.message.startswith(("A ", "An ", "The "))
