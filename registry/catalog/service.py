"""What the catalog shows one caller, read through the schemas' and the contract store's services.

Only what the caller may read: subjects it may read, and contracts (samples, expectations) of those
subjects, as the contract API shows them. Avro schemas with references are given resolved, unless a
reference leads into a subject the caller may not read (then as registered).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from sqlmodel import Session

from registry import contract_store, errors
from registry.auth import Access
from registry.catalog.values import CatalogContent, Consumption, EventSchema, Production, Sample
from registry.compatibility import SchemaType
from registry.contract_store import EXPECTATIONS, SAMPLES, Published
from registry.contract_store.wire import ExpectationPayload, SamplePayload
from registry.schemas import SchemaLookup, SubjectFilter
from registry.schemas.output_formats import OutputFormats

RESOLVED = "resolved"
Running = dict[tuple[str, str], set[str]]  # (application, version) -> environments


@dataclass(frozen=True, slots=True)
class CatalogScope:
    """Which part of the registry a document describes."""

    application: str | None = None
    environment: str | None = None


class CatalogReader:
    """Gathers `CatalogContent` on one session for one caller."""

    def __init__(self, *, lookup: SchemaLookup, output_formats: OutputFormats) -> None:
        self._lookup = lookup
        self._output_formats = output_formats

    def read(
        self, *, session: Session, access: Access, scope: CatalogScope, title: str, registry_url: str
    ) -> CatalogContent:
        """The events the caller may read and their producers and consumers, within `scope` (40413
        when the scope names an application that published no contracts the caller may read)."""
        productions, consumptions = self._contracts(session, access, scope)
        if scope.application is not None and not productions and not consumptions:
            raise errors.ApplicationNotFoundError(scope.application, scope.environment)
        if scope.application is None:
            events = self.list_events(session=session, access=access)
        else:  # only the events the application sends or receives (and that are registered)
            used = {item.event_type for item in productions} | {item.subject for item in consumptions}
            events = [
                event
                for subject in sorted(used)
                if (event := self._find_event(session=session, access=access, subject=subject)) is not None
            ]
        return CatalogContent(
            title=title,
            registry_url=registry_url,
            events=events,
            productions=productions,
            consumptions=consumptions,
            application=scope.application,
            environment=scope.environment,
        )

    def read_event(self, *, session: Session, access: Access, subject: str) -> CatalogContent:
        """One event type (a subject the caller may read; 40401 when it may not, as if absent) with its
        producers and consumers."""
        if not access.can_read(subject):
            raise errors.SubjectNotFoundError(subject)
        productions, consumptions = self._contracts(session, access, CatalogScope())
        return CatalogContent(
            title=subject,
            registry_url="",
            events=[self.get_event(session=session, access=access, subject=subject)],
            productions=[item for item in productions if item.event_type == subject],
            consumptions=[item for item in consumptions if item.subject == subject],
        )

    def _contracts(
        self, session: Session, access: Access, scope: CatalogScope
    ) -> tuple[list[Production], list[Consumption]]:
        running = self._running_in(session, scope.environment)
        productions = _productions(
            SAMPLES.list_relevant(session=session, event_types=None), access, scope, running
        )
        consumptions = _consumptions(
            EXPECTATIONS.list_relevant(session=session, event_types=None), access, scope, running
        )
        return productions, consumptions

    def list_events(self, *, session: Session, access: Access) -> list[EventSchema]:
        """The newest live version of every live subject the caller may read."""
        subjects = self._lookup.list_subjects(
            session=session,
            subject_prefix="",
            subject_filter=SubjectFilter.LIVE,
            offset=0,
            limit=0,
            visible=None if access.reads_everything else access.can_read,
        )
        return [self.get_event(session=session, access=access, subject=subject) for subject in subjects]

    def get_event(self, *, session: Session, access: Access, subject: str) -> EventSchema:
        latest = self._lookup.get_version(
            session=session, subject=subject, version="latest", include_deleted=False
        )
        versions = self._lookup.list_versions(
            session=session, subject=subject, version_filter=SubjectFilter.LIVE
        )
        schema = latest.schema
        text = schema.text
        if schema.schema_type is SchemaType.AVRO and schema.references:
            # a reference leading to a subject the caller may not read: shown as registered
            with suppress(errors.ForbiddenError):
                text = self._output_formats.get_schema_in_format(
                    session=session,
                    schema_id=schema.id,
                    format=RESOLVED,
                    readable=None if access.reads_everything else access.can_read,
                ).text
        return EventSchema(
            subject=subject,
            version=latest.version,
            schema_id=schema.id,
            schema_type=schema.schema_type,
            text=text,
            versions=tuple(versions),
            has_references=bool(schema.references),
        )

    def _find_event(self, *, session: Session, access: Access, subject: str) -> EventSchema | None:
        """The event of `subject`, or None when it has no live version."""
        try:
            return self.get_event(session=session, access=access, subject=subject)
        except errors.NotFoundError:
            return None

    @staticmethod
    def _running_in(session: Session, environment: str | None) -> Running:
        """The environments each (application, version) is deployed or released in (only
        `environment`, when given)."""
        running: Running = {}
        for deployment in contract_store.list_deployments(session=session, environment=environment):
            running.setdefault((deployment.application, deployment.version), set()).add(
                deployment.environment
            )
        return running


def _counted(application: str, version: str, scope: CatalogScope, running: Running) -> bool:
    """Whether an application version that counts belongs in the scope."""
    if scope.application is not None and application != scope.application:
        return False
    return scope.environment is None or (application, version) in running


def _productions(
    published: Sequence[Published[SamplePayload]],
    access: Access,
    scope: CatalogScope,
    running: Running,
) -> list[Production]:
    found: dict[tuple[str, str], tuple[list[str], list[Sample], set[str]]] = {}
    for item in published:
        if not _counted(item.application, item.version, scope, running):
            continue
        for sample in item.items:
            event_type = str(sample.envelope.get("eventType", ""))
            if not access.can_read(event_type):
                continue
            versions, samples, environments = found.setdefault(
                (item.application, event_type), ([], [], set())
            )
            if item.version not in versions:
                versions.append(item.version)
            samples.append(Sample(sample.scenario, sample.envelope))
            environments |= running.get((item.application, item.version), set())
    return [
        Production(application, event_type, tuple(versions), tuple(samples), tuple(sorted(environments)))
        for (application, event_type), (versions, samples, environments) in sorted(found.items())
    ]


def _consumptions(
    published: Sequence[Published[ExpectationPayload]],
    access: Access,
    scope: CatalogScope,
    running: Running,
) -> list[Consumption]:
    """What each consumer reads of each subject: the newest version's expectation (versions oldest first)."""
    found: dict[tuple[str, str], tuple[list[str], Consumption, set[str]]] = {}
    for item in published:
        if not _counted(item.application, item.version, scope, running):
            continue
        for expectation in item.items:
            subject = expectation.subject or expectation.event_type
            if not access.can_read(subject):
                continue
            key = (item.application, subject)
            previous = found.get(key)
            versions, environments = (previous[0], previous[2]) if previous else ([], set())
            if item.version not in versions:
                versions.append(item.version)
            newest = Consumption(
                application=item.application,
                event_type=expectation.event_type,
                subject=subject,
                versions=(),
                schema_type=expectation.schema_type,
                reader_schema=expectation.schema_,
                description=expectation.description,
            )
            found[key] = (
                versions,
                newest,
                environments | running.get((item.application, item.version), set()),
            )
    return [
        Consumption(
            application=newest.application,
            event_type=newest.event_type,
            subject=newest.subject,
            versions=tuple(versions),
            schema_type=newest.schema_type,
            reader_schema=newest.reader_schema,
            description=newest.description,
            environments=tuple(sorted(environments)),
        )
        for _, (versions, newest, environments) in sorted(found.items())
    ]
