"""The registration guard: what else, besides the subject's compatibility level, may refuse a new
version. The contract store's consumer expectations are one (registry/contract_store implements it);
this package never imports it, and registry/app.py wires the two together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.compatibility import ParsedSchema


class RegistrationGuard(Protocol):
    def broken_expectations(
        self, *, session: Session, subject: str, version: int, schema: ParsedSchema
    ) -> list[str]:
        """What registering `schema` as `version` of `subject` would break (empty: nothing),
        one line per broken consumer expectation."""
        ...


class _NoGuard:
    """Nothing refuses a registration the compatibility level allows."""

    def broken_expectations(
        self, *, session: Session, subject: str, version: int, schema: ParsedSchema
    ) -> list[str]:
        return []


NO_GUARD: RegistrationGuard = _NoGuard()
