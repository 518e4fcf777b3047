"""The registry's tables. Alembic creates them (alembic/versions); nothing here runs DDL.

- `schemas`: one row per distinct schema (type + text + references + metadata + ruleSet). Its id is the
  global schema id; rows are never deleted, so an id is never reused.
- `subject_versions`: a schema registered under a subject as version N, soft-deletable, with the time
  it was registered (NULL for versions older than that column).
- `schema_references`: the references a schema declares, for resolving and for /referencedby.
- `configs` and `modes`: per subject, or for the whole registry under the key `__GLOBAL`.
- `registry_state`: one row; `delete_epoch` grows with every delete so other processes drop caches.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Identity, Index, Integer, Text, UniqueConstraint
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
