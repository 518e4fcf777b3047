"""Retries on RabbitMQ without blocking the queue: a failed message waits in a per-attempt delay queue
and comes back to its queue when the wait is over. Needs the `rabbitmq` extra.

For a consumer queue `billing`, `declare()` creates:

- `billing`, bound to the event exchange;
- `billing.retry.1` … `billing.retry.N-1`, one per retry, each with a message TTL of that retry's delay
  and the default exchange as its dead-letter exchange, routing back to `billing`: an expired message
  returns to the end of `billing`, while later messages go on being consumed;
- `billing.dead-letter`, where messages end after their last attempt, or at once for errors that no
  retry can fix, with the `accord-dlq-*` reason headers.

The copy put into a delay queue carries `accord-attempt` (its attempt number) and a per-message
expiration jittered below the queue's TTL. The copy is published (with publisher confirms) before the
original is acknowledged, so a crash in between delivers the message twice, never zero times: pair the
handler with `idempotent(...)`. Retries through the broker do not keep the order of a key; where order
matters, retry in place (client.delivery.ordering).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue

from client.cloudevents import amqp_properties, from_amqp_properties
from client.delivery.ordering import KeyedExecutor, partition_key_of
from client.delivery.retries import (
    ATTEMPT_HEADER,
    HandlerFailedError,
    Outcome,
    RetrySchedule,
    attempt_of,
    failed_message,
)
from client.envelope import Envelope, handling
from client.errors import DeserializationError, RegistryUnavailableError
from client.serde import EventDeserializer

__all__ = ["KeyedRabbitConsumer", "RetryingRabbitConsumer", "copy_message", "dead_letter", "origin_of"]

logger = logging.getLogger("accord.client.delivery")

ORIGIN = "accord-origin"  # exchange/routing key a retried message was first published to

Handler = Callable[[Envelope], Awaitable[Any] | Any]


class RetryingRabbitConsumer:
    """Consumes `queue` (bound to the topic `exchange`), retrying failed handlers through delay queues."""

    def __init__(
        self,
        channel: AbstractChannel,
        deserializer: EventDeserializer,
        *,
        exchange: str,
        queue: str,
        schedule: RetrySchedule | None = None,
        binding_keys: Iterable[str] = ("#",),
        registry_retry_delay: float = 1.0,
    ) -> None:
        self._channel = channel
        self._deserializer = deserializer
        self._exchange_name = exchange
        self.queue = queue
        self.schedule = schedule or RetrySchedule()
        self._binding_keys = tuple(binding_keys)
        self._registry_retry_delay = registry_retry_delay

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead-letter"

    def retry_queue(self, retry: int) -> str:
        """The delay queue of retry number `retry` (1 for the second attempt)."""
        return f"{self.queue}.retry.{retry}"

    @property
    def retry_queues(self) -> list[str]:
        return [self.retry_queue(retry) for retry in range(1, self.schedule.max_attempts)]

    async def declare(self) -> AbstractQueue:
        """The exchange, the queue and its bindings, the delay queues and the dead-letter queue."""
        exchange = await self._channel.declare_exchange(
            self._exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await self._channel.declare_queue(self.queue, durable=True)
        for key in self._binding_keys:
            await queue.bind(exchange, routing_key=key)
        for retry in range(1, self.schedule.max_attempts):
            await self._channel.declare_queue(
                self.retry_queue(retry),
                durable=True,
                arguments={
                    "x-message-ttl": max(1, round(self.schedule.base_delay(retry) * 1000)),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.queue,
                },
            )
        await self._channel.declare_queue(self.dead_letter_queue, durable=True)
        return queue

    async def consume(self, handler: Handler) -> str:
        """Start delivering to `handler` (sync or async); returns the consumer tag."""
        queue = await self.declare()

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self.process(message, handler)

        return await queue.consume(on_message)

    async def process(self, message: AbstractIncomingMessage, handler: Handler) -> Outcome:
        """Handle one delivery and acknowledge it: handled, scheduled for a retry or dead-lettered; or,
        while the registry is unreachable, requeued without counting an attempt."""
        attempt = attempt_of(message.headers)
        try:
            headers = from_amqp_properties(message.headers or {}, message.content_type)
            envelope = self._deserializer.deserialize(message.body, headers)
            with handling(envelope):
                outcome = handler(envelope)
                if inspect.isawaitable(outcome):
                    await outcome
        except RegistryUnavailableError:
            await asyncio.sleep(self._registry_retry_delay)
            await message.nack(requeue=True)
            return Outcome.DEFERRED
        except Exception as error:
            return await self._failed(message, error, attempt)
        await message.ack()
        return Outcome.HANDLED

    async def _failed(self, message: AbstractIncomingMessage, error: Exception, attempt: int) -> Outcome:
        if self.schedule.retries(error, attempt):
            delay = self.schedule.delay(attempt)
            logger.warning(
                "handler failed on attempt %d of message %s (%s); retrying in %.3f s",
                attempt,
                message.message_id,
                type(error).__name__,
                delay,
            )
            headers = dict(message.headers or {})
            headers[ATTEMPT_HEADER] = str(attempt + 1)
            headers.setdefault(ORIGIN, self._origin(message))
            await self._channel.default_exchange.publish(
                copy_message(message, headers, expiration=delay), routing_key=self.retry_queue(attempt)
            )
            await message.ack()
            return Outcome.RETRYING
        await dead_letter(
            self._channel,
            message,
            error,
            attempt=attempt,
            origin=self._origin(message),
            queue=self.dead_letter_queue,
        )
        return Outcome.DEAD_LETTERED

    def _origin(self, message: AbstractIncomingMessage) -> str:
        return origin_of(message, self._exchange_name)


class KeyedRabbitConsumer:
    """Consumes `queue` in order per key: through a KeyedExecutor, with up to `max_in_flight` messages
    unacknowledged (the channel's prefetch), failed handlers retried in place so that a key's later
    events wait, and a message dead-lettered when its retries are spent or it cannot be read. Each
    message is acknowledged once it is done, in whatever order keys finish."""

    def __init__(
        self,
        channel: AbstractChannel,
        deserializer: EventDeserializer,
        *,
        exchange: str,
        queue: str,
        schedule: RetrySchedule | None = None,
        binding_keys: Iterable[str] = ("#",),
        max_in_flight: int = 256,
        concurrency: int = 64,
        key: Callable[[Envelope], Hashable] = partition_key_of,
    ) -> None:
        self._channel = channel
        self._deserializer = deserializer
        self._exchange_name = exchange
        self.queue = queue
        self.schedule = schedule or RetrySchedule()
        self._binding_keys = tuple(binding_keys)
        self.max_in_flight = max_in_flight
        self.concurrency = concurrency
        self._key = key
        self.registry_retry_delay = 1.0
        self._settling: set[asyncio.Task[None]] = set()
        self.executor: KeyedExecutor | None = None

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead-letter"

    async def declare(self) -> AbstractQueue:
        """The exchange, the queue and its bindings and the dead-letter queue; the channel's prefetch."""
        await self._channel.set_qos(prefetch_count=self.max_in_flight)
        exchange = await self._channel.declare_exchange(
            self._exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await self._channel.declare_queue(self.queue, durable=True)
        for key in self._binding_keys:
            await queue.bind(exchange, routing_key=key)
        await self._channel.declare_queue(self.dead_letter_queue, durable=True)
        return queue

    async def consume(self, handler: Handler) -> str:
        """Start delivering to `handler` (sync or async); returns the consumer tag."""
        queue = await self.declare()
        messages: dict[int, AbstractIncomingMessage] = {}  # by id() of an envelope in the executor

        async def failed(envelope: Envelope, failure: HandlerFailedError) -> None:
            message = messages[id(envelope)]
            await dead_letter(
                self._channel,
                message,
                failure.error,
                attempt=failure.attempts,
                origin=origin_of(message, self._exchange_name),
                queue=self.dead_letter_queue,
            )

        executor = KeyedExecutor(
            handler,
            max_in_flight=self.max_in_flight,
            concurrency=self.concurrency,
            key=self._key,
            schedule=self.schedule,
            on_failure=failed,
        )
        self.executor = executor

        async def on_message(message: AbstractIncomingMessage) -> None:
            try:
                headers = from_amqp_properties(message.headers or {}, message.content_type)
                envelope = self._deserializer.deserialize(message.body, headers)
            except DeserializationError as error:
                origin = origin_of(message, self._exchange_name)
                await dead_letter(
                    self._channel, message, error, attempt=1, origin=origin, queue=self.dead_letter_queue
                )
                return
            except RegistryUnavailableError:  # not the message's fault: redelivered later
                await asyncio.sleep(self.registry_retry_delay)
                await message.nack(requeue=True)
                return
            messages[id(envelope)] = message
            done = await executor.submit(envelope)
            settle = asyncio.create_task(self._settle(envelope, message, done, messages))
            self._settling.add(settle)
            settle.add_done_callback(self._settling.discard)

        return await queue.consume(on_message)

    @staticmethod
    async def _settle(
        envelope: Envelope,
        message: AbstractIncomingMessage,
        done: asyncio.Future[int],
        messages: dict[int, AbstractIncomingMessage],
    ) -> None:
        try:
            await done
        except asyncio.CancelledError:
            return  # closed before it was done: unacknowledged, so the broker redelivers it
        finally:
            messages.pop(id(envelope), None)
        if not message.processed:
            await message.ack()


def origin_of(message: AbstractIncomingMessage, exchange: str) -> str:
    """Where the message was first published: exchange/routing key (kept through its retries)."""
    kept = (message.headers or {}).get(ORIGIN)
    if isinstance(kept, bytes | str):
        return kept.decode() if isinstance(kept, bytes) else kept
    return f"{message.exchange or exchange}/{message.routing_key}"


def copy_message(
    message: AbstractIncomingMessage,
    headers: dict[str, Any],
    *,
    expiration: float | None = None,
    body: bytes | None = None,
) -> aio_pika.Message:
    """A persistent copy of `message` with other headers (and, if given, another body and an expiry)."""
    return aio_pika.Message(
        message.body if body is None else body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        type=message.type,
        app_id=message.app_id,
        timestamp=message.timestamp,
        expiration=expiration,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def dead_letter(
    channel: AbstractChannel,
    message: AbstractIncomingMessage,
    error: BaseException,
    *,
    attempt: int,
    origin: str,
    queue: str,
) -> None:
    """Put `message` into the dead-letter `queue` with why and after how many attempts, then ack it."""
    logger.error(
        "message %s dead-lettered after %d attempt(s): %s: %s",
        message.message_id,
        attempt,
        type(error).__name__,
        error,
    )
    dead = failed_message(message.body, message.headers, error, attempt=attempt, origin=origin)
    headers = amqp_properties(
        {
            name: value.decode() if isinstance(value, bytes) else str(value)
            for name, value in dead.headers.items()
        }
    )
    await channel.default_exchange.publish(copy_message(message, headers, body=dead.value), routing_key=queue)
    await message.ack()
