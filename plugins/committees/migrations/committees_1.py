"""committees: committees, members, memberships, meetings (agenda, attendance, decisions,
attachments), action items, and their links to synced results and budget allocations.

Revision ID: committees_1
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "committees_1"
down_revision = None
branch_labels = ("committees",)
depends_on = None
core_revision = "0001"  # reads no core table; synced records are kept by stable key


def upgrade() -> None:
    op.create_table(
        "committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=True),
        sa.Column("priority", sa.String(length=300), nullable=True),
        sa.Column("instance", sa.String(length=100), nullable=True),
        sa.Column("space_type", sa.String(length=40), nullable=True),
        sa.Column("space_remote_id", sa.String(length=64), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "committees_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("account_email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_members_account_email"),
        "committees_members",
        ["account_email"],
        unique=False,
    )
    op.create_table(
        "committees_committee_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("committee_id", "reference", name="uq_committees_committee_allocation"),
    )
    op.create_index(
        op.f("ix_committees_committee_allocations_committee_id"),
        "committees_committee_allocations",
        ["committee_id"],
        unique=False,
    )
    op.create_table(
        "committees_committee_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("instance", sa.String(length=100), nullable=False),
        sa.Column("result_remote_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "committee_id", "instance", "result_remote_id", name="uq_committees_committee_result"
        ),
    )
    op.create_index(
        op.f("ix_committees_committee_results_committee_id"),
        "committees_committee_results",
        ["committee_id"],
        unique=False,
    )
    op.create_table(
        "committees_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minutes_public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_meetings_committee_id"),
        "committees_meetings",
        ["committee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_committees_meetings_starts_at"), "committees_meetings", ["starts_at"], unique=False
    )
    op.create_table(
        "committees_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("voting", sa.Boolean(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committees_members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_memberships_committee_id"),
        "committees_memberships",
        ["committee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_committees_memberships_member_id"),
        "committees_memberships",
        ["member_id"],
        unique=False,
    )
    op.create_table(
        "committees_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committees_meetings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_agenda_items_meeting_id"),
        "committees_agenda_items",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "committees_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committees_meetings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committees_members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_committees_attendance"),
    )
    op.create_index(
        op.f("ix_committees_attendance_meeting_id"),
        "committees_attendance",
        ["meeting_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_committees_attendance_member_id"),
        "committees_attendance",
        ["member_id"],
        unique=False,
    )
    op.create_table(
        "committees_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("voted", sa.Boolean(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["committees_agenda_items.id"],
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committees_meetings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_decisions_meeting_id"),
        "committees_decisions",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "committees_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_member_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=True),
        sa.Column("owner_email", sa.String(length=320), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["committees_decisions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["committees_members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_action_items_committee_id"),
        "committees_action_items",
        ["committee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_committees_action_items_decision_id"),
        "committees_action_items",
        ["decision_id"],
        unique=False,
    )
    op.create_table(
        "committees_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["committees_decisions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committees_meetings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_committees_attachments_meeting_id"),
        "committees_attachments",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "committees_action_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["committees_action_items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_item_id", "reference", name="uq_committees_action_allocation"),
    )
    op.create_index(
        op.f("ix_committees_action_allocations_action_item_id"),
        "committees_action_allocations",
        ["action_item_id"],
        unique=False,
    )
    op.create_table(
        "committees_action_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=False),
        sa.Column("instance", sa.String(length=100), nullable=False),
        sa.Column("result_remote_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["committees_action_items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "action_item_id", "instance", "result_remote_id", name="uq_committees_action_result"
        ),
    )
    op.create_index(
        op.f("ix_committees_action_results_action_item_id"),
        "committees_action_results",
        ["action_item_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_committees_action_results_action_item_id"), table_name="committees_action_results"
    )
    op.drop_table("committees_action_results")
    op.drop_index(
        op.f("ix_committees_action_allocations_action_item_id"),
        table_name="committees_action_allocations",
    )
    op.drop_table("committees_action_allocations")
    op.drop_index(op.f("ix_committees_attachments_meeting_id"), table_name="committees_attachments")
    op.drop_table("committees_attachments")
    op.drop_index(
        op.f("ix_committees_action_items_decision_id"), table_name="committees_action_items"
    )
    op.drop_index(
        op.f("ix_committees_action_items_committee_id"), table_name="committees_action_items"
    )
    op.drop_table("committees_action_items")
    op.drop_index(op.f("ix_committees_decisions_meeting_id"), table_name="committees_decisions")
    op.drop_table("committees_decisions")
    op.drop_index(op.f("ix_committees_attendance_member_id"), table_name="committees_attendance")
    op.drop_index(op.f("ix_committees_attendance_meeting_id"), table_name="committees_attendance")
    op.drop_table("committees_attendance")
    op.drop_index(
        op.f("ix_committees_agenda_items_meeting_id"), table_name="committees_agenda_items"
    )
    op.drop_table("committees_agenda_items")
    op.drop_index(op.f("ix_committees_memberships_member_id"), table_name="committees_memberships")
    op.drop_index(
        op.f("ix_committees_memberships_committee_id"), table_name="committees_memberships"
    )
    op.drop_table("committees_memberships")
    op.drop_index(op.f("ix_committees_meetings_starts_at"), table_name="committees_meetings")
    op.drop_index(op.f("ix_committees_meetings_committee_id"), table_name="committees_meetings")
    op.drop_table("committees_meetings")
    op.drop_index(
        op.f("ix_committees_committee_results_committee_id"),
        table_name="committees_committee_results",
    )
    op.drop_table("committees_committee_results")
    op.drop_index(
        op.f("ix_committees_committee_allocations_committee_id"),
        table_name="committees_committee_allocations",
    )
    op.drop_table("committees_committee_allocations")
    op.drop_index(op.f("ix_committees_members_account_email"), table_name="committees_members")
    op.drop_table("committees_members")
    op.drop_table("committees")
