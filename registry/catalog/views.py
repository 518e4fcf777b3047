"""The catalog as the web UI shows it: every event type with a search, and one page per event type
(its description, current schema and history, producers, consumers and the fields each reads,
deployments per environment, an example event). Read models only: pure functions of the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from registry.catalog.examples import example_of
from registry.catalog.values import CatalogContent, EventSchema, Production
from registry.compatibility import SchemaType


@dataclass(frozen=True, slots=True)
class EventTypeRow:
    """One event type in the listing."""

    event: EventSchema
    description: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConsumerRow:
    """A consumer of the event type and the fields it reads (JSON paths into `data`)."""

    application: str
    versions: tuple[str, ...]
    environments: tuple[str, ...]
    fields: list[str]
    description: str


@dataclass(frozen=True, slots=True)
class Example:
    """An example event: an envelope with its data, and where it comes from."""

    envelope: dict[str, Any]
    origin: str

    @property
    def text(self) -> str:
        return orjson.dumps(self.envelope, option=orjson.OPT_INDENT_2).decode()


@dataclass(frozen=True, slots=True)
class EventTypeDetail:
    event: EventSchema
    description: str
    producers: list[Production]
    consumers: list[ConsumerRow]
    environments: dict[str, list[tuple[str, str, str]]]  # environment -> (application, role, versions)
    example: Example


def list_event_types(content: CatalogContent, *, search: str) -> list[EventTypeRow]:
    """The event types whose name or description holds `search` (case-insensitive; every one for "")."""
    needle = search.strip().casefold()
    rows = []
    for event in content.events:
        description = description_of(event)
        if needle and needle not in event.subject.casefold() and needle not in description.casefold():
            continue
        producers = sorted(
            {item.application for item in content.productions if item.event_type == event.subject}
        )
        consumers = sorted(
            {item.application for item in content.consumptions if item.subject == event.subject}
        )
        rows.append(EventTypeRow(event, description, tuple(producers), tuple(consumers)))
    return rows


def event_type_detail(content: CatalogContent, event: EventSchema) -> EventTypeDetail:
    producers = [item for item in content.productions if item.event_type == event.subject]
    consumers = [
        ConsumerRow(
            item.application,
            item.versions,
            item.environments,
            fields_read(item.schema_type, item.reader_schema),
            item.description,
        )
        for item in content.consumptions
        if item.subject == event.subject
    ]
    environments: dict[str, list[tuple[str, str, str]]] = {}
    for role, applications in (("produces", producers), ("consumes", consumers)):
        for application in applications:
            for environment in application.environments:
                environments.setdefault(environment, []).append(
                    (application.application, role, ", ".join(application.versions))
                )
    return EventTypeDetail(
        event=event,
        description=description_of(event),
        producers=producers,
        consumers=consumers,
        environments=dict(sorted(environments.items())),
        example=_example(event, producers),
    )


def description_of(event: EventSchema) -> str:
    """The schema's own description: Avro's `doc`, JSON Schema's `description` (else its `title`)."""
    if event.schema_type is SchemaType.PROTOBUF:
        return ""
    try:
        schema = orjson.loads(event.text)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(schema, dict):
        return ""
    keys = ("doc",) if event.schema_type is SchemaType.AVRO else ("description", "title")
    return next((str(schema[key]) for key in keys if isinstance(schema.get(key), str)), "")


def fields_read(schema_type: str, schema: Any, prefix: str = "") -> list[str]:
    """The fields a reader schema names, as paths (`items[].sku`): what the consumer reads."""
    if not isinstance(schema, dict):
        return []
    if schema_type == "AVRO":
        if schema.get("type") == "array":
            return fields_read(schema_type, schema.get("items"), f"{prefix}[]")
        found = []
        for field in schema.get("fields", []) if schema.get("type") == "record" else []:
            path = f"{prefix}.{field['name']}" if prefix else str(field["name"])
            inner = field.get("type")
            branches = inner if isinstance(inner, list) else [inner]
            nested = [name for branch in branches for name in fields_read(schema_type, branch, path)]
            found.extend(nested or [path])
        return found
    if schema.get("type") == "array" or "items" in schema:
        return fields_read(schema_type, schema.get("items"), f"{prefix}[]")
    found = []
    for name, inner in (schema.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else str(name)
        found.extend(fields_read(schema_type, inner, path) or [path])
    return found


def _example(event: EventSchema, producers: list[Production]) -> Example:
    for production in producers:
        for sample in production.samples:
            origin = f"The sample “{sample.scenario}” published by {production.application}."
            return Example(sample.envelope, origin)
    envelope = {
        "eventId": "00000000-0000-4000-8000-000000000000",
        "source": "example-producer",
        "eventType": event.subject,
        "eventVersion": str(event.version),
        "timestamp": "2026-01-01T00:00:00Z",
        "correlationId": "00000000-0000-4000-8000-000000000001",
        "data": example_of(event.schema_type, event.text),
    }
    return Example(
        envelope, f"Generated from version {event.version} of the schema: no producer has published a sample."
    )
