"""Verification results as data: each finding says which check, which sample or schema, which
expectation, which path, what was expected and what was found."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

Severity = Literal["error", "warning"]


class Check(StrEnum):
    """The four checks of the contract model."""

    SAMPLE_SCHEMA = "sample-schema"  # 1: a sample is valid under the schema it was published with
    SAMPLE_EXPECTATION = "sample-expectation"  # 2: a sample satisfies a consumer's expectation
    SCHEMA_EXPECTATION = "schema-expectation"  # 3: a producer schema promises what an expectation reads
    REGISTRATION = "registration"  # 4: a new schema version would break an expectation


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by a check."""

    check: Check
    severity: Severity
    event_type: str
    # where in the event, as a JSON path ($.data.total; check 3: $.data.items[*].sku); "#": a whole schema
    path: str
    message: str
    expected: str | None = None
    found: str | None = None
    sample: str | None = None  # the sample's scenario
    schema: str | None = None  # which producer schema ("OrderCreated v3", "candidate ...")
    consumer: str | None = None  # "inventory-service@abc123"

    def to_dict(self) -> dict[str, Any]:
        """The registry's JSON form (camelCase)."""
        return {_camel(item.name): getattr(self, item.name) for item in fields(self)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Finding:
        values: dict[str, Any] = {item.name: raw.get(_camel(item.name)) for item in fields(cls)}
        values["check"] = Check(values["check"])
        return cls(**values)

    def describe(self) -> str:
        """One readable line: where, what is wrong, against whom."""
        subject = f"sample '{self.sample}'" if self.sample else (self.schema or self.event_type)
        who = f" (expectation of {self.consumer})" if self.consumer else ""
        return f"{self.event_type} {subject} at {self.path}{who}: {self.message}"


@dataclass(frozen=True)
class PairResult:
    """The verification of one producer version against one consumer version."""

    producer: str
    producer_version: str
    consumer: str
    consumer_version: str
    findings: tuple[Finding, ...] = field(default=())

    @property
    def success(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "producer": self.producer,
            "producerVersion": self.producer_version,
            "consumer": self.consumer,
            "consumerVersion": self.consumer_version,
            "success": self.success,
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass(frozen=True)
class Verification:
    """Everything one verification run found: per pair, and about the producer's samples alone."""

    pairs: tuple[PairResult, ...]
    producer_findings: tuple[Finding, ...] = ()

    @property
    def success(self) -> bool:
        return all(pair.success for pair in self.pairs) and not any(
            finding.severity == "error" for finding in self.producer_findings
        )

    def findings(self) -> list[Finding]:
        """Every finding once (a producer finding is shared by every pair that reads its event type)."""
        seen = list(self.producer_findings)
        for pair in self.pairs:
            seen.extend(finding for finding in pair.findings if finding not in seen)
        return seen


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
