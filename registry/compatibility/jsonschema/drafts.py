"""The JSON Schema drafts the engine understands, and what each one means by its keywords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsonschema
import referencing.jsonschema

from registry.compatibility.schema import SchemaParseError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Specification


@dataclass(frozen=True, slots=True)
class Draft:
    """One JSON Schema dialect: its validator, its `$ref` rules and the keywords it evaluates."""

    name: str
    validator: type[Validator]
    specification: Specification[Any]
    keywords: frozenset[str]
    # Drafts 4 to 7: a `$ref` replaces its sibling keywords instead of adding to them.
    ref_overrides_siblings: bool
    # Draft 4 alone: `exclusiveMinimum`/`exclusiveMaximum` are booleans qualifying minimum/maximum,
    # and 1.0 is a number but not an integer.
    legacy_numbers: bool
    # Draft 2020-12 spells a tuple `prefixItems` + `items`, earlier drafts `items` + `additionalItems`.
    prefix_items: bool

    def __str__(self) -> str:
        return self.name


def _draft(
    name: str,
    validator: type[Validator],
    specification: Specification[Any],
    *,
    also_evaluated: frozenset[str],
) -> Draft:
    # python-jsonschema evaluates some keywords inside others (`then` inside `if`, `minContains`
    # inside `contains`, draft 4's boolean `exclusiveMinimum` inside `minimum`).
    return Draft(
        name=name,
        validator=validator,
        specification=specification,
        keywords=frozenset(validator.VALIDATORS) | also_evaluated,
        ref_overrides_siblings=name in {"draft-04", "draft-06", "draft-07"},
        legacy_numbers=name == "draft-04",
        prefix_items=name == "2020-12",
    )


DRAFT4 = _draft(
    "draft-04",
    jsonschema.Draft4Validator,
    referencing.jsonschema.DRAFT4,
    also_evaluated=frozenset({"exclusiveMinimum", "exclusiveMaximum"}),
)
DRAFT6 = _draft(
    "draft-06", jsonschema.Draft6Validator, referencing.jsonschema.DRAFT6, also_evaluated=frozenset()
)
DRAFT7 = _draft(
    "draft-07",
    jsonschema.Draft7Validator,
    referencing.jsonschema.DRAFT7,
    also_evaluated=frozenset({"then", "else"}),
)
DRAFT2019 = _draft(
    "2019-09",
    jsonschema.Draft201909Validator,
    referencing.jsonschema.DRAFT201909,
    also_evaluated=frozenset({"then", "else", "minContains", "maxContains"}),
)
DRAFT2020 = _draft(
    "2020-12",
    jsonschema.Draft202012Validator,
    referencing.jsonschema.DRAFT202012,
    also_evaluated=frozenset({"then", "else", "minContains", "maxContains"}),
)

DEFAULT_DRAFT = DRAFT7
DRAFTS = (DRAFT4, DRAFT6, DRAFT7, DRAFT2019, DRAFT2020)
_BY_VALIDATOR = {draft.validator: draft for draft in DRAFTS}


def draft_of(document: Any) -> Draft:
    """The draft `document` declares with `$schema`, draft-07 when it declares none."""
    if not isinstance(document, dict) or "$schema" not in document:
        return DEFAULT_DRAFT
    declared = document["$schema"]
    if not isinstance(declared, str):
        raise SchemaParseError("`$schema` must be a string naming a JSON Schema draft", path="#/$schema")
    validator = jsonschema.validators.validator_for(document, default=None)
    draft = _BY_VALIDATOR.get(validator)
    if draft is None:
        known = ", ".join(sorted(str(draft.validator.META_SCHEMA.get("$schema", "")) for draft in DRAFTS))
        raise SchemaParseError(
            f"Unknown `$schema` {declared!r}: this registry supports JSON Schema drafts 4, 6, 7, "
            f"2019-09 and 2020-12 ({known}); omit `$schema` for draft-07",
            path="#/$schema",
        )
    return draft
