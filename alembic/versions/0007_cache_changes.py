"""The cache change log: what each delete (and each new subject of an existing schema) changed, so every
process evicts just those entries from its caches instead of emptying them all (the delete epoch).

Revision ID: 0007_cache_changes
Revises: 0006_expectation_message
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_cache_changes"
down_revision = "0006_expectation_message"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cache_changes",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("schema_id", sa.Integer(), nullable=True),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("registry_state") as batch:
        batch.drop_column("delete_epoch")


def downgrade() -> None:
    with op.batch_alter_table("registry_state") as batch:
        batch.add_column(sa.Column("delete_epoch", sa.Integer(), nullable=False, server_default="0"))
    op.drop_table("cache_changes")
