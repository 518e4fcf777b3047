"""Compatibility verdicts as data, and their rendering in Confluent's verbose format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.compatibility.levels import CompatibilityLevel
    from registry.compatibility.schema import ParsedSchema


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """One reason a reader cannot read what a writer wrote.

    `type` is Avro's incompatibility type (TYPE_MISMATCH, ...) or Confluent's JSON Schema difference
    type (TYPE_CHANGED, ...); `path` is a JSON pointer into the schema ("#/properties/total");
    `message` tells a person what changed, why it breaks, and the usual fix.
    """

    type: str
    path: str
    message: str

    def render(self) -> str:
        """Confluent's verbose line for this incompatibility."""
        return f"{{errorType:'{self.type}', description:'{self.message}'}}"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two schemas, compatible or not, as a person reads it: Confluent's type,
    the JSON pointer, what changed (and, when it breaks, why and the usual fix), and whether the
    compatibility policy accepts it."""

    type: str
    path: str
    message: str
    compatible: bool


@dataclass(frozen=True, slots=True)
class VersionFailure:
    """The incompatibilities found against one earlier version, in one direction."""

    version: int
    schema: ParsedSchema
    direction: str  # "BACKWARD" (new reads old) or "FORWARD" (old reads new)
    incompatibilities: tuple[Incompatibility, ...]


@dataclass(frozen=True, slots=True)
class CompatibilityResult:
    """The verdict of one check: compatible, or the failures against the first incompatible version."""

    level: CompatibilityLevel
    failures: tuple[VersionFailure, ...] = field(default=())

    @property
    def is_compatible(self) -> bool:
        return not self.failures

    @property
    def incompatibilities(self) -> list[Incompatibility]:
        return [issue for failure in self.failures for issue in failure.incompatibilities]

    def messages(self) -> list[str]:
        """Confluent's verbose `messages`: each incompatibility, then the old version, the old schema
        and the level it was checked at."""
        lines = [issue.render() for issue in self.incompatibilities]
        if self.failures:
            failed = self.failures[0]
            lines.append(f"{{oldSchemaVersion: {failed.version}}}")
            lines.append(f"{{oldSchema: '{failed.schema.canonical}'}}")
            lines.append(f"{{compatibility: '{self.level.value}'}}")
        return lines
