"""What the schema services take and answer: stored schemas, submissions, versions, verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from registry.compatibility import ParsedSchema, ResolvedReference, SchemaType

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference a schema declares: the type `name` is `version` of `subject`."""

    name: str
    subject: str
    version: int


@dataclass(frozen=True, slots=True)
class StoredSchema:
    """A registered schema as /schemas/ids/{id} returns it, plus its response body pre-serialized."""

    id: int
    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    metadata: str | None  # JSON text, as submitted
    rule_set: str | None  # JSON text, as submitted
    body: bytes


@dataclass(frozen=True, slots=True)
class SchemaSubmission:
    """A schema as a client submits it for registering, looking up or checking."""

    text: str | None
    schema_type: str | None = None
    references: tuple[Reference, ...] = ()
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    schema_id: int | None = None
    version: int | None = None
    readable: Callable[[str], bool] | None = None  # the submitter's readable subjects; None: every one


@dataclass(frozen=True, slots=True)
class VersionView:
    """A subject version with its schema."""

    subject: str
    version: int
    schema: StoredSchema
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class RegisterResult:
    schema_id: int
    version: int
    created: bool = False  # a new version was stored (else the schema was already registered)


@dataclass(frozen=True, slots=True)
class CompatibilityVerdict:
    """A compatibility answer; `broken_expectations` are the lines of the registration guard (consumer
    expectations) when the check was "would this register?" and the guard refuses."""

    is_compatible: bool
    messages: tuple[str, ...] = ()
    broken_expectations: tuple[str, ...] = ()
    error_code: int = 409  # what registering would answer when it is not compatible


@dataclass(frozen=True, slots=True)
class Candidate:
    """A submission parsed and put in the form it is stored and compared in."""

    parsed: ParsedSchema
    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    resolved: tuple[ResolvedReference, ...]
    metadata: str | None
    rule_set: str | None
    fingerprint: str
