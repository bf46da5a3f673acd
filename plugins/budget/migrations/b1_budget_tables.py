"""budget: envelopes, allocations, ledger.

Revision ID: b1_budget
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "b1_budget"
down_revision = None
branch_labels = ("budget",)
depends_on = None
core_revision = "0001"  # reads instances, projects, results (bridge.store.migrate)


def upgrade() -> None:
    op.create_table(
        "budget_envelopes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("year_start", sa.Integer()),
        sa.Column("year_end", sa.Integer()),
        sa.Column("source", sa.String(200)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "budget_allocations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "envelope_id",
            sa.Integer(),
            sa.ForeignKey("budget_envelopes.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id")),
        sa.Column("result_id", sa.Integer(), sa.ForeignKey("results.id")),
        sa.Column("theme", sa.String(200)),
        sa.Column("neighbourhood", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("upstream_amount_cents", sa.BigInteger()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "budget_ledger",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "envelope_id",
            sa.Integer(),
            sa.ForeignKey("budget_envelopes.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("allocation_id", sa.Integer(), sa.ForeignKey("budget_allocations.id")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("supplier", sa.String(300)),
        sa.Column("label", sa.Text()),
        sa.Column("note", sa.Text()),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("envelope_id", "kind", "reference", name="uq_budget_ledger_reference"),
    )


def downgrade() -> None:
    op.drop_table("budget_ledger")
    op.drop_table("budget_allocations")
    op.drop_table("budget_envelopes")
