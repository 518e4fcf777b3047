"""The envelope as CloudEvents 1.0: binary mode (`ce_` headers) and structured mode (one JSON document).

Binary mode follows the Kafka protocol binding: each attribute is a `ce_<name>` header, the value is
the wire-format payload, and `content-type` names the data's media type. The AMQP protocol binding
names the same attributes `cloudEvents_<name>` (application properties) and carries the media type in
the `content-type` property: `amqp_properties` and `from_amqp_properties` translate. Structured mode is
`application/cloudevents+json`: JSON data sits in `data` (its schema id at the end of `dataschema`),
Avro and Protobuf data sit framed (prefix, message indexes, payload) in `data_base64`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from client.envelope import Envelope, assemble_envelope, format_timestamp, is_protobuf_message

_dumps = orjson.dumps
_UTC_Z = orjson.OPT_UTC_Z

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
SPEC_VERSION = "1.0"

Headers = Mapping[str, str | bytes | None] | Iterable[tuple[str, str | bytes | None]]


class CloudEventError(ValueError):
    """The CloudEvents attributes are missing, unreadable or of the wrong type."""


class BinaryHeaders:
    """The `ce_` headers of events written with one schema version, its part formatted once."""

    __slots__ = ("_content_type", "_dataschema", "_event_version")

    def __init__(self, *, event_version: int, dataschema: str, content_type: str) -> None:
        self._event_version = str(event_version)
        self._dataschema = dataschema
        self._content_type = content_type

    def of(self, envelope: Envelope) -> dict[str, str]:
        moment = envelope.timestamp
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": envelope.event_id,
            "ce_source": envelope.source,
            "ce_type": envelope.event_type,
            # format_timestamp written out for UTC (every Envelope.new): one Python call less per message.
            "ce_time": (
                _dumps(moment, option=_UTC_Z)[1:-1].decode()
                if moment.tzinfo is UTC
                else format_timestamp(moment)
            ),
            "ce_dataschema": self._dataschema,
            "ce_eventversion": self._event_version,
            "ce_correlationid": envelope.correlation_id,
            "content-type": self._content_type,
        }
        if envelope.causation_id is not None:
            headers["ce_causationid"] = envelope.causation_id
        if envelope.partition_key is not None:
            headers["ce_partitionkey"] = envelope.partition_key
        if envelope.sequence_number is not None:
            headers["ce_sequence"] = str(envelope.sequence_number)
        return headers


AMQP_PREFIX = "cloudEvents_"
# Read on consume: the binding's name, its older spelling, and the `ce_` that Accord wrote on AMQP
# before it followed the binding (kept for the migration of queues that still hold such messages).
AMQP_READ_PREFIXES = ("cloudEvents_", "cloudEvents:", "ce_")


def amqp_properties(headers: Mapping[str, str]) -> dict[str, str]:
    """Binary-mode `ce_` headers as AMQP application properties (`cloudEvents_<name>`); other headers
    keep their names, and `content-type` is left out: it travels as the message's own property."""
    return {
        AMQP_PREFIX + name[3:] if name.startswith("ce_") else name: value
        for name, value in headers.items()
        if name != "content-type"
    }


def from_amqp_properties(properties: Mapping[str, Any], content_type: str | None) -> dict[str, str | bytes]:
    """AMQP application properties as the `ce_` headers the deserializer reads. A `cloudEvents_`
    attribute wins over its older spellings; AMQP timestamps (milliseconds since the epoch, as the
    binding allows for `time`) and numbers become text."""
    headers: dict[str, str | bytes] = {}
    for prefix in reversed(AMQP_READ_PREFIXES):  # the preferred prefix last, so it wins
        for name, value in properties.items():
            if name.startswith(prefix):
                headers["ce_" + name[len(prefix) :]] = _amqp_text(name[len(prefix) :], value)
    for name, value in properties.items():
        if not name.startswith(AMQP_READ_PREFIXES) and isinstance(value, str | bytes):
            headers[name] = value
    if content_type:
        headers["content-type"] = content_type
    return headers


def _amqp_text(attribute: str, value: Any) -> str | bytes:
    if isinstance(value, str | bytes):
        return value
    if attribute == "time" and isinstance(value, int):
        return format_timestamp(datetime.fromtimestamp(value / 1000, tz=UTC))
    if isinstance(value, datetime):
        return format_timestamp(value)
    return str(value)


def structured_value(
    envelope: Envelope, *, event_version: int, dataschema: str, content_type: str, framed: bytes
) -> bytes:
    """The whole event as one JSON document; JSON data inline, Avro and Protobuf data as base64 of their
    framed bytes."""
    document: dict[str, Any] = {
        "specversion": SPEC_VERSION,
        "id": envelope.event_id,
        "source": envelope.source,
        "type": envelope.event_type,
        "time": envelope.timestamp,
        "datacontenttype": content_type,
        "dataschema": dataschema,
        "eventversion": event_version,
        "correlationid": envelope.correlation_id,
    }
    if envelope.causation_id is not None:
        document["causationid"] = envelope.causation_id
    if envelope.partition_key is not None:
        document["partitionkey"] = envelope.partition_key
    if envelope.sequence_number is not None:
        document["sequence"] = envelope.sequence_number
    if content_type == "application/json":
        document["data"] = envelope.data
    else:
        document["data_base64"] = base64.b64encode(framed).decode("ascii")
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


def header_table(headers: Headers | None) -> Mapping[str, str | bytes | None]:
    """Kafka's list of (name, bytes) pairs or AMQP's header table as one mapping; values decoded on use."""
    if type(headers) is dict:
        return headers
    if headers is None:
        return {}
    if isinstance(headers, Mapping):
        return headers
    return dict(headers)


def text(value: str | bytes | None, name: str) -> str | None:
    """A header value as text; CloudEventError when its bytes are not UTF-8."""
    if value is None or type(value) is str:
        return value
    try:
        return value.decode() if isinstance(value, bytes) else str(value)
    except UnicodeDecodeError as error:
        raise CloudEventError(f"header {name!r} is not UTF-8: {error}") from error


def is_structured(headers: Mapping[str, str | bytes | None]) -> bool:
    content_type = headers.get("content-type") or headers.get("content_type")
    if type(content_type) is not str:
        content_type = text(content_type, "content-type") or ""
    return content_type.startswith(STRUCTURED_CONTENT_TYPE)


def parse_structured(raw: bytes) -> dict[str, Any]:
    """The structured-mode document; CloudEventError when it is not a JSON object."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise CloudEventError(f"structured CloudEvent is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise CloudEventError("structured CloudEvent is not a JSON object")
    return document


def structured_payload(document: Mapping[str, Any]) -> bytes:
    """The framed Avro or Protobuf bytes carried in `data_base64`."""
    try:
        return base64.b64decode(document["data_base64"], validate=True)
    except (binascii.Error, TypeError, ValueError) as error:
        raise CloudEventError(f"data_base64 is not valid base64: {error}") from error


def schema_id_from_dataschema(dataschema: Any) -> int:
    """The id at the end of `.../schemas/ids/<id>`."""
    tail = str(dataschema).rstrip("/").rsplit("/", 1)[-1]
    if not tail.isdigit():
        raise CloudEventError(f"dataschema {dataschema!r} does not end in a schema id")
    return int(tail)


_ATTRIBUTES = (
    *("id", "source", "type", "time"),
    *("correlationid", "causationid", "eventversion", "partitionkey", "sequence"),
)
# Binary mode keeps each attribute in a `ce_<name>` header, structured mode in a `<name>` member.
_HEADER_KEYS = tuple(f"ce_{name}" for name in _ATTRIBUTES)


def _as_text(value: Any, key: str) -> str | None:
    if value is None or type(value) is str:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # structured mode writes eventversion and sequence as JSON numbers
    return text(value, key)


def _texts(source: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, ...]:
    """The values of the nine attribute `keys` as text; only values not text already are converted."""
    get = source.get
    (
        id_key,
        source_key,
        type_key,
        time_key,
        correlation_key,
        causation_key,
        version_key,
        partition_key,
        sequence_key,
    ) = keys
    # Written out: a loop or map() over the keys took twice as long.
    values = (
        get(id_key),
        get(source_key),
        get(type_key),
        get(time_key),
        get(correlation_key),
        get(causation_key),
        get(version_key),
        get(partition_key),
        get(sequence_key),
    )
    for value in values:
        if value is not None and type(value) is not str:
            return tuple(_as_text(value, key) for value, key in zip(values, keys, strict=True))
    return values


def _missing(key: str) -> CloudEventError:
    return CloudEventError(f"CloudEvents attribute {key.removeprefix('ce_')!r} is missing or empty")


def _integer(value: str, key: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        name = key.removeprefix("ce_")
        raise CloudEventError(f"CloudEvents attribute {name!r} is not an integer: {value!r}") from error


def event_type_of(source: Mapping[str, Any], *, binary: bool) -> str | None:
    """The `type` attribute, from `ce_type` headers (binary) or a structured document."""
    key = "ce_type" if binary else "type"
    return _as_text(source.get(key), key)


def envelope_from(source: Mapping[str, Any], data: Any, *, binary: bool) -> Envelope:
    """The envelope that CloudEvents attributes (`ce_` headers or a structured document) describe."""
    keys = _HEADER_KEYS if binary else _ATTRIBUTES
    (
        event_id,
        event_source,
        event_type,
        time_text,
        correlation_id,
        causation_id,
        version_text,
        partition_key,
        sequence_text,
    ) = _texts(source, keys)
    if not event_id:
        raise _missing(keys[0])
    if not time_text:
        raise _missing(keys[3])
    try:
        timestamp = datetime.fromisoformat(time_text)
    except ValueError as error:
        raise CloudEventError(f"CloudEvents attribute 'time' is not RFC 3339: {time_text!r}") from error
    if timestamp.tzinfo is None:
        raise CloudEventError(f"CloudEvents attribute 'time' has no UTC offset: {time_text!r}")
    # A Protobuf message is asked about first: isinstance against the Mapping ABC is slow for a non-mapping.
    if type(data) is not dict and not is_protobuf_message(data) and not isinstance(data, Mapping):
        raise CloudEventError(f"event data must be an object, got {type(data).__name__}")
    if not event_source:
        raise _missing(keys[1])
    if not event_type:
        raise _missing(keys[2])
    return assemble_envelope(
        event_id,
        event_source,
        event_type,
        timestamp,
        correlation_id or event_id,
        data,
        None if version_text is None else _integer(version_text, keys[6]),
        causation_id,
        partition_key,
        None if sequence_text is None else _integer(sequence_text, keys[8]),
    )
