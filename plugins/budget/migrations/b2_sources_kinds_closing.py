"""budget: envelope sources, one allocation per Decidim project, line kinds, closing.

- `budget_envelope_sources`: which instance and process (or budget component) feeds an
  envelope with proposed allocations. Existing envelopes get none: a sync proposes nothing
  until someone says where each envelope's projects come from.
- `budget_allocations.project_key`: the project's Decidim site and remote id, unique. Existing
  allocations of a project get it; when the old sync filed one project twice, the oldest
  allocation keeps the key and the others keep none (they stay visible, to be deleted).
- `budget_ledger.applies_to` and `cancels_id`: existing lines are commitments and payments, and
  apply to themselves.
- `budget_envelopes.closed_at`.

Revision ID: b2_sources_kinds
Revises: b1_budget
Create Date: 2026-12-01
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "b2_sources_kinds"
down_revision = "b1_budget"
branch_labels = None
depends_on = None


def _site(base_url: str) -> str:
    """The same normalisation as `plugins.budget.proposals.site`, frozen here."""
    parts = urlsplit(base_url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def upgrade() -> None:
    op.create_table(
        "budget_envelope_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "envelope_id",
            sa.Integer(),
            sa.ForeignKey("budget_envelopes.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("instances.id"), nullable=False),
        sa.Column("space_id", sa.Integer(), sa.ForeignKey("spaces.id")),
        sa.Column("component_id", sa.Integer(), sa.ForeignKey("components.id")),
        sa.UniqueConstraint(
            "envelope_id", "instance_id", "space_id", "component_id", name="uq_budget_source"
        ),
    )
    with op.batch_alter_table("budget_envelopes") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime()))
    with op.batch_alter_table("budget_allocations") as batch:
        batch.add_column(sa.Column("project_key", sa.String(600)))
    with op.batch_alter_table("budget_ledger") as batch:
        batch.add_column(sa.Column("applies_to", sa.String(20)))
        batch.add_column(sa.Column("cancels_id", sa.Integer()))
        batch.create_foreign_key(
            "fk_budget_ledger_cancels", "budget_ledger", ["cancels_id"], ["id"]
        )

    connection = op.get_bind()
    connection.execute(sa.text("UPDATE budget_ledger SET applies_to = kind"))
    rows = connection.execute(
        sa.text(
            "SELECT a.id, p.remote_id, i.base_url FROM budget_allocations a "
            "JOIN projects p ON p.id = a.project_id JOIN instances i ON i.id = p.instance_id "
            "ORDER BY a.id"
        )
    ).all()
    keyed = set()
    for allocation_id, remote_id, base_url in rows:
        key = f"{_site(base_url)}#project-{remote_id}"
        if key in keyed:
            continue
        keyed.add(key)
        connection.execute(
            sa.text("UPDATE budget_allocations SET project_key = :key WHERE id = :id"),
            {"key": key, "id": allocation_id},
        )

    with op.batch_alter_table("budget_ledger") as batch:
        batch.alter_column("applies_to", existing_type=sa.String(20), nullable=False)
    # a unique index, not a constraint: SQLite would rebuild the table, which the ledger's
    # foreign key forbids
    op.create_index(
        "uq_budget_allocations_project_key", "budget_allocations", ["project_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_budget_allocations_project_key", "budget_allocations")
    with op.batch_alter_table("budget_allocations") as batch:
        batch.drop_column("project_key")
    with op.batch_alter_table("budget_ledger") as batch:
        batch.drop_constraint("fk_budget_ledger_cancels", type_="foreignkey")
        batch.drop_column("cancels_id")
        batch.drop_column("applies_to")
    with op.batch_alter_table("budget_envelopes") as batch:
        batch.drop_column("closed_at")
    op.drop_table("budget_envelope_sources")
