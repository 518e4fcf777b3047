"""What users read about a difference: what changed and where, why it breaks which side, how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.differences import DifferenceType, is_compatible

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.differences import Difference
    from registry.compatibility.levels import CompatibilityPolicy
    from registry.compatibility.schema import Roles

T = DifferenceType

_NEW_EVENT_TYPE = (
    "If the break is intended, publish it as a new event type (e.g. OrderCreatedV2) or under a new subject."
)

_FIXES = {
    T.TYPE_CHANGED: 'Keep accepting the old type, e.g. list both: "type": ["old", "new"].',
    T.TYPE_NARROWED: "Keep accepting every type the old schema accepted.",
    T.PATTERN_CHANGED: "Keep the old pattern; put values of the new shape in a new optional property.",
    T.FORMAT_CHANGED: "Keep the old format; put values of the new format in a new optional property.",
    T.MULTIPLE_OF_CHANGED: "Keep the old multipleOf, or use a divisor of it that is a whole number.",
    T.REQUIRED_ATTRIBUTE_ADDED: "Make the property optional: leave it out of `required`.",
    T.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: (
        "Validators do not fill in defaults, so old data without the property is rejected; leave it out of "
        "`required`, or use the LENIENT compatibility policy if every reader applies defaults."
    ),
    T.REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (
        "Add the property as optional: leave it out of `required`."
    ),
    T.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (
        "Add the property as optional: leave it out of `required`."
    ),
    T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: (
        "Add the property as optional; validators do not fill in defaults."
    ),
    T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: (
        "Add the property as optional; validators do not fill in defaults."
    ),
    T.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (
        "Declare the new property with the empty schema {} (any value), or give the schema a closed content "
        'model ("additionalProperties": false) from its first version so that new properties are safe to '
        "add, or use the LENIENT compatibility policy, which trusts producers not to send undeclared keys."
    ),
    T.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (
        "Keep the property declared (mark it deprecated in its description), or let additionalProperties "
        "admit its values."
    ),
    T.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (
        "Give the property a schema that admits everything the old schema allowed for that key."
    ),
    T.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (
        "Keep the property declared, or let patternProperties/additionalProperties admit its old values."
    ),
    T.ADDITIONAL_PROPERTIES_REMOVED: (
        "Keep additionalProperties as it was: old data may carry undeclared keys."
    ),
    T.ADDITIONAL_PROPERTIES_NARROWED: (
        "Keep additionalProperties as it was: old data may carry undeclared keys."
    ),
    T.UNEVALUATED_PROPERTIES_REMOVED: (
        "Keep unevaluatedProperties as it was: old data may carry undeclared keys."
    ),
    T.UNEVALUATED_PROPERTIES_NARROWED: (
        "Keep unevaluatedProperties as it was: old data may carry undeclared keys."
    ),
    T.ITEM_ADDED_TO_OPEN_CONTENT_MODEL: (
        "Declare the new item with the empty schema {}, or close the tuple (additionalItems/items: false) "
        "from its first version."
    ),
    T.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: (
        "Keep the item declared, or let further items admit its values."
    ),
    T.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (
        "Give the item a schema that admits everything the old schema allowed at that position."
    ),
    T.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (
        "Keep the item declared, or let further items admit its old values."
    ),
    T.ADDITIONAL_ITEMS_REMOVED: "Keep allowing further items as before.",
    T.ADDITIONAL_ITEMS_NARROWED: "Keep the schema for further items as it was, or widen it.",
    T.UNEVALUATED_ITEMS_REMOVED: "Keep allowing further items as before.",
    T.UNEVALUATED_ITEMS_NARROWED: "Keep the schema for further items as it was, or widen it.",
    T.ENUM_ARRAY_NARROWED: "Keep every old value (document the ones producers should stop sending).",
    T.ENUM_ARRAY_CHANGED: "Keep every old value and add new ones alongside.",
    T.DEPENDENCY_ARRAY_ADDED: (
        "Do not make existing properties depend on others; add the rule in a new event type."
    ),
    T.DEPENDENCY_ARRAY_EXTENDED: "Do not make existing properties depend on more properties.",
    T.DEPENDENCY_ARRAY_CHANGED: "Keep the old dependencies.",
    T.DEPENDENCY_SCHEMA_ADDED: "Do not add dependency schemas to existing properties.",
    T.UNIQUE_ITEMS_ADDED: "Drop uniqueItems: old data may repeat items.",
    T.SCHEMA_ADDED: "Drop the new subschema, or make it admit everything the old schema allowed there.",
    T.SUM_TYPE_NARROWED: "Keep every old branch; branches may be added to anyOf, not removed.",
    T.PRODUCT_TYPE_EXTENDED: "Do not add allOf members that constrain existing data.",
    T.COMBINED_TYPE_CHANGED: (
        "Keep the combining keyword; changing allOf/oneOf to anyOf is the safe direction."
    ),
    T.COMBINED_TYPE_SUBSCHEMAS_CHANGED: "Keep every old branch as it was and add new ones alongside.",
    T.NOT_TYPE_EXTENDED: "Do not exclude more values than before.",
    T.CONDITION_ADDED: "Do not add conditions that constrain existing data.",
    T.CONDITION_CHANGED: "Keep the `if` schema unchanged and change only what `then`/`else` allow.",
    T.COMPARISON_UNDECIDED: "Make the change in smaller steps that the checker can follow.",
}

_ADDED_CONSTRAINT_FIX = "Drop the new constraint, or keep it no stricter than the old one."


def describe(difference: Difference, roles: Roles, policy: CompatibilityPolicy) -> str:
    """The full message for one difference: Confluent's sentence for its type, what exactly changed, and
    for a refused change who it breaks and the usual fix. Schemas are named by their roles."""
    kind, reader, writer = difference.type, roles.reader, roles.writer
    text = _headline(kind, difference.path, reader, writer)
    if difference.detail:
        text += f": {difference.detail}"
    if is_compatible(kind, policy):
        return text + "."
    fix = _FIXES.get(kind, _ADDED_CONSTRAINT_FIX)
    return (
        f"{text}. The {reader} schema may reject data the {writer} schema accepts, so "
        f"{_who_fails(reader, writer)} would fail on it. {fix} {_NEW_EVENT_TYPE}"
    )


def _who_fails(reader: str, writer: str) -> str:
    if (reader, writer) == ("new", "old"):
        return "a consumer upgraded to the new schema reading events written with the old one"
    if (reader, writer) == ("old", "new"):
        return "a consumer still on the old schema reading events written with the new one"
    return f"a reader using the {reader} schema"


def _in(*names: str) -> frozenset[DifferenceType]:
    return frozenset(DifferenceType(name) for name in names)


# Confluent's sentences, by the kind of change ({reader} and {writer} are filled in with the roles).
_KEYWORD_ADDED = _in(
    *(f"{name}_ADDED" for name in ("MAX_LENGTH", "MIN_LENGTH", "PATTERN", "FORMAT", "CONTENT_ENCODING")),
    *(f"{name}_ADDED" for name in ("CONTENT_MEDIA_TYPE", "MAXIMUM", "MINIMUM", "EXCLUSIVE_MAXIMUM")),
    *(f"{name}_ADDED" for name in ("EXCLUSIVE_MINIMUM", "MULTIPLE_OF", "REQUIRED_ATTRIBUTE")),
    *(f"{name}_ADDED" for name in ("MAX_PROPERTIES", "MIN_PROPERTIES", "DEPENDENCY_ARRAY")),
    *(f"{name}_ADDED" for name in ("DEPENDENCY_SCHEMA", "MAX_ITEMS", "MIN_ITEMS", "MAX_CONTAINS")),
    *(f"{name}_ADDED" for name in ("MIN_CONTAINS", "UNIQUE_ITEMS", "SCHEMA", "CONDITION")),
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "ADDITIONAL_ITEMS_REMOVED",
    "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_REMOVED",
    "UNEVALUATED_ITEMS_REMOVED",
)
_VALUE_INCREASED = _in(
    "MIN_LENGTH_INCREASED",
    "MINIMUM_INCREASED",
    "EXCLUSIVE_MINIMUM_INCREASED",
    "MIN_PROPERTIES_INCREASED",
    "MULTIPLE_OF_EXPANDED",
    "MIN_ITEMS_INCREASED",
    "MIN_CONTAINS_INCREASED",
)
_VALUE_DECREASED = _in(
    "MAX_LENGTH_DECREASED",
    "MAXIMUM_DECREASED",
    "MAX_ITEMS_DECREASED",
    "MAX_CONTAINS_DECREASED",
    "EXCLUSIVE_MAXIMUM_DECREASED",
    "MAX_PROPERTIES_DECREASED",
)
_FEWER_ELEMENTS = _in(
    "ADDITIONAL_ITEMS_NARROWED",
    "ENUM_ARRAY_NARROWED",
    "SUM_TYPE_NARROWED",
    "ADDITIONAL_PROPERTIES_NARROWED",
    "UNEVALUATED_PROPERTIES_NARROWED",
    "UNEVALUATED_ITEMS_NARROWED",
)
_MORE_ELEMENTS = _in(
    "DEPENDENCY_ARRAY_EXTENDED", "PRODUCT_TYPE_EXTENDED", "SUM_TYPE_EXTENDED", "NOT_TYPE_EXTENDED"
)
_TYPE_CHANGED = _in(
    "TYPE_CHANGED",
    "TYPE_NARROWED",
    "COMBINED_TYPE_CHANGED",
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    "ENUM_ARRAY_CHANGED",
)


_ADDED_TO_CONTENT = "The {reader} schema adds the {subject} {at}, which the {writer} schema does not declare"
_REMOVED_FROM_CONTENT = (
    "The {reader} schema no longer declares the {subject} {at}, which the {writer} schema declares"
)
_SENTENCES = (
    (_KEYWORD_ADDED, "The keyword {at} in the {reader} schema is not present in the {writer} schema"),
    (_VALUE_INCREASED, "The value {at} in the {reader} schema is more than its value in the {writer} schema"),
    (_VALUE_DECREASED, "The value {at} in the {reader} schema is less than its value in the {writer} schema"),
    (
        _FEWER_ELEMENTS,
        "An array or combined type {at} has fewer elements in the {reader} schema than the {writer} schema",
    ),
    (
        _MORE_ELEMENTS,
        "An array or combined type {at} has more elements in the {reader} schema than the {writer} schema",
    ),
    (_TYPE_CHANGED, "A type {at} is different between the {reader} schema and the {writer} schema"),
    (_in("COMPARISON_UNDECIDED"), "The change {at} cannot be shown to be compatible"),
)


def _headline(kind: DifferenceType, path: str, reader: str, writer: str) -> str:
    values = {"at": f"at path '{path}'", "reader": reader, "writer": writer}
    if "CONTENT_MODEL" in kind.value:
        subject = "item" if kind.value.startswith("ITEM") else "property"
        template = _ADDED_TO_CONTENT if "_ADDED_" in kind.value else _REMOVED_FROM_CONTENT
        return template.format(subject=subject, **values)
    for kinds, sentence in _SENTENCES:
        if kind in kinds:
            return sentence.format(**values)
    if kind.value.endswith("_REMOVED"):
        return "The keyword {at} in the {writer} schema is not present in the {reader} schema".format(
            **values
        )
    return "The value {at} is different between the {reader} and {writer} schema".format(**values)
