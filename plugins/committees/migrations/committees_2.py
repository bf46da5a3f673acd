"""committees_reminders: the reminders the daily job queued (key of kind, ids and period),
so that each goes once

Revision ID: committees_2
Revises: committees_1
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "committees_2"
down_revision = "committees_1"
branch_labels = None
depends_on = None
core_revision = "0010"  # reminders are queued in the core's outbox (mail_outbox)


def upgrade() -> None:
    op.create_table(
        "committees_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("committees_reminders")
