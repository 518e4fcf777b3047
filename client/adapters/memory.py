"""An in-memory registry and event bus for unit tests ("mock the event bus").

The bus validates and serializes exactly as the real adapters do, delivers each message to its
subscribers through the consume path, and records every published envelope, so tests can assert on
them and the contract harness can collect them as producer samples.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Any

from client.deadletter import deliver
from client.envelope import Envelope
from client.errors import RegistryResponseError, SchemaNotFoundError
from client.schemas import RegisteredSchema, Schema
from client.serde import EventDeserializer, EventSerializer, Message, Mode, SubjectNameStrategy

Handler = Callable[[Envelope], Any]


class InMemoryRegistry:
    """A registry in a dict: same schema -> same id, a new version per subject. No compatibility checks.

    It never parses schema text, so it serves a Protobuf schema as a descriptor (`format="serialized"`)
    only when it was registered as one: the base64 FileDescriptorProto that EventSerializer (with a
    generated message class) and Confluent's Python serializer submit.
    """

    base_url = "memory://accord"

    def __init__(self) -> None:
        self._ids: dict[Schema, int] = {}
        self._schemas: dict[int, Schema] = {}
        self._versions: dict[str, list[RegisteredSchema]] = {}

    def register_schema(self, subject: str, schema: Schema) -> int:
        versions = self._versions.setdefault(subject, [])
        for registered in versions:
            if registered.schema == schema:
                return registered.schema_id
        schema_id = self._ids.setdefault(schema, len(self._ids) + 1)
        self._schemas[schema_id] = schema
        versions.append(RegisteredSchema(subject, len(versions) + 1, schema_id, schema))
        return schema_id

    def get_schema(self, schema_id: int, *, format: str | None = None) -> Schema:
        if schema_id not in self._schemas:
            raise self._not_found(40403, f"Schema {schema_id} not found")
        return self._formatted(self._schemas[schema_id], format)

    def get_latest_version(self, subject: str) -> RegisteredSchema:
        return self._subject(subject)[-1]

    def get_version(self, subject: str, version: int, *, format: str | None = None) -> RegisteredSchema:
        versions = self._subject(subject)
        if not 1 <= version <= len(versions):
            raise self._not_found(40402, f"Version {version} not found.")
        registered = versions[version - 1]
        self._formatted(registered.schema, format)
        return registered

    def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema:
        for registered in self._subject(subject):
            if registered.schema == schema:
                return registered
        raise self._not_found(40403, "Schema not found")

    def _formatted(self, schema: Schema, output_format: str | None) -> Schema:
        """The schema as stored: the only rendering a registry that parses nothing can give."""
        if output_format == "serialized" and schema.schema_type == "PROTOBUF":
            try:
                base64.b64decode(schema.schema_str, validate=True)
            except binascii.Error as error:
                raise RegistryResponseError(
                    url=self.base_url,
                    status=422,
                    error_code=42201,
                    message="the in-memory registry cannot compile .proto text; register the base64 "
                    "FileDescriptorProto instead (what EventSerializer submits for a generated class)",
                ) from error
        return schema

    def _subject(self, subject: str) -> list[RegisteredSchema]:
        if subject not in self._versions:
            raise self._not_found(40401, f"Subject '{subject}' not found.")
        return self._versions[subject]

    def _not_found(self, error_code: int, message: str) -> SchemaNotFoundError:
        return SchemaNotFoundError(url=self.base_url, status=404, error_code=error_code, message=message)


class InMemoryBus:
    """Publishes through the real serializer, delivers through the real deserializer, remembers everything."""

    def __init__(
        self,
        registry: InMemoryRegistry | Any,
        *,
        subject_name_strategy: SubjectNameStrategy = "event_type",
        mode: Mode = "binary",
        reader_schemas: dict[str, Any] | None = None,
        **serializer_options: Any,
    ) -> None:
        self.serializer = EventSerializer(
            registry, subject_name_strategy=subject_name_strategy, mode=mode, **serializer_options
        )
        self.deserializer = EventDeserializer(registry, reader_schemas=reader_schemas)
        self.published: list[Envelope] = []
        self.messages: list[tuple[str | None, Message]] = []
        self.dead_letters: list[Message] = []
        self._subscribers: list[tuple[str | None, Handler]] = []

    def subscribe(self, handler: Handler, *, event_type: str | None = None) -> None:
        """Call `handler` for every event published from now on (of `event_type`, if given)."""
        self._subscribers.append((event_type, handler))

    def publish(self, envelope: Envelope, *, topic: str | None = None) -> Message:
        """Validate, serialize, record and deliver one event; EventValidationError leaves no trace."""
        message = self.serializer.serialize(envelope, topic=topic)
        self._record(envelope, message, topic)
        return message

    def publish_batch(self, envelopes: Iterable[Envelope], *, topic: str | None = None) -> list[Message]:
        """All or nothing: BatchValidationError records and delivers none of them."""
        batch = list(envelopes)
        messages = self.serializer.serialize_batch(batch, topic=topic)
        for envelope, message in zip(batch, messages, strict=True):
            self._record(envelope, message, topic)
        return messages

    def receive(self, value: bytes, headers: Any = None) -> Envelope | None:
        """Deliver raw bytes as a broker would; an unreadable message lands in `dead_letters`."""
        return self._deliver(value, headers, None)

    def of_type(self, event_type: str) -> list[Envelope]:
        return [envelope for envelope in self.published if envelope.event_type == event_type]

    def samples(self) -> list[dict[str, Any]]:
        """Every published envelope as a JSON-ready dict (the contract harness's producer samples)."""
        return [envelope.to_dict() for envelope in self.published]

    def _record(self, envelope: Envelope, message: Message, topic: str | None) -> None:
        self.published.append(self.serializer.stamped(envelope, topic=topic))
        self.messages.append((topic, message))
        self._deliver(message.value, message.headers, topic)

    def _deliver(self, value: bytes, headers: Any, topic: str | None) -> Envelope | None:
        def dispatch(envelope: Envelope) -> None:
            for event_type, handler in list(self._subscribers):
                if event_type is None or event_type == envelope.event_type:
                    handler(envelope)

        return deliver(
            value,
            headers,
            deserializer=self.deserializer,
            handler=dispatch,
            dead_letter=self.dead_letters.append,
            origin=topic,
        )
