"""Everything the client raises, as one tree rooted at AccordError.

AccordError
├── EventTypeNameError          eventType does not read as a past-tense PascalCase fact (strict mode)
├── EventValidationError        data violates its schema; every violation is listed, nothing was sent
├── BatchValidationError        some events of a batch are invalid; each one's error by index, nothing sent
├── UnusableSchemaError         the registered schema cannot be used here (invalid text, unsupported type)
├── DeserializationError        a message could not be turned into an envelope; carries the raw bytes
│   ├── MalformedMessageError   framing, headers or payload bytes are not what they claim to be
│   ├── UnknownSchemaError      the message names a schema id the registry does not know
│   ├── InvalidMessageError     the payload decodes but violates the writer's schema
│   └── ReaderSchemaError       the writer's schema cannot be resolved to the consumer's reader schema
└── RegistryError               the schema registry could not answer the question
    ├── RegistryUnavailableError    no answer after every retry (connection error, timeout or 5xx), and
    │                               nothing cached to fall back on
    └── RegistryResponseError       the registry answered with an error (Confluent error_code + message)
        └── SchemaNotFoundError     40401/40402/40403: no such subject, version or schema id
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Headers = Mapping[str, str | bytes | None]


@dataclass(frozen=True, slots=True)
class Violation:
    """One way data breaks its schema: the rule, where (a JSON path like `$.items[0].sku`), why, the value."""

    rule: str
    path: str
    message: str
    value: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


class AccordError(Exception):
    """Root of every error the Accord client raises."""


class EventTypeNameError(AccordError, ValueError):
    """eventType does not read as a fact (past tense, PascalCase); carries the name and the reason."""

    def __init__(self, event_type: str, reason: str) -> None:
        super().__init__(f"eventType {event_type!r} {reason}")
        self.event_type = event_type
        self.reason = reason


class EventValidationError(AccordError, ValueError):
    """Event data violates its schema; carries subject, schema id and every violation. Nothing was sent."""

    def __init__(self, subject: str, schema_id: int, violations: Sequence[Violation]) -> None:
        listed = "\n".join(f"  - {violation}" for violation in violations)
        super().__init__(
            f"event data for subject {subject!r} (schema id {schema_id}) has "
            f"{len(violations)} violation(s):\n{listed}"
        )
        self.subject = subject
        self.schema_id = schema_id
        self.violations = tuple(violations)


class BatchValidationError(AccordError, ValueError):
    """Some events of a batch are invalid; carries each one's EventValidationError by index. None sent."""

    def __init__(self, failures: Mapping[int, EventValidationError]) -> None:
        details = "\n".join(f"event {index}: {error}" for index, error in sorted(failures.items()))
        super().__init__(f"{len(failures)} event(s) of the batch are invalid:\n{details}")
        self.failures = dict(failures)


class UnusableSchemaError(AccordError):
    """The registered schema cannot be used by this client; carries the schema id and the reason."""

    def __init__(self, schema_id: int, reason: str) -> None:
        super().__init__(f"schema id {schema_id} cannot be used: {reason}")
        self.schema_id = schema_id
        self.reason = reason


class DeserializationError(AccordError):
    """A message could not be read; carries the raw value bytes, its headers and the reason."""

    def __init__(self, reason: str, *, raw: bytes, headers: Headers | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw
        self.headers: dict[str, str] = {
            name: value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            for name, value in (headers or {}).items()
            if value is not None
        }


class MalformedMessageError(DeserializationError):
    """The bytes or headers are not a well-formed Accord/Confluent message; the reason says which part."""


class UnknownSchemaError(DeserializationError):
    """The message's schema id is unknown to the registry; carries the schema id and the raw bytes."""

    def __init__(self, schema_id: int, *, raw: bytes, headers: Headers | None = None) -> None:
        super().__init__(f"schema id {schema_id} is not registered", raw=raw, headers=headers)
        self.schema_id = schema_id


class InvalidMessageError(DeserializationError):
    """The payload decodes but violates the writer's schema; carries the schema id and every violation."""

    def __init__(
        self,
        schema_id: int,
        violations: Sequence[Violation],
        *,
        raw: bytes,
        headers: Headers | None = None,
    ) -> None:
        listed = "; ".join(str(violation) for violation in violations)
        super().__init__(f"payload violates schema id {schema_id}: {listed}", raw=raw, headers=headers)
        self.schema_id = schema_id
        self.violations = tuple(violations)


class ReaderSchemaError(DeserializationError):
    """The writer's schema does not resolve to the consumer's reader schema; carries schema id and reason."""

    def __init__(self, schema_id: int, reason: str, *, raw: bytes, headers: Headers | None = None) -> None:
        super().__init__(
            f"data written with schema id {schema_id} cannot be read with the reader schema: {reason}",
            raw=raw,
            headers=headers,
        )
        self.schema_id = schema_id


class RegistryError(AccordError):
    """The schema registry could not answer; carries the URL that was asked."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class RegistryUnavailableError(RegistryError):
    """No answer after every retry and nothing cached; carries the URL, the last reason and 5xx status."""

    def __init__(self, message: str, *, url: str, reason: str = "", status: int | None = None) -> None:
        super().__init__(message, url=url)
        self.reason = reason or message
        self.status = status


class RegistryResponseError(RegistryError):
    """The registry answered with an error; carries the HTTP status, Confluent error_code and message."""

    def __init__(self, *, url: str, status: int, error_code: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status}, error_code {error_code}, {url})", url=url)
        self.status = status
        self.error_code = error_code
        self.message = message


class SchemaNotFoundError(RegistryResponseError):
    """The subject, version or schema id does not exist (Confluent 40401, 40402, 40403)."""
