"""Compatibility checks of a submitted schema against a subject's versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry import errors, repository
from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from registry.models import SubjectVersion
from registry.repository import VersionRow
from registry.service.arguments import LATEST, parse_version
from registry.service.candidates import Candidate, SchemaReading
from registry.service.config_mode import ConfigAndMode
from registry.service.views import CompatibilityVerdict, EffectiveConfig, SchemaSubmission

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session


class CompatibilityChecks(SchemaReading, ConfigAndMode):
    """Checking a schema as registering it would, or against one version."""

    def check_compatibility(
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
        config = self._config(session, subject)
        if version is None:
            rows = repository.list_version_rows(session, subject=subject)
            previous: list[SubjectVersion | VersionRow] = [row for row in rows if not row.deleted]
        else:
            number = parse_version(version)
            row = self._find_version(session, subject=subject, version=number)
            if row is not None and row.deleted:
                row = None
            if row is None and number != LATEST:
                if not repository.subject_exists(session, subject=subject, include_deleted=False):
                    raise errors.SubjectNotFoundError(subject)
                raise errors.VersionNotFoundError(number)
            previous = [] if row is None else [row]
        try:
            candidate = self._candidate(session, submission, normalize=normalize or config.normalize)
        except errors.InvalidSchemaError as error:
            if verbose:
                return CompatibilityVerdict(False, (error.message,))
            raise
        return self._check(session, candidate, previous, config)

    def _check(
        self,
        session: Session,
        candidate: Candidate,
        live: Sequence[SubjectVersion | VersionRow],
        config: EffectiveConfig,
    ) -> CompatibilityVerdict:
        if config.level is CompatibilityLevel.NONE or not live:
            return CompatibilityVerdict(True)
        needed = live if config.level.is_transitive else live[-1:]
        previous = [
            PreviousVersion(row.version, self._parsed_schema(session, row.schema_id)) for row in needed
        ]
        result = check_compatibility(candidate.parsed, previous, level=config.level, policy=config.policy)
        return CompatibilityVerdict(result.is_compatible, tuple(result.messages()))
