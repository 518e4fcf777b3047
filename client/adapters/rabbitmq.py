"""RabbitMQ (aio-pika): validated events to a topic exchange, routing key = eventType; consume with ack;
unreadable messages and failed handlers go to a dead-letter exchange. Needs the `rabbitmq` extra.

Events travel in CloudEvents binary mode as the AMQP protocol binding writes them: the wire-format
payload as the body, each attribute as a `cloudEvents_<name>` application property, the media type as
the `content-type` property, and eventId, correlationId, eventType, source and time copied to the AMQP
properties. On consume, `cloudEvents:` and the `ce_` of earlier Accord versions are read too.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage, AbstractQueue

from client.cloudevents import amqp_properties, from_amqp_properties
from client.deadletter import dead_letter_message
from client.envelope import Envelope, handling
from client.errors import DeserializationError, RegistryUnavailableError
from client.serde import EventDeserializer, EventSerializer, Message

logger = logging.getLogger("accord.client")

Handler = Callable[[Envelope], Awaitable[Any] | Any]


class RabbitPublisher:
    """Publishes validated events to a durable topic exchange; invalid data raises and nothing is sent."""

    def __init__(self, channel: AbstractChannel, serializer: EventSerializer, *, exchange: str) -> None:
        self._channel = channel
        self._serializer = serializer
        self._exchange_name = exchange
        self._exchange: AbstractExchange | None = None

    async def declare(self) -> AbstractExchange:
        self._exchange = await self._channel.declare_exchange(
            self._exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        return self._exchange

    async def publish(self, envelope: Envelope) -> None:
        """Validate and publish one event; EventValidationError sends nothing."""
        message = self._serializer.serialize(envelope, topic=self._exchange_name)
        await self._send(envelope, message)

    async def publish_batch(self, envelopes: Iterable[Envelope]) -> None:
        """Validate every event first (BatchValidationError sends none), then publish them in order."""
        batch = list(envelopes)
        messages = self._serializer.serialize_batch(batch, topic=self._exchange_name)
        for envelope, message in zip(batch, messages, strict=True):
            await self._send(envelope, message)

    async def _send(self, envelope: Envelope, message: Message) -> None:
        exchange = self._exchange or await self.declare()
        amqp_message = aio_pika.Message(
            message.value,
            headers=dict(amqp_properties(message.headers)),
            content_type=message.headers.get("content-type"),
            message_id=envelope.event_id,
            correlation_id=envelope.correlation_id,
            type=envelope.event_type,
            app_id=envelope.source,
            timestamp=envelope.timestamp,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await exchange.publish(amqp_message, routing_key=envelope.event_type)


class RabbitConsumer:
    """Consumes one durable queue bound to the event exchange, acks what its handler accepted.

    A message that cannot be read is republished to the dead-letter exchange with the reason in its
    headers and acked, so the consumer goes on. A handler that raises is logged and the message is
    rejected, which RabbitMQ dead-letters with its `x-death` header. While the registry is unreachable
    for a schema not yet cached, the message is requeued after `retry_delay` seconds.
    """

    def __init__(
        self,
        channel: AbstractChannel,
        deserializer: EventDeserializer,
        *,
        exchange: str,
        queue: str,
        dead_letter_exchange: str,
        binding_keys: Iterable[str] = ("#",),
        retry_delay: float = 1.0,
    ) -> None:
        self._channel = channel
        self._deserializer = deserializer
        self._exchange_name = exchange
        self._queue_name = queue
        self._dead_letter_name = dead_letter_exchange
        self._binding_keys = tuple(binding_keys)
        self._retry_delay = retry_delay
        self._dead_letters: AbstractExchange | None = None

    @property
    def dead_letter_queue(self) -> str:
        return f"{self._queue_name}.dead-letter"

    async def declare(self) -> AbstractQueue:
        """The exchange, the queue and its bindings, and the dead-letter exchange and queue."""
        exchange = await self._channel.declare_exchange(
            self._exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        dead_letters = await self._declare_dead_letter_exchange()
        dead_letter_queue = await self._channel.declare_queue(self.dead_letter_queue, durable=True)
        await dead_letter_queue.bind(dead_letters, routing_key=self._queue_name)
        queue = await self._channel.declare_queue(
            self._queue_name,
            durable=True,
            arguments={
                "x-dead-letter-exchange": self._dead_letter_name,
                "x-dead-letter-routing-key": self._queue_name,
            },
        )
        for key in self._binding_keys:
            await queue.bind(exchange, routing_key=key)
        return queue

    async def _declare_dead_letter_exchange(self) -> AbstractExchange:
        self._dead_letters = await self._channel.declare_exchange(
            self._dead_letter_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        return self._dead_letters

    async def consume(self, handler: Handler) -> str:
        """Start delivering to `handler` (sync or async); returns the consumer tag."""
        queue = await self.declare()

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self.process(message, handler)

        return await queue.consume(on_message)

    async def process(self, message: AbstractIncomingMessage, handler: Handler) -> Envelope | None:
        """Handle one delivery: ack, dead-letter or requeue it. Returns the envelope when handled."""
        headers = from_amqp_properties(message.headers or {}, message.content_type)
        try:
            envelope = self._deserializer.deserialize(message.body, headers)
        except DeserializationError as error:
            await self._dead_letter(error, message)
            return None
        except RegistryUnavailableError:
            await asyncio.sleep(self._retry_delay)
            await message.nack(requeue=True)
            return None
        try:
            with handling(envelope):
                outcome = handler(envelope)
                if inspect.isawaitable(outcome):
                    await outcome
        except Exception:
            logger.exception("handler failed for event %s; dead-lettering it", envelope.event_id)
            await message.reject(requeue=False)
            return None
        await message.ack()
        return envelope

    async def _dead_letter(self, error: DeserializationError, message: AbstractIncomingMessage) -> None:
        dead = dead_letter_message(error, origin=f"{self._exchange_name}/{message.routing_key}")
        exchange = self._dead_letters or await self._declare_dead_letter_exchange()
        await exchange.publish(
            aio_pika.Message(
                dead.value,
                headers=dict(amqp_properties(dead.headers)),
                content_type=dead.headers.get("content-type"),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=self._queue_name,
        )
        await message.ack()
