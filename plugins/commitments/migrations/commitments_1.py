"""commitments: mandates, commitments by theme, their evidence and status history.

Revision ID: commitments_1
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "commitments_1"
down_revision = None
branch_labels = ("commitments",)
depends_on = None
core_revision = "0001"  # reads no core table; synced records are kept by stable key


def upgrade() -> None:
    op.create_table(
        "commitments_mandates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("starts_on", sa.Date()),
        sa.Column("ends_on", sa.Date()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "mandate_id", sa.Integer(), sa.ForeignKey("commitments_mandates.id"), nullable=False
        ),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("theme", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("mandate_id", "ref", name="uq_commitments_ref"),
        sa.CheckConstraint(
            "status in ('done', 'in_progress', 'on_hold', 'broken', 'not_started')",
            name="ck_commitments_status",
        ),
    )
    op.create_index("ix_commitments_mandate_id", "commitments", ["mandate_id"])
    op.create_table(
        "commitments_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitments.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(500), nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("instance", sa.String(100)),
        sa.Column("resource", sa.String(40)),
        sa.Column("remote_id", sa.String(64)),
        sa.Column("ref_kind", sa.String(100)),
        sa.Column("ref_key", sa.String(200)),
        sa.Column("filename", sa.String(255)),
        sa.Column("media_type", sa.String(100)),
        sa.Column("content", sa.LargeBinary()),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind in ('record', 'reference', 'link', 'file')", name="ck_commitments_evidence_kind"
        ),
    )
    op.create_index(
        "ix_commitments_evidence_commitment_id", "commitments_evidence", ["commitment_id"]
    )
    op.create_table(
        "commitments_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitments.id"), nullable=False),
        sa.Column("old_status", sa.String(20)),
        sa.Column("new_status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_commitments_status_changes_commitment_id",
        "commitments_status_changes",
        ["commitment_id"],
    )


def downgrade() -> None:
    op.drop_table("commitments_status_changes")
    op.drop_table("commitments_evidence")
    op.drop_table("commitments")
    op.drop_table("commitments_mandates")
