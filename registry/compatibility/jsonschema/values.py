"""JSON values as JSON Schema sees them: which type a value has and when two values are equal."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Hashable

    from registry.compatibility.jsonschema.drafts import Draft

# Types are compared as sets of atoms, so that "integer" sits inside "number" and draft 4's stricter
# integer (1.0 is not one) sits inside the later drafts' integer.
INTEGER_ATOMS = frozenset({"int", "integral-float"})
NUMBER_ATOMS = frozenset({"int", "integral-float", "fraction"})
STRING_ATOMS = frozenset({"string"})
OBJECT_ATOMS = frozenset({"object"})
ARRAY_ATOMS = frozenset({"array"})
ALL_ATOMS = NUMBER_ATOMS | {"null", "boolean", "string", "array", "object"}

# The value types each type-specific keyword constrains; other keywords a draft evaluates constrain all.
KEYWORD_ATOMS = {
    **dict.fromkeys(("minLength", "maxLength", "pattern"), STRING_ATOMS),
    **dict.fromkeys(
        ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"), NUMBER_ATOMS
    ),
    **dict.fromkeys(
        (
            "properties",
            "patternProperties",
            "additionalProperties",
            "unevaluatedProperties",
            "required",
            "dependencies",
            "dependentRequired",
            "dependentSchemas",
            "propertyNames",
            "minProperties",
            "maxProperties",
        ),
        OBJECT_ATOMS,
    ),
    **dict.fromkeys(
        (
            "items",
            "prefixItems",
            "additionalItems",
            "unevaluatedItems",
            "contains",
            "minContains",
            "maxContains",
            "minItems",
            "maxItems",
            "uniqueItems",
        ),
        ARRAY_ATOMS,
    ),
}

_ATOMS_BY_TYPE = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "string": STRING_ATOMS,
    "array": ARRAY_ATOMS,
    "object": OBJECT_ATOMS,
    "number": NUMBER_ATOMS,
    "integer": INTEGER_ATOMS,
}


def type_atoms(type_keyword: Any, draft: Draft) -> frozenset[str]:
    """The atoms a `type` keyword (a name or a list of names) admits."""
    if isinstance(type_keyword, str):
        return _atoms_of_name(type_keyword, legacy=draft.legacy_numbers)
    return frozenset().union(*(_atoms_of_name(name, legacy=draft.legacy_numbers) for name in type_keyword))


@cache
def _atoms_of_name(name: str, *, legacy: bool) -> frozenset[str]:
    if name == "integer" and legacy:
        return frozenset({"int"})
    return _ATOMS_BY_TYPE.get(name, frozenset())


def atoms_equal_to(value: Any) -> frozenset[str]:
    """The atoms of the values JSON-equal to `value`, as `enum` and `const` match them: 2 and 2.0 alike."""
    if value is None:
        return frozenset({"null"})
    if isinstance(value, bool):
        return frozenset({"boolean"})
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return INTEGER_ATOMS
    if isinstance(value, float):
        return frozenset({"fraction"})
    if isinstance(value, str):
        return STRING_ATOMS
    return ARRAY_ATOMS if isinstance(value, list) else OBJECT_ATOMS


def freeze(value: Any) -> Hashable:
    """A hashable key under which JSON-equal values are equal: 1 == 1.0, but true != 1."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float):
        return ("number", int(value) if isinstance(value, float) and value.is_integer() else value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(freeze(item) for item in value))
    return ("object", frozenset((key, freeze(item)) for key, item in value.items()))


def describe_types(atoms: frozenset[str]) -> str:
    """Atoms back in JSON Schema's words, for messages."""
    names = []
    remaining = set(atoms)
    for name, covered in (("number", NUMBER_ATOMS), ("integer", INTEGER_ATOMS)):
        if covered <= remaining:
            names.append(name)
            remaining -= covered
    if "int" in remaining:
        names.append("integer")
        remaining.discard("int")
    remaining.discard("integral-float")
    remaining.discard("fraction")
    names.extend(sorted(remaining))
    return ", ".join(names) if names else "no value"
