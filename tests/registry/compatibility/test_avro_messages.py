"""The messages users read in CI logs: what changed, where, which consumers it breaks, and the fix.

Each row is a change, the direction checked, and phrases its single message must contain.
"""

from __future__ import annotations

import pytest

from registry.compatibility import CompatibilityPolicy, Roles
from tests.registry.compatibility.avro_support import parse, record

BREAKS_NEW = "consumers that move to the new schema could not read data written with the old schema"
BREAKS_OLD = "consumers still on the old schema could not read data written with the new schema"
STATUS = {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}
ADDRESS = record({"name": "zip", "type": "string"}, name="Address")
ADDRESS_WITH_CITY = record(
    {"name": "zip", "type": "string"}, {"name": "city", "type": "string"}, name="Address"
)

CASES = {
    "type changed, backward": (
        record({"name": "total", "type": "int"}),
        record({"name": "total", "type": "string"}),
        "backward",
        [
            "The type of field 'total' at path '#/fields/0/type' differs",
            "the new schema has string where the old schema has int",
            BREAKS_NEW,
            "Keep int or widen it to long, float or double",
            "publish a new event type",
        ],
    ),
    "type promoted, forward": (
        record({"name": "total", "type": "float"}),
        record({"name": "total", "type": "double"}),
        "forward",
        [
            "the old schema has float where the new schema has double",
            BREAKS_OLD,
            "Keep writing float (or int or long)",
        ],
    ),
    "field made required": (
        record({"name": "note", "type": ["null", "string"], "default": None}),
        record({"name": "note", "type": "string"}),
        "backward",
        [
            "where the old schema has null (branch 0 of its union)",
            "Keep the field a union that includes null",
        ],
    ),
    "field made nullable, forward": (
        record({"name": "note", "type": "string"}),
        record({"name": "note", "type": ["null", "string"]}),
        "forward",
        ["Do not widen the field into a union with null, which the old schema cannot read"],
    ),
    "field added without default": (
        record(),
        record({"name": "loyaltyPoints", "type": "int"}),
        "backward",
        [
            "Field 'loyaltyPoints' at path '#/fields/0' is new in the new schema and has no default",
            BREAKS_NEW,
            'Add a default to the field, e.g. "default": null',
        ],
    ),
    "renamed field's alias not found": (
        record({"name": "a", "type": "int"}),
        record({"name": "b", "type": "int", "aliases": ["c"]}),
        "backward",
        ["Field 'b' at path '#/fields/0' is new in the new schema (nor under its aliases c)"],
    ),
    "required field removed, forward": (
        record({"name": "note", "type": "string"}),
        record(),
        "forward",
        [
            "Field 'note' at path '#/fields/0' of the old schema has no default and the new schema does not "
            "have it",
            BREAKS_OLD,
            "Keep the field",
        ],
    ),
    "enum field added with only an enum default": (
        record(),
        record({"name": "status", "type": {**STATUS, "default": "NEW"}}),
        "backward",
        ["The enum's default, NEW, only stands in for unknown symbols; it does not make the field optional"],
    ),
    "record renamed": (
        record(),
        record(name="Purchase"),
        "backward",
        [
            "The record at path '#/name' is named com.acme.Purchase in the new schema but com.acme.Order in "
            "the old",
            'list the old name in the new record: "aliases": ["com.acme.Order"]',
        ],
    ),
    "record renamed, forward": (
        record(),
        record(name="Purchase"),
        "forward",
        ["Keep the name Order: an alias in the new schema does not help consumers of the old one"],
    ),
    "fixed resized": (
        record({"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}}),
        record({"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 32}}),
        "backward",
        [
            "The fixed type com.acme.Hash of field 'hash' at path '#/fields/0/type/size' holds 32 bytes in "
            "the new",
            "Keep 16 bytes",
        ],
    ),
    "enum symbol removed": (
        record({"name": "status", "type": STATUS}),
        record({"name": "status", "type": {**STATUS, "symbols": ["NEW"]}}),
        "backward",
        [
            "The enum com.acme.Status of field 'status' at path '#/fields/0/type/symbols' no longer has the "
            "symbol",
            "give the new enum a default symbol",
        ],
    ),
    "enum symbols added, forward": (
        record({"name": "status", "type": STATUS}),
        record({"name": "status", "type": {**STATUS, "symbols": ["NEW", "PAID", "SHIPPED", "LOST"]}}),
        "forward",
        [
            "gains the symbols SHIPPED, LOST in the new schema, and the old enum has no default",
            "(add the default first)",
        ],
    ),
    "union branch removed": (
        record({"name": "id", "type": ["null", "string", "long"]}),
        record({"name": "id", "type": ["null", "string"]}),
        "backward",
        [
            "The old schema can write long (branch 2 of its union) in field 'id' at path '#/fields/0/type'",
            "the new schema's union [null, string] has no branch that reads it",
            "Keep a branch for long in the union",
        ],
    ),
    "union branch added, forward": (
        record({"name": "id", "type": ["null", "string"]}),
        record({"name": "id", "type": ["null", "string", "long"]}),
        "forward",
        ["The new schema can write long (branch 2 of its union)", "Write only types the old union reads"],
    ),
    "optional record gains a required field": (
        record({"name": "shipTo", "type": ["null", ADDRESS]}),
        record({"name": "shipTo", "type": ["null", ADDRESS_WITH_CITY]}),
        "backward",
        [
            "The old schema can write record com.acme.Address (branch 1 of its union) in field 'shipTo'",
            "The closest branch does not fit: Field 'shipTo.city' at path '#/fields/0/type/1/fields/1' is "
            "new in the new schema and has no default",
        ],
    ),
    "top-level type changed": (
        "string",
        "int",
        "backward",
        ["The type of the schema at path '#/' differs"],
    ),
}


@pytest.mark.parametrize(("old", "new", "direction", "phrases"), CASES.values(), ids=CASES.keys())
def test_message_says_what_where_who_and_how(old, new, direction, phrases):
    old_schema, new_schema = parse(old), parse(new)
    if direction == "backward":
        found = new_schema.incompatibilities(
            old_schema, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT
        )
    else:
        found = old_schema.incompatibilities(
            new_schema, roles=Roles.forward(), policy=CompatibilityPolicy.STRICT
        )

    [issue] = found
    for phrase in phrases:
        assert phrase in issue.message
    assert f"at path '{issue.path}'" in issue.message
