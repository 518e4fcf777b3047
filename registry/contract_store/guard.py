"""Consumer-aware registration: a new schema version that breaks what a consumer version that counts
published as expected is refused, unless enforcement is off for the subject.

`ContractRegistrationGuard` is the registration guard the schema registry calls (structurally: it
has the registry's `broken_expectations` method); whether a subject is guarded is its enforcement
(on by default once the subject has expectations).
"""

from __future__ import annotations

import orjson
from sqlmodel import Session

from registry import errors
from registry.compatibility import ParsedSchema, SchemaParseError, SchemaType, parse_schema
from registry.compatibility.expectations import expectation_gaps
from registry.contract_store import repository
from registry.contract_store.publishing import reader_imports
from registry.contract_store.versions import row_id, versions_that_count
from registry.contract_store.wire import EnforcementRead


def get_enforcement(*, session: Session, subject: str) -> EnforcementRead:
    configured = repository.get_enforcement(session, subject=subject)
    if configured is not None:
        return EnforcementRead(subject=subject, enforce=configured, configured=True)
    has_expectations = repository.subject_has_expectations(session, subject=subject)
    return EnforcementRead(subject=subject, enforce=has_expectations, configured=False)


def set_enforcement(*, session: Session, subject: str, enforce: bool) -> EnforcementRead:
    repository.save_enforcement(session, subject=subject, enforce=enforce)
    return EnforcementRead(subject=subject, enforce=enforce, configured=True)


class ContractRegistrationGuard:
    """The registration guard of the contract store: the expectations a new version would break."""

    def broken_expectations(
        self, *, session: Session, subject: str, version: int, schema: ParsedSchema
    ) -> list[str]:
        """What registering `schema` as `version` of `subject` would break (empty: nothing), one
        line per broken consumer expectation."""
        if not repository.subject_has_expectations(session, subject=subject):
            return []  # the common case, answered by one indexed query
        if repository.get_enforcement(session, subject=subject) is False:
            return []
        versions = {row_id(row): row for row in versions_that_count(session=session)}
        broken = []
        for row in repository.expectations_of_subject(session, subject=subject, version_ids=list(versions)):
            if version < row.min_version or (row.max_version is not None and version > row.max_version):
                continue
            try:
                imports = None if row.imports is None else orjson.loads(row.imports)
                expectation = parse_schema(
                    SchemaType(row.schema_type), row.schema_text, reader_imports(imports)
                )
            except SchemaParseError:
                continue  # it parsed when published; a stricter engine must not block registering
            owner = versions[row.version_id]
            broken += [
                f"{owner.application} version {owner.version} ({row.event_type}) reads {gap.data_path}: "
                f"{gap.describe()}"
                for gap in expectation_gaps(
                    expectation, schema, message=row.message, event_type=row.event_type
                )
                if gap.breaking
            ]
        return broken


def check_registration(*, session: Session, subject: str, version: int, schema: ParsedSchema) -> None:
    """Refuse (40910) version `version` of `subject` when it breaks a consumer's expectation.

    For registration code that calls the contract store directly rather than through a guard.
    """
    broken = ContractRegistrationGuard().broken_expectations(
        session=session, subject=subject, version=version, schema=schema
    )
    if broken:
        raise errors.ExpectationBrokenError(subject, version, broken)
