"""Notes and change counts.

The plugin's first revision: no down_revision, and the branch label that names its history
(and its version table, alembic_version_ + the label). `core_revision` is the core revision the
bridge had when the plugin was generated: the bridge upgrades the core to it first.
"""

import sqlalchemy as sa
from alembic import op

NAME = "changes_digest"  # written out: a revision never changes

revision = f"{NAME}_1"
down_revision = None
branch_labels = (NAME,)
depends_on = None
core_revision = "0009"


def upgrade() -> None:
    op.create_table(
        f"{NAME}_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        f"{NAME}_counts",
        sa.Column("resource", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_change_id", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table(f"{NAME}_counts")
    op.drop_table(f"{NAME}_notes")
