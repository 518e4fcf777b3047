"""The registry's state (settings, metrics, caches) and the reads every operation shares."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from registry import errors, repository, wire
from registry.cache import BoundedCache, Reference, RegistryCache, StoredSchema, VersionFact
from registry.compatibility import ParsedSchema, SchemaType
from registry.db import after_commit
from registry.models import SchemaRecord, SubjectVersion
from registry.service.arguments import LATEST
from registry.service.views import VersionView

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session

    from registry.config import Settings
    from registry.metrics import Metrics


class RegistryCore:
    """The registry of one process: its settings, and its caches of immutable facts."""

    def __init__(self, *, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics
        on_lookup = None if metrics is None else metrics.count_cache_lookup
        self.cache = RegistryCache(check_seconds=settings.cache_check_seconds, on_lookup=on_lookup)
        self._parsed = BoundedCache[tuple[Any, ...], ParsedSchema](settings.parsed_schema_cache_size)

    def _observe_epoch(self, session: Session) -> int:
        epoch = repository.read_delete_epoch(session)
        self.cache.observe_epoch(epoch)
        return epoch

    def _after_delete(self, session: Session) -> None:
        repository.bump_delete_epoch(session)
        after_commit(session, self.cache.invalidate)

    def _find_version(self, session: Session, *, subject: str, version: int) -> SubjectVersion | None:
        if version == LATEST:
            return repository.get_latest_version(session, subject=subject)
        return repository.get_version(session, subject=subject, version=version)

    def _raise_version_not_found(
        self, session: Session, *, subject: str, version: int, include_deleted: bool
    ) -> None:
        if not repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
            raise errors.SubjectNotFoundError(subject)
        raise errors.VersionNotFoundError(version)

    def _view(self, session: Session, row: SubjectVersion, *, epoch: int) -> VersionView:
        self.cache.put_version(row.subject, row.version, VersionFact(row.schema_id, row.deleted), epoch=epoch)
        schema = self.cache.schema(row.schema_id) or self._load_schema(
            session, schema_id=row.schema_id, epoch=epoch
        )
        return VersionView(row.subject, row.version, schema, row.deleted)

    def _load_schema(self, session: Session, *, schema_id: int, epoch: int | None) -> StoredSchema:
        record = repository.get_schema(session, schema_id=schema_id)
        if record is None:
            raise errors.SchemaNotFoundError(schema_id)
        stored = stored_schema(record, repository.get_references(session, schema_id=schema_id))
        if epoch is not None:
            self.cache.put_schema(stored, epoch=epoch)
        return stored


def stored_schema(record: SchemaRecord, references: Sequence[Any]) -> StoredSchema:
    assert record.id is not None
    return with_body(
        StoredSchema(
            id=record.id,
            schema_type=SchemaType(record.schema_type),
            text=record.schema_text,
            references=tuple(Reference(ref.name, ref.subject, ref.version) for ref in references),
            metadata=record.schema_metadata,
            rule_set=record.rule_set,
            body=b"",
        )
    )


def with_body(schema: StoredSchema) -> StoredSchema:
    """The schema with its /schemas/ids/{id} response body serialized."""
    return replace(schema, body=wire.render(wire.schema_string(schema)))
