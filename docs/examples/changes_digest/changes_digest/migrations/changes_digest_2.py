"""Changes per day and resource.

The plugin's second revision: it follows the first on the plugin's own branch. It reads no core
table, so it names no newer `core_revision` than the first.
"""

import sqlalchemy as sa
from alembic import op

NAME = "changes_digest"

revision = f"{NAME}_2"
down_revision = f"{NAME}_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        NAME,
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("resource", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table(NAME)
