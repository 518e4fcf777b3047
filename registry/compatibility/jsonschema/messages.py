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
    """The full message for one difference, naming the schemas by their roles."""
    kind, path, reader, writer = difference.type, difference.path, roles.reader, roles.writer
    text = _headline(kind, path, reader, writer)
    if difference.detail:
        text += f": {difference.detail}"
    if is_compatible(kind, policy):
        return text + "."
    fix = _FIXES.get(kind, _ADDED_CONSTRAINT_FIX)
    return (
        f"{text}. The {reader} schema may reject data the {writer} schema accepts, so a "
        f"{_reader_role(reader)} would fail on it. {fix} {_NEW_EVENT_TYPE}"
    )


def _reader_role(reader: str) -> str:
    return (
        "consumer using the new schema on old events"
        if reader == "new"
        else "consumer still on the old schema"
    )


def _headline(kind: DifferenceType, path: str, reader: str, writer: str) -> str:
    name = kind.value
    if "CONTENT_MODEL" in name:
        return _content_model_headline(kind, path, reader, writer)
    if name.startswith(("TYPE_", "COMBINED_TYPE", "ENUM_ARRAY_CHANGED", "COMBINED")):
        return f"A type at path '{path}' is different between the {reader} schema and the {writer} schema"
    if name.endswith("_ADDED") and not name.startswith(("ADDITIONAL_", "UNEVALUATED_")):
        return f"The keyword at path '{path}' in the {reader} schema is not present in the {writer} schema"
    if name.endswith("_REMOVED") and not name.startswith(("ADDITIONAL_", "UNEVALUATED_")):
        return f"The keyword at path '{path}' in the {writer} schema is not present in the {reader} schema"
    if name.endswith(("_NARROWED", "_EXTENDED")):
        return (
            f"An array or combined type at path '{path}' has changed between the {writer} schema "
            f"and the {reader} schema"
        )
    if name == "COMPARISON_UNDECIDED":
        return f"The change at path '{path}' cannot be shown compatible"
    return f"The value at path '{path}' is different between the {reader} schema and the {writer} schema"


def _content_model_headline(kind: DifferenceType, path: str, reader: str, writer: str) -> str:
    subject = "item" if kind.value.startswith("ITEM") else "property"
    if "_ADDED_" in kind.value:
        return (
            f"The {reader} schema adds the {subject} at path '{path}', "
            f"which the {writer} schema does not declare"
        )
    return (
        f"The {reader} schema no longer declares the {subject} at path '{path}', "
        f"which the {writer} schema declares"
    )
