"""Kafka: confluent-kafka Serializer/Deserializer subclasses for SerializingProducer/DeserializingConsumer.

    producer = SerializingProducer({"bootstrap.servers": ..., "key.serializer": StringSerializer(),
                                    "value.serializer": EnvelopeSerializer(EventSerializer(registry))})
    producer.produce(topic, key=event.partition_key, value=event, headers=[])

CloudEvents binary mode needs somewhere to put its `ce_` headers: pass a list or dict as `headers`
(the serializer appends to it) or use structured mode. Needs the `kafka` extra.
"""

from __future__ import annotations

from typing import Any

from confluent_kafka.serialization import Deserializer, SerializationContext, Serializer

from client.envelope import Envelope
from client.serde import EventDeserializer, EventSerializer


class EnvelopeSerializer(Serializer):
    """Value serializer: validates the envelope's data and writes the wire-format payload."""

    def __init__(self, serializer: EventSerializer) -> None:
        self._serializer = serializer

    def __call__(self, obj: Envelope | None, ctx: SerializationContext | None = None) -> bytes | None:
        if obj is None:
            return None
        message = self._serializer.serialize(obj, topic=ctx.topic if ctx is not None else None)
        headers = ctx.headers if ctx is not None else None
        if isinstance(headers, list):
            headers.extend((name, value.encode()) for name, value in message.headers.items())
        elif isinstance(headers, dict):
            headers.update({name: value.encode() for name, value in message.headers.items()})
        return message.value


class EnvelopeDeserializer(Deserializer):
    """Value deserializer: the envelope from the payload and the message's `ce_` headers."""

    def __init__(self, deserializer: EventDeserializer) -> None:
        self._deserializer = deserializer

    def __call__(self, value: bytes | None, ctx: SerializationContext | None = None) -> Envelope | None:
        if value is None:
            return None
        return self._deserializer.deserialize(value, ctx.headers if ctx is not None else None)


class PayloadDeserializer(Deserializer):
    """Value deserializer for bare Confluent messages (no envelope headers): validated data only."""

    def __init__(self, deserializer: EventDeserializer) -> None:
        self._deserializer = deserializer

    def __call__(self, value: bytes | None, ctx: SerializationContext | None = None) -> Any:
        if value is None:
            return None
        return self._deserializer.decode(value).data
