"""Upcasting JSON Schema events: an old producer's OrderCreated reaches the handler in the current shape."""

from __future__ import annotations

import orjson
import pytest

from client import Envelope, EventSerializer, InMemoryBus, InMemoryRegistry, Schema
from client.deadletter import ERROR_HEADER, REASON_HEADER
from client.delivery.upcasting import UpcastError, Upcasters, UpcastingDeserializer


def json_schema(properties: dict, required: list[str]) -> Schema:
    document = {"type": "object", "properties": properties, "required": required}
    return Schema(orjson.dumps(document).decode(), "JSON")


V1 = json_schema({"orderId": {"type": "string"}, "total": {"type": "number"}}, ["orderId", "total"])
V2 = json_schema(
    {"orderId": {"type": "string"}, "totalCents": {"type": "integer"}}, ["orderId", "totalCents"]
)
V3 = json_schema(
    {"orderId": {"type": "string"}, "totalCents": {"type": "integer"}, "currency": {"type": "string"}},
    ["orderId", "totalCents", "currency"],
)

upcasters = Upcasters()


@upcasters.register("OrderCreated", from_version=1)
def total_in_cents(data):
    data["totalCents"] = round(data.pop("total") * 100)
    return data


@upcasters.register("OrderCreated", from_version=2)
def currency_defaults_to_euro(data):
    return {**data, "currency": "EUR"}


def registry_with_three_versions() -> InMemoryRegistry:
    registry = InMemoryRegistry()
    for schema in (V1, V2, V3):
        registry.register_schema("OrderCreated", schema)
    return registry


def published_at(registry: InMemoryRegistry, version: int, data: dict):
    serializer = EventSerializer(registry, versions={"OrderCreated": version})
    return serializer.serialize(Envelope.new("OrderCreated", data, source="orders"))


def test_every_old_version_reaches_the_handler_at_the_current_version():
    registry = registry_with_three_versions()
    deserializer = UpcastingDeserializer(registry, upcasters)
    from_v1 = deserializer.deserialize(*published_at(registry, 1, {"orderId": "o-1", "total": 12.5})[:2])
    from_v2 = deserializer.deserialize(*published_at(registry, 2, {"orderId": "o-2", "totalCents": 99})[:2])
    current = {"orderId": "o-3", "totalCents": 5, "currency": "USD"}
    from_v3 = deserializer.deserialize(*published_at(registry, 3, current)[:2])
    assert from_v1.data == {"orderId": "o-1", "totalCents": 1250, "currency": "EUR"}
    assert from_v2.data == {"orderId": "o-2", "totalCents": 99, "currency": "EUR"}
    assert from_v3.data == current
    assert [event.event_version for event in (from_v1, from_v2, from_v3)] == [3, 3, 3]
    assert upcasters.current_version("OrderCreated") == 3


def test_the_writer_schema_is_checked_before_upcasting():
    registry = registry_with_three_versions()
    message = published_at(registry, 1, {"orderId": "o-1", "total": 12.5})
    tampered = message.value.replace(b"12.5", b'"12.5"')
    with pytest.raises(Exception, match="total") as raised:
        UpcastingDeserializer(registry, upcasters).deserialize(tampered, message.headers)
    assert type(raised.value).__name__ == "InvalidMessageError"


def test_an_event_that_cannot_be_upcast_is_dead_lettered_with_the_reason():
    registry = registry_with_three_versions()
    broken = Upcasters()

    @broken.register("OrderCreated", from_version=2)
    def needs_a_currency(data):
        raise KeyError("currency")

    bus = InMemoryBus(registry)
    bus.deserializer = UpcastingDeserializer(registry, broken)
    handled: list[Envelope] = []
    bus.subscribe(handled.append)
    message = published_at(registry, 1, {"orderId": "o-1", "total": 1.0})
    assert bus.receive(message.value, message.headers) is None  # no step from version 1
    message = published_at(registry, 2, {"orderId": "o-2", "totalCents": 1})
    assert bus.receive(message.value, message.headers) is None  # the step raised
    assert handled == []
    first, second = bus.dead_letters
    assert first.headers[ERROR_HEADER] == "UpcastError"
    assert "no upcaster from version 1" in first.headers[REASON_HEADER]
    assert "from version 2 to 3 failed: KeyError" in second.headers[REASON_HEADER]
    assert second.value == message.value


def test_event_types_without_upcasters_and_unversioned_events():
    event = Envelope.new("PaymentCaptured", {"amount": 1}, source="billing")
    assert upcasters.upcast(event) is event
    with pytest.raises(UpcastError, match="no eventVersion"):
        upcasters.upcast(Envelope.new("OrderCreated", {"orderId": "x"}, source="orders"))


def test_steps_must_go_forward_and_be_registered_once():
    with pytest.raises(ValueError, match="later one"):
        Upcasters().register("OrderCreated", from_version=2, to_version=2)
    with pytest.raises(ValueError, match="already has an upcaster from version 1"):
        upcasters.register("OrderCreated", from_version=1)(total_in_cents)
