"""instance lifecycle (published, archived), run error kinds, scheduler heartbeats

Existing instances are set published, so nothing disappears from a city's public site on
upgrade; an instance added afterwards starts unpublished (publishing is a decision).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "instances",
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("instances", sa.Column("archived_at", sa.DateTime(), nullable=True))
    op.execute(sa.text("UPDATE instances SET published = :yes").bindparams(yes=True))
    op.add_column("sync_runs", sa.Column("error_kind", sa.String(length=40), nullable=True))
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("beat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner"),
    )
    op.create_index("ix_scheduler_heartbeats_beat_at", "scheduler_heartbeats", ["beat_at"])


def downgrade() -> None:
    op.drop_index("ix_scheduler_heartbeats_beat_at", table_name="scheduler_heartbeats")
    op.drop_table("scheduler_heartbeats")
    with op.batch_alter_table("sync_runs") as batch_op:
        batch_op.drop_column("error_kind")
    with op.batch_alter_table("instances") as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("published")
