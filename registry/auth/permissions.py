"""Who may do what: roles, grants over subject patterns, and the decisions made from them.

Every decision the registry makes about a caller is a method of `Access`. A caller who may not read a
subject is told the subject does not exist (so names cannot be probed); a caller who may read it but
lacks the role for a change gets 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from fnmatch import translate

from registry import errors

EVERY_SUBJECT = "*"


class Role(IntEnum):
    """What a grant allows on its subjects; each role includes the ones below it."""

    READER = 1  # read schemas, versions, config and mode; look up and check compatibility
    WRITER = 2  # register schemas; publish contracts, results and deployments
    ADMIN = 3  # config, mode, deletes, contract enforcement, the audit log

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            known = ", ".join(role.name.lower() for role in cls)
            raise ValueError(f"unknown role {name!r}; the roles are {known}") from None


@dataclass(frozen=True, slots=True)
class Grant:
    """`role` on every subject matching one of `subjects`: a glob (`orders-*`, `*`) or an exact name."""

    role: Role
    subjects: tuple[str, ...] = (EVERY_SUBJECT,)
    _match: Callable[[str], re.Match[str] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One expression for all the patterns, compiled once: matching them in turn with fnmatchcase
        # cost more than the rest of a cached lookup by a caller limited to some subjects.
        expression = "|".join(translate(pattern) for pattern in self.subjects) or "(?!)"
        object.__setattr__(self, "_match", re.compile(expression).match)

    def covers(self, subject: str) -> bool:
        """Whether `subject` matches one of the patterns, as `fnmatch.fnmatchcase` matches."""
        return self._match(subject) is not None

    @property
    def covers_everything(self) -> bool:
        return EVERY_SUBJECT in self.subjects


@dataclass(frozen=True, slots=True)
class Principal:
    """A user or API key, by name, with its grants."""

    name: str
    grants: tuple[Grant, ...]
    kind: str = "user"  # "user", "key", or "anonymous" when authentication is off


ANONYMOUS = Principal("anonymous", (Grant(Role.ADMIN),), kind="anonymous")


# Subjects whose role one Access remembers; past this many it starts afresh.
REMEMBERED_ROLES = 4096


class Access:
    """The decisions for one caller. One Access serves every request of its principal (see
    `CredentialStore.cached`), so the role found for a subject is remembered: matching the grants'
    patterns costs more than the rest of a cached lookup."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self._registry_role = max(
            (grant.role for grant in principal.grants if grant.covers_everything), default=None
        )
        self._highest_role = max((grant.role for grant in principal.grants), default=None)
        self._highest_first = sorted(principal.grants, key=lambda grant: grant.role, reverse=True)
        self._roles: dict[str, Role | None] = {}

    @property
    def reads_everything(self) -> bool:
        """Whether no listing needs filtering for this caller."""
        return self._registry_role is not None

    def role_for(self, subject: str) -> Role | None:
        """The caller's highest role on `subject`, or None when it may not even read it."""
        if self._registry_role is Role.ADMIN:
            return Role.ADMIN
        if subject in self._roles:
            return self._roles[subject]
        role = next((grant.role for grant in self._highest_first if grant.covers(subject)), None)
        if len(self._roles) >= REMEMBERED_ROLES:
            self._roles = {}
        self._roles[subject] = role
        return role

    def can_read(self, subject: str) -> bool:
        return self.reads_everything or self.role_for(subject) is not None

    def readable(self, subjects: Iterable[str]) -> list[str]:
        """The subjects the caller may read, in their order."""
        return list(subjects) if self.reads_everything else [name for name in subjects if self.can_read(name)]

    def require(self, role: Role, subject: str) -> None:
        """Allow `role`'s operations on `subject`: 404 (40401) if the caller may not read it, else 403."""
        held = self.role_for(subject)
        if held is None:
            raise errors.SubjectNotFoundError(subject)
        if held < role:
            raise self._forbidden(role, f"subject '{subject}'")

    def require_registry(self, role: Role) -> None:
        """Allow `role`'s operations on the registry as a whole (a grant on every subject, `*`)."""
        if self._registry_role is None or self._registry_role < role:
            raise self._forbidden(role, "the whole registry (a grant on '*')")

    def require_somewhere(self, role: Role) -> None:
        """Allow operations that belong to no one subject (contracts) to holders of `role` on any subject."""
        if self._highest_role is None or self._highest_role < role:
            raise self._forbidden(role, "any subject")

    def can_administer(self, subject: str | None) -> bool:
        """Whether the caller administers `subject` (None: the registry as a whole)."""
        if subject is None:
            return self._registry_role is Role.ADMIN
        return self.role_for(subject) is Role.ADMIN

    def _forbidden(self, role: Role, scope: str) -> errors.ForbiddenError:
        return errors.ForbiddenError(
            f"User '{self.principal.name}' is denied this operation: it needs the "
            f"{role.name.lower()} role on {scope}"
        )


UNRESTRICTED = Access(ANONYMOUS)
