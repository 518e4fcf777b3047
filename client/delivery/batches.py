"""Consuming in batches with an outcome per event: a batch of messages (from Kafka's `consume(n)`, a
RabbitMQ prefetch, a test) is read, deduplicated in one round trip where the store can (Redis's
`begin_many`), and handled event by event, so that one poison message or one failing event does not
decide the fate of the others.

Publishing a batch is validated as a whole before anything is sent: `EventSerializer.serialize_batch`,
`RabbitPublisher.publish_batch`, `InMemoryBus.publish_batch` and `Outbox.publish_batch` raise
BatchValidationError, which names every failing event by its index, and send none.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from client.cloudevents import Headers, header_table
from client.delivery.idempotency import Claim, EventInProgressError, EventKey, IdempotencyStore, event_key
from client.delivery.retries import NEVER_RETRIED, Outcome, failed_message
from client.envelope import Envelope, handling
from client.serde import EventDeserializer, Message

__all__ = ["EventOutcome", "aconsume_batch", "consume_batch"]


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """What became of the message at `index` of the batch: HANDLED, DUPLICATE, DEAD_LETTERED (with the
    dead letter to send: the message with its reason headers) or FAILED (redeliver it)."""

    index: int
    outcome: Outcome
    envelope: Envelope | None = None
    error: BaseException | None = None
    dead_letter: Message | None = None


class _Batch:
    """The part both flavours share: reading, claiming in bulk, and turning an error into an outcome."""

    def __init__(
        self,
        messages: Sequence[Message | tuple[bytes, Headers | None]],
        deserializer: EventDeserializer,
        store: IdempotencyStore | None,
        never_retried: tuple[type[BaseException], ...],
        origin: str | None,
    ) -> None:
        self.never_retried = never_retried
        self.origin = origin
        self.messages = messages
        self.outcomes: list[EventOutcome | None] = [None] * len(messages)
        self.envelopes: dict[int, Envelope] = {}
        self.keys: dict[int, EventKey] = {}  # of each event's first occurrence in the batch
        self.repeats: dict[int, int] = {}  # a repeated event's index -> its first occurrence's
        first: dict[EventKey, int] = {}
        for index, message in enumerate(messages):
            try:
                envelope = deserializer.deserialize(message[0], message[1])
                if store is not None:
                    key = event_key(envelope)
                    if key in first:
                        self.repeats[index] = first[key]
                    else:
                        first[key] = index
                        self.keys[index] = key
            except Exception as error:
                self.fail(index, error, None)
                continue
            self.envelopes[index] = envelope

    def repeated(self, index: int) -> bool:
        """Settle an event seen earlier in this batch as its first occurrence went; False if it is new."""
        earlier_index = self.repeats.get(index)
        if earlier_index is None:
            return False
        earlier = self.outcomes[earlier_index]
        if earlier is not None and earlier.outcome in (Outcome.HANDLED, Outcome.DUPLICATE):
            self.settle(index, Outcome.DUPLICATE)
        else:
            self.outcomes[index] = EventOutcome(
                index, Outcome.FAILED, self.envelopes[index], earlier.error if earlier else None
            )
        return True

    def bulk_claims(self, store: Any) -> dict[int, Claim] | None:
        begin_many = getattr(store, "begin_many", None)
        if begin_many is None or not self.keys:
            return None
        indexes = list(self.keys)
        return dict(zip(indexes, begin_many([self.keys[index] for index in indexes]), strict=True))

    def fail(self, index: int, error: BaseException, envelope: Envelope | None) -> None:
        if isinstance(error, self.never_retried):
            message = self.messages[index]
            dead = failed_message(message[0], header_table(message[1]), error, attempt=1, origin=self.origin)
            self.outcomes[index] = EventOutcome(index, Outcome.DEAD_LETTERED, envelope, error, dead)
        else:
            self.outcomes[index] = EventOutcome(index, Outcome.FAILED, envelope, error)

    def settle(self, index: int, outcome: Outcome) -> None:
        self.outcomes[index] = EventOutcome(index, outcome, self.envelopes[index])

    def result(self) -> list[EventOutcome]:
        return [outcome for outcome in self.outcomes if outcome is not None]


def consume_batch(
    messages: Sequence[Message | tuple[bytes, Headers | None]],
    *,
    deserializer: EventDeserializer,
    handler: Callable[[Envelope], Any],
    store: IdempotencyStore | None = None,
    never_retried: tuple[type[BaseException], ...] = NEVER_RETRIED,
    origin: str | None = None,
) -> list[EventOutcome]:
    """Read and handle a batch in order; one outcome per message, in the batch's order.

    With a `store`, duplicates are skipped (DUPLICATE) and each handled event is marked; an event
    another consumer is handling comes back FAILED (EventInProgressError), to be redelivered.
    """
    if store is not None and inspect.iscoroutinefunction(store.begin):
        raise TypeError(f"{type(store).__name__} is asynchronous: use aconsume_batch")
    batch = _Batch(messages, deserializer, store, never_retried, origin)
    claims = batch.bulk_claims(store) if store is not None else None
    for index, envelope in batch.envelopes.items():
        if batch.repeated(index):
            continue
        key = batch.keys.get(index)
        try:
            if store is not None and key is not None:
                claim = claims[index] if claims is not None else store.begin(key)
                assert isinstance(claim, Claim)  # a synchronous store, checked above
                if claim is not Claim.NEW:
                    _skip(batch, index, key, claim)
                    continue
            try:
                with handling(envelope):
                    handler(envelope)
            except BaseException:
                if store is not None and key is not None:
                    store.abandon(key)
                raise
            if store is not None and key is not None:
                store.complete(key)
        except Exception as error:
            batch.fail(index, error, envelope)
            continue
        batch.settle(index, Outcome.HANDLED)
    return batch.result()


async def aconsume_batch(
    messages: Sequence[Message | tuple[bytes, Headers | None]],
    *,
    deserializer: EventDeserializer,
    handler: Callable[[Envelope], Awaitable[Any] | Any],
    store: IdempotencyStore | None = None,
    never_retried: tuple[type[BaseException], ...] = NEVER_RETRIED,
    origin: str | None = None,
) -> list[EventOutcome]:
    """`consume_batch` for asyncio: the handler and the store's methods may be coroutines."""
    batch = _Batch(messages, deserializer, store, never_retried, origin)
    for index, envelope in batch.envelopes.items():
        if batch.repeated(index):
            continue
        key = batch.keys.get(index)
        try:
            if store is not None and key is not None:
                claim: Claim = await _settled(store.begin(key))
                if claim is not Claim.NEW:
                    _skip(batch, index, key, claim)
                    continue
            try:
                with handling(envelope):
                    await _settled(handler(envelope))
            except BaseException:
                if store is not None and key is not None:
                    await _settled(store.abandon(key))
                raise
            if store is not None and key is not None:
                await _settled(store.complete(key))
        except Exception as error:
            batch.fail(index, error, envelope)
            continue
        batch.settle(index, Outcome.HANDLED)
    return batch.result()


def _skip(batch: _Batch, index: int, key: EventKey, claim: Claim) -> None:
    if claim is Claim.DONE:
        batch.settle(index, Outcome.DUPLICATE)
    else:
        batch.fail(index, EventInProgressError(key), batch.envelopes[index])


async def _settled(outcome: Any) -> Any:
    return await outcome if inspect.isawaitable(outcome) else outcome
