"""Compatibility checks: a candidate against a subject's versions, at the subject's level."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from registry import errors
from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from registry.models import SubjectVersion
from registry.schemas import repository
from registry.schemas.arguments import LATEST, parse_version
from registry.schemas.repository import VersionRow
from registry.schemas.values import Candidate, CompatibilityVerdict, SchemaSubmission

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.schemas.candidates import CandidateParser
    from registry.schemas.store import SchemaStore
    from registry.settings import EffectiveConfig, SettingsService


class CompatibilityChecker:
    """Checks a schema as registering it would (POST /compatibility/...), and a candidate for
    registration."""

    def __init__(self, *, store: SchemaStore, parser: CandidateParser, settings: SettingsService) -> None:
        self._store = store
        self._parser = parser
        self._settings = settings

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
        if version is None:
            rows = repository.list_version_rows(session, subject=subject)
            previous: list[SubjectVersion | VersionRow] = [row for row in rows if not row.deleted]
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
                return CompatibilityVerdict(False, (error.message,))
            raise
        return self.check(session=session, candidate=candidate, live=previous, config=config)

    def check(
        self,
        *,
        session: Session,
        candidate: Candidate,
        live: Sequence[SubjectVersion | VersionRow],
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
