"""Consuming and publishing safely, around the envelope: idempotent handling, retries then dead-letter,
per-key ordering, batches, the transactional outbox and upcasting of old event versions.

Each part is optional and small. What needs a store or a broker lives in its own module and needs its
extra: client.delivery.redis_store (`redis`), client.delivery.sql_store and client.delivery.outbox
(`postgres`), client.delivery.rabbitmq (`rabbitmq`). The names below need nothing beyond the bare client.
"""

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

__all__ = [
    "Claim",
    "EventInProgressError",
    "EventKey",
    "IdempotencyStore",
    "IdempotencyStoreUnavailableError",
    "MemoryIdempotencyStore",
    "MissingEventIdentityError",
    "event_key",
    "idempotent",
]
