"""Poison messages: route a message that cannot be read to a dead-letter destination and go on.

The dead-letter message keeps the original bytes and headers, and says why in `accord-dlq-*` headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from client.cloudevents import Headers
from client.envelope import Envelope, handling
from client.errors import DeserializationError, InvalidMessageError, ReaderSchemaError, UnknownSchemaError
from client.serde import EventDeserializer, Message

REASON_HEADER = "accord-dlq-reason"
ERROR_HEADER = "accord-dlq-error"
SCHEMA_ID_HEADER = "accord-dlq-schema-id"
ORIGIN_HEADER = "accord-dlq-origin"


def dead_letter_message(error: DeserializationError, *, origin: str | None = None) -> Message:
    """The unreadable message as it arrived, with the reason (and where it came from) in its headers."""
    headers = dict(error.headers)
    headers[REASON_HEADER] = error.reason
    headers[ERROR_HEADER] = type(error).__name__
    if isinstance(error, UnknownSchemaError | InvalidMessageError | ReaderSchemaError):
        headers[SCHEMA_ID_HEADER] = str(error.schema_id)
    if origin is not None:
        headers[ORIGIN_HEADER] = origin
    return Message(error.raw, headers)


def deliver(
    value: bytes,
    headers: Headers | None,
    *,
    deserializer: EventDeserializer,
    handler: Callable[[Envelope], Any],
    dead_letter: Callable[[Message], Any],
    origin: str | None = None,
) -> Envelope | None:
    """Read one message and hand it to `handler` inside its correlation context; a poison message goes to
    `dead_letter` instead and None is returned, so the consumer goes on with the next one.

    RegistryUnavailableError is not the message's fault: it propagates, so the message is retried later.
    """
    try:
        envelope = deserializer.deserialize(value, headers)
    except DeserializationError as error:
        dead_letter(dead_letter_message(error, origin=origin))
        return None
    with handling(envelope):
        handler(envelope)
    return envelope
