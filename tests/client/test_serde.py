from __future__ import annotations

import base64
import dataclasses
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from bench.order_created import ORDER_CREATED_JSON
from client import (
    BatchValidationError,
    Envelope,
    EventDeserializer,
    EventSerializer,
    EventTypeNameError,
    EventValidationError,
    InMemoryRegistry,
    InvalidMessageError,
    MalformedMessageError,
    Message,
    ReaderSchemaError,
    RegisteredSchema,
    Schema,
    SchemaNotFoundError,
    SchemaReference,
    UnknownSchemaError,
    UnusableSchemaError,
    subject_name,
)
from client.wire import schema_prefix
from tests.client.conftest import avro_schema, json_schema


def event(event_type: str, data, **options) -> Envelope:
    return Envelope.new(event_type, data, source="orders", **options)


@pytest.mark.parametrize("subject", ["OrderCreated", "OrderPlaced"])
def test_publish_then_consume_round_trips_the_envelope(registry, order, subject):
    sent = event(subject, order, partition_key="ord-1", sequence_number=4).derive(subject, order)
    message = EventSerializer(registry).serialize(sent)
    received = EventDeserializer(registry).deserialize(message.value, message.headers)
    expected_data = dict(order, placedAt=received.data["placedAt"]) if subject == "OrderCreated" else order
    assert received.data == expected_data
    assert (received.event_id, received.source, received.event_type) == (sent.event_id, "orders", subject)
    assert (received.correlation_id, received.causation_id) == (sent.correlation_id, sent.causation_id)
    assert received.timestamp == sent.timestamp
    assert received.event_version == 1


def test_binary_mode_headers_follow_the_cloudevents_kafka_binding(registry, order):
    sent = event("OrderCreated", order, partition_key="ord-1", sequence_number=4)
    message = EventSerializer(registry).serialize(sent)
    assert message.value.startswith(b"\x00\x00\x00\x00\x01")
    assert message.key == b"ord-1"
    assert message.headers == {
        "ce_specversion": "1.0",
        "ce_id": sent.event_id,
        "ce_source": "orders",
        "ce_type": "OrderCreated",
        "ce_time": sent.timestamp.isoformat().replace("+00:00", "Z"),
        "ce_dataschema": "memory://accord/schemas/ids/1",
        "ce_eventversion": "1",
        "ce_correlationid": sent.correlation_id,
        "ce_partitionkey": "ord-1",
        "ce_sequence": "4",
        "content-type": "application/avro",
    }


def test_json_payload_is_plain_orjson_after_the_prefix(registry, order):
    message = EventSerializer(registry).serialize(event("OrderPlaced", order))
    assert message.value[:5] == schema_prefix(2)
    assert orjson.loads(message.value[5:]) == order
    assert message.headers["content-type"] == "application/json"


def test_structured_mode_carries_json_data_inline(registry, order):
    sent = event("OrderPlaced", order, sequence_number=9)
    message = EventSerializer(registry, mode="structured").serialize(sent)
    assert message.headers == {"content-type": "application/cloudevents+json"}
    document = orjson.loads(message.value)
    assert document["specversion"] == "1.0"
    assert (document["id"], document["type"], document["source"]) == (sent.event_id, "OrderPlaced", "orders")
    assert document["dataschema"] == "memory://accord/schemas/ids/2"
    assert document["datacontenttype"] == "application/json"
    assert (document["eventversion"], document["sequence"]) == (1, 9)
    assert document["data"] == order
    received = EventDeserializer(registry).deserialize(message.value, message.headers)
    assert received.data == order
    assert received.sequence_number == 9


def test_structured_mode_carries_avro_as_base64_of_the_framed_bytes(registry, order):
    sent = event("OrderCreated", order)
    binary = EventSerializer(registry).serialize(sent)
    structured = EventSerializer(registry, mode="structured").serialize(sent)
    document = orjson.loads(structured.value)
    assert base64.b64decode(document["data_base64"]) == binary.value
    assert "data" not in document
    received = EventDeserializer(registry).deserialize(structured.value, structured.headers)
    assert received.data["orderId"] == order["orderId"]


def test_invalid_avro_data_lists_every_violation_and_nothing_is_written(registry, order):
    order["items"][1]["quantity"] = 1.5
    order["itemCount"] = 2**40
    order["status"] = "LOST"
    order["giftWrap"] = "yes"
    del order["orderId"]
    with pytest.raises(EventValidationError) as raised:
        EventSerializer(registry).serialize(event("OrderCreated", order))
    error = raised.value
    assert (error.subject, error.schema_id) == ("OrderCreated", 1)
    found = {(v.path, v.rule): v.value for v in error.violations}
    assert found == {
        ("$.orderId", "required"): None,
        ("$.status", "enum"): "LOST",
        ("$.itemCount", "range"): 2**40,
        ("$.giftWrap", "type"): "yes",
        ("$.items[1].quantity", "type"): 1.5,
    }
    assert "$.items[1].quantity" in str(error)


def test_invalid_json_data_lists_every_violation(registry, order):
    order["items"][0]["quantity"] = 0
    order["currency"] = "euro"
    order["shippingAddress"]["country"] = "Ireland"
    with pytest.raises(EventValidationError) as raised:
        EventSerializer(registry).serialize(event("OrderPlaced", order))
    found = {(v.path, v.rule, repr(v.value)) for v in raised.value.violations}
    assert found == {
        ("$.currency", "pattern", "'euro'"),
        ("$.items[0].quantity", "minimum", "0"),
        ("$.shippingAddress.country", "pattern", "'Ireland'"),
    }


def test_values_that_are_not_json_are_violations_not_crashes(registry, order):
    order["notes"] = {1, 2}
    with pytest.raises(EventValidationError) as raised:
        EventSerializer(registry).serialize(event("OrderPlaced", order))
    assert [v.path for v in raised.value.violations] == ["$.notes"]


def test_avro_defaults_and_logical_types_take_the_careful_path(registry, order):
    del order["couponCode"]
    order["placedAt"] = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    message = EventSerializer(registry).serialize(event("OrderCreated", order))
    received = EventDeserializer(registry).deserialize(message.value, message.headers)
    assert received.data["couponCode"] is None
    assert received.data["placedAt"] == order["placedAt"]


def test_batch_is_all_or_nothing_and_names_each_invalid_event(registry, order):
    good = event("OrderCreated", order)
    bad = event("OrderPlaced", dict(order, currency="x"))
    serializer = EventSerializer(registry)
    assert len(serializer.serialize_batch([good, good, good])) == 3
    with pytest.raises(BatchValidationError) as raised:
        serializer.serialize_batch([good, bad, good, bad])
    assert sorted(raised.value.failures) == [1, 3]
    assert raised.value.failures[1].violations[0].path == "$.currency"


@pytest.mark.parametrize(
    ("strategy", "topic", "subject"),
    [
        ("event_type", "orders", "OrderCreated"),
        ("topic", "orders", "orders-value"),
        ("topic_event_type", "orders", "orders-OrderCreated"),
    ],
)
def test_subject_naming_strategies(strategy, topic, subject):
    assert subject_name(strategy, event_type="OrderCreated", topic=topic) == subject


def test_topic_strategies_need_a_topic():
    with pytest.raises(ValueError, match="needs a topic"):
        subject_name("topic", event_type="OrderCreated", topic=None)


def test_topic_strategy_resolves_the_topic_subject(registry, order):
    registry.register_schema("orders-value", json_schema(ORDER_CREATED_JSON))
    serializer = EventSerializer(registry, subject_name_strategy="topic")
    message = serializer.serialize(event("OrderCreated", order), topic="orders")
    assert message.headers["content-type"] == "application/json"


def _two_versions() -> InMemoryRegistry:
    registry = InMemoryRegistry()
    v1 = {"type": "record", "name": "PriceChanged", "fields": [{"name": "sku", "type": "string"}]}
    v2 = {**v1, "fields": [*v1["fields"], {"name": "cents", "type": "long", "default": 0}]}
    registry.register_schema("PriceChanged", avro_schema(v1))
    registry.register_schema("PriceChanged", avro_schema(v2))
    return registry


def test_latest_version_by_default_and_pinned_versions_on_request():
    registry = _two_versions()
    sent = event("PriceChanged", {"sku": "a", "cents": 5})
    latest = EventSerializer(registry).serialize(sent)
    pinned = EventSerializer(registry, versions={"PriceChanged": 1}).serialize(sent)
    assert (latest.headers["ce_eventversion"], latest.value[:5]) == ("2", schema_prefix(2))
    assert (pinned.headers["ce_eventversion"], pinned.value[:5]) == ("1", schema_prefix(1))
    assert EventDeserializer(registry).deserialize(pinned.value, pinned.headers).data == {"sku": "a"}


class _FreshRecords(InMemoryRegistry):
    """Answers every latest-version call with a new, equal record, as a registry client does after its TTL."""

    def get_latest_version(self, subject: str) -> RegisteredSchema:
        return dataclasses.replace(super().get_latest_version(subject))


def test_binary_mode_writes_any_time_zone_as_utc(registry, order):
    sent = dataclasses.replace(
        event("OrderCreated", order),
        timestamp=datetime(2026, 3, 1, 1, 30, 5, 250000, tzinfo=timezone(timedelta(hours=2))),
    )
    message = EventSerializer(registry).serialize(sent)
    assert type(message) is Message
    assert message.headers["ce_time"] == "2026-02-28T23:30:05.250000Z"
    received = EventDeserializer(registry).deserialize(message.value, message.headers)
    assert received.timestamp == sent.timestamp


def test_publishing_follows_the_latest_version_whether_or_not_its_record_is_new():
    registry = _FreshRecords()
    v1 = {"type": "record", "name": "PriceChanged", "fields": [{"name": "sku", "type": "string"}]}
    registry.register_schema("PriceChanged", avro_schema(v1))
    serializer = EventSerializer(registry)
    sent = event("PriceChanged", {"sku": "a"})
    first, again = serializer.serialize(sent), serializer.serialize(sent)
    assert first == again
    assert (again.headers["ce_eventversion"], again.value[:5]) == ("1", schema_prefix(1))
    v2 = {**v1, "fields": [*v1["fields"], {"name": "cents", "type": "long", "default": 0}]}
    registry.register_schema("PriceChanged", avro_schema(v2))
    newer = serializer.serialize(sent)
    assert (newer.headers["ce_eventversion"], newer.value[:5]) == ("2", schema_prefix(2))


def test_local_schema_is_looked_up_or_auto_registered():
    registry = InMemoryRegistry()
    local = avro_schema(
        {"type": "record", "name": "UserJoined", "fields": [{"name": "id", "type": "string"}]}
    )
    sent = event("UserJoined", {"id": "u-1"})
    with pytest.raises(SchemaNotFoundError):
        EventSerializer(registry, schemas={"UserJoined": local}).serialize(sent)
    message = EventSerializer(registry, schemas={"UserJoined": local}, auto_register=True).serialize(sent)
    assert message.headers["ce_eventversion"] == "1"
    assert registry.get_latest_version("UserJoined").schema == local
    assert EventSerializer(registry, schemas={"UserJoined": local}).serialize(sent).value == message.value


def test_unknown_subject_raises_not_found(registry, order):
    with pytest.raises(SchemaNotFoundError, match="Subject 'OrderCancelled' not found"):
        EventSerializer(registry).serialize(event("OrderCancelled", order))


def test_strict_naming_refuses_commands_before_anything_is_resolved(registry, order):
    with pytest.raises(EventTypeNameError):
        EventSerializer(registry, naming="strict").serialize(event("CreateOrder", order))


def test_broken_schemas_are_unusable(order):
    registry = InMemoryRegistry()
    registry.register_schema("OrderPlaced", Schema('{"type": "record"}'))
    with pytest.raises(UnusableSchemaError, match="invalid Avro schema"):
        EventSerializer(registry).serialize(event("OrderPlaced", order))


def test_avro_reader_schema_resolves_evolved_data():
    registry = _two_versions()
    message = EventSerializer(registry).serialize(event("PriceChanged", {"sku": "a", "cents": 5}))
    reader = {
        "type": "record",
        "name": "PriceChanged",
        "fields": [
            {"name": "sku", "type": "string"},
            {"name": "currency", "type": "string", "default": "EUR"},
        ],
    }
    deserializer = EventDeserializer(registry, reader_schemas={"PriceChanged": reader})
    assert deserializer.deserialize(message.value, message.headers).data == {"sku": "a", "currency": "EUR"}


def test_reader_schema_that_cannot_read_the_writer_raises_reader_schema_error():
    registry = _two_versions()
    message = EventSerializer(registry).serialize(event("PriceChanged", {"sku": "a"}))
    reader = {"type": "record", "name": "PriceChanged", "fields": [{"name": "weight", "type": "double"}]}
    with pytest.raises(ReaderSchemaError) as raised:
        EventDeserializer(registry, reader_schemas={"PriceChanged": reader}).deserialize(
            message.value, message.headers
        )
    assert raised.value.schema_id == 2
    assert raised.value.raw == message.value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "shorter than the 5-byte"),
        (b"\x07\x00\x00\x00\x01", "magic byte 0x07"),
        (b"\x00\x00\x00\x00\x01\x02", "not valid Avro"),
        (b"\x00\x00\x00\x00\x02{nope", "not valid JSON"),
    ],
)
def test_malformed_messages_raise_with_raw_bytes_and_reason(registry, value, reason):
    headers = {"ce_type": "OrderCreated"}
    with pytest.raises(MalformedMessageError, match=reason) as raised:
        EventDeserializer(registry).deserialize(value, headers)
    assert raised.value.raw == value
    assert raised.value.headers == headers


def test_trailing_bytes_after_avro_are_malformed(registry, order):
    message = EventSerializer(registry).serialize(event("OrderCreated", order))
    with pytest.raises(MalformedMessageError, match="unread byte"):
        EventDeserializer(registry).deserialize(message.value + b"\x00", message.headers)


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("ce_id", None, "'id' is missing"),
        ("ce_time", "yesterday", "not RFC 3339"),
        ("ce_time", "2026-01-01T00:00:00", "no UTC offset"),
        ("ce_sequence", "first", "'sequence' is not an integer"),
    ],
)
def test_bad_cloudevents_headers_are_malformed(registry, order, header, value, reason):
    message = EventSerializer(registry).serialize(event("OrderCreated", order, sequence_number=1))
    headers = dict(message.headers)
    if value is None:
        del headers[header]
    else:
        headers[header] = value
    with pytest.raises(MalformedMessageError, match=reason):
        EventDeserializer(registry).deserialize(message.value, headers)


def test_headers_as_kafka_byte_pairs_are_accepted(registry, order):
    message = EventSerializer(registry).serialize(event("OrderCreated", order))
    pairs = [(name, value.encode()) for name, value in message.headers.items()]
    assert EventDeserializer(registry).deserialize(message.value, pairs).data["orderId"] == order["orderId"]
    with pytest.raises(MalformedMessageError, match="not UTF-8"):
        EventDeserializer(registry).deserialize(message.value, [*pairs, ("ce_source", b"\xff")])


def test_unknown_schema_id_raises_with_the_id_and_raw_bytes(registry):
    raw = schema_prefix(99) + b"{}"
    with pytest.raises(UnknownSchemaError) as raised:
        EventDeserializer(registry).deserialize(raw, {})
    assert (raised.value.schema_id, raised.value.raw) == (99, raw)


def test_json_that_violates_the_writer_schema_is_invalid_on_consume(registry, order):
    message = EventSerializer(registry).serialize(event("OrderPlaced", order))
    tampered = message.value[:5] + orjson.dumps(dict(order, totalCents=-1))
    with pytest.raises(InvalidMessageError) as raised:
        EventDeserializer(registry).deserialize(tampered, message.headers)
    assert [(v.path, v.rule) for v in raised.value.violations] == [("$.totalCents", "minimum")]
    assert raised.value.schema_id == 2


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"[1]", "not a JSON object"),
        (b"{", "not valid JSON"),
        (b'{"id": "x", "data_base64": "%%%"}', "not valid base64"),
        (
            b'{"id": "x", "dataschema": "memory://x/schemas/ids/abc", "data": {}}',
            "does not end in a schema id",
        ),
        (b'{"id": "x", "dataschema": "memory://x/schemas/ids/1", "data": {}}', "belong in data_base64"),
    ],
)
def test_malformed_structured_events(registry, value, reason):
    with pytest.raises(MalformedMessageError, match=reason):
        EventDeserializer(registry).deserialize(value, {"content-type": "application/cloudevents+json"})


def test_structured_json_data_is_validated_on_consume(registry, order):
    message = EventSerializer(registry, mode="structured").serialize(event("OrderPlaced", order))
    document = orjson.loads(message.value)
    document["data"]["itemCount"] = "three"
    with pytest.raises(InvalidMessageError, match=r"\$.itemCount"):
        EventDeserializer(registry).deserialize(orjson.dumps(document), message.headers)


def test_decode_reads_bare_confluent_messages(registry, order):
    message = EventSerializer(registry).serialize(event("OrderPlaced", order))
    payload = EventDeserializer(registry).decode(message.value)
    assert (payload.schema_id, payload.data) == (2, order)


def test_avro_schema_references_are_resolved_through_the_registry(order):
    registry = InMemoryRegistry()
    address = {
        "type": "record",
        "name": "Address",
        "namespace": "shop",
        "fields": [{"name": "city", "type": "string"}],
    }
    registry.register_schema("shop.Address", avro_schema(address))
    shipped = {
        "type": "record",
        "name": "OrderShipped",
        "namespace": "shop",
        "fields": [{"name": "to", "type": "shop.Address"}],
    }
    text = orjson.dumps(shipped).decode()
    registry.register_schema(
        "OrderShipped", Schema(text, references=(SchemaReference("shop.Address", "shop.Address", 1),))
    )
    message = EventSerializer(registry).serialize(event("OrderShipped", {"to": {"city": "Cork"}}))
    assert EventDeserializer(registry).deserialize(message.value, message.headers).data == {
        "to": {"city": "Cork"}
    }
    with pytest.raises(EventValidationError, match=r"\$\.to\.city"):
        EventSerializer(registry).serialize(event("OrderShipped", {"to": {"city": 7}}))


COUNTRY = {"type": "string", "enum": ["IE", "GB"]}
ADDRESS = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "country": {"$ref": "country.json"}},
    "required": ["city", "country"],
    "definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
}
CUSTOMER = {
    "type": "object",
    "properties": {"home": {"$ref": "address.json"}, "zip": {"$ref": "address.json#/definitions/zip"}},
    "required": ["home"],
}


def registry_with_json_references(customer: dict = CUSTOMER) -> InMemoryRegistry:
    """country <- address <- CustomerRegistered: references by name, nested one level deeper."""
    registry = InMemoryRegistry()
    registry.register_schema("country", json_schema(COUNTRY))
    country = (SchemaReference("country.json", "country", 1),)
    registry.register_schema("address", Schema(orjson.dumps(ADDRESS).decode(), "JSON", country))
    address = (SchemaReference("address.json", "address", 1),)
    registry.register_schema("CustomerRegistered", Schema(orjson.dumps(customer).decode(), "JSON", address))
    return registry


def test_json_schema_references_are_resolved_through_the_registry():
    registry = registry_with_json_references()
    customer = {"home": {"city": "Cork", "country": "IE"}, "zip": "12345"}

    message = EventSerializer(registry).serialize(event("CustomerRegistered", customer))

    assert EventDeserializer(registry).deserialize(message.value, message.headers).data == customer
    with pytest.raises(EventValidationError) as refused:
        EventSerializer(registry).serialize(
            event("CustomerRegistered", {"home": {"city": "Cork"}, "zip": "1"})
        )
    assert [(v.path, v.rule) for v in refused.value.violations] == [
        ("$.home", "required"),
        ("$.zip", "pattern"),
    ]
    wrong_country = {"home": {"city": "Cork", "country": "FR"}}
    with pytest.raises(EventValidationError, match=r"\$\.home\.country.*\[enum\]"):
        EventSerializer(registry).serialize(event("CustomerRegistered", wrong_country))


def test_json_references_resolve_against_the_schemas_id():
    customer = {**CUSTOMER, "$id": "https://schemas.example.com/customer.json"}
    registry = registry_with_json_references(customer)

    serializer = EventSerializer(registry)

    serializer.serialize(event("CustomerRegistered", {"home": {"city": "Cork", "country": "GB"}}))
    with pytest.raises(EventValidationError, match=r"\$\.home\.country"):
        serializer.serialize(event("CustomerRegistered", {"home": {"city": "Cork", "country": "XX"}}))


def test_a_json_schema_referencing_avro_or_nothing_is_unusable():
    registry = InMemoryRegistry()
    registry.register_schema("money", avro_schema({"type": "fixed", "name": "Money", "size": 8}))
    money = (SchemaReference("Money", "money", 1),)
    registry.register_schema("PricePaid", Schema('{"$ref": "Money"}', "JSON", money))
    registry.register_schema("PriceSeen", json_schema({"$ref": "unregistered.json"}))

    with pytest.raises(UnusableSchemaError, match="a JSON Schema can only reference JSON schemas"):
        EventSerializer(registry).serialize(event("PricePaid", "x"))
    with pytest.raises(UnusableSchemaError, match=r"unregistered\.json"):
        EventSerializer(registry).serialize(event("PriceSeen", "x"))


def test_one_schema_under_two_subjects_keeps_each_subjects_version(order):
    registry = InMemoryRegistry()
    v1 = avro_schema({"type": "record", "name": "Tick", "fields": [{"name": "n", "type": "long"}]})
    v2 = avro_schema({"type": "record", "name": "Tick", "fields": [{"name": "n", "type": "int"}]})
    registry.register_schema("ClockTicked", v1)
    registry.register_schema("TimerTicked", v2)
    registry.register_schema("TimerTicked", v1)
    serializer = EventSerializer(registry)
    for _ in range(2):
        clock = serializer.serialize(event("ClockTicked", {"n": 1}))
        timer = serializer.serialize(event("TimerTicked", {"n": 1}))
        assert (clock.headers["ce_eventversion"], timer.headers["ce_eventversion"]) == ("1", "2")
        assert clock.value == timer.value
