"""Registering schemas: new versions under the subject's lock, already registered ones without it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from registry import contract_service, errors, repository
from registry.db import after_commit
from registry.repository import VersionRow
from registry.service.arguments import Mode, validate_subject
from registry.service.candidates import Candidate
from registry.service.checks import CompatibilityChecks
from registry.service.config_mode import resolve_normalize
from registry.service.lookup import Lookup
from registry.service.views import RegisterResult, SchemaSubmission

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session


class Registration(Lookup, CompatibilityChecks):
    """POST /subjects/{subject}/versions."""

    def register(
        self, *, reader: Session, writer: Session, subject: str, submission: SchemaSubmission, normalize: bool
    ) -> RegisterResult:
        """Register the schema under `subject`, or return its id and version if it already is.

        An already registered schema is answered from `reader` without taking the subject's lock;
        only a new version takes `writer`'s lock, and is then checked again under it.
        """
        validate_subject(subject)
        candidate = None
        if submission.version is None and submission.text and submission.text.strip():
            # Fingerprint as asked, and read the configured `normalize` in the same round trip;
            # only a config that normalizes when the request did not costs a second lookup.
            candidate = self._candidate(reader, submission, normalize=normalize)
            looked_up = repository.lookup_for_registration(
                reader, subject=subject, fingerprint=candidate.fingerprint
            )
            found = looked_up.registered
            if not normalize and resolve_normalize(looked_up.subject_normalize, looked_up.global_normalize):
                normalize = True
                candidate = self._candidate(reader, submission, normalize=True)
                found = repository.find_registered(reader, subject=subject, fingerprint=candidate.fingerprint)
            if found is not None and submission.schema_id in (None, found[0]):
                return RegisterResult(*found)
        else:
            normalize = normalize or self._config(reader, subject).normalize
        # Give the reader's connection back before queueing for the subject's lock: holding both
        # would let waiting writers exhaust the pool.
        reader.close()
        return self._register_new(
            writer, subject=subject, submission=submission, normalize=normalize, candidate=candidate
        )

    def _register_new(
        self,
        session: Session,
        *,
        subject: str,
        submission: SchemaSubmission,
        normalize: bool,
        candidate: Candidate | None,
    ) -> RegisterResult:
        """Register a new version under the subject's lock; `candidate` is the submission as already
        read (the schemas it references are immutable, so it need not be read again)."""
        repository.lock_subject(session, subject=subject)
        config, mode = self._settings_for_write(session, subject)
        epoch = self.cache.epoch
        _check_register_mode(subject, mode, importing=submission.schema_id is not None)
        versions = repository.list_version_rows(session, subject=subject)
        live = [row for row in versions if not row.deleted]
        next_version = versions[-1].version + 1 if versions else 1
        if not (submission.text and submission.text.strip()):
            submission = self._with_previous_schema(session, submission, live)
        if candidate is None:
            candidate = self._candidate(session, submission, normalize=normalize)
        existing_id = repository.find_schema_id(session, fingerprint=candidate.fingerprint)
        requested_id = submission.schema_id
        if existing_id is not None and requested_id is not None and requested_id != existing_id:
            raise errors.IdDoesNotMatchError(existing_id, requested_id)
        if existing_id is not None and submission.version is None:
            registered = repository.find_live_version_of_schema(
                session, subject=subject, schema_id=existing_id
            )
            if registered is not None:
                return RegisterResult(existing_id, registered)
        if mode is not Mode.IMPORT:
            verdict = self._check(session, candidate, live, config)
            if not verdict.is_compatible:
                raise errors.IncompatibleSchemaError(subject, list(verdict.messages))
            contract_service.check_registration(
                session=session, subject=subject, version=next_version, schema=candidate.parsed
            )
        version = self._version_to_register(session, subject, submission, mode, next_version, existing_id)
        if existing_id is not None and version in {row.version for row in versions}:
            return RegisterResult(existing_id, version)  # importing a version that is already there
        if (
            requested_id is not None
            and existing_id is None
            and repository.get_schema(session, schema_id=requested_id)
        ):
            raise errors.OperationNotPermittedError(
                f"Overwrite new schema with id {requested_id} is not permitted."
            )
        schema_id = existing_id or repository.insert_schema(
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
            repository.delete_versions(session, subject=subject, versions=superseded)
            self._after_delete(session)
        repository.insert_version(session, subject=subject, version=version, schema_id=schema_id)
        if existing_id is None and epoch is not None:
            new_schema = candidate  # bound for the callback: `candidate` is Optional to the type checker
            after_commit(
                session, lambda: self._remember_registered(new_schema, schema_id=schema_id, epoch=epoch)
            )
        return RegisterResult(schema_id, version, created=True)

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
        taken = repository.get_version(session, subject=subject, version=submission.version)
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
        previous = self._load_schema(session, schema_id=live[-1].schema_id, epoch=None)
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
