"""Application versions: the rows everything published hangs from, and which of them count.

Which versions count: the latest published version of every application, and every version
deployed or released to any environment. Older versions nobody runs cannot block anything.
"""

from __future__ import annotations

from sqlmodel import Session

from registry import errors
from registry.contract_store import repository
from registry.locks import lock_name
from registry.models import ContractVersion


def row_id(row: ContractVersion) -> int:
    """The id of an application version read from the database (where it always has one)."""
    assert row.id is not None
    return row.id


def lock_version(*, session: Session, application: str, version: str) -> ContractVersion:
    """The application version's row (created on first publication), its application's publications
    serialized until the transaction ends."""
    lock_name(session, name=f"__contracts/{application}")
    return repository.ensure_version(session, application=application, version=version)


def published_version(*, session: Session, application: str, version: str) -> ContractVersion:
    """The application version's row; 40410 when it never published anything."""
    row = repository.get_version(session, application=application, version=version)
    if row is None or row.id is None:
        raise errors.ContractVersionNotFoundError(application, version)
    return row


def versions_that_count(*, session: Session) -> list[ContractVersion]:
    """The versions that count (the latest of each application, and those deployed), oldest first."""
    latest = list(repository.latest_versions(session))
    deployed = repository.active_deployments(session, environment=None)
    keys = [(row.application, row.version) for row in deployed]
    found = {row.id: row for row in [*latest, *repository.versions_by_key(session, keys=keys)]}
    return sorted(found.values(), key=row_id)


def version_marks(*, session: Session) -> tuple[set[int], dict[tuple[str, str], tuple[str, ...]]]:
    """What makes a version count: the ids of each application's latest version, and the
    environments each (application, version) runs in."""
    latest = {row_id(row) for row in repository.latest_versions(session)}
    environments: dict[tuple[str, str], set[str]] = {}
    for deployment in repository.active_deployments(session, environment=None):
        environments.setdefault((deployment.application, deployment.version), set()).add(
            deployment.environment
        )
    return latest, {key: tuple(sorted(names)) for key, names in environments.items()}
