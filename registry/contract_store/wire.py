"""The JSON shapes of the contract API (/contracts/...): request bodies and responses, camelCase on
the wire. The harness (contracts/) writes and reads exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _in_utc(moment: datetime) -> datetime:
    # SQLite hands a stored time back without its zone; it was written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_in_utc)]  # on the wire with its zone, as RFC 3339 wants


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


class EventVersions(_Payload):
    """The subject versions (eventVersion) an expectation applies to, both ends included."""

    minimum: int = Field(default=1, ge=1, le=2**31 - 1)
    maximum: int | None = Field(default=None, ge=1, le=2**31 - 1, description="null: no upper bound")


class ExpectationPayload(_Payload):
    """What a consumer reads of one event type: a reader schema of `data`, and envelope fields."""

    event_type: str = Field(min_length=1)
    subject: str | None = Field(default=None, description="the registry subject; default: the eventType")
    event_versions: EventVersions = Field(default_factory=EventVersions)
    schema_type: Literal["JSON", "AVRO", "PROTOBUF"] = "JSON"
    schema_: dict[str, Any] | str = Field(
        alias="schema", description="a JSON Schema, an Avro reader schema, or a reader .proto file's text"
    )
    message: str | None = Field(
        default=None,
        min_length=1,
        description="the Protobuf message read (full name); null: named like the eventType, else the first",
    )
    imports: dict[str, str] | None = Field(
        default=None, description="a reader .proto's own imports: import path -> the imported file's text"
    )
    envelope: dict[str, Any] | None = Field(default=None, description="a JSON Schema of the envelope fields")
    description: str = ""


class ExpectationsPayload(_Payload):
    expectations: list[ExpectationPayload]


class ConsumerExpectationsRead(BaseModel):
    """The expectations of one consumer version, in GET /contracts/expectations."""

    consumer: str
    version: str
    expectations: list[ExpectationPayload]


class SamplePayload(_Payload):
    """An envelope a producer emitted (seed field names), with the schema its data was written with."""

    scenario: str = "sample"
    envelope: dict[str, Any]
    schema_type: Literal["JSON", "AVRO", "PROTOBUF"] | None = None
    schema_: str | None = Field(default=None, alias="schema")
    generated: bool = False


class SamplesPayload(_Payload):
    samples: list[SamplePayload]


class ProducerSamplesRead(BaseModel):
    """The samples of one producer version, in GET /contracts/samples."""

    producer: str
    version: str
    samples: list[SamplePayload]


class FindingPayload(_Payload):
    """One problem a verification found (see contracts.findings.Finding)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel)

    check: str
    severity: Literal["error", "warning"]
    event_type: str
    path: str
    message: str


class ResultPayload(_Payload):
    """The verification of one producer version against one consumer version."""

    producer: str = Field(min_length=1)
    producer_version: str = Field(min_length=1)
    consumer: str = Field(min_length=1)
    consumer_version: str = Field(min_length=1)
    success: bool
    findings: list[FindingPayload] = Field(default_factory=list)


class ResultRead(ResultPayload):
    verified_at: UtcTime


class DeploymentPayload(_Payload):
    """A version deployed to an environment (replacing the previous one) or released (alongside)."""

    application: str = Field(min_length=1)
    version: str = Field(min_length=1)
    environment: str = Field(min_length=1)
    kind: Literal["deployment", "release"] = "deployment"


class DeploymentRead(DeploymentPayload):
    recorded_at: UtcTime


class EnforcementPayload(_Payload):
    enforce: bool


class EnforcementRead(_Payload):
    subject: str
    enforce: bool
    configured: bool = Field(description="false: the default applies (on when the subject has expectations)")


class MatrixRow(_Payload):
    """One producer/consumer version pair: its result, or `unknown` when it was never verified."""

    producer: str
    producer_version: str
    consumer: str
    consumer_version: str
    result: Literal["success", "failure", "unknown"]
    verified_at: UtcTime | None = None
    errors: int = 0


class CanIDeployRead(_Payload):
    """The answer: deployable true (yes), false (no) or null (unknown), why, and the pairs it rests on."""

    application: str
    version: str
    environment: str
    deployable: bool | None
    reason: str
    matrix: list[MatrixRow]


class PublishedRead(_Payload):
    application: str
    version: str
    count: int
