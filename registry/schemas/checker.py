"""Compatibility checks: a candidate against a subject's versions, at the subject's level.

A check of what registering would do (POST /compatibility/subjects/{subject}/versions, or against
`latest`) also asks the registration guard, so the answer agrees with the registration: a schema the
level allows but that breaks a consumer's published expectation is not compatible, and the verdict
names the broken expectations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from registry import errors
from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from registry.schemas import repository
from registry.schemas.arguments import LATEST, parse_version
from registry.schemas.repository import SubjectVersionRow, VersionRow
from registry.schemas.values import Candidate, CompatibilityVerdict, SchemaSubmission

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.schemas.candidates import CandidateParser
    from registry.schemas.guard import RegistrationGuard
    from registry.schemas.store import SchemaStore
    from registry.settings import EffectiveConfig, SettingsService


BROKEN_EXPECTATION = "CONSUMER_EXPECTATION_BROKEN"  # the errorType of the guard's verbose messages


class CompatibilityChecker:
    """Checks a schema as registering it would (POST /compatibility/...), and a candidate for
    registration."""

    def __init__(
        self,
        *,
        store: SchemaStore,
        parser: CandidateParser,
        settings: SettingsService,
        guard: RegistrationGuard,
    ) -> None:
        self._store = store
        self._parser = parser
        self._settings = settings
        self._guard = guard

    def check_submission(
        self,
        *,
        session: Session,
        subject: str,
        version: str | None,
        submission: SchemaSubmission,
        normalize: bool,
        verbose: bool,
    ) -> CompatibilityVerdict:
        """Check the schema against one version, or (version None) as registering it would."""
        config = self._settings.effective_config(session=session, subject=subject)
        rows = repository.list_version_rows(session, subject=subject)
        next_version = rows[-1].version + 1 if rows else 1
        if version is None:
            previous: list[SubjectVersionRow | VersionRow] = [row for row in rows if not row.deleted]
        else:
            number = parse_version(version)
            row = self._store.find_version(session=session, subject=subject, version=number)
            if row is not None and row.deleted:
                row = None
            if row is None and number != LATEST:
                if not repository.subject_exists(session, subject=subject, include_deleted=False):
                    raise errors.SubjectNotFoundError(subject)
                raise errors.VersionNotFoundError(number)
            previous = [] if row is None else [row]
        try:
            candidate = self._parser.parse(
                session=session, submission=submission, normalize=normalize or config.normalize
            )
        except errors.InvalidSchemaError as error:
            if verbose:
                return CompatibilityVerdict(False, (error.message,), error_code=error.error_code)
            raise
        verdict = self.check(session=session, candidate=candidate, live=previous, config=config)
        if not verdict.is_compatible or (version is not None and parse_version(version) != LATEST):
            return verdict  # registration would stop at the level; a numbered version is no registration
        broken = self._guard.broken_expectations(
            session=session, subject=subject, version=next_version, schema=candidate.parsed
        )
        if not broken:
            return verdict
        messages = tuple(f"{{errorType:'{BROKEN_EXPECTATION}', description:'{line}'}}" for line in broken)
        return CompatibilityVerdict(False, (*verdict.messages, *messages), tuple(broken), error_code=40910)

    def check(
        self,
        *,
        session: Session,
        candidate: Candidate,
        live: Sequence[SubjectVersionRow | VersionRow],
        config: EffectiveConfig,
    ) -> CompatibilityVerdict:
        """The candidate against the live versions (oldest first) the level asks for."""
        if config.level is CompatibilityLevel.NONE or not live:
            return CompatibilityVerdict(True)
        needed = live if config.level.is_transitive else live[-1:]
        previous = [
            PreviousVersion(row.version, self._store.parsed_schema(session=session, schema_id=row.schema_id))
            for row in needed
        ]
        result = check_compatibility(candidate.parsed, previous, level=config.level, policy=config.policy)
        return CompatibilityVerdict(result.is_compatible, tuple(result.messages()))
