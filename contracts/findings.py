"""Verification results as data: each finding says which check, which sample or schema, which
expectation, which path, what was expected and what was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Severity = Literal["error", "warning"]


class Check(StrEnum):
    """The four checks of the contract model."""

    SAMPLE_SCHEMA = "sample-schema"  # 1: a sample is valid under the schema it was published with
    SAMPLE_EXPECTATION = "sample-expectation"  # 2: a sample satisfies a consumer's expectation
    SCHEMA_EXPECTATION = "schema-expectation"  # 3: a producer schema promises what an expectation reads
    REGISTRATION = "registration"  # 4: a new schema version would break an expectation


@dataclass(frozen=True, slots=True)
class ContractFinding:
    """One problem a contract check found in a sample or schema, against an expectation."""

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
    generated: bool = False  # found in a sample generated from the schema, not one the producer recorded

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
    findings: tuple[ContractFinding, ...] = field(default=())

    @property
    def success(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)


@dataclass(frozen=True)
class Verification:
    """Everything one verification run found: per pair, and about the producer's samples alone."""

    pairs: tuple[PairResult, ...]
    producer_findings: tuple[ContractFinding, ...] = ()

    @property
    def success(self) -> bool:
        return all(pair.success for pair in self.pairs) and not any(
            finding.severity == "error" for finding in self.producer_findings
        )

    def findings(self) -> list[ContractFinding]:
        """Every finding once (a producer finding is shared by every pair that reads its event type)."""
        seen = list(self.producer_findings)
        for pair in self.pairs:
            seen.extend(finding for finding in pair.findings if finding not in seen)
        return seen
