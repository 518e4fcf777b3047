"""The Protobuf message a consumer expectation reads (its full name), for files of several messages,
and the files a reader `.proto` imports (a JSON object: import path -> text).

Revision ID: 0006_expectation_message
Revises: 0005_contract_event_types
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_expectation_message"
down_revision = "0005_contract_event_types"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contract_expectations", sa.Column("message", sa.Text(), nullable=True))
    op.add_column("contract_expectations", sa.Column("imports", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract_expectations") as table:
        table.drop_column("imports")
        table.drop_column("message")
