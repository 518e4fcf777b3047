"""Every keyword group the comparison checks, with the value types each one constrains."""

from __future__ import annotations

from registry.compatibility.jsonschema import arrays, combinations, general, numbers, objects, strings
from registry.compatibility.jsonschema.comparison import KeywordGroup
from registry.compatibility.jsonschema.values import ARRAY_ATOMS, NUMBER_ATOMS, OBJECT_ATOMS, STRING_ATOMS

KEYWORD_GROUPS = (
    KeywordGroup(None, general.compare_type),
    KeywordGroup(None, general.compare_enum),
    KeywordGroup(None, general.compare_annotations),
    KeywordGroup(None, general.compare_dynamic_references),
    KeywordGroup(STRING_ATOMS, strings.compare_lengths),
    KeywordGroup(STRING_ATOMS, strings.compare_pattern),
    KeywordGroup(None, strings.compare_format),
    KeywordGroup(STRING_ATOMS, strings.compare_content),
    KeywordGroup(NUMBER_ATOMS, numbers.compare_lower_bound),
    KeywordGroup(NUMBER_ATOMS, numbers.compare_upper_bound),
    KeywordGroup(NUMBER_ATOMS, numbers.compare_multiple_of),
    KeywordGroup(OBJECT_ATOMS, objects.compare_required),
    KeywordGroup(OBJECT_ATOMS, objects.compare_properties),
    KeywordGroup(OBJECT_ATOMS, objects.compare_dependencies),
    KeywordGroup(OBJECT_ATOMS, objects.compare_property_counts),
    KeywordGroup(OBJECT_ATOMS, objects.compare_property_names),
    KeywordGroup(ARRAY_ATOMS, arrays.compare_items),
    KeywordGroup(ARRAY_ATOMS, arrays.compare_contains),
    KeywordGroup(ARRAY_ATOMS, arrays.compare_item_counts),
    KeywordGroup(ARRAY_ATOMS, arrays.compare_unique_items),
    KeywordGroup(None, combinations.compare_any_of),
    KeywordGroup(None, combinations.compare_one_of),
    KeywordGroup(None, combinations.compare_not),
    KeywordGroup(None, combinations.compare_condition),
    KeywordGroup(None, combinations.compare_all_of),
)
