"""budget: synced records by stable key, not by the core's row ids.

An envelope's sources and an allocation's project or result pointed at the core's primary keys
(`instance_id`, `space_id`, `component_id`, `project_id`, `result_id`) with foreign keys. They
now keep the record's stable key: the instance's name (fixed once created), and Decidim's ids:
the space's type and id, the component's id, the project's or result's id. Filled from the rows
they pointed at; the id columns and their foreign keys go. Reversible: the downgrade finds the
rows again by their keys (a source whose instance is gone is dropped, as deleting the instance
did; an allocation whose record is gone keeps its money without the link).

Revision ID: b3_stable_keys
Revises: b2_sources_kinds
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "b3_stable_keys"
down_revision = "b2_sources_kinds"
branch_labels = None
depends_on = None
core_revision = "0001"  # reads instances, spaces, components, projects, results


def _update(table: str, rows, columns: tuple[str, ...]) -> None:
    connection = op.get_bind()
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    for row_id, *values in rows:
        connection.execute(
            sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"),
            {"id": row_id, **dict(zip(columns, values, strict=True))},
        )


def upgrade() -> None:
    with op.batch_alter_table("budget_envelope_sources") as batch:
        batch.add_column(sa.Column("instance", sa.String(100)))
        batch.add_column(sa.Column("space_type", sa.String(40)))
        batch.add_column(sa.Column("space_remote_id", sa.String(64)))
        batch.add_column(sa.Column("component_remote_id", sa.String(64)))
    with op.batch_alter_table("budget_allocations") as batch:
        batch.add_column(sa.Column("instance", sa.String(100)))
        batch.add_column(sa.Column("project_remote_id", sa.String(64)))
        batch.add_column(sa.Column("result_remote_id", sa.String(64)))

    connection = op.get_bind()
    sources = connection.execute(
        sa.text(
            "SELECT s.id, i.name, sp.space_type, sp.remote_id, c.remote_id "
            "FROM budget_envelope_sources s JOIN instances i ON i.id = s.instance_id "
            "LEFT JOIN spaces sp ON sp.id = s.space_id "
            "LEFT JOIN components c ON c.id = s.component_id"
        )
    ).all()
    _update(
        "budget_envelope_sources",
        sources,
        ("instance", "space_type", "space_remote_id", "component_remote_id"),
    )
    for kind, table in (("project", "projects"), ("result", "results")):
        rows = connection.execute(
            sa.text(
                f"SELECT a.id, i.name, r.remote_id FROM budget_allocations a "
                f"JOIN {table} r ON r.id = a.{kind}_id JOIN instances i ON i.id = r.instance_id"
            )
        ).all()
        _update("budget_allocations", rows, ("instance", f"{kind}_remote_id"))

    with op.batch_alter_table("budget_envelope_sources") as batch:
        batch.drop_constraint("uq_budget_source", type_="unique")
        batch.drop_column("component_id")
        batch.drop_column("space_id")
        batch.drop_column("instance_id")
        batch.alter_column("instance", existing_type=sa.String(100), nullable=False)
        batch.create_unique_constraint(
            "uq_budget_source",
            ["envelope_id", "instance", "space_type", "space_remote_id", "component_remote_id"],
        )
    with op.batch_alter_table("budget_allocations") as batch:
        batch.drop_column("result_id")
        batch.drop_column("project_id")


def downgrade() -> None:
    with op.batch_alter_table("budget_envelope_sources") as batch:
        batch.add_column(sa.Column("instance_id", sa.Integer()))
        batch.add_column(sa.Column("space_id", sa.Integer()))
        batch.add_column(sa.Column("component_id", sa.Integer()))
    with op.batch_alter_table("budget_allocations") as batch:
        batch.add_column(sa.Column("project_id", sa.Integer()))
        batch.add_column(sa.Column("result_id", sa.Integer()))

    connection = op.get_bind()
    sources = connection.execute(
        sa.text(
            "SELECT s.id, i.id, sp.id, c.id FROM budget_envelope_sources s "
            "JOIN instances i ON i.name = s.instance "
            "LEFT JOIN spaces sp ON sp.instance_id = i.id AND sp.space_type = s.space_type "
            "AND sp.remote_id = s.space_remote_id "
            "LEFT JOIN components c ON c.instance_id = i.id "
            "AND c.remote_id = s.component_remote_id"
        )
    ).all()
    _update("budget_envelope_sources", sources, ("instance_id", "space_id", "component_id"))
    connection.execute(sa.text("DELETE FROM budget_envelope_sources WHERE instance_id IS NULL"))
    for kind, table in (("project", "projects"), ("result", "results")):
        rows = connection.execute(
            sa.text(
                f"SELECT a.id, r.id FROM budget_allocations a "
                f"JOIN instances i ON i.name = a.instance "
                f"JOIN {table} r ON r.instance_id = i.id AND r.remote_id = a.{kind}_remote_id"
            )
        ).all()
        _update("budget_allocations", rows, (f"{kind}_id",))

    with op.batch_alter_table("budget_envelope_sources") as batch:
        batch.drop_constraint("uq_budget_source", type_="unique")
        batch.drop_column("component_remote_id")
        batch.drop_column("space_remote_id")
        batch.drop_column("space_type")
        batch.drop_column("instance")
        batch.alter_column("instance_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_budget_source_instance", "instances", ["instance_id"], ["id"])
        batch.create_foreign_key("fk_budget_source_space", "spaces", ["space_id"], ["id"])
        batch.create_foreign_key(
            "fk_budget_source_component", "components", ["component_id"], ["id"]
        )
        batch.create_unique_constraint(
            "uq_budget_source", ["envelope_id", "instance_id", "space_id", "component_id"]
        )
    with op.batch_alter_table("budget_allocations") as batch:
        batch.drop_column("result_remote_id")
        batch.drop_column("project_remote_id")
        batch.drop_column("instance")
        batch.create_foreign_key("fk_budget_allocation_project", "projects", ["project_id"], ["id"])
        batch.create_foreign_key("fk_budget_allocation_result", "results", ["result_id"], ["id"])
