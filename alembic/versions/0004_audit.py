"""The audit log: one row per change (register, delete, config, mode, contracts, deployments).

Revision ID: 0004_audit
Revises: 0003_ui
Create Date: 2026-11-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_audit"
down_revision = "0003_ui"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_events_subject_id", "audit_events", ["subject", "id"])
    op.create_index("ix_audit_events_principal_id", "audit_events", ["principal", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_principal_id", table_name="audit_events")
    op.drop_index("ix_audit_events_subject_id", table_name="audit_events")
    op.drop_table("audit_events")
