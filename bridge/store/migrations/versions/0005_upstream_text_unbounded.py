"""upstream texts without length caps

Decidim sets no length on references, slugs, states, status keys or external ids; a value
longer than our column (a 300-character reference) failed every sync of the instance on
PostgreSQL. They become TEXT. SQLite enforces no VARCHAR length, so nothing changes there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = ("proposals", "budgets", "projects", "results", "meetings", "debates")
# (table, column, the former length)
COLUMNS = (
    ("instances", "decidim_version", 40),
    ("spaces", "slug", 200),
    ("spaces", "reference", 100),
    ("components", "manifest", 40),
    *((table, "reference", 100) for table in RECORD_TABLES),
    ("proposals", "state", 40),
    ("results", "external_id", 200),
    ("results", "status_key", 100),
    ("meetings", "type_of_meeting", 20),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, length in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.String(length),
            existing_type=sa.Text(),
            postgresql_using=f"left({column}, {length})",
        )
