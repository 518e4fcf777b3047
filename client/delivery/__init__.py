"""Consuming and publishing safely, around the envelope: idempotent handling, retries then dead-letter,
per-key ordering, batches, the transactional outbox and upcasting of old event versions.

Each part is optional and small. What needs a store or a broker lives in its own module and needs its
extra: client.delivery.redis_store (`redis`), client.delivery.sql_store and client.delivery.outbox
(`postgres`), client.delivery.rabbitmq (`rabbitmq`). The names below need nothing beyond the bare client.

Errors, all under client.errors' AccordError:

AccordError
├── MissingEventIdentityError          an event without eventId or source cannot be deduplicated
├── EventInProgressError               another consumer holds the event's claim: redeliver it later
├── IdempotencyStoreUnavailableError   the store did not answer and fails closed: not handled
├── HandlerFailedError                 a handler failed for good, after `attempts` attempts
├── KafkaDeliveryError                 (kafka_sink) Kafka did not confirm events: they stay in the outbox
└── DeserializationError
    └── UpcastError                    an old event could not be brought to the current version
"""

from client.delivery.batches import EventOutcome, aconsume_batch, consume_batch
from client.delivery.idempotency import (
    Claim,
    EventInProgressError,
    EventKey,
    IdempotencyStore,
    IdempotencyStoreUnavailableError,
    MemoryIdempotencyStore,
    MissingEventIdentityError,
    event_key,
    idempotent,
)
from client.delivery.ordering import KeyedExecutor, partition_key_of
from client.delivery.retries import (
    ATTEMPT_HEADER,
    NEVER_RETRIED,
    HandlerFailedError,
    Outcome,
    RetrySchedule,
    attempt_of,
    call_with_retries,
    failed_message,
)
from client.delivery.upcasting import Upcaster, UpcastError, Upcasters, UpcastingDeserializer

__all__ = [
    "ATTEMPT_HEADER",
    "NEVER_RETRIED",
    "Claim",
    "EventInProgressError",
    "EventKey",
    "EventOutcome",
    "HandlerFailedError",
    "IdempotencyStore",
    "IdempotencyStoreUnavailableError",
    "KeyedExecutor",
    "MemoryIdempotencyStore",
    "MissingEventIdentityError",
    "Outcome",
    "RetrySchedule",
    "UpcastError",
    "Upcaster",
    "Upcasters",
    "UpcastingDeserializer",
    "aconsume_batch",
    "attempt_of",
    "call_with_retries",
    "consume_batch",
    "event_key",
    "failed_message",
    "idempotent",
    "partition_key_of",
]
