"""Helpers shared by the JSON Schema engine tests."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from registry.compatibility import CompatibilityPolicy, JsonSchema, Roles, parse_json_schema


def parse(document: Any, references: tuple = ()) -> JsonSchema:
    return parse_json_schema(json.dumps(document), references)


def backward_compatible(old: JsonSchema, new: JsonSchema, policy: str = "STRICT") -> bool:
    """Whether `new`, as the reader, may follow `old`."""
    return not new.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy(policy))


def forward_compatible(old: JsonSchema, new: JsonSchema, policy: str = "STRICT") -> bool:
    """Whether `old`, as the reader, reads what `new` writes."""
    return not old.incompatibilities(new, roles=Roles.forward(), policy=CompatibilityPolicy(policy))


def is_valid(schema: Any, instance: Any) -> bool:
    """python-jsonschema's verdict, with the validator its `$schema` names, asserting `format` as consumers
    commonly do (and as the instance generator does)."""
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return validator(schema, format_checker=validator.FORMAT_CHECKER).is_valid(instance)
