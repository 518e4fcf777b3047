"""The registry's tables: schemas, subject versions, references, configs, modes, registry state.

Revision ID: 0001
Revises:
Create Date: 2026-11-02
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schemas",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("schema_type", sa.String(length=16), nullable=False),
        sa.Column("schema_text", sa.Text(), nullable=False),
        sa.Column("schema_metadata", sa.Text(), nullable=True),
        sa.Column("rule_set", sa.Text(), nullable=True),
        sa.UniqueConstraint("fingerprint", name="uq_schemas_fingerprint"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "subject_versions",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("schema_id", sa.Integer(), sa.ForeignKey("schemas.id"), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("subject", "version", name="uq_subject_versions_subject_version"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_subject_versions_schema_id", "subject_versions", ["schema_id"])
    op.create_table(
        "schema_references",
        sa.Column("schema_id", sa.Integer(), sa.ForeignKey("schemas.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_schema_references_subject_version", "schema_references", ["subject", "version"])
    op.create_table(
        "configs",
        sa.Column("subject", sa.Text(), primary_key=True),
        sa.Column("compatibility_level", sa.String(length=32), nullable=True),
        sa.Column("compatibility_policy", sa.String(length=16), nullable=True),
        sa.Column("normalize", sa.Boolean(), nullable=True),
    )
    op.create_table(
        "modes",
        sa.Column("subject", sa.Text(), primary_key=True),
        sa.Column("mode", sa.String(length=32), nullable=False),
    )
    state = op.create_table(
        "registry_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("delete_epoch", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.String(length=64), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "delete_epoch": 0, "cluster_id": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("registry_state")
    op.drop_table("modes")
    op.drop_table("configs")
    op.drop_index("ix_schema_references_subject_version", table_name="schema_references")
    op.drop_table("schema_references")
    op.drop_index("ix_subject_versions_schema_id", table_name="subject_versions")
    op.drop_table("subject_versions")
    op.drop_table("schemas")
