"""Protobuf data: messages framed with Confluent's prefix and message indexes, read back from the
registry's descriptors, validated with buf.validate rules where the schema has them.

Publishing takes a message (a generated class, or a dynamic one) or a dict in Protobuf's JSON mapping.
A message class is checked once against the registered message (every field it declares must be there,
with the same type); after that its messages are written as they are, with no per-message work but
SerializeToString. Data that does not fit, a dict, or any data of a schema with buf.validate rules
takes the careful path: it is parsed into the registered message, and every violation is reported.

Consuming finds the message by its indexes and parses it into the consumer's generated class for that
message when there is one, or into a dynamic message built from the registry's descriptors; it is
returned as that message, or as a dict in the JSON mapping (`json_format.MessageToDict`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from google.protobuf import json_format, message_factory
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as ProtobufMessage

from client.errors import RegistryResponseError, UnusableSchemaError, Violation
from client.protobuf_files import ProtobufSchemaError, load_file, uses_validation_rules
from client.protobuf_violations import (
    message_from_dict,
    required_field_violations,
    rule_violation,
    unknown_field_violations,
)
from client.schemas import SchemaSource
from client.wire import FIRST_MESSAGE, PREFIX_SIZE, message_indexes_bytes, read_message_indexes, schema_prefix

if TYPE_CHECKING:
    from client.serde import ProtobufOutput

_FIRST_PAYLOAD = PREFIX_SIZE + len(FIRST_MESSAGE)


def message_indexes(descriptor: Any) -> tuple[int, ...]:
    """The path to a message in its file: top-level position, then each nested position."""
    path: list[int] = []
    while descriptor.containing_type is not None:
        parent = descriptor.containing_type
        path.append(parent.nested_types.index(descriptor))
        descriptor = parent
    path.append(list(descriptor.file.message_types_by_name.values()).index(descriptor))
    return tuple(reversed(path))


def _fits(declared: Any, registered: Any, seen: set[str]) -> bool:
    """Whether every field of a message class is in the registered message, with the same wire meaning."""
    if declared.full_name in seen:
        return True
    seen.add(declared.full_name)
    for field in declared.fields:
        twin = registered.fields_by_number.get(field.number)
        if twin is None or (field.type, field.is_repeated) != (twin.type, twin.is_repeated):
            return False
        if field.message_type is not None and not _fits(field.message_type, twin.message_type, seen):
            return False
    return True


def _messages_by_name(messages: list[Any]) -> dict[str, Any]:
    """Every message of a file, nested ones too, by full name."""
    found: dict[str, Any] = {}
    pending = list(messages)
    while pending:
        descriptor = pending.pop()
        found[descriptor.full_name] = descriptor
        pending.extend(descriptor.nested_types)
    return found


def _requires_fields(descriptor: Any, seen: set[str]) -> bool:
    """Whether a message has proto2 required fields, at any depth (its messages can then be invalid)."""
    if descriptor.full_name in seen:
        return False
    seen.add(descriptor.full_name)
    return any(
        field.is_required or (field.message_type is not None and _requires_fields(field.message_type, seen))
        for field in descriptor.fields
    )


class _Writer(NamedTuple):
    """How messages of one class are written under this schema, decided once per class."""

    descriptor: Any  # the registered message of the same full name
    header: bytes  # prefix and message indexes
    registered: bool  # the class is the registered message's own (a dynamic message of this schema)
    fits: bool  # every field of the class is in the registered message, with the same wire meaning


class ProtobufCodec:
    """Writes and reads the messages of one registered Protobuf file, framed for its schema id."""

    content_type: Literal["application/protobuf"] = "application/protobuf"

    def __init__(
        self,
        file: Any,
        schema_id: int,
        *,
        classes: Mapping[str, Any] | None = None,
        output: ProtobufOutput = "message",
    ) -> None:
        """`classes` maps a message's full name to the generated class to read it into."""
        self.file = file
        self.schema_id = schema_id
        self.prefix = schema_prefix(schema_id)
        self.validates = uses_validation_rules(file)
        self._validator: Any = None
        self._messages = list(file.message_types_by_name.values())
        self._by_name = _messages_by_name(self._messages)
        self._writers: dict[type, _Writer] = {}
        self._classes = dict(classes or {})
        self._output = output
        self._readers: dict[tuple[int, ...], Callable[[bytes], Any]] = {}
        # Classes whose messages are written as they are (they fit, and nothing needs checking: no rules,
        # no proto2 required fields), with their header: prefix and message indexes.
        self.headers: dict[type, bytes] = {}
        self._first_reader = self._reader((0,)) if self._messages else None

    # Publishing

    def encode(self, data: Any) -> bytes | None:
        """The framed bytes of a message of a known class, or None for the careful path."""
        header = self.headers.get(type(data))
        if header is None:
            return None
        framed: bytes = header + data.SerializeToString()
        return framed

    def encode_carefully(self, data: Any, *, event_type: str) -> tuple[bytes | None, list[Violation]]:
        """The framed bytes, or every violation: for any message, or a dict in the JSON mapping (of the
        message named like the event type, else of the file's first message)."""
        if isinstance(data, ProtobufMessage):
            return self._encode_message(data)
        if isinstance(data, Mapping):
            descriptor = self._message_named(event_type)
            if descriptor is None:
                return None, [Violation("type", "$", f"schema id {self.schema_id} declares no message", None)]
            message, violations = message_from_dict(data, message_factory.GetMessageClass(descriptor))
            if message is None:
                return None, violations
            return self._checked(message, self._header(descriptor))
        expected = "a Protobuf message or a dict in Protobuf's JSON mapping"
        return None, [Violation("type", "$", f"expected {expected}, got {type(data).__name__}", data)]

    def _writer(self, message_class: Any) -> _Writer | None:
        descriptor = self._by_name.get(message_class.DESCRIPTOR.full_name)
        if descriptor is None:
            return None
        registered = message_class.DESCRIPTOR is descriptor
        fits = registered or _fits(message_class.DESCRIPTOR, descriptor, set())
        writer = self._writers[message_class] = _Writer(
            descriptor, self._header(descriptor), registered, fits
        )
        if fits and not self.validates and not _requires_fields(message_class.DESCRIPTOR, set()):
            self.headers[message_class] = writer.header  # the fast path from now on
        return writer

    def _encode_message(self, data: Any) -> tuple[bytes | None, list[Violation]]:
        writer = self._writers.get(type(data)) or self._writer(type(data))
        if writer is None:
            declared = ", ".join(found.full_name for found in self._messages) or "none"
            name = data.DESCRIPTOR.full_name
            reason = f"{name} is not a message of schema id {self.schema_id} (its messages: {declared})"
            return None, [Violation("type", "$", reason, None)]
        if not data.IsInitialized():
            return None, required_field_violations(data)
        payload = data.SerializeToString()
        if writer.fits and not self.validates:
            return writer.header + payload, []
        if writer.registered:
            return self._checked(data, writer.header, payload)
        try:
            registered = message_factory.GetMessageClass(writer.descriptor).FromString(payload)
        except DecodeError as error:
            reason = (
                f"its fields do not fit {writer.descriptor.full_name} of schema id {self.schema_id}: {error}"
            )
            return None, [Violation("type", "$", reason, None)]
        unknown = [] if writer.fits else unknown_field_violations(registered)
        return (None, unknown) if unknown else self._checked(registered, writer.header, payload)

    def _checked(
        self, message: Any, header: bytes, payload: bytes | None = None
    ) -> tuple[bytes | None, list[Violation]]:
        """A message of the registered type against its required fields and validation rules."""
        violations = [] if message.IsInitialized() else required_field_violations(message)
        violations += self.rule_violations(message)
        if violations:
            return None, violations
        return header + (payload if payload is not None else message.SerializeToString()), []

    def _message_named(self, event_type: str) -> Any:
        named = self.file.message_types_by_name.get(event_type)
        return named if named is not None else next(iter(self._messages), None)

    def _header(self, descriptor: Any) -> bytes:
        return self.prefix + message_indexes_bytes(message_indexes(descriptor))

    def rule_violations(self, message: Any) -> list[Violation]:
        """Every buf.validate violation of a message of this schema (none when it has no rules)."""
        if not self.validates:
            return []
        import protovalidate

        if self._validator is None:
            self._validator = protovalidate.Validator()
        try:
            found = self._validator.collect_violations(message)
        except protovalidate.CompilationError as error:
            raise UnusableSchemaError(
                self.schema_id, f"its buf.validate rules do not compile: {error}"
            ) from error
        except protovalidate.EvaluationError as error:
            return [Violation("evaluation", "$", f"a buf.validate rule failed to evaluate: {error}", None)]
        return [rule_violation(violation, message.DESCRIPTOR) for violation in found]

    # Consuming

    def decode(self, raw: bytes) -> Any:
        """The message after the prefix and its indexes; ValueError says what is wrong with the bytes."""
        read = self._first_reader
        if raw[PREFIX_SIZE:_FIRST_PAYLOAD] == FIRST_MESSAGE and read is not None:
            payload = raw[_FIRST_PAYLOAD:]
        else:
            indexes, start = read_message_indexes(raw)
            read = self._readers.get(indexes) or self._reader(indexes)
            payload = raw[start:]
        try:
            return read(payload)
        except DecodeError as error:
            raise ValueError(
                f"payload is not valid Protobuf for schema id {self.schema_id}: {error}"
            ) from error

    def first_message_reader(self) -> tuple[Callable[[bytes], Any], type[Exception]] | None:
        """What reads the payload of the file's first message, and what it raises for bytes that are not
        one, when nothing else needs doing (no validation rules); for a caller that skips the framing."""
        if self._first_reader is None or self.validates:
            return None
        return self._first_reader, DecodeError

    def payload_violations(self, raw: bytes) -> list[Violation]:
        """The rule violations of a message as its writer's registered schema reads it."""
        indexes, start = read_message_indexes(raw)
        descriptor = self._message_at(indexes)
        try:
            message = message_factory.GetMessageClass(descriptor).FromString(raw[start:])
        except DecodeError as error:  # the consumer's class read it, the writer's message does not
            raise ValueError(
                f"payload is not valid Protobuf for schema id {self.schema_id}: {error}"
            ) from error
        return self.rule_violations(message)

    def _message_at(self, indexes: tuple[int, ...]) -> Any:
        candidates, where = self._messages, f"schema id {self.schema_id}"
        descriptor = None
        for depth, index in enumerate(indexes):
            if index >= len(candidates):
                raise ValueError(
                    f"message indexes {list(indexes)} name no message: {where} has {len(candidates)} "
                    f"{'top-level' if depth == 0 else 'nested'} message(s) there"
                )
            descriptor = candidates[index]
            candidates, where = descriptor.nested_types, descriptor.full_name
        return descriptor

    def _reader(self, indexes: tuple[int, ...]) -> Callable[[bytes], Any]:
        descriptor = self._message_at(indexes)
        message_class = self._classes.get(descriptor.full_name) or message_factory.GetMessageClass(descriptor)
        from_string: Callable[[bytes], Any] = message_class.FromString
        if self._output == "dict":

            def read(payload: bytes) -> Any:
                return json_format.MessageToDict(from_string(payload))

            self._readers[indexes] = read
            return read
        self._readers[indexes] = from_string
        return from_string


def build_codec(
    registry: SchemaSource,
    schema_id: int,
    *,
    classes: Mapping[str, Any] | None = None,
    output: ProtobufOutput = "message",
) -> ProtobufCodec:
    """The codec of a registered Protobuf schema, from its descriptors (UnusableSchemaError if none)."""
    try:
        file = load_file(registry, schema_id)
    except ProtobufSchemaError as error:
        raise UnusableSchemaError(schema_id, str(error)) from error
    except RegistryResponseError as error:  # a reference is missing, or no descriptor is served
        raise UnusableSchemaError(schema_id, f"its descriptors cannot be had: {error}") from error
    return ProtobufCodec(file, schema_id, classes=classes, output=output)


def message_to_dict(message: Any) -> dict[str, Any]:
    """A message in Protobuf's JSON mapping."""
    result: dict[str, Any] = json_format.MessageToDict(message)
    return result
