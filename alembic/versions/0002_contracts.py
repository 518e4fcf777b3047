"""The contract store: application versions, expectations, samples, results, deployments, enforcement.

Revision ID: 0002_contracts
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_contracts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_versions",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("application", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.UniqueConstraint("application", "version", name="uq_contract_versions_application_version"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "contract_expectations",
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("contract_versions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("named_subject", sa.Boolean(), nullable=False),
        sa.Column("min_version", sa.Integer(), nullable=False),
        sa.Column("max_version", sa.Integer(), nullable=True),
        sa.Column("schema_type", sa.String(length=16), nullable=False),
        sa.Column("schema_text", sa.Text(), nullable=False),
        sa.Column("envelope_schema", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
    )
    op.create_index("ix_contract_expectations_subject", "contract_expectations", ["subject"])
    op.create_table(
        "contract_samples",
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("contract_versions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("schema_type", sa.String(length=16), nullable=True),
        sa.Column("schema_text", sa.Text(), nullable=True),
        sa.Column("generated", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "contract_results",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("producer", sa.Text(), nullable=False),
        sa.Column("producer_version", sa.Text(), nullable=False),
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("consumer_version", sa.Text(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "producer", "producer_version", "consumer", "consumer_version", name="uq_contract_results_pair"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "contract_deployments",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("application", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("environment", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_contract_deployments_environment", "contract_deployments", ["environment", "active"])
    op.create_table(
        "contract_enforcement",
        sa.Column("subject", sa.Text(), primary_key=True),
        sa.Column("enforce", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("contract_enforcement")
    op.drop_index("ix_contract_deployments_environment", table_name="contract_deployments")
    op.drop_table("contract_deployments")
    op.drop_table("contract_results")
    op.drop_table("contract_samples")
    op.drop_index("ix_contract_expectations_subject", table_name="contract_expectations")
    op.drop_table("contract_expectations")
    op.drop_table("contract_versions")
