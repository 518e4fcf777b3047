"""Consumer expectations against Protobuf producers, in process: every matcher is judged against the
proto3 JSON mapping of the producer's message, each against a field that is always there and a twin
that may be absent (or null); the message is chosen as documented; presence follows the syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import (
    any_of,
    array_contains,
    datetime,
    decimal,
    each_like,
    each_value,
    enum_of,
    expect,
    integer,
    like,
    one_of,
    optional,
    string,
    uuid,
)
from contracts.checks import ProducerSchema, check_sample_expectation, check_schema_expectation
from contracts.matchers import Spec
from contracts.samples import Sample
from registry.compatibility import SchemaType, json_mapping_schema, parse_schema, select_message

DATA = Path(__file__).resolve().parents[1] / "data" / "contracts" / "protobuf"
ORDERS = (DATA / "orders.proto").read_text()
SHIPMENT = (DATA / "shipment.proto").read_text()


def findings(spec: Spec, *, text: str = ORDERS, event_type: str = "OrderCreated", message: str | None = None):
    expectation = expect(event_type, spec, message=message)
    schema = ProducerSchema(event_type, "PROTOBUF", text, version=1)
    return check_schema_expectation(schema, expectation, consumer="reader@1")


def errors(spec: Spec, **options: str) -> set[tuple[str, str]]:
    """(path, difference type) of each breaking finding."""
    return {
        (finding.path, finding.message.split(" ", 1)[0])
        for finding in findings(spec, **options)
        if finding.severity == "error"
    }


# matcher: (a field it holds against, its twin that may be absent or null, the twin's breaking gaps)
TWINS = {
    "string": (
        {"orderId": string()},
        {"note": string()},
        {("$.data.note", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "string in a oneof": (
        {"orderId": string()},
        {"card": string()},
        {("$.data.card", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "string of a wrapper": (
        {"orderId": string()},
        {"coupon": string()},
        {("$.data.coupon", "REQUIRED_ATTRIBUTE_ADDED"), ("$.data.coupon", "TYPE_NARROWED")},
    ),
    "like": (
        {"orderId": like("o-1")},
        {"note": like("o-1")},
        {("$.data.note", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "integer": (
        {"quantity": integer()},
        {"maxQuantity": integer()},
        {("$.data.maxQuantity", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "integer of an int64 (text in the JSON mapping)": (
        {"quantity": integer()},
        {"totalCents": integer()},
        {("$.data.totalCents", "TYPE_CHANGED")},
    ),
    "decimal": (
        {"amount": decimal()},
        {"discount": decimal()},
        {("$.data.discount", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "decimal of a wrapper": (
        {"amount": decimal()},
        {"tax": decimal()},
        {("$.data.tax", "REQUIRED_ATTRIBUTE_ADDED"), ("$.data.tax", "TYPE_NARROWED")},
    ),
    "uuid": (
        {"orderId": uuid()},
        {"note": uuid()},
        {("$.data.note", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "enum_of": (
        {"status": enum_of("NEW", "PAID")},
        {"previousStatus": enum_of("NEW", "PAID")},
        {("$.data.previousStatus", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "each_like": (
        {"items": each_like({"sku": string(), "quantity": integer()})},
        {"basket": {"items": each_like({"sku": string()})}},
        {("$.data.basket", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "each_value": (
        {"tags": each_value(integer())},
        {"basket": {"tags": each_value(integer())}},
        {("$.data.basket", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "one_of": (
        {"orderId": one_of(string(), integer())},
        {"note": one_of(string(), integer())},
        {("$.data.note", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "any_of": (
        {"orderId": any_of(string(), integer())},
        {"maxQuantity": any_of(string(), integer())},
        {("$.data.maxQuantity", "REQUIRED_ATTRIBUTE_ADDED")},
    ),
    "optional": (
        {"orderId": optional(string())},
        {"coupon": optional(integer())},
        {("$.data.coupon", "COMBINED_TYPE_SUBSCHEMAS_CHANGED")},
    ),
    "a constant": (
        {"status": enum_of("NEW", "PAID")},
        {"note": "o-1"},
        {("$.data.note", "REQUIRED_ATTRIBUTE_ADDED"), ("$.data.note", "ENUM_ARRAY_NARROWED")},
    ),
    "array_contains": (
        {"items": each_like({"sku": string()})},
        {"basket": {"items": array_contains({"sku": string()})}},
        {("$.data.basket", "REQUIRED_ATTRIBUTE_ADDED"), ("$.data.basket.items[*]", "SCHEMA_ADDED")},
    ),
}
# A sample as the producer sends it (fields at their default left out) holds every present matcher.
SAMPLE = {
    "orderId": "3f0c6a9e-8b1d-4a5e-9c2f-1d2e3f4a5b6c",
    "quantity": 2,
    "amount": 12.5,
    "status": "PAID",
    "items": [{"sku": "A", "quantity": 1}],
    "tags": {"a": 1},
}


@pytest.mark.parametrize("matcher", TWINS)
def test_every_matcher_holds_on_a_present_field_and_breaks_on_its_absent_twin(matcher):
    present, absent, gaps = TWINS[matcher]
    assert errors(present) == set()
    assert errors(absent) == gaps


@pytest.mark.parametrize("matcher", TWINS)
def test_every_matcher_holds_on_a_sample_that_has_the_field_and_not_on_its_absent_twin(matcher):
    present, absent, _ = TWINS[matcher]
    sample = Sample("placed", {"eventType": "OrderCreated", "data": SAMPLE}, "PROTOBUF", ORDERS)

    def found(spec: Spec) -> set[str]:
        expectation = expect("OrderCreated", spec)
        return {finding.path for finding in check_sample_expectation(sample, expectation, consumer="c@1")}

    assert found(present) == set()
    if matcher == "integer of an int64 (text in the JSON mapping)":
        assert found(absent) == {"$.data.totalCents"}  # decoded as "0": text, not a number
    elif matcher == "optional":
        assert found(absent) == set()  # the coupon is absent in this sample: nothing to check
    else:
        assert found(absent) == {"$.data"}  # a required property is missing


@pytest.mark.parametrize(
    "spec",
    [
        {"note": optional(string())},
        {"card": optional(string()), "iban": optional(string())},
        {"coupon": optional(string())},
        {"tax": optional(decimal())},
        {"maxQuantity": optional(integer())},
        {"previousStatus": optional(enum_of("NEW", "PAID"))},
        {"placedAt": optional(datetime())},
        {"basket": optional({"items": each_like({"sku": string()})})},
    ],
)
def test_optional_holds_on_every_field_that_may_be_absent_or_null(spec):
    assert errors(spec) == set()


def test_message_fields_of_proto2_are_there_when_required_and_may_be_absent_when_optional():
    def shipment(spec: Spec) -> set[tuple[str, str]]:
        return errors(spec, text=SHIPMENT, event_type="ShipmentSent")

    assert shipment({"sentAt": datetime(), "address": {"street": string()}, "carrier": string()}) == set()
    assert shipment({"deliveredAt": datetime()}) == {("$.data.deliveredAt", "REQUIRED_ATTRIBUTE_ADDED")}
    assert shipment({"returnAddress": {"street": string()}}) == {
        ("$.data.returnAddress", "REQUIRED_ATTRIBUTE_ADDED")
    }
    assert shipment({"tracking": string()}) == {("$.data.tracking", "REQUIRED_ATTRIBUTE_ADDED")}
    assert shipment({"address": {"city": string()}}) == {("$.data.address.city", "REQUIRED_ATTRIBUTE_ADDED")}
    assert shipment({"returnAddress": optional({"street": string(), "city": optional(string())})}) == set()


def test_the_mapping_breaks_what_the_wire_names_differently():
    # a timestamp is text, not an object; a narrower enum misses PAID; a constant is not promised
    assert errors({"placedAt": {"seconds": integer()}}) >= {("$.data.placedAt", "REQUIRED_ATTRIBUTE_ADDED")}
    assert errors({"status": enum_of("NEW")}) == {("$.data.status", "ENUM_ARRAY_NARROWED")}
    assert errors({"orderId": "o-1"}) == {("$.data.orderId", "ENUM_ARRAY_NARROWED")}
    assert errors({"order_id": string()}) == {
        ("$.data.order_id", "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
    }
    assert errors({"items": array_contains({"sku": string()})}) == {("$.data.items[*]", "SCHEMA_ADDED")}


def test_value_rules_are_warnings_the_schema_cannot_promise():
    found = findings({"quantity": integer(minimum=1), "totalCents": string(pattern=r"^\d+$", example="12")})
    assert {(finding.path, finding.severity) for finding in findings({"orderId": uuid()})} == {
        ("$.data.orderId", "warning")
    }
    assert {(finding.path, finding.severity) for finding in found} == {
        ("$.data.quantity", "warning"),
        ("$.data.totalCents", "warning"),
    }
    assert (
        "the producer's message acme.orders.OrderCreated, in Protobuf's JSON mapping, has" in found[0].message
    )


def test_the_message_read_is_the_named_one_else_the_event_types_else_the_first():
    paid = {"orderId": string(), "paidCents": string()}
    assert errors(paid, message="acme.orders.OrderPaid") == set()
    assert errors(paid, event_type="OrderPaid") == set()
    assert errors(paid) == {("$.data.paidCents", "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")}
    [missing] = findings(paid, message="acme.orders.Refund")
    assert missing.severity == "error"
    assert missing.message.startswith(
        "MESSAGE_NOT_PUBLISHED: the Protobuf schema has no message 'acme.orders.Refund'"
    )
    assert "acme.orders.OrderPaid" in missing.message


def test_the_json_mapping_of_every_kind_of_field():
    text = """
        syntax = "proto3";
        package kinds;
        import "google/protobuf/any.proto";
        import "google/protobuf/duration.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/wrappers.proto";
        message Kinds {
          uint64 big = 1;
          bytes blob = 2;
          map<int32, string> by_number = 3;
          map<bool, Kinds> by_flag = 4;
          google.protobuf.Duration took = 5;
          google.protobuf.Any detail = 6;
          google.protobuf.Value anything = 7;
          google.protobuf.Int64Value maybe_big = 8;
          google.protobuf.NullValue nothing = 9;
          Kinds child = 10;
          uint32 small = 11 [json_name = "tiny"];
        }
    """
    mapping = json_mapping_schema(select_message(parse_schema(SchemaType.PROTOBUF, text)))
    properties = mapping["properties"]
    assert properties["big"] == {"type": "string", "pattern": "^[0-9]+$"}
    assert properties["blob"] == {"type": "string", "contentEncoding": "base64"}
    assert properties["byNumber"]["propertyNames"] == {"pattern": "^-?[0-9]+$"}
    assert properties["byFlag"]["propertyNames"] == {"pattern": "^(true|false)$"}
    assert properties["byFlag"]["additionalProperties"] == {}  # a recursive message: any value
    assert properties["took"]["type"] == "string"
    assert properties["detail"]["required"] == ["@type"]
    assert properties["anything"] == {}
    assert properties["maybeBig"] == {
        "anyOf": [{"type": "null"}, {"type": "string", "pattern": "^-?[0-9]+$"}]
    }
    assert properties["nothing"] == {"type": "null"}
    assert properties["child"] == {}
    assert properties["tiny"] == {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}
    assert mapping["required"] == ["big", "blob", "byNumber", "byFlag", "nothing", "tiny"]
    assert mapping["additionalProperties"] is False


def test_editions_presence_comes_from_the_features():
    text = """
        edition = "2023";
        package ed;
        message Ed {
          string name = 1;
          string code = 2 [features.field_presence = IMPLICIT];
          int32 count = 3 [features.field_presence = LEGACY_REQUIRED];
          repeated string tags = 4;
        }
    """
    mapping = json_mapping_schema(select_message(parse_schema(SchemaType.PROTOBUF, text)))
    assert mapping["required"] == ["code", "count", "tags"]  # explicit presence is the editions default
    reads_name = expect("Ed", {"name": string(), "code": string()})
    found = check_schema_expectation(
        ProducerSchema("Ed", "PROTOBUF", text, version=1), reads_name, consumer="c@1"
    )
    assert {(finding.path, finding.severity) for finding in found} == {("$.data.name", "error")}
