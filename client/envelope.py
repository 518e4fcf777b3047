"""The event envelope: a frozen record of one fact, its identity and its place in a business flow.

Attribute names are Python's; `to_dict` uses the seed guide's field names (eventId, eventType, ...).
The data is a mapping (Avro, JSON Schema, Protobuf's JSON mapping) or a Protobuf message.
"""

from __future__ import annotations

import re
import sys
import uuid
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import orjson

from client.errors import EventTypeNameError
from client.event_names import suggested_name

if TYPE_CHECKING:
    from google.protobuf.message import Message as ProtobufMessage

NamingMode = Literal["warn", "strict", "off"]
EventData: TypeAlias = "Mapping[str, Any] | ProtobufMessage"


def is_protobuf_message(value: object) -> bool:
    """Whether `value` is a Protobuf message, without importing protobuf when nothing else has."""
    module = sys.modules.get("google.protobuf.message")
    return module is not None and isinstance(value, module.Message)


def data_as_dict(data: EventData) -> dict[str, Any]:
    """The data as a JSON-ready dict: a mapping copied, a Protobuf message in Protobuf's JSON mapping."""
    if isinstance(data, Mapping):
        return dict(data)
    from client.protobuf import message_to_dict

    return message_to_dict(data)


@dataclass(frozen=True, slots=True)
class Correlation:
    """The business flow the current code runs in: the correlation id and the event that caused this work."""

    correlation_id: str
    causation_id: str | None = None


_current_correlation: ContextVar[Correlation | None] = ContextVar("accord_correlation", default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """One event: identity, source, type, schema version, time, correlation and the validated data."""

    event_id: str
    source: str
    event_type: str
    timestamp: datetime
    correlation_id: str
    data: EventData = field(repr=False)
    event_version: int | None = None
    causation_id: str | None = None
    partition_key: str | None = None
    sequence_number: int | None = None

    @classmethod
    def new(
        cls,
        event_type: str,
        data: EventData,
        *,
        source: str,
        partition_key: str | None = None,
        sequence_number: int | None = None,
    ) -> Envelope:
        """A new event with a fresh eventId and the current UTC time.

        Inside `correlated(...)` or `handling(event)` it joins that flow; otherwise it starts one,
        with its own eventId as the correlationId.
        """
        event_id = str(uuid.uuid4())
        flow = _current_correlation.get()
        return cls(
            event_id=event_id,
            source=source,
            event_type=event_type,
            timestamp=datetime.now(UTC),
            correlation_id=flow.correlation_id if flow else event_id,
            causation_id=flow.causation_id if flow else None,
            data=data,
            partition_key=partition_key,
            sequence_number=sequence_number,
        )

    def derive(
        self,
        event_type: str,
        data: EventData,
        *,
        source: str | None = None,
        partition_key: str | None = None,
        sequence_number: int | None = None,
    ) -> Envelope:
        """A child event caused by this one: same correlationId, causationId = this eventId."""
        with correlated(self.correlation_id, causation_id=self.event_id):
            return Envelope.new(
                event_type,
                data,
                source=source or self.source,
                partition_key=partition_key,
                sequence_number=sequence_number,
            )

    def to_dict(self) -> dict[str, Any]:
        """The envelope with the seed guide's field names, JSON-ready (timestamp as RFC 3339 UTC)."""
        return {
            "eventId": self.event_id,
            "source": self.source,
            "eventType": self.event_type,
            "eventVersion": self.event_version,
            "timestamp": format_timestamp(self.timestamp),
            "correlationId": self.correlation_id,
            "causationId": self.causation_id,
            "partitionKey": self.partition_key,
            "sequenceNumber": self.sequence_number,
            "data": data_as_dict(self.data),
        }


class _Assembly:
    """An Envelope's slots without its frozenness: filled by plain assignment, then made an Envelope."""

    __slots__ = Envelope.__slots__


def assemble_envelope(
    event_id: str,
    source: str,
    event_type: str,
    timestamp: datetime,
    correlation_id: str,
    data: EventData,
    event_version: int | None,
    causation_id: str | None,
    partition_key: str | None,
    sequence_number: int | None,
) -> Envelope:
    """The same Envelope as `Envelope(...)` with these fields, built several times faster.

    A frozen dataclass's __init__ sets each field through object.__setattr__, which cost the consume
    path about 2 µs per message. The same slots filled on a twin class that then becomes an Envelope
    (the layouts are identical, so Python allows the class change) give the identical object.
    """
    envelope: Any = _Assembly()
    envelope.event_id = event_id
    envelope.source = source
    envelope.event_type = event_type
    envelope.timestamp = timestamp
    envelope.correlation_id = correlation_id
    envelope.data = data
    envelope.event_version = event_version
    envelope.causation_id = causation_id
    envelope.partition_key = partition_key
    envelope.sequence_number = sequence_number
    envelope.__class__ = Envelope
    return cast(Envelope, envelope)


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as CloudEvents' `time` wants it."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # orjson writes RFC 3339 several times faster than datetime.isoformat.
    return _dumps(moment, option=_UTC_Z)[1:-1].decode()


_dumps = orjson.dumps
_UTC_Z = orjson.OPT_UTC_Z


@contextmanager
def correlated(correlation_id: str, *, causation_id: str | None = None) -> Iterator[Correlation]:
    """Within this block, `Envelope.new` joins the given flow (e.g. an HTTP request's correlation id)."""
    flow = Correlation(correlation_id, causation_id)
    token = _current_correlation.set(flow)
    try:
        yield flow
    finally:
        _current_correlation.reset(token)


@contextmanager
def handling(event: Envelope) -> Iterator[Correlation]:
    """Within this block (a consumer's handler), new events are caused by `event` and share its flow."""
    with correlated(event.correlation_id, causation_id=event.event_id) as flow:
        yield flow


def current_correlation() -> Correlation | None:
    """The flow the calling code runs in, if any."""
    return _current_correlation.get()


class EventTypeNameWarning(UserWarning):
    """An eventType does not read as a past-tense PascalCase fact."""


_PASCAL_CASE = re.compile(r"^(?:[A-Z][a-z0-9]*)+$")
_WORDS = re.compile(r"[A-Z][a-z0-9]*")
_VERSION_SUFFIX = re.compile(r"V\d+$")
# Irregular past participles that end the name of a fact ("OrderPaid", "EmailSent", "TaskBegun").
_IRREGULAR_PAST = frozenset(
    [
        "Begun",
        "Bought",
        "Brought",
        "Built",
        "Caught",
        "Chosen",
        "Cut",
        "Done",
        "Drawn",
        "Driven",
        "Found",
        "Frozen",
        "Given",
        "Gone",
        "Grown",
        "Held",
        "Hidden",
        "Hit",
        "Kept",
        "Known",
        "Laid",
        "Left",
        "Lent",
        "Lost",
        "Made",
        "Met",
        "Paid",
        "Put",
        "Quit",
        "Read",
        "Rebuilt",
        "Redone",
        "Rewritten",
        "Risen",
        "Run",
        "Said",
        "Seen",
        "Sent",
        "Set",
        "Shown",
        "Shut",
        "Sold",
        "Spent",
        "Split",
        "Spun",
        "Stolen",
        "Struck",
        "Sworn",
        "Taken",
        "Thrown",
        "Told",
        "Undone",
        "Upheld",
        "Withdrawn",
        "Won",
        "Written",
    ]
)


@cache
def event_type_problem(event_type: str) -> str | None:
    """Why `event_type` does not read as a fact, or None when it does (OrderCreated, PaymentRefundedV2)."""
    if not _PASCAL_CASE.match(event_type):
        return "is not PascalCase (write it like OrderCreated)"
    words = _WORDS.findall(_VERSION_SUFFIX.sub("", event_type))
    if len(words) < 2:
        return "should name a thing and what happened to it (like OrderCreated)"
    last = words[-1]
    if last.endswith("ed") or last in _IRREGULAR_PAST:
        return None
    return (
        f"should end in a past-tense verb, a fact that happened (like {suggested_name(words)}), not {last!r}"
    )


def check_event_type(event_type: str, mode: NamingMode) -> None:
    """Warn about (mode "warn") or refuse (mode "strict") an eventType that does not read as a fact."""
    if mode == "off":
        return
    problem = event_type_problem(event_type)
    if problem is None:
        return
    if mode == "strict":
        raise EventTypeNameError(event_type, problem)
    warnings.warn(f"eventType {event_type!r} {problem}", EventTypeNameWarning, stacklevel=3)
