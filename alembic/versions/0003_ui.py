"""For the web UI: when each subject version was registered, and an index for listing subjects.

Versions registered before this revision have no date (NULL); the UI shows them as unknown. The index
on (subject, deleted, version) covers grouping versions by subject, so listings and counts of subjects
read the index alone (see docs/performance.md).

Revision ID: 0003_ui
Revises: 0002_contracts
Create Date: 2026-11-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ui"
down_revision = "0002_contracts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_versions") as batch:
        batch.add_column(sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_subject_versions_subject_deleted_version", "subject_versions", ["subject", "deleted", "version"]
    )


def downgrade() -> None:
    op.drop_index("ix_subject_versions_subject_deleted_version", table_name="subject_versions")
    with op.batch_alter_table("subject_versions") as batch:
        batch.drop_column("registered_at")
