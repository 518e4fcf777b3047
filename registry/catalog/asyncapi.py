"""An AsyncAPI 3.0 document of the catalog: a pure function of `CatalogContent`.

The mapping (docs/catalog.md tells it for users):

- each event type (a subject) is a channel whose address is its topic (the subject without a `-value`
  or `-key` suffix, else the subject) and one message, in `components.messages`;
- the message's payload is the subject's newest live schema in its own format (Avro with AsyncAPI's
  Avro schema format, JSON Schema as draft-07, Protobuf as its text), inlined, with the registry's URL
  of it in `x-accord-schema-url`; the envelope is the CloudEvents Kafka binding's `ce_` headers;
  published samples become the message's examples;
- each producer of an event type is a `send` operation, each consumer a `receive` operation carrying
  its reader schema (the fields it reads) in `x-accord-reads`, with the application versions that
  count and the environments they run in.

Keys of channels, messages and operations must match `^[\\w\\d.\\-_]+$`: other characters become `_`,
and the subject's own name stays in `x-accord-subject`.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from registry.catalog.values import CatalogContent, EventSchema, Production, Sample
from registry.compatibility import SchemaType

ASYNCAPI_VERSION = "3.0.0"
AVRO_FORMAT = "application/vnd.apache.avro+json;version=1.9.0"
JSON_SCHEMA_FORMAT = "application/schema+json;version=draft-07"
PROTOBUF_FORMAT = "application/vnd.google.protobuf;version=3"
CONTENT_TYPES = {
    SchemaType.AVRO: "application/vnd.apache.avro+binary",
    SchemaType.JSON: "application/json",
    SchemaType.PROTOBUF: "application/x-protobuf",
}
TOPIC_SUFFIXES = ("-value", "-key")
NAMED_TYPES = ("record", "error", "enum", "fixed")
BY_REFERENCE = (SchemaType.AVRO, SchemaType.JSON)  # a Protobuf schema's text is no JSON: always inlined
_UNSAFE = re.compile(r"[^\w.\-]", re.ASCII)

# The envelope as the CloudEvents Kafka binding carries it: (header, envelope field, schema).
CLOUDEVENTS_HEADERS: tuple[tuple[str, str | None, dict[str, Any]], ...] = (
    ("ce_specversion", None, {"type": "string", "const": "1.0"}),
    ("ce_id", "eventId", {"type": "string", "description": "Unique per event; consumers deduplicate on it"}),
    ("ce_source", "source", {"type": "string", "description": "The producing service"}),
    ("ce_type", "eventType", {"type": "string", "description": "The event type"}),
    ("ce_time", "timestamp", {"type": "string", "format": "date-time"}),
    ("ce_eventversion", "eventVersion", {"type": "string", "description": "The subject version of data"}),
    ("ce_correlationid", "correlationId", {"type": "string", "description": "Shared by one flow"}),
    ("ce_causationid", "causationId", {"type": "string", "description": "The eventId of the cause"}),
    ("ce_dataschema", None, {"type": "string", "format": "uri", "description": "The schema's URL"}),
    ("ce_partitionkey", "partitionKey", {"type": "string", "description": "The aggregate id"}),
    ("ce_sequence", "sequenceNumber", {"type": "string", "description": "The per-aggregate order"}),
)
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type")


def topic_of(subject: str) -> str:
    """The topic a subject's events travel on (Confluent's TopicNameStrategy reversed)."""
    for suffix in TOPIC_SUFFIXES:
        if subject.endswith(suffix) and len(subject) > len(suffix):
            return subject[: -len(suffix)]
    return subject


def safe_key(name: str) -> str:
    """`name` as an AsyncAPI component key."""
    return _UNSAFE.sub("_", name) or "_"


def build_document(content: CatalogContent, *, by_reference: bool = False) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of `content`, as JSON-ready data; `by_reference`: Avro and JSON Schema
    payloads as `$ref`s to the registry's URL of each schema instead of inlined."""
    keys = _Keys()
    events = {event.subject: event for event in content.events}
    productions = [item for item in content.productions if item.event_type in events]
    consumptions = [item for item in content.consumptions if item.subject in events]
    if content.application is not None:
        used = {item.event_type for item in productions} | {item.subject for item in consumptions}
        events = {subject: event for subject, event in events.items() if subject in used}
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    samples = _samples_by_event_type(productions)
    for subject, event in sorted(events.items()):
        key = keys.channel(subject)
        message = _message(event, content.registry_url, samples.get(subject, ()))
        if by_reference and event.schema_type in BY_REFERENCE:
            message["payload"]["schema"] = {"$ref": schema_text_url(content.registry_url, event)}
        messages[key] = message
        channels[key] = {
            "address": topic_of(subject),
            "title": subject,
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "x-accord-subject": subject,
        }
    operations: dict[str, Any] = {}
    for production in productions:
        key = keys.channel(production.event_type)
        operations[keys.operation(production.application, "send", key)] = _operation(
            "send", production.application, key, production.versions, production.environments
        )
    for consumption in consumptions:
        key = keys.channel(consumption.subject)
        operation = _operation(
            "receive", consumption.application, key, consumption.versions, consumption.environments
        )
        if consumption.description:
            operation["description"] = consumption.description
        operation["x-accord-reads"] = {
            "schemaType": consumption.schema_type,
            "schema": consumption.reader_schema,
        }
        operations[keys.operation(consumption.application, "receive", key)] = operation
    document: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "info": _info(content, events.values()),
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
    return document


def _info(content: CatalogContent, events: Any) -> dict[str, Any]:
    newest = max((event.schema_id for event in events), default=0)
    scope = [f"application {content.application}"] if content.application else []
    scope += [f"environment {content.environment}"] if content.environment else []
    description = (
        "The event types of an Accord schema registry: their current schemas, who sends them and who "
        "receives them, from the registry's subjects and its contract store"
    )
    info: dict[str, Any] = {
        "title": content.title,
        # The newest schema id shown: a new registration makes a new version of the document.
        "version": f"{newest}.0.0",
        "description": description + (f" (only {', '.join(scope)})." if scope else "."),
        "x-accord-registry": content.registry_url,
    }
    return info


def _message(event: EventSchema, registry_url: str, samples: tuple[Sample, ...]) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": event.subject,
        "title": event.subject,
        "summary": f"{event.subject} version {event.version} (schema id {event.schema_id})",
        "contentType": CONTENT_TYPES[event.schema_type],
        "headers": _headers(),
        "payload": _payload(event),
        "correlationId": {"location": "$message.header#/ce_correlationid"},
        "x-accord-subject": event.subject,
        "x-accord-version": event.version,
        "x-accord-versions": list(event.versions),
        "x-accord-schema-id": event.schema_id,
        "x-accord-schema-type": event.schema_type.value,
        "x-accord-schema-url": f"{registry_url}/schemas/ids/{event.schema_id}",
    }
    examples = [_example(sample) for sample in samples]
    if examples:
        message["examples"] = examples
    return message


def _payload(event: EventSchema) -> dict[str, Any]:
    if event.schema_type is SchemaType.AVRO:
        return {"schemaFormat": AVRO_FORMAT, "schema": split_full_names(orjson.loads(event.text))}
    if event.schema_type is SchemaType.JSON:
        return {"schemaFormat": JSON_SCHEMA_FORMAT, "schema": orjson.loads(event.text)}
    return {"schemaFormat": PROTOBUF_FORMAT, "schema": event.text}


def schema_text_url(registry_url: str, event: EventSchema) -> str:
    """The registry's URL of the schema's text (for Avro with references, resolved into one schema)."""
    address = f"{registry_url}/schemas/ids/{event.schema_id}/schema"
    return (
        f"{address}?format=resolved"
        if event.has_references and event.schema_type is SchemaType.AVRO
        else address
    )


def split_full_names(schema: Any) -> Any:
    """The Avro schema with each full name in `name` ("shop.Order") written as a name and a namespace:
    the same schema to Avro, and the form AsyncAPI's Avro schema accepts."""
    if isinstance(schema, list):
        return [split_full_names(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    written = {key: split_full_names(value) for key, value in schema.items()}
    name = written.get("name")
    if written.get("type") in NAMED_TYPES and isinstance(name, str) and "." in name:
        namespace, _, simple = name.rpartition(".")
        written["name"], written["namespace"] = simple, namespace
    return written


def _headers() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The event envelope as CloudEvents 1.0 headers (Kafka binding)",
        "required": list(REQUIRED_HEADERS),
        "properties": {name: schema for name, _, schema in CLOUDEVENTS_HEADERS},
    }


def _example(sample: Sample) -> dict[str, Any]:
    envelope = sample.envelope
    headers: dict[str, Any] = {"ce_specversion": "1.0"}
    for header, field, _ in CLOUDEVENTS_HEADERS:
        if field is not None and envelope.get(field) is not None:
            headers[header] = str(envelope[field])
    example: dict[str, Any] = {"name": safe_key(sample.scenario), "headers": headers}
    if "data" in envelope:
        example["payload"] = envelope["data"]
    return example


def _operation(
    action: str, application: str, channel: str, versions: tuple[str, ...], environments: tuple[str, ...]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "action": action,
        "title": f"{application} {action}s {channel}",
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{channel}"}],
        "tags": [{"name": application}],
        "x-accord-application": application,
        "x-accord-versions": list(versions),
    }
    if environments:
        operation["x-accord-environments"] = list(environments)
    return operation


def _samples_by_event_type(productions: list[Production]) -> dict[str, tuple[Sample, ...]]:
    """The samples of each event type, of every producer, the first of each scenario."""
    found: dict[str, dict[str, Sample]] = {}
    for production in productions:
        by_scenario = found.setdefault(production.event_type, {})
        for sample in production.samples:
            by_scenario.setdefault(sample.scenario, sample)
    return {event_type: tuple(by_scenario.values()) for event_type, by_scenario in found.items()}


class _Keys:
    """Distinct safe keys: two names that differ only in unsafe characters get `_2`, `_3` ..."""

    def __init__(self) -> None:
        self._channels: dict[str, str] = {}
        self._taken: set[str] = set()

    def channel(self, subject: str) -> str:
        if subject not in self._channels:
            self._channels[subject] = self._fresh(safe_key(subject))
        return self._channels[subject]

    def operation(self, application: str, action: str, channel: str) -> str:
        return self._fresh(safe_key(f"{application}.{action}.{channel}"))

    def _fresh(self, key: str) -> str:
        candidate, number = key, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{key}_{number}"
        self._taken.add(candidate)
        return candidate
