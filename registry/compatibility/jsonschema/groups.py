"""Every keyword group the comparison checks, with the keywords that trigger it and the value types it
constrains."""

from __future__ import annotations

from registry.compatibility.jsonschema import arrays, combinations, general, numbers, objects, strings
from registry.compatibility.jsonschema.comparison import KeywordGroup
from registry.compatibility.jsonschema.values import ARRAY_ATOMS, NUMBER_ATOMS, OBJECT_ATOMS, STRING_ATOMS


def _group(keywords: str, atoms: frozenset[str] | None, check: object) -> KeywordGroup:
    return KeywordGroup(frozenset(keywords.split()), atoms, check)  # type: ignore[arg-type]


KEYWORD_GROUPS = (
    _group("type", None, general.compare_type),
    _group("enum const", None, general.compare_enum),
    _group("$id id title description default", None, general.compare_annotations),
    _group("$dynamicRef $recursiveRef", None, general.compare_dynamic_references),
    _group("maxLength minLength", STRING_ATOMS, strings.compare_lengths),
    _group("pattern", STRING_ATOMS, strings.compare_pattern),
    _group("format", None, strings.compare_format),
    _group("contentEncoding contentMediaType", STRING_ATOMS, strings.compare_content),
    _group("minimum exclusiveMinimum", NUMBER_ATOMS, numbers.compare_lower_bound),
    _group("maximum exclusiveMaximum", NUMBER_ATOMS, numbers.compare_upper_bound),
    _group("multipleOf", NUMBER_ATOMS, numbers.compare_multiple_of),
    _group("required", OBJECT_ATOMS, objects.compare_required),
    _group(
        "properties patternProperties additionalProperties unevaluatedProperties",
        OBJECT_ATOMS,
        objects.compare_properties,
    ),
    _group("dependencies dependentRequired dependentSchemas", OBJECT_ATOMS, objects.compare_dependencies),
    _group("maxProperties minProperties", OBJECT_ATOMS, objects.compare_property_counts),
    _group("propertyNames", OBJECT_ATOMS, objects.compare_property_names),
    _group("items prefixItems additionalItems unevaluatedItems", ARRAY_ATOMS, arrays.compare_items),
    _group("contains minContains maxContains", ARRAY_ATOMS, arrays.compare_contains),
    _group("maxItems minItems", ARRAY_ATOMS, arrays.compare_item_counts),
    _group("uniqueItems", ARRAY_ATOMS, arrays.compare_unique_items),
    _group("anyOf", None, combinations.compare_any_of),
    _group("oneOf", None, combinations.compare_one_of),
    _group("not", None, combinations.compare_not),
    _group("if then else", None, combinations.compare_condition),
    _group("allOf", None, combinations.compare_all_of),
)
