"""The subjects an AsyncAPI 2.6 or 3.0 document describes: one per message with a payload.

Pure: it reads a document and names subjects and schemas; `accord import --asyncapi` registers them.

- `$ref`s are resolved within the file (`#/components/...`), at any depth; a reference to anything else
  (another file, a URL) is refused, as is a reference that leads back to itself.
- The schema type comes from the payload's schema format: Avro (`application/vnd.apache.avro...`) is
  AVRO, AsyncAPI schemas and JSON Schema (`application/vnd.aai.asyncapi...`, `application/schema+json`
  or `+yaml`, or no format) are JSON, Protobuf (`application/vnd.google.protobuf...`) is PROTOBUF;
  other formats are refused.
- The naming rule: the message's `x-accord-subject` (what `accord catalog asyncapi` writes), else the
  template, `{message}` by default: the message's `name`, else its `messageId` (2.6), else its key. A
  template given explicitly applies to every message; it may use `{message}` and `{channel}` (the
  channel's address, else its key; for a message no channel uses, its own name), e.g.
  `{channel}-value` for Kafka's TopicNameStrategy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

DEFAULT_TEMPLATE = "{message}"
SUPPORTED_VERSIONS = ("2.6.", "3.0.")
AVRO_FORMATS = ("application/vnd.apache.avro",)
JSON_FORMATS = ("application/vnd.aai.asyncapi", "application/schema+json", "application/schema+yaml")
PROTOBUF_FORMATS = ("application/vnd.google.protobuf",)


class AsyncApiImportError(ValueError):
    """The document cannot be imported: it says where and why."""


@dataclass(frozen=True, slots=True)
class ImportedSubject:
    """A subject to register, and where in the document its schema came from."""

    subject: str
    schema_type: str  # AVRO, JSON or PROTOBUF
    schema: str
    source: str  # e.g. "components.messages.OrderCreated"


@dataclass(frozen=True, slots=True)
class _Message:
    identity: str  # the $ref that names it, or where it is written
    key: str
    channel: str | None
    body: dict[str, Any]
    source: str


def read_document(text: str) -> dict[str, Any]:
    """An AsyncAPI document from its YAML or JSON text (2.6 or 3.0)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AsyncApiImportError(f"the document is neither YAML nor JSON: {error}") from None
    if not isinstance(document, dict):
        raise AsyncApiImportError("the document is not an AsyncAPI object (its top level is not a mapping)")
    version = str(document.get("asyncapi", ""))
    if not version.startswith(SUPPORTED_VERSIONS):
        raise AsyncApiImportError(
            f"asyncapi: {version or '(missing)'} is not supported: the versions are 2.6.x and 3.0.x"
        )
    return document


def subjects_of(document: dict[str, Any], *, template: str | None = None) -> list[ImportedSubject]:
    """One subject per message with a payload, named by the rule above, in the document's order."""
    resolver = _Resolver(document)
    found: dict[str, ImportedSubject] = {}
    for message in _messages(document, resolver):
        if "payload" not in message.body:
            continue
        subject = _subject_name(message, template)
        schema_type, schema = _schema_of(message, resolver)
        imported = ImportedSubject(subject, schema_type, schema, message.source)
        earlier = found.get(subject)
        if earlier is not None and (earlier.schema_type, earlier.schema) != (schema_type, schema):
            raise AsyncApiImportError(
                f"{message.source} and {earlier.source} both name subject '{subject}' with different "
                "schemas: give a --subject-template that tells them apart"
            )
        found.setdefault(subject, imported)
    return list(found.values())


def _subject_name(message: _Message, template: str | None) -> str:
    if template is None and isinstance(message.body.get("x-accord-subject"), str):
        return str(message.body["x-accord-subject"])
    names = [message.body.get(field) for field in ("name", "messageId")]
    message_name = next((name for name in names if isinstance(name, str) and name), message.key)
    try:
        subject = (template or DEFAULT_TEMPLATE).format(
            message=message_name, channel=message.channel or message_name
        )
    except (KeyError, IndexError, ValueError) as error:
        raise AsyncApiImportError(
            f"the subject template {template!r} is invalid ({error}): it may use {{message}} and {{channel}}"
        ) from None
    if not subject:
        raise AsyncApiImportError(f"{message.source}: the subject template gives an empty name")
    return subject


def _messages(document: dict[str, Any], resolver: _Resolver) -> list[_Message]:
    """Every message of the document, those of channels first, each once."""
    seen: dict[str, _Message] = {}
    channels = _mapping(document.get("channels"), "channels")
    for channel_key, raw_channel in channels.items():
        channel = _mapping(
            resolver.resolve(raw_channel, f"channels.{channel_key}"), f"channels.{channel_key}"
        )
        if str(document["asyncapi"]).startswith("2."):
            address = str(channel_key)
            entries = [
                (f"channels.{channel_key}.{side}.message", channel[side].get("message"))
                for side in ("publish", "subscribe")
                if isinstance(channel.get(side), dict) and channel[side].get("message") is not None
            ]
        else:
            address = str(channel.get("address") or channel_key)
            entries = [
                (f"channels.{channel_key}.messages.{key}", value)
                for key, value in _mapping(
                    channel.get("messages"), f"channels.{channel_key}.messages"
                ).items()
            ]
        for where, raw in entries:
            for message in _alternatives(raw, where, resolver, channel=address):
                seen.setdefault(message.identity, message)
    components = _mapping(document.get("components"), "components")
    for key in _mapping(components.get("messages"), "components.messages"):
        pointer = "#/components/messages/" + str(key).replace("~", "~0").replace("/", "~1")
        for message in _alternatives({"$ref": pointer}, f"components.messages.{key}", resolver, channel=None):
            seen.setdefault(message.identity, message)
    return list(seen.values())


def _alternatives(raw: Any, where: str, resolver: _Resolver, *, channel: str | None) -> list[_Message]:
    """The messages `raw` stands for: itself, or each message of a 2.6 `oneOf`."""
    if isinstance(raw, dict) and isinstance(raw.get("oneOf"), list):
        return [
            message
            for index, item in enumerate(raw["oneOf"])
            for message in _alternatives(item, f"{where}.oneOf[{index}]", resolver, channel=channel)
        ]
    if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
        pointer = raw["$ref"]
        resolver.check_local(pointer, where)
        body = _mapping(resolver.resolve(raw, where), where)
        source = pointer.removeprefix("#/").replace("/", ".")
        return [_Message(pointer, pointer.rsplit("/", 1)[-1], channel, body, source)]
    return [_Message(where, where.rsplit(".", 1)[-1], channel, _mapping(raw, where), where)]


def _schema_of(message: _Message, resolver: _Resolver) -> tuple[str, str]:
    """The schema type and text of the message's payload."""
    payload = message.body["payload"]
    where = f"{message.source}.payload"
    schema_format = message.body.get("schemaFormat")
    if isinstance(payload, dict) and "schemaFormat" in payload and "schema" in payload:  # 3.0 multi-format
        schema_format, payload, where = payload["schemaFormat"], payload["schema"], f"{where}.schema"
    schema = resolver.inline(payload, where)
    format_name = str(schema_format or "application/vnd.aai.asyncapi").lower()
    if format_name.startswith(AVRO_FORMATS):
        return "AVRO", schema if isinstance(schema, str) and _is_json(schema) else json.dumps(schema)
    if format_name.startswith(JSON_FORMATS):
        if not isinstance(schema, dict | bool):
            raise AsyncApiImportError(f"{where}: a JSON Schema payload must be an object")
        return "JSON", json.dumps(schema, ensure_ascii=False)
    if format_name.startswith(PROTOBUF_FORMATS):
        if not isinstance(schema, str):
            raise AsyncApiImportError(f"{where}: a Protobuf payload must be the text of a .proto file")
        return "PROTOBUF", schema
    raise AsyncApiImportError(
        f"{message.source}: schemaFormat {schema_format!r} is not supported: Avro, JSON Schema, AsyncAPI "
        "schemas and Protobuf are"
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AsyncApiImportError(f"{where} must be a mapping")
    return value


class _Resolver:
    """Resolves `$ref`s within the document; refuses every other reference and cycles."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    @staticmethod
    def check_local(pointer: str, where: str) -> None:
        if not pointer.startswith("#"):
            raise AsyncApiImportError(
                f"{where}: $ref {pointer!r} is refused: only references within the file (#/...) are "
                "resolved, nothing is fetched"
            )

    def at(self, pointer: str) -> Any:
        """The value `pointer` (#/a/b) names."""
        value: Any = self._document
        for raw in pointer.removeprefix("#").split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                raise AsyncApiImportError(f"$ref {pointer!r} names nothing in the document")
        return value

    def resolve(self, value: Any, where: str) -> Any:
        """`value`, or what its `$ref` names (following references to references)."""
        followed: list[str] = []
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            pointer = value["$ref"]
            self.check_local(pointer, where)
            if pointer in followed:
                raise AsyncApiImportError(f"{where}: $ref {pointer!r} leads back to itself")
            followed.append(pointer)
            value = self.at(pointer)
        return value

    def inline(self, value: Any, where: str, active: tuple[str, ...] = ()) -> Any:
        """`value` with every `$ref` in it replaced by what it names (a recursive schema is refused)."""
        if isinstance(value, dict):
            pointer = value.get("$ref")
            if isinstance(pointer, str):
                self.check_local(pointer, where)
                if pointer in active:
                    raise AsyncApiImportError(
                        f"{where}: $ref {pointer!r} is recursive; a registered schema must be self-contained"
                    )
                return self.inline(self.at(pointer), where, (*active, pointer))
            return {key: self.inline(item, f"{where}.{key}", active) for key, item in value.items()}
        if isinstance(value, list):
            return [self.inline(item, f"{where}[{index}]", active) for index, item in enumerate(value)]
        return value
