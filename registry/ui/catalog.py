"""Every read the web UI makes, through the registry's service layer (the UI has no SQL of its own).

Pages ask a `Catalog` and nothing else, so the caller's permissions are applied here: listings show
the subjects the caller may read, a schema is shown when one of its subjects is readable, and links to
other subjects' versions are left out when the caller may not read them. (The subject of a page's path
was checked before the page ran, by registry.auth.access.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from registry import audit, contract_store, errors
from registry.audit import AuditEntry, AuditFilter
from registry.auth import Access
from registry.compatibility import Change, CompatibilityLevel, Incompatibility, SchemaType
from registry.compatibility.protobuf import line_of
from registry.compatibility.reports import locate
from registry.contract_store import views as contract_views
from registry.contract_store.views import (
    CheckOutcome,
    ConsumerExpectation,
    EventTypeContracts,
    EventTypeSummary,
    SubjectContracts,
    group_findings,
)
from registry.contract_store.wire import CanIDeployRead, DeploymentRead, EnforcementRead, ResultRead
from registry.schemas import (
    Reference,
    SchemaLookup,
    SchemaViews,
    StoredSchema,
    SubjectPage,
    SubjectQuery,
    VersionComparison,
    VersionRecord,
    VersionView,
    as_seen_by,
)
from registry.settings import SettingsService, SubjectSettings
from registry.ui.diff import DiffRow, side_by_side
from registry.ui.highlight import Line, highlight_lines, pretty_schema

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class VersionLink:
    """A subject version another page links to."""

    subject: str
    version: int
    deleted: bool


# What one page shows at most, so that a huge schema costs a page a bounded amount of work and HTML:
# the lines of a schema (the rest is a link to the raw schema), and rows of a table of findings.
SHOWN_SCHEMA_LINES = 2_000
SHOWN_SCHEMA_CHARACTERS = 200_000
SHOWN_ROWS = 200


@dataclass(frozen=True, slots=True)
class SchemaText:
    """A schema ready to show: pretty-printed text and its highlighted lines, up to the bounds above
    (`total_lines` tells how many lines the whole schema has)."""

    text: str
    lines: list[Line]
    schema_type: SchemaType
    total_lines: int
    schema_id: int | None = None  # where the whole schema is, when it has an id

    @property
    def truncated(self) -> bool:
        return len(self.lines) < self.total_lines

    @classmethod
    def of(cls, schema: StoredSchema) -> SchemaText:
        return cls.of_text(schema.text, schema.schema_type, schema_id=schema.id)

    @classmethod
    def of_text(cls, text: str, schema_type: SchemaType, *, schema_id: int | None = None) -> SchemaText:
        every_line = pretty_schema(text, schema_type).split("\n")
        kept: list[str] = []
        size = 0
        for line in every_line[:SHOWN_SCHEMA_LINES]:
            size += len(line) + 1
            if size > SHOWN_SCHEMA_CHARACTERS and kept:
                break
            kept.append(line)
        shown = "\n".join(kept)
        return cls(shown, highlight_lines(shown, schema_type), schema_type, len(every_line), schema_id)


@dataclass(frozen=True, slots=True)
class VersionPage:
    subject: str
    history: list[VersionRecord]
    selected: VersionView
    record: VersionRecord
    settings: SubjectSettings
    schema: SchemaText
    references: tuple[Reference, ...]
    referenced_by: list[VersionLink]
    contracts: SubjectContracts

    @property
    def previous(self) -> VersionRecord | None:
        """The version before the selected one, to compare with."""
        earlier = [entry for entry in self.history if entry.version < self.selected.version]
        return earlier[-1] if earlier else None


@dataclass(frozen=True, slots=True)
class Difference:
    """One incompatibility of a comparison, with the direction in which it breaks."""

    direction: str  # BACKWARD: the new version reads old data; FORWARD: the old version reads new data
    issue: Incompatibility
    anchor: str  # the line of the side-by-side view its path points at ("new-L12")


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One change the JSON Schema engine found from the old version to the new one."""

    change: Change
    anchor: str


@dataclass(frozen=True, slots=True)
class DiffPage:
    subject: str
    history: list[VersionRecord]
    comparison: VersionComparison
    settings: SubjectSettings
    rows: list[DiffRow]  # of the lines each side shows (SchemaText's bounds)
    differences: list[Difference]  # the first SHOWN_ROWS
    changes: list[ChangeLine]  # the first SHOWN_ROWS
    more_differences: int
    more_changes: int
    compared_lines: tuple[int, int] | None  # (old, new) when a side shows only its first lines


@dataclass(frozen=True, slots=True)
class SchemaPage:
    schema: StoredSchema
    text: SchemaText
    used_by: list[VersionLink]


@dataclass(frozen=True, slots=True)
class ContractsPage:
    event_types: list[EventTypeSummary]
    deployments: dict[str, list[DeploymentRead]]  # per environment
    applications: list[str]


@dataclass(frozen=True, slots=True)
class SubjectOfEventType:
    """A subject an event type's schemas live in; `registered` when the registry holds it (a link
    to it leads somewhere)."""

    name: str
    registered: bool
    enforcement: EnforcementRead


@dataclass(frozen=True, slots=True)
class ReaderSchema:
    """A consumer's expectation with its reader schema ready to show."""

    owner: ConsumerExpectation
    text: SchemaText


@dataclass(frozen=True, slots=True)
class EventTypePage:
    contracts: EventTypeContracts
    subjects: list[SubjectOfEventType]
    readers: list[ReaderSchema]
    history: bool


@dataclass(frozen=True, slots=True)
class DeploymentQuestion:
    """Can `application` at `version` be deployed to `environment`?"""

    application: str
    version: str
    environment: str


@dataclass(frozen=True, slots=True)
class CanIDeployPage:
    question: DeploymentQuestion | None
    answer: CanIDeployRead | None
    applications: list[str]
    environments: list[str]


@dataclass(frozen=True, slots=True)
class PairPage:
    """One verified pair: its findings per event type, each event type's checks in order."""

    result: ResultRead
    event_types: dict[str, list[CheckOutcome]]


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Entries of the audit log, newest first; `has_older` when more match beyond the last one."""

    entries: list[AuditEntry]
    has_older: bool


class Catalog:
    """The reads of one request: the services' read models on the request's session."""

    def __init__(
        self,
        *,
        views: SchemaViews,
        lookup: SchemaLookup,
        settings: SettingsService,
        session: Session,
        access: Access,
    ) -> None:
        self._views = views
        self._lookup = lookup
        self._settings = settings
        self._session = session
        self._access = access

    def list_subjects(self, query: SubjectQuery) -> SubjectPage:
        visible = None if self._access.reads_everything else self._access.can_read
        return self._views.browse_subjects(session=self._session, query=query, visible=visible)

    def get_version_page(self, subject: str, version: str | None) -> VersionPage:
        """A version of the subject (by default its newest live one, or its newest once all are deleted)."""
        history = self._views.list_version_history(session=self._session, subject=subject)
        number = str(_default_version(history)) if version is None else version
        selected = self._lookup.get_version(
            session=self._session, subject=subject, version=number, include_deleted=True
        )
        referencing = self._lookup.referenced_by(
            session=self._session, subject=subject, version=str(selected.version)
        )
        return VersionPage(
            subject=subject,
            history=history,
            selected=selected,
            record=next(entry for entry in history if entry.version == selected.version),
            settings=self._settings.subject_settings(session=self._session, subject=subject),
            schema=SchemaText.of(selected.schema),
            references=self._shown(selected.schema).references,
            referenced_by=[link for schema_id in referencing for link in self._versions_of(schema_id)],
            contracts=contract_views.contracts_of_subject(session=self._session, subject=subject),
        )

    def get_diff_page(self, subject: str, old: str | None, new: str | None) -> DiffPage:
        """Two versions side by side; by default the newest one and the version before it."""
        history = self._views.list_version_history(session=self._session, subject=subject)
        new = str(_default_version(history)) if new is None else new
        if old is None:
            newer = self._lookup.get_version(
                session=self._session, subject=subject, version=new, include_deleted=True
            )
            earlier = [entry.version for entry in history if entry.version < newer.version]
            old = str(earlier[-1] if earlier else newer.version)
        comparison = self._views.compare_versions(session=self._session, subject=subject, old=old, new=new)
        old_text = SchemaText.of(comparison.old.schema)
        new_text = SchemaText.of(comparison.new.schema)
        # A path names a place in the reader: the new version for BACKWARD, the old one for FORWARD.
        readers = {"BACKWARD": ("new", new_text), "FORWARD": ("old", old_text)}
        issues = [
            (failure.direction, issue)
            for failure in comparison.results[CompatibilityLevel.FULL].failures
            for issue in failure.incompatibilities
        ]
        return DiffPage(
            subject=subject,
            history=history,
            comparison=comparison,
            settings=self._settings.subject_settings(session=self._session, subject=subject),
            rows=side_by_side(old_text.lines, new_text.lines),
            differences=[
                Difference(direction, issue, _anchor(*readers[direction], issue.path))
                for direction, issue in issues[:SHOWN_ROWS]
            ],
            changes=[
                ChangeLine(change, _anchor("new", new_text, change.path))
                for change in comparison.changes[:SHOWN_ROWS]
            ],
            more_differences=max(0, len(issues) - SHOWN_ROWS),
            more_changes=max(0, len(comparison.changes) - SHOWN_ROWS),
            compared_lines=(
                (len(old_text.lines), len(new_text.lines))
                if old_text.truncated or new_text.truncated
                else None
            ),
        )

    def get_schema_page(self, schema_id: int) -> SchemaPage:
        schema = self._lookup.get_schema(session=self._session, schema_id=schema_id)
        used_by = self._versions_of(schema_id)
        if not used_by:
            raise errors.SchemaIdNotFoundError(schema_id)  # as if absent: no subject of it is readable
        return SchemaPage(self._shown(schema), SchemaText.of(schema), used_by)

    def get_contracts_page(self) -> ContractsPage:
        deployments: dict[str, list[DeploymentRead]] = {}
        for deployment in contract_store.list_deployments(session=self._session, environment=None):
            deployments.setdefault(deployment.environment, []).append(deployment)
        return ContractsPage(
            event_types=[  # as if absent to whom may read none of its subjects
                summary
                for summary in contract_views.list_event_types(session=self._session)
                if any(self._access.can_read(subject) for subject in summary.subjects)
            ],
            deployments=dict(sorted(deployments.items())),
            applications=contract_views.list_applications(session=self._session),
        )

    def get_event_type_page(self, event_type: str, *, history: bool) -> EventTypePage:
        contracts = contract_views.get_event_type(
            session=self._session, event_type=event_type, history=history
        )
        if not any(self._access.can_read(subject) for subject in contracts.subjects):
            raise errors.EventTypeNotFoundError(event_type)  # as if absent, as in the listing
        return EventTypePage(
            contracts=contracts,
            subjects=[
                SubjectOfEventType(
                    name,
                    registered=self._is_registered(name),
                    enforcement=contract_store.get_enforcement(session=self._session, subject=name),
                )
                for name in contracts.subjects
                if self._access.can_read(name)  # as if absent, like its enforcement in the API
            ],
            readers=[
                ReaderSchema(
                    owner,
                    SchemaText.of_text(
                        _reader_text(owner.expectation.schema_),
                        SchemaType(owner.expectation.schema_type),
                    ),
                )
                for owner in contracts.expectations
                if self._access.can_read(owner.expectation.subject or event_type)
            ],
            history=history,
        )

    def get_can_i_deploy_page(self, question: DeploymentQuestion | None) -> CanIDeployPage:
        answer = None
        if question is not None:
            answer = contract_store.can_i_deploy(
                session=self._session,
                application=question.application,
                version=question.version,
                environment=question.environment,
            )
        return CanIDeployPage(
            question=question,
            answer=answer,
            applications=contract_views.list_applications(session=self._session),
            environments=contract_views.list_environments(session=self._session),
        )

    def get_pair_page(
        self, *, producer: str, producer_version: str, consumer: str, consumer_version: str
    ) -> PairPage:
        result = contract_store.get_result(
            session=self._session,
            producer=producer,
            producer_version=producer_version,
            consumer=consumer,
            consumer_version=consumer_version,
        )
        findings = [finding for finding in result.findings if self._access.can_read(finding.event_type)]
        return PairPage(result, group_findings(findings))

    def get_audit_page(self, audit_filter: AuditFilter, *, before: int | None, limit: int) -> AuditPage:
        """The entries an administrator may see, as GET /audit gives them: those of the subjects it
        administers, and registry-wide ones to administrators of every subject."""
        visible = None if self._access.can_administer(None) else self._access.can_administer
        entries = audit.list_entries(
            session=self._session, audit_filter=audit_filter, before=before, limit=limit + 1, visible=visible
        )
        return AuditPage(entries[:limit], has_older=len(entries) > limit)

    def _is_registered(self, subject: str) -> bool:
        try:
            self._views.list_version_history(session=self._session, subject=subject)
        except errors.SubjectNotFoundError:
            return False
        return True

    def _shown(self, schema: StoredSchema) -> StoredSchema:
        """The schema without its references into subjects the caller may not read."""
        return as_seen_by(schema, None if self._access.reads_everything else self._access.can_read)

    def _versions_of(self, schema_id: int) -> list[VersionLink]:
        live = set(
            self._lookup.versions_of_schema(session=self._session, schema_id=schema_id, include_deleted=False)
        )
        return [
            VersionLink(subject, version, (subject, version) not in live)
            for subject, version in self._lookup.versions_of_schema(
                session=self._session, schema_id=schema_id, include_deleted=True
            )
            if self._access.can_read(subject)
        ]


def _anchor(side: str, schema: SchemaText, pointer: str) -> str:
    """The id of the side-by-side line that `pointer` names in the schema (or the nearest part of it)."""
    if schema.schema_type is SchemaType.PROTOBUF:
        line = line_of(schema.text, pointer)
    else:
        position = locate(schema.text, pointer)
        line = position[0] if position else None
    return f"{side}-L{line or 1}"


def _default_version(history: list[VersionRecord]) -> int:
    live = [entry.version for entry in history if not entry.deleted]
    return (live or [entry.version for entry in history])[-1]


def _reader_text(schema: dict[str, Any] | str) -> str:
    """A reader schema as text: a `.proto` file as it is, a JSON one serialized."""
    return schema if isinstance(schema, str) else orjson.dumps(schema).decode()
