"""When each subject version was registered, for the web UI's version history.

Versions registered before this revision have no date (NULL); the UI shows them as unknown.

Revision ID: 0003_ui
Revises: 0001
Create Date: 2026-11-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ui"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_versions") as batch:
        batch.add_column(sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subject_versions") as batch:
        batch.drop_column("registered_at")
