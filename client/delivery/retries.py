"""Retries, then dead-letter: when a handler fails, try again later with exponential backoff and jitter, up
to a maximum number of attempts; then, or at once for errors that no retry can fix (a message that cannot
be read, data that breaks its schema, an event without an identity), send it to the dead-letter queue
with the reason in the `accord-dlq-*` headers that client.deadletter writes.

The attempt count travels with the message in the `accord-attempt` header (1 for the first delivery), so
a retry scheduled through the broker (client.delivery.rabbitmq) knows how many came before it.
`call_with_retries` retries in place instead, which keeps the handler's position, as the per-key ordering
executor needs.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from client.deadletter import ERROR_HEADER, ORIGIN_HEADER, REASON_HEADER, dead_letter_message
from client.delivery.idempotency import MissingEventIdentityError
from client.envelope import Envelope
from client.errors import AccordError, DeserializationError, EventValidationError
from client.serde import Message

__all__ = [
    "ATTEMPT_HEADER",
    "NEVER_RETRIED",
    "HandlerFailedError",
    "Outcome",
    "RetrySchedule",
    "attempt_of",
    "call_with_retries",
    "failed_message",
]

ATTEMPT_HEADER = "accord-attempt"
NEVER_RETRIED: tuple[type[BaseException], ...] = (
    DeserializationError,  # malformed, unknown schema, invalid against the writer's schema
    EventValidationError,
    MissingEventIdentityError,
)


class HandlerFailedError(AccordError):
    """The handler failed and is not tried again: `error` is its last failure, after `attempts` attempts."""

    def __init__(self, envelope: Envelope, error: BaseException, attempts: int) -> None:
        super().__init__(
            f"handling event {envelope.event_id} ({envelope.event_type}) failed after {attempts} "
            f"attempt{'s' if attempts > 1 else ''}: {type(error).__name__}: {error}"
        )
        self.envelope = envelope
        self.error = error
        self.attempts = attempts


class Outcome(enum.Enum):
    """What became of one delivered message."""

    HANDLED = "handled"
    DUPLICATE = "duplicate"  # handled before: acknowledged without handling
    FAILED = "failed"  # the handler failed with an error worth retrying: redeliver it
    RETRYING = "retrying"  # a later attempt is scheduled
    DEAD_LETTERED = "dead-lettered"
    DEFERRED = "deferred"  # not the message's fault (registry unreachable): redelivered, attempt not counted


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """How often and how patiently a failed handler is tried again.

    `max_attempts` counts every attempt, the first one too. The n-th retry waits
    `min(initial_delay * multiplier**(n-1), max_delay)`, less up to `jitter` of it at random, so the
    consumers of one failure do not all retry in the same instant. Errors of `never_retried` types go to
    the dead-letter queue at once.
    """

    max_attempts: int = 5
    initial_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float = 300.0
    jitter: float = 0.2
    never_retried: tuple[type[BaseException], ...] = NEVER_RETRIED

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts counts the first attempt too: at least 1")
        if self.initial_delay < 0 or self.max_delay < 0 or self.multiplier < 1:
            raise ValueError("delays must not be negative and the multiplier at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a fraction of the delay, between 0 and 1")

    def base_delay(self, retry: int) -> float:
        """The delay before retry number `retry` (1 for the second attempt), without jitter."""
        return float(min(self.initial_delay * self.multiplier ** (retry - 1), self.max_delay))

    def delay(self, retry: int) -> float:
        """The delay before retry number `retry`, jittered: within [(1 - jitter) * base, base]."""
        base = self.base_delay(retry)
        return base * (1 - self.jitter * random.random())

    def retries(self, error: BaseException, attempt: int) -> bool:
        """Whether the attempt number `attempt` that failed with `error` gets another one."""
        return attempt < self.max_attempts and not isinstance(error, self.never_retried)


def attempt_of(headers: Mapping[str, Any] | None) -> int:
    """The attempt number a message's headers carry (1 when they carry none or nonsense)."""
    value = (headers or {}).get(ATTEMPT_HEADER)
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    try:
        attempt = int(value) if value is not None else 1
    except (TypeError, ValueError):
        return 1
    return max(attempt, 1)


def failed_message(
    value: bytes,
    headers: Mapping[str, Any] | None,
    error: BaseException,
    *,
    attempt: int,
    origin: str | None = None,
) -> Message:
    """The message as it arrived, with why its handling failed and how often in its headers: the dead
    letter for `error` (a message that could not be read keeps client.deadletter's own headers)."""
    if isinstance(error, DeserializationError):
        dead = dead_letter_message(error, origin=origin)
        return Message(dead.value, {**dead.headers, ATTEMPT_HEADER: str(attempt)})
    out: dict[str, Any] = {
        name: item for name, item in (headers or {}).items() if isinstance(item, str | bytes)
    }
    out[REASON_HEADER] = str(error) or type(error).__name__
    out[ERROR_HEADER] = type(error).__name__
    out[ATTEMPT_HEADER] = str(attempt)
    if origin is not None:
        out[ORIGIN_HEADER] = origin
    return Message(value, out)


async def call_with_retries(
    handler: Callable[[Envelope], Awaitable[Any] | Any],
    envelope: Envelope,
    schedule: RetrySchedule,
    *,
    attempt: int = 1,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Call `handler` (sync or async) until it succeeds or `schedule` gives up; the number of attempts it
    took. When it gives up, HandlerFailedError says after how many attempts, with the last error.
    `attempt` is the number of the first attempt made here (2 when the caller made the first)."""
    while True:
        try:
            outcome = handler(envelope)
            if inspect.isawaitable(outcome):
                await outcome
            return attempt
        except Exception as error:
            if not schedule.retries(error, attempt):
                raise HandlerFailedError(envelope, error, attempt) from error
        await sleep(schedule.delay(attempt))
        attempt += 1
