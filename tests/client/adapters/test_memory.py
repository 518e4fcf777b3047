from __future__ import annotations

import pytest

from client import (
    BatchValidationError,
    Envelope,
    EventValidationError,
    InMemoryBus,
    InMemoryRegistry,
    Schema,
    SchemaNotFoundError,
)
from tests.client.conftest import avro_schema


def test_bus_records_published_envelopes_with_their_schema_version(registry, order):
    bus = InMemoryBus(registry)
    sent = Envelope.new("OrderCreated", order, source="orders")
    bus.publish(sent)
    assert [envelope.event_id for envelope in bus.published] == [sent.event_id]
    assert bus.published[0].event_version == 1
    assert bus.of_type("OrderCreated") == bus.published
    assert bus.of_type("OrderPlaced") == []
    sample = bus.samples()[0]
    assert (sample["eventId"], sample["eventType"], sample["eventVersion"]) == (
        sent.event_id,
        "OrderCreated",
        1,
    )
    assert sample["data"] == order


def test_bus_validates_like_the_real_adapters_and_records_nothing_invalid(registry, order):
    bus = InMemoryBus(registry)
    with pytest.raises(EventValidationError) as raised:
        bus.publish(Envelope.new("OrderCreated", dict(order, totalCents=-0.5), source="orders"))
    assert [(v.path, v.rule) for v in raised.value.violations] == [("$.totalCents", "type")]
    good = Envelope.new("OrderPlaced", order, source="orders")
    with pytest.raises(BatchValidationError):
        bus.publish_batch([good, Envelope.new("OrderPlaced", {}, source="orders")])
    assert bus.published == []
    assert bus.messages == []
    bus.publish_batch([good, good])
    assert len(bus.published) == 2


def test_subscribers_get_events_through_the_consume_path_inside_their_flow(registry, order):
    bus = InMemoryBus(registry)
    seen: list[Envelope] = []
    bus.subscribe(seen.append)
    bus.subscribe(
        lambda event: bus.publish(Envelope.new("OrderPlaced", order, source="orders")),
        event_type="OrderCreated",
    )
    first = Envelope.new("OrderCreated", order, source="orders")
    bus.publish(first)
    assert [event.event_type for event in seen] == ["OrderCreated", "OrderPlaced"]
    assert seen[0] is not first
    assert seen[0].event_id == first.event_id
    assert seen[1].causation_id == first.event_id
    assert seen[1].correlation_id == first.correlation_id


def test_unreadable_bytes_are_dead_lettered_and_delivery_goes_on(registry, order):
    bus = InMemoryBus(registry)
    assert bus.receive(b"\x00\x00\x00\x00\x01garbage", {"ce_type": "OrderCreated"}) is None
    assert bus.dead_letters[0].headers["accord-dlq-error"] == "MalformedMessageError"
    message = bus.publish(Envelope.new("OrderCreated", order, source="orders"))
    assert bus.receive(message.value, message.headers) is not None


def test_structured_mode_and_topic_subjects_work_on_the_bus(order):
    registry = InMemoryRegistry()
    registry.register_schema(
        "orders-OrderShipped",
        avro_schema({"type": "record", "name": "OrderShipped", "fields": [{"name": "id", "type": "string"}]}),
    )
    bus = InMemoryBus(registry, subject_name_strategy="topic_event_type", mode="structured")
    bus.publish(Envelope.new("OrderShipped", {"id": "o-1"}, source="shipping"), topic="orders")
    topic, message = bus.messages[0]
    assert topic == "orders"
    assert message.headers["content-type"] == "application/cloudevents+json"
    assert bus.published[0].data == {"id": "o-1"}


def test_in_memory_registry_follows_the_registry_rules():
    registry = InMemoryRegistry()
    schema = Schema('"string"')
    assert registry.register_schema("a", schema) == 1
    assert registry.register_schema("a", schema) == 1
    assert registry.register_schema("b", schema) == 1
    assert registry.register_schema("a", Schema('"long"')) == 2
    assert [registry.get_version("a", v).schema_id for v in (1, 2)] == [1, 2]
    assert registry.get_latest_version("a").version == 2
    assert registry.lookup_schema("b", schema).version == 1
    for call, code in [
        (lambda: registry.get_schema(3), 40403),
        (lambda: registry.get_latest_version("c"), 40401),
        (lambda: registry.get_version("a", 3), 40402),
        (lambda: registry.lookup_schema("b", Schema('"long"')), 40403),
    ]:
        with pytest.raises(SchemaNotFoundError) as raised:
            call()
        assert raised.value.error_code == code
