"""Accord's own table of JSON Schema changes, keyword by keyword and draft by draft
(tests/data/jsonschema/keyword_cases.json).

Each case gives the verdict for the new schema reading the old one under STRICT (and LENIENT when it
differs) and the difference types reported. A refused change carries either a counterexample (valid
under the old schema, invalid under the new, checked here with python-jsonschema) or the reason the
engine refuses a change that is in fact safe.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry.compatibility import ResolvedReference, SchemaType
from tests.registry.compatibility.jsonschema.schema_strategies import DRAFT_URIS
from tests.registry.compatibility.jsonschema.support import backward_compatible, is_valid, parse

CASES = json.loads((Path(__file__).parents[3] / "data/jsonschema/keyword_cases.json").read_text())["cases"]
SCHEMA_URIS = dict(
    zip(["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"], DRAFT_URIS.values(), strict=True)
)


def _in_draft(document: Any, draft: str | None) -> Any:
    if draft is None or not isinstance(document, dict):
        return document
    return {"$schema": SCHEMA_URIS[draft], **document}


def _references(case: dict[str, Any], side: str, draft: str | None) -> tuple[ResolvedReference, ...]:
    named = case.get("references", {}).get(side, {})
    return tuple(
        ResolvedReference(
            name, name.removesuffix(".json"), 1, SchemaType.JSON, json.dumps(_in_draft(schema, draft))
        )
        for name, schema in named.items()
    )


def _params() -> list[Any]:
    return [
        pytest.param(case, draft, id=f"{case['id']} [{draft or 'as written'}]")
        for case in CASES
        for draft in case.get("drafts") or [None]
    ]


def test_every_draft_and_keyword_family_is_covered():
    drafts = {draft for case in CASES for draft in case.get("drafts") or []}
    assert drafts == set(SCHEMA_URIS)
    text = json.dumps(CASES)
    for keyword in (
        "dependentRequired", "dependentSchemas", "prefixItems", "unevaluatedProperties", "unevaluatedItems",
        "minContains", "maxContains", "$defs", "if", "format", "propertyNames", "patternProperties", "const",
        "multipleOf", "exclusiveMinimum", "additionalItems", "contains", "oneOf", "anyOf", "allOf", "not",
    ):  # fmt: skip
        assert f'"{keyword}"' in text, keyword


@pytest.mark.parametrize(("case", "draft"), _params())
def test_case(case, draft):
    old_document, new_document = _in_draft(case["old"], draft), _in_draft(case["new"], draft)
    old = parse(old_document, _references(case, "old", draft))
    new = parse(new_document, _references(case, "new", draft))

    assert backward_compatible(old, new) is case["backward"]
    assert backward_compatible(old, new, "LENIENT") is case.get("lenient", case["backward"])
    assert sorted({difference.type.value for difference in new.differences(old)}) == sorted(case["types"])
    if "counterexample" in case:
        assert not case["backward"]
        if not case.get("references"):
            assert is_valid(old_document, case["counterexample"])
            assert not is_valid(new_document, case["counterexample"])
    else:
        assert case["backward"] or case.get("conservative"), "a refusal needs a counterexample or a reason"
