"""sync exclusions, scope neighbourhoods, category themes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("category_remote_id", sa.String(length=64), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id", "category_remote_id", name="uq_category_themes_remote"),
    )
    with op.batch_alter_table("category_themes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_category_themes_instance_id"), ["instance_id"], unique=False
        )

    op.create_table(
        "scope_neighbourhoods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("scope_kind", sa.String(length=20), nullable=False),
        sa.Column("scope_remote_id", sa.String(length=64), nullable=False),
        sa.Column("neighbourhood", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "instance_id", "scope_kind", "scope_remote_id", name="uq_scope_neighbourhoods_remote"
        ),
    )
    with op.batch_alter_table("scope_neighbourhoods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scope_neighbourhoods_instance_id"), ["instance_id"], unique=False
        )

    op.create_table(
        "sync_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id", "target", "remote_id", name="uq_sync_exclusions_remote"),
    )
    with op.batch_alter_table("sync_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_exclusions_instance_id"), ["instance_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_exclusions_instance_id"))

    op.drop_table("sync_exclusions")
    with op.batch_alter_table("scope_neighbourhoods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scope_neighbourhoods_instance_id"))

    op.drop_table("scope_neighbourhoods")
    with op.batch_alter_table("category_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_themes_instance_id"))

    op.drop_table("category_themes")
