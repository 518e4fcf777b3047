"""Registering schemas, in two steps: the already registered answer from a reader, without the
subject's lock; a new version on the writer, under the lock, checked again there.

The caller owns both sessions (registry/web/dependencies.py: `in_registration`): it gives the
reader's connection back before the writer queues for the lock, and commits or rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from registry import errors
from registry.db import after_commit
from registry.locks import lock_name
from registry.schemas import repository as schema_repository
from registry.schemas.cache import ADDED, HARD, Change
from registry.schemas.values import Candidate, RegisterResult, SchemaSubmission
from registry.settings import Mode, resolve_normalize, validate_subject

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session

    from registry.schemas.candidates import CandidateParser
    from registry.schemas.checker import CompatibilityChecker
    from registry.schemas.guard import RegistrationGuard
    from registry.schemas.repository import VersionRow
    from registry.schemas.store import SchemaStore
    from registry.settings import SettingsService, WriteSettings


@dataclass(frozen=True, slots=True)
class PreparedRegistration:
    """What the first step learned: the answer when the schema is already registered; otherwise the
    `normalize` to register with, and the submission already parsed (None when it has no text)."""

    registered: RegisterResult | None
    normalize: bool
    candidate: Candidate | None = None


class RegistrationService:
    """POST /subjects/{subject}/versions: the subject's compatibility level and mode, then the guard,
    decide whether a new version is stored."""

    def __init__(
        self,
        *,
        store: SchemaStore,
        parser: CandidateParser,
        settings: SettingsService,
        checker: CompatibilityChecker,
        guard: RegistrationGuard,
    ) -> None:
        self._store = store
        self._parser = parser
        self._settings = settings
        self._checker = checker
        self._guard = guard

    def prepare(
        self, *, session: Session, subject: str, submission: SchemaSubmission, normalize: bool
    ) -> PreparedRegistration:
        """Step one, on a reader: the id and version if the schema is already registered under
        `subject` (then nothing else is needed), else what the second step starts from."""
        validate_subject(subject)
        if submission.version is not None or not (submission.text and submission.text.strip()):
            config = self._settings.effective_config(session=session, subject=subject)
            return PreparedRegistration(None, normalize or config.normalize)
        # Fingerprint as asked, and read the configured `normalize` in the same round trip;
        # only a config that normalizes when the request did not costs a second lookup.
        candidate = self._parser.parse(session=session, submission=submission, normalize=normalize)
        looked_up = schema_repository.lookup_for_registration(
            session, subject=subject, fingerprint=candidate.fingerprint
        )
        found = looked_up.registered
        if not normalize and resolve_normalize(looked_up.subject_normalize, looked_up.global_normalize):
            normalize = True
            candidate = self._parser.parse(session=session, submission=submission, normalize=True)
            found = schema_repository.find_registered(
                session, subject=subject, fingerprint=candidate.fingerprint
            )
        if found is not None and submission.schema_id in (None, found[0]):
            return PreparedRegistration(RegisterResult(*found), normalize, candidate)
        return PreparedRegistration(None, normalize, candidate)

    def register_new(
        self,
        *,
        session: Session,
        subject: str,
        submission: SchemaSubmission,
        prepared: PreparedRegistration,
    ) -> RegisterResult:
        """Step two, on the writer: register a new version under the subject's lock (or answer with
        the version a concurrent writer just registered). The candidate of step one is reused: the
        schemas it references are immutable."""
        lock_name(session, name=subject)
        since = self._store.cache.generation()
        write = self._settings.settings_for_write(session=session, subject=subject)
        mode = write.mode
        _check_register_mode(subject, mode, importing=submission.schema_id is not None)
        versions = schema_repository.list_version_rows(session, subject=subject)
        live = [row for row in versions if not row.deleted]
        next_version = versions[-1].version + 1 if versions else 1
        if not (submission.text and submission.text.strip()):
            submission = self._with_previous_schema(session, submission, live)
        candidate = prepared.candidate or self._parser.parse(
            session=session, submission=submission, normalize=prepared.normalize
        )
        existing_id = schema_repository.find_schema_id(session, fingerprint=candidate.fingerprint)
        requested_id = submission.schema_id
        if existing_id is not None and requested_id is not None and requested_id != existing_id:
            raise errors.IdDoesNotMatchError(existing_id, requested_id)
        if existing_id is not None and submission.version is None:
            registered = schema_repository.find_live_version_of_schema(
                session, subject=subject, schema_id=existing_id
            )
            if registered is not None:
                return RegisterResult(existing_id, registered)
        if mode is not Mode.IMPORT:
            self._check(
                session, subject=subject, candidate=candidate, live=live, version=next_version, write=write
            )
        version = self._version_to_register(session, subject, submission, mode, next_version, existing_id)
        if existing_id is not None and version in {row.version for row in versions}:
            return RegisterResult(existing_id, version)  # importing a version that is already there
        if (
            requested_id is not None
            and existing_id is None
            and schema_repository.get_schema(session, schema_id=requested_id)
        ):
            raise errors.OperationNotPermittedError(
                f"Overwrite new schema with id {requested_id} is not permitted."
            )
        schema_id = existing_id or schema_repository.insert_schema(
            session,
            fingerprint=candidate.fingerprint,
            schema_type=candidate.schema_type.value,
            schema_text=candidate.text,
            schema_metadata=candidate.metadata,
            rule_set=candidate.rule_set,
            references=[(ref.name, ref.subject, ref.version) for ref in candidate.references],
            schema_id=requested_id,
        )
        # Like Confluent, re-registering a schema drops its earlier soft-deleted versions.
        superseded = [row.version for row in versions if row.deleted and row.schema_id == schema_id]
        if superseded:
            schema_repository.delete_versions(session, subject=subject, versions=superseded)
        schema_repository.insert_version(session, subject=subject, version=version, schema_id=schema_id)
        if existing_id is None:
            after_commit(
                session,
                lambda: self._store.remember_registered(candidate, schema_id=schema_id, since=since),
            )
        else:  # one more subject may hold the id now, which permission checks must see
            changes = [Change(HARD, subject, number, schema_id) for number in superseded]
            self._store.record_changes(
                session=session, changes=[*changes, Change(ADDED, subject, version, schema_id)]
            )
        return RegisterResult(schema_id, version, created=True)

    def _check(
        self,
        session: Session,
        *,
        subject: str,
        candidate: Candidate,
        live: Sequence[VersionRow],
        version: int,
        write: WriteSettings,
    ) -> None:
        """The subject's compatibility level (409), then the guard (40910)."""
        verdict = self._checker.check(session=session, candidate=candidate, live=live, config=write.config)
        if not verdict.is_compatible:
            raise errors.IncompatibleSchemaError(subject, list(verdict.messages))
        broken = self._guard.broken_expectations(
            session=session, subject=subject, version=version, schema=candidate.parsed
        )
        if broken:
            raise errors.ExpectationBrokenError(subject, version, broken)

    def _version_to_register(
        self,
        session: Session,
        subject: str,
        submission: SchemaSubmission,
        mode: Mode,
        next_version: int,
        existing_id: int | None,
    ) -> int:
        if submission.version is None or submission.version == next_version:
            return next_version
        if mode is not Mode.IMPORT:
            raise errors.InvalidSchemaError("Version is not one more than previous version")
        taken = schema_repository.get_version(session, subject=subject, version=submission.version)
        if taken is not None and taken.schema_id != existing_id:
            raise errors.OperationNotPermittedError(
                f"Version {submission.version} of subject '{subject}' is already another schema"
            )
        return submission.version

    def _with_previous_schema(
        self, session: Session, submission: SchemaSubmission, live: Sequence[VersionRow]
    ) -> SchemaSubmission:
        """A submission without schema text reuses the latest version's schema (new metadata only)."""
        if not live:
            raise errors.InvalidSchemaError("Empty schema")
        previous = self._store.load_schema(session=session, schema_id=live[-1].schema_id, since=None)
        return replace(
            submission,
            text=previous.text,
            schema_type=previous.schema_type.value,
            references=previous.references,
        )


def _check_register_mode(subject: str, mode: Mode, *, importing: bool) -> None:
    if mode in (Mode.READONLY, Mode.READONLY_OVERRIDE):
        raise errors.OperationNotPermittedError(f"Subject {subject} is in read-only mode")
    if importing and mode is not Mode.IMPORT:
        raise errors.OperationNotPermittedError(f"Subject {subject} is not in import mode")
    if not importing and mode is not Mode.READWRITE:
        raise errors.OperationNotPermittedError(f"Subject {subject} is not in read-write mode")
