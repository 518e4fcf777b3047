"""Compatibility levels and policies, and the walk over earlier versions that each level asks for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from registry.compatibility.result import CompatibilityResult, Incompatibility, VersionFailure
from registry.compatibility.schema import ParsedSchema, Roles

if TYPE_CHECKING:
    from collections.abc import Sequence


class CompatibilityLevel(StrEnum):
    """Confluent's compatibility levels. Plain levels compare with the latest live version,
    *_TRANSITIVE ones with every live version."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def checks_backward(self) -> bool:
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def checks_forward(self) -> bool:
        return self.value.startswith(("FORWARD", "FULL"))

    @property
    def is_transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")


class CompatibilityPolicy(StrEnum):
    """How strictly JSON Schema changes to open content models are judged (Confluent's
    `compatibilityPolicy`). Avro ignores it."""

    STRICT = "STRICT"
    LENIENT = "LENIENT"


@dataclass(frozen=True, slots=True)
class PreviousVersion:
    """An earlier live version of the subject, as the registry hands it to the check."""

    version: int
    schema: ParsedSchema


def check_compatibility(
    new: ParsedSchema,
    previous: Sequence[PreviousVersion],
    *,
    level: CompatibilityLevel,
    policy: CompatibilityPolicy = CompatibilityPolicy.STRICT,
) -> CompatibilityResult:
    """Check `new` against the earlier live versions (oldest first) as `level` asks.

    Like Confluent, versions are tried newest first and the check stops at the first version that
    fails, so the verdict names exactly one old version.
    """
    if level is CompatibilityLevel.NONE or not previous:
        return CompatibilityResult(level=level)
    candidates = previous if level.is_transitive else previous[-1:]
    for old in reversed(candidates):
        failures = _check_pair(new, old, level=level, policy=policy)
        if failures:
            return CompatibilityResult(level=level, failures=failures)
    return CompatibilityResult(level=level)


def _check_pair(
    new: ParsedSchema,
    old: PreviousVersion,
    *,
    level: CompatibilityLevel,
    policy: CompatibilityPolicy,
) -> tuple[VersionFailure, ...]:
    if new.schema_type is not old.schema.schema_type:
        issue = Incompatibility(
            type="SCHEMA_TYPE_CHANGED",
            path="#/",
            message=(
                f"The new schema is {new.schema_type.value} but version {old.version} is "
                f"{old.schema.schema_type.value}; a subject keeps one schema type. "
                "Register the new format under a new subject"
            ),
        )
        return (VersionFailure(old.version, old.schema, level.value, (issue,)),)
    failures = []
    if level.checks_backward:
        issues = new.incompatibilities(old.schema, roles=Roles.backward(), policy=policy)
        if issues:
            failures.append(VersionFailure(old.version, old.schema, "BACKWARD", tuple(issues)))
    if level.checks_forward:
        issues = old.schema.incompatibilities(new, roles=Roles.forward(), policy=policy)
        if issues:
            failures.append(VersionFailure(old.version, old.schema, "FORWARD", tuple(issues)))
    return tuple(failures)
