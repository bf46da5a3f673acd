"""commitments: a mandate gets a description (what the term of office covers, shown with it).

Revision ID: commitments_2
Revises: commitments_1
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "commitments_2"
down_revision = "commitments_1"
branch_labels = None
depends_on = None
core_revision = "0001"


def upgrade() -> None:
    op.add_column("commitments_mandates", sa.Column("description", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("commitments_mandates") as batch:
        batch.drop_column("description")
