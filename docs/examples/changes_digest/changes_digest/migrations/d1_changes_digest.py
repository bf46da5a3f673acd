"""changes_digest: its table, on a branch of its own.

Revision ID: d1_digest
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "d1_digest"
down_revision = None
branch_labels = ("changes_digest",)
depends_on = None
core_revision = "0001"  # the core tables it needs (bridge.store.migrate)


def upgrade() -> None:
    op.create_table(
        "changes_digest",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("resource", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("changes_digest")
