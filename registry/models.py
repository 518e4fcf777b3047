"""The registry's tables. Alembic creates them (alembic/versions); nothing here runs DDL.

- `schemas`: one row per distinct schema (type + text + references + metadata + ruleSet). Its id is the
  global schema id; rows are never deleted, so an id is never reused.
- `subject_versions`: a schema registered under a subject as version N, soft-deletable, with the time
  it was registered (NULL for versions older than that column).
- `schema_references`: the references a schema declares, for resolving and for /referencedby.
- `configs` and `modes`: per subject, or for the whole registry under the key `__GLOBAL`.
- `registry_state`: one row; `delete_epoch` grows with every delete so other processes drop caches.

Contract tables (Accord's own, under /contracts in the API):
- `contract_versions`: an application version that published expectations or samples; its id orders them.
- `contract_expectations`: what a consumer version reads of an event type (a reader schema).
- `contract_samples`: envelopes a producer version emitted.
- `contract_results`: the verification of one producer version against one consumer version.
- `contract_deployments`: application versions deployed or released to an environment.
- `contract_enforcement`: per subject, whether registration checks the expectations (default: on).

The audit log (Accord's own, under /audit): `audit_events`, one row per change, written in the change's
own transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

GLOBAL_SCOPE = "__GLOBAL"


class SchemaRecord(SQLModel, table=True):
    """A distinct schema and its global id."""

    __tablename__ = "schemas"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    fingerprint: str = Field(max_length=64, unique=True)
    schema_type: str = Field(max_length=16)
    schema_text: str = Field(sa_column=Column(Text, nullable=False))
    schema_metadata: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rule_set: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SubjectVersion(SQLModel, table=True):
    """Version `version` of `subject` is schema `schema_id`."""

    __tablename__ = "subject_versions"
    __table_args__ = (
        UniqueConstraint("subject", "version", name="uq_subject_versions_subject_version"),
        Index("ix_subject_versions_schema_id", "schema_id"),
        Index("ix_subject_versions_subject_deleted_version", "subject", "deleted", "version"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    version: int
    schema_id: int = Field(sa_column=Column(Integer, ForeignKey("schemas.id"), nullable=False))
    deleted: bool = False
    registered_at: datetime | None = Field(
        default_factory=lambda: datetime.now(UTC), sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class SchemaReference(SQLModel, table=True):
    """Reference `position` of schema `schema_id`: the type `name` is version `version` of `subject`."""

    __tablename__ = "schema_references"
    __table_args__ = (Index("ix_schema_references_subject_version", "subject", "version"),)

    schema_id: int = Field(sa_column=Column(Integer, ForeignKey("schemas.id"), primary_key=True))
    position: int = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    version: int


class SubjectConfig(SQLModel, table=True):
    """The compatibility settings of a subject, or of the registry under `__GLOBAL`."""

    __tablename__ = "configs"

    subject: str = Field(sa_column=Column(Text, primary_key=True))
    compatibility_level: str | None = Field(default=None, max_length=32)
    compatibility_policy: str | None = Field(default=None, max_length=16)
    normalize: bool | None = None


class SubjectMode(SQLModel, table=True):
    """The mode (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT) of a subject or of the registry."""

    __tablename__ = "modes"

    subject: str = Field(sa_column=Column(Text, primary_key=True))
    mode: str = Field(max_length=32)


class RegistryState(SQLModel, table=True):
    """Facts about the registry as a whole: one row with id 1."""

    __tablename__ = "registry_state"

    id: int = Field(default=1, primary_key=True)
    delete_epoch: int = 0
    cluster_id: str = Field(max_length=64)


class ContractVersion(SQLModel, table=True):
    """An application version known to the contract store; a higher id was published later."""

    __tablename__ = "contract_versions"
    __table_args__ = (
        UniqueConstraint("application", "version", name="uq_contract_versions_application_version"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    application: str = Field(sa_column=Column(Text, nullable=False))
    version: str = Field(sa_column=Column(Text, nullable=False))


class ContractExpectation(SQLModel, table=True):
    """Expectation `position` of a consumer version: its reader schema for one event type's subject."""

    __tablename__ = "contract_expectations"
    __table_args__ = (
        Index("ix_contract_expectations_subject", "subject"),
        Index("ix_contract_expectations_event_type_version", "event_type", "version_id"),
    )

    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contract_versions.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(primary_key=True)
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    named_subject: bool = False  # the consumer named the subject (else it is the event type)
    min_version: int = 1
    max_version: int | None = None
    schema_type: str = Field(max_length=16)
    schema_text: str = Field(sa_column=Column(Text, nullable=False))
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # a Protobuf message
    imports: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON: path -> .proto
    envelope_schema: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))


class ContractSample(SQLModel, table=True):
    """Sample `position` of a producer version: one envelope, and the schema it was written with."""

    __tablename__ = "contract_samples"
    __table_args__ = (Index("ix_contract_samples_event_type_version", "event_type", "version_id"),)

    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contract_versions.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(primary_key=True)
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    scenario: str = Field(sa_column=Column(Text, nullable=False))
    envelope: str = Field(sa_column=Column(Text, nullable=False))
    schema_type: str | None = Field(default=None, max_length=16)
    schema_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    generated: bool = False


class ContractResult(SQLModel, table=True):
    """The latest verification of a producer version against a consumer version."""

    __tablename__ = "contract_results"
    __table_args__ = (
        UniqueConstraint(
            "producer", "producer_version", "consumer", "consumer_version", name="uq_contract_results_pair"
        ),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    producer: str = Field(sa_column=Column(Text, nullable=False))
    producer_version: str = Field(sa_column=Column(Text, nullable=False))
    consumer: str = Field(sa_column=Column(Text, nullable=False))
    consumer_version: str = Field(sa_column=Column(Text, nullable=False))
    success: bool
    findings: str = Field(sa_column=Column(Text, nullable=False))  # a JSON list
    verified_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ContractDeployment(SQLModel, table=True):
    """An application version deployed (replacing the previous one) or released (alongside) to an
    environment; `active` until another deployment replaces it."""

    __tablename__ = "contract_deployments"
    __table_args__ = (
        Index("ix_contract_deployments_environment", "environment", "active"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    application: str = Field(sa_column=Column(Text, nullable=False))
    version: str = Field(sa_column=Column(Text, nullable=False))
    environment: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(max_length=16)  # "deployment" or "release"
    active: bool = True
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ContractEnforcement(SQLModel, table=True):
    """Whether registering a version of `subject` is refused when it breaks a published expectation."""

    __tablename__ = "contract_enforcement"

    subject: str = Field(sa_column=Column(Text, primary_key=True))
    enforce: bool


class AuditEvent(SQLModel, table=True):
    """One change: who made it (`principal`, from `address`), what (`action` on `subject`, with
    `details` as JSON), when, and the request that made it. Never the schemas or payloads themselves."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject_id", "subject", "id"),
        Index("ix_audit_events_principal_id", "principal", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, Identity(), primary_key=True))
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    principal: str = Field(sa_column=Column(Text, nullable=False))
    address: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    subject: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    details: str = Field(sa_column=Column(Text, nullable=False))  # a JSON object
    request_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))


def core_table(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for hot statements that need none of the ORM's bookkeeping."""
    return SQLModel.metadata.tables[str(model.__tablename__)]
