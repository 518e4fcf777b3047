"""Publish and consume: envelope <-> validated, framed bytes plus CloudEvents metadata.

Publishing resolves the subject's schema (subject naming strategy; pinned version, latest, or a local
schema looked up or auto-registered), validates the data and writes it in Confluent's wire format.
Consuming reads the schema id, fetches the writer's schema by id, decodes, validates and, for Avro,
resolves to the consumer's reader schema. After the first message of each schema everything comes
from caches: no registry call per message. Protobuf is imported only when a Protobuf schema is met.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias

import orjson
from fastavro.read import SchemaResolutionError

from client import cloudevents
from client.avro import AvroCodec, AvroSchemaError, parse_avro
from client.envelope import Envelope, NamingMode, check_event_type
from client.errors import (
    BatchValidationError,
    EventValidationError,
    InvalidMessageError,
    MalformedMessageError,
    ReaderSchemaError,
    SchemaNotFoundError,
    UnknownSchemaError,
    UnusableSchemaError,
    Violation,
)
from client.json_schema import JsonCodec, JsonSchemaError, JsonSchemaValidator
from client.schemas import RegisteredSchema, Schema, SchemaReference, SchemaSource
from client.wire import FIRST_MESSAGE, PREFIX_SIZE, read_schema_id

if TYPE_CHECKING:
    from client.protobuf import ProtobufCodec

HeaderTable = Mapping[str, str | bytes | None]
_PROTOBUF_HEAD_SIZE = PREFIX_SIZE + len(FIRST_MESSAGE)
_NO_HEADERS: HeaderTable = {}

SubjectNameStrategy = Literal["event_type", "topic", "topic_event_type"]
Mode = Literal["binary", "structured"]
ProtobufOutput = Literal["message", "dict"]  # what a consumer gets for Protobuf data
Codec: TypeAlias = "AvroCodec | JsonCodec | ProtobufCodec"
# A subject's schema given locally: its text, or (Protobuf) a generated message class, whose file is it.
LocalSchema: TypeAlias = Schema | type[Any]


class Message(NamedTuple):
    """What goes on the wire: value bytes, string headers, and the partition key as the message key."""

    value: bytes
    headers: dict[str, str]
    key: bytes | None = None


def subject_name(strategy: SubjectNameStrategy, *, event_type: str, topic: str | None) -> str:
    """The registry subject an event's schema lives under."""
    if strategy == "event_type":
        return event_type
    if topic is None:
        raise ValueError(f"subject naming strategy {strategy!r} needs a topic")
    return f"{topic}-value" if strategy == "topic" else f"{topic}-{event_type}"


class _CodecCache:
    """Schema id -> codec, built once per id (schemas under an id never change)."""

    def __init__(
        self,
        registry: SchemaSource,
        *,
        protobuf_classes: Mapping[str, Any] | None = None,
        protobuf_output: ProtobufOutput = "message",
    ) -> None:
        self.registry = registry
        self._codecs: dict[int, Codec] = {}
        self._protobuf_classes = protobuf_classes
        self._protobuf_output: ProtobufOutput = protobuf_output

    def get(self, schema_id: int, schema: Schema | None = None) -> Codec:
        codec = self._codecs.get(schema_id)
        if codec is None:
            codec = self._codecs[schema_id] = self._build(
                schema_id, schema or self.registry.get_schema(schema_id)
            )
        return codec

    def _build(self, schema_id: int, schema: Schema) -> Codec:
        try:
            if schema.schema_type == "AVRO":
                named = self._named_avro_types(schema.references)
                return AvroCodec(parse_avro(schema.schema_str, named), schema_id)
            if schema.schema_type == "JSON":
                references = self._json_references(schema.references)
                return JsonCodec(JsonSchemaValidator(orjson.loads(schema.schema_str), references), schema_id)
            if schema.schema_type == "PROTOBUF":
                from client.protobuf import build_codec

                # Read from the registry's descriptors (format=serialized): .proto text is never parsed.
                return build_codec(
                    self.registry, schema_id, classes=self._protobuf_classes, output=self._protobuf_output
                )
        except (AvroSchemaError, JsonSchemaError, orjson.JSONDecodeError) as error:
            raise UnusableSchemaError(schema_id, str(error)) from error
        raise UnusableSchemaError(
            schema_id, f"schema type {schema.schema_type} is not supported by the client"
        )

    def _json_references(self, references: Sequence[SchemaReference]) -> dict[str, Any]:
        """Reference name -> JSON Schema document, for the references and theirs in turn."""
        documents: dict[str, Any] = {}
        for reference in references:
            referenced = self.registry.get_version(reference.subject, reference.version).schema
            if referenced.schema_type != "JSON":
                raise JsonSchemaError(
                    f"reference {reference.name!r} ({reference.subject} version {reference.version}) is "
                    f"{referenced.schema_type}; a JSON Schema can only reference JSON schemas"
                )
            documents.update(self._json_references(referenced.references))
            documents[reference.name] = orjson.loads(referenced.schema_str)
        return documents

    def _named_avro_types(self, references: Sequence[SchemaReference]) -> dict[str, Any]:
        named: dict[str, Any] = {}
        for reference in references:
            referenced = self.registry.get_version(reference.subject, reference.version).schema
            named.update(self._named_avro_types(referenced.references))
            parse_avro(referenced.schema_str, named)
        return named


_NOTHING_FAST: Mapping[type, bytes] = {}  # other formats: no class is written without its codec


@dataclass(frozen=True, slots=True)
class _Target:
    """Where an event type's data goes: subject, version, schema id, the codec that writes it, its headers.

    `fast` holds the Protobuf message classes written as they are, with their framing header: a
    Protobuf message serializes in well under a microsecond, so the publishing methods write those
    themselves, without a call into the codec."""

    registered: RegisteredSchema
    codec: Codec
    dataschema: str
    headers: cloudevents.BinaryHeaders
    fast: Mapping[type, bytes]

    @property
    def subject(self) -> str:
        return self.registered.subject

    @property
    def version(self) -> int:
        return self.registered.version


def _encode_doubted(codec: Codec, data: Any, subject: str, event_type: str) -> bytes:
    """The slow path, once the fast checks said no: every violation, or the bytes after all."""
    if codec.content_type == "application/protobuf":
        framed, found = codec.encode_carefully(data, event_type=event_type)
        if framed is None:
            raise EventValidationError(subject, codec.schema_id, found)
        return framed
    violations = codec.violations(data)
    if violations:
        raise EventValidationError(subject, codec.schema_id, violations)
    # The fast checks are conservative (a default filled in, a datetime for a timestamp): write it now.
    try:
        return codec.encode_checked(data)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        raise EventValidationError(
            subject, codec.schema_id, [Violation("schema", "$", str(error), data)]
        ) from error


class EventSerializer:
    """Envelopes to validated messages; invalid data raises EventValidationError and nothing is sent."""

    def __init__(
        self,
        registry: SchemaSource,
        *,
        subject_name_strategy: SubjectNameStrategy = "event_type",
        versions: Mapping[str, int] | None = None,
        schemas: Mapping[str, LocalSchema] | None = None,
        auto_register: bool = False,
        mode: Mode = "binary",
        naming: NamingMode = "warn",
    ) -> None:
        """`versions` pins subjects to a version; `schemas` gives a subject's schema locally (looked up,
        or registered when `auto_register` is on, for development): a Schema, or a generated Protobuf
        message class, whose file is submitted as confluent-kafka's ProtobufSerializer submits it (with
        its imports as subjects of their own); other subjects publish the latest."""
        self._registry = registry
        self._codecs = _CodecCache(registry)
        self._strategy = subject_name_strategy
        self._versions = dict(versions or {})
        self._schemas = dict(schemas or {})
        self._fixed_subjects = frozenset((*self._versions, *self._schemas))
        self._auto_register = auto_register
        self._mode = mode
        self._naming = naming
        self._named_checked: set[str] = set()
        self._fixed_targets: dict[str, _Target] = {}
        self._latest_targets: dict[str, _Target] = {}
        # With subject = eventType, the latest targets by event type: the publishing methods look there
        # first and need no _target call while the registry's latest version is the one they hold.
        self._latest_by_event_type = self._latest_targets if subject_name_strategy == "event_type" else {}

    def serialize(self, envelope: Envelope, *, topic: str | None = None) -> Message:
        """One envelope as a message; its eventVersion is the version the data was validated against."""
        event_type = envelope.event_type
        target = self._latest_by_event_type.get(event_type)
        if target is None or target.registered is not self._registry.get_latest_version(event_type):
            target = self._target(event_type, topic)
        data: Any = envelope.data
        header = target.fast.get(type(data))
        framed = (
            header + data.SerializeToString()
            if header is not None
            else target.codec.encode(data) or _encode_doubted(target.codec, data, target.subject, event_type)
        )
        partition_key = envelope.partition_key
        key = None if partition_key is None else partition_key.encode()
        if self._mode == "binary":
            # tuple.__new__ itself: NamedTuple's generated __new__ (and _make) add a Python call per message.
            return tuple.__new__(Message, (framed, target.headers.of(envelope), key))
        value = cloudevents.structured_value(
            envelope,
            event_version=target.version,
            dataschema=target.dataschema,
            content_type=target.codec.content_type,
            framed=framed,
        )
        return Message(value, {"content-type": cloudevents.STRUCTURED_CONTENT_TYPE}, key)

    def encode(self, event_type: str, data: Any, *, topic: str | None = None) -> bytes:
        """Just the validated wire-format payload, as confluent-kafka's serializers write it (no envelope)."""
        target = self._latest_by_event_type.get(event_type)
        if target is None or target.registered is not self._registry.get_latest_version(event_type):
            target = self._target(event_type, topic)
        header = target.fast.get(type(data))
        if header is not None:
            return header + data.SerializeToString()  # type: ignore[no-any-return]
        return target.codec.encode(data) or _encode_doubted(target.codec, data, target.subject, event_type)

    def serialize_batch(self, envelopes: Iterable[Envelope], *, topic: str | None = None) -> list[Message]:
        """Every envelope as a message, or BatchValidationError naming each invalid one (none is sent)."""
        messages: list[Message] = []
        failures: dict[int, EventValidationError] = {}
        for index, envelope in enumerate(envelopes):
            try:
                messages.append(self.serialize(envelope, topic=topic))
            except EventValidationError as error:
                failures[index] = error
        if failures:
            raise BatchValidationError(failures)
        return messages

    def stamped(self, envelope: Envelope, *, topic: str | None = None) -> Envelope:
        """The envelope with eventVersion set to the version it is published with."""
        return replace(envelope, event_version=self._target(envelope.event_type, topic).version)

    def _target(self, event_type: str, topic: str | None) -> _Target:
        if event_type not in self._named_checked:
            check_event_type(event_type, self._naming)
            self._named_checked.add(event_type)
        subject = (
            event_type
            if self._strategy == "event_type"
            else subject_name(self._strategy, event_type=event_type, topic=topic)
        )
        if subject in self._fixed_subjects:
            target = self._fixed_targets.get(subject)
            if target is None:
                target = self._fixed_targets[subject] = self._new_target(self._resolve_fixed(subject))
            return target
        latest = self._registry.get_latest_version(subject)
        target = self._latest_targets.get(subject)
        if target is None or target.registered is not latest:
            target = self._latest_targets[subject] = self._latest_target(target, latest)
        return target

    def _latest_target(self, known: _Target | None, latest: RegisteredSchema) -> _Target:
        """The target of the subject's latest version: the known one if only the registry's record is new."""
        if known is not None and (known.version, known.codec.schema_id) == (latest.version, latest.schema_id):
            return replace(known, registered=latest)
        return self._new_target(latest)

    def _resolve_fixed(self, subject: str) -> RegisteredSchema:
        if subject in self._versions:
            return self._registry.get_version(subject, self._versions[subject])
        schema = self._schemas[subject]
        if not isinstance(schema, Schema):
            from client.protobuf_files import register_message_file

            return register_message_file(self._registry, subject, schema, auto_register=self._auto_register)
        if self._auto_register:
            self._registry.register_schema(subject, schema)
        return self._registry.lookup_schema(subject, schema)

    def _new_target(self, registered: RegisteredSchema) -> _Target:
        codec = self._codecs.get(registered.schema_id, registered.schema)
        dataschema = f"{self._registry.base_url}/schemas/ids/{registered.schema_id}"
        return _Target(
            registered=registered,
            codec=codec,
            dataschema=dataschema,
            headers=cloudevents.BinaryHeaders(
                event_version=registered.version, dataschema=dataschema, content_type=codec.content_type
            ),
            fast=codec.headers if codec.content_type == "application/protobuf" else _NOTHING_FAST,
        )


class Payload(NamedTuple):
    """Data of a bare wire-format message (no envelope) and the id of the schema it was written with."""

    schema_id: int
    data: Any


def _unreadable_protobuf(
    schema_id: int, error: Exception, raw: bytes, headers: HeaderTable
) -> MalformedMessageError:
    reason = f"payload is not valid Protobuf for schema id {schema_id}: {error}"
    return MalformedMessageError(reason, raw=raw, headers=headers)


class EventDeserializer:
    """Messages back to envelopes; anything unreadable raises a DeserializationError with the raw bytes."""

    def __init__(
        self,
        registry: SchemaSource,
        *,
        reader_schemas: Mapping[str, str | Mapping[str, Any]] | None = None,
        protobuf_classes: Iterable[type[Any]] = (),
        protobuf_output: ProtobufOutput = "message",
    ) -> None:
        """`reader_schemas` maps an eventType to the Avro schema this consumer reads it with (evolution).
        Protobuf data is read into the generated class in `protobuf_classes` with the writer's message's
        full name, or else into a message built from the registry's descriptors; `protobuf_output="dict"`
        returns it in Protobuf's JSON mapping instead (json_format.MessageToDict)."""
        self._codecs = _CodecCache(
            registry,
            protobuf_classes={
                message_class.DESCRIPTOR.full_name: message_class for message_class in protobuf_classes
            },
            protobuf_output=protobuf_output,
        )
        # A well-framed message's first 5 bytes name its codec: one lookup instead of parsing the frame.
        self._codecs_by_prefix: dict[bytes, Codec] = {}
        # The first 6 bytes of a Protobuf file's first message (prefix and the [0] index) name what reads
        # its payload, when nothing else needs doing: parsing is so fast that each Python call shows.
        self._protobuf_readers: dict[bytes, tuple[int, Callable[[bytes], Any], type[Exception]]] = {}
        self._readers = {
            event_type: parse_avro(schema if isinstance(schema, str) else orjson.dumps(schema).decode())
            for event_type, schema in (reader_schemas or {}).items()
        }

    def deserialize(self, value: bytes, headers: cloudevents.Headers | None = None) -> Envelope:
        """The envelope of a binary-mode or structured-mode message."""
        table = cloudevents.header_table(headers)
        try:
            if cloudevents.is_structured(table):
                return self._structured(value, table)
            # The type picks the reader schema; without reader schemas only the envelope reads it.
            event_type = cloudevents.event_type_of(table, binary=True) if self._readers else None
            data = self._decode_framed(value, table, event_type)[1]
            return cloudevents.envelope_from(table, data, binary=True)
        except cloudevents.CloudEventError as error:
            raise MalformedMessageError(str(error), raw=value, headers=table) from error

    def decode(self, value: bytes, *, event_type: str | None = None) -> Payload:
        """The data of a bare Confluent wire-format message, e.g. from confluent-kafka's serializers."""
        # Protobuf's first message is read here, without _decode_framed: each Python call shows next to
        # its parsing. tuple.__new__ itself: NamedTuple's generated __new__ is one more Python call.
        head = value[:_PROTOBUF_HEAD_SIZE]
        reader = self._protobuf_readers.get(head) if type(head) is bytes else None
        if reader is None:
            return tuple.__new__(Payload, self._decode_framed(value, _NO_HEADERS, event_type))
        schema_id, read, unreadable = reader
        try:
            return tuple.__new__(Payload, (schema_id, read(value[_PROTOBUF_HEAD_SIZE:])))
        except unreadable as error:
            raise _unreadable_protobuf(schema_id, error, value, _NO_HEADERS) from error

    def _structured(self, value: bytes, headers: HeaderTable) -> Envelope:
        document = cloudevents.parse_structured(value)
        if "data_base64" in document:
            event_type = cloudevents.event_type_of(document, binary=False)
            data = self._decode_framed(cloudevents.structured_payload(document), headers, event_type)[1]
            return cloudevents.envelope_from(document, data, binary=False)
        schema_id = cloudevents.schema_id_from_dataschema(document.get("dataschema"))
        codec = self._codec(schema_id, value, headers)
        if not isinstance(codec, JsonCodec):
            raise cloudevents.CloudEventError(
                f"schema id {schema_id} is not JSON: Avro and Protobuf data belong in data_base64"
            )
        data = document.get("data")
        if not codec.validator.is_valid_json(data):
            raise InvalidMessageError(schema_id, codec.violations(data), raw=value, headers=headers)
        return cloudevents.envelope_from(document, data, binary=False)

    def _schema_id(self, raw: bytes, headers: HeaderTable) -> int:
        try:
            return read_schema_id(raw)
        except ValueError as error:
            raise MalformedMessageError(str(error), raw=raw, headers=headers) from error

    def _codec(self, schema_id: int, raw: bytes, headers: HeaderTable) -> Codec:
        try:
            return self._codecs.get(schema_id)
        except SchemaNotFoundError as error:
            raise UnknownSchemaError(schema_id, raw=raw, headers=headers) from error
        except UnusableSchemaError as error:
            raise MalformedMessageError(str(error), raw=raw, headers=headers) from error

    def _decode_framed(self, raw: bytes, headers: HeaderTable, event_type: str | None) -> tuple[int, Any]:
        """The writer's schema id and the data."""
        head = raw[:_PROTOBUF_HEAD_SIZE]
        reader = self._protobuf_readers.get(head) if type(head) is bytes else None
        if reader is not None:
            schema_id, read, unreadable = reader
            try:
                return schema_id, read(raw[_PROTOBUF_HEAD_SIZE:])
            except unreadable as error:
                raise _unreadable_protobuf(schema_id, error, raw, headers) from error
        prefix = raw[:PREFIX_SIZE]
        codec = self._codecs_by_prefix.get(prefix) if type(prefix) is bytes else None
        if codec is None:
            codec = self._codec(self._schema_id(raw, headers), raw, headers)
            self._codecs_by_prefix[codec.prefix] = codec
            if codec.content_type == "application/protobuf":
                first = codec.first_message_reader()
                if first is not None:
                    self._protobuf_readers[codec.prefix + FIRST_MESSAGE] = (codec.schema_id, *first)
        schema_id = codec.schema_id
        try:
            if codec.content_type == "application/protobuf":
                data = codec.decode(raw)
                violations = codec.payload_violations(raw) if codec.validates else None
                if violations:
                    raise InvalidMessageError(schema_id, violations, raw=raw, headers=headers)
                return schema_id, data
            if isinstance(codec, AvroCodec):
                return schema_id, codec.decode(raw, self._readers.get(event_type) if event_type else None)
            data = codec.decode(raw)
        except SchemaResolutionError as error:
            raise ReaderSchemaError(schema_id, str(error), raw=raw, headers=headers) from error
        except (ValueError, UnusableSchemaError) as error:  # unusable: buf.validate rules that do not compile
            raise MalformedMessageError(str(error), raw=raw, headers=headers) from error
        if not codec.validator.is_valid_json(data):
            raise InvalidMessageError(schema_id, codec.violations(data), raw=raw, headers=headers)
        return schema_id, data
