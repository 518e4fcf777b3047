from __future__ import annotations

import pytest

from client import (
    Envelope,
    EventSerializer,
    InvalidMessageError,
    MalformedMessageError,
    RegistryUnavailableError,
    UnknownSchemaError,
    Violation,
    current_correlation,
    dead_letter_message,
    deliver,
)
from client.serde import EventDeserializer


def test_dead_letter_message_keeps_the_bytes_and_says_why():
    error = UnknownSchemaError(42, raw=b"\x00\x00\x00\x00\x2a{}", headers={"ce_id": "e-1"})
    message = dead_letter_message(error, origin="orders")
    assert message.value == b"\x00\x00\x00\x00\x2a{}"
    assert message.headers == {
        "ce_id": "e-1",
        "accord-dlq-reason": "schema id 42 is not registered",
        "accord-dlq-error": "UnknownSchemaError",
        "accord-dlq-schema-id": "42",
        "accord-dlq-origin": "orders",
    }


def test_invalid_message_reason_names_the_paths():
    error = InvalidMessageError(3, [Violation("minimum", "$.total", "-1 is less than 0", -1)], raw=b"x")
    headers = dead_letter_message(error).headers
    assert "$.total" in headers["accord-dlq-reason"]
    assert headers["accord-dlq-schema-id"] == "3"
    assert "accord-dlq-origin" not in headers


def test_deliver_hands_good_events_to_the_handler_inside_their_flow(registry, order):
    message = EventSerializer(registry).serialize(Envelope.new("OrderCreated", order, source="orders"))
    flows = []
    dead: list = []
    envelope = deliver(
        message.value,
        message.headers,
        deserializer=EventDeserializer(registry),
        handler=lambda event: flows.append(current_correlation()),
        dead_letter=dead.append,
    )
    assert envelope is not None
    assert flows[0].causation_id == envelope.event_id
    assert dead == []


def test_deliver_routes_poison_messages_and_skips_the_handler(registry):
    dead: list = []
    handled: list = []
    result = deliver(
        b"\x02junk",
        {"ce_type": "OrderCreated"},
        deserializer=EventDeserializer(registry),
        handler=handled.append,
        dead_letter=dead.append,
        origin="orders",
    )
    assert result is None
    assert handled == []
    assert dead[0].value == b"\x02junk"
    assert dead[0].headers["accord-dlq-error"] == MalformedMessageError.__name__
    assert dead[0].headers["ce_type"] == "OrderCreated"


def test_an_unreachable_registry_is_not_the_messages_fault():
    class DownRegistry:
        base_url = "http://registry.test"

        def get_schema(self, schema_id):
            raise RegistryUnavailableError("down", url=self.base_url)

    dead: list = []
    with pytest.raises(RegistryUnavailableError):
        deliver(
            b"\x00\x00\x00\x00\x01{}",
            {},
            deserializer=EventDeserializer(DownRegistry()),  # type: ignore[arg-type]
            handler=print,
            dead_letter=dead.append,
        )
    assert dead == []
