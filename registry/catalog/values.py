"""What the catalog knows of the registry, gathered for one caller: the events it may read with their
current schemas, and the applications that produce and consume them. The AsyncAPI builder and the
catalog pages read these; nothing here touches a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.compatibility import SchemaType


@dataclass(frozen=True, slots=True)
class EventSchema:
    """The current schema of one event type's subject (its newest live version)."""

    subject: str
    version: int
    schema_id: int
    schema_type: SchemaType
    text: str  # for Avro with references: resolved, so the document needs nothing else
    versions: tuple[int, ...] = ()  # every live version, oldest first
    has_references: bool = False  # the registered text names types of other subjects (Avro)


@dataclass(frozen=True, slots=True)
class Sample:
    """An envelope a producer published as a sample (seed field names, data included)."""

    scenario: str
    envelope: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Production:
    """An application that sends an event type: the versions of it that count, newest last."""

    application: str
    event_type: str
    versions: tuple[str, ...]
    samples: tuple[Sample, ...] = ()
    environments: tuple[str, ...] = ()  # where one of those versions runs


@dataclass(frozen=True, slots=True)
class Consumption:
    """An application that receives an event type, and what it reads of it (its reader schema)."""

    application: str
    event_type: str
    subject: str
    versions: tuple[str, ...]
    schema_type: str
    reader_schema: dict[str, Any] | str  # JSON Schema or Avro; a reader .proto as text
    description: str = ""
    environments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogContent:
    """Everything one AsyncAPI document describes."""

    title: str
    registry_url: str  # where schemas can be fetched, without a trailing slash
    events: list[EventSchema]
    productions: list[Production] = field(default_factory=list)
    consumptions: list[Consumption] = field(default_factory=list)
    application: str | None = None  # a document of one application
    environment: str | None = None  # only the versions running there
