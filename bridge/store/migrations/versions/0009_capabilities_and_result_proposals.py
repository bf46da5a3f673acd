"""instances.capabilities (what a server's API offers, learnt from it); results.proposal_remote_ids
(the proposals a result comes from, where Decidim says)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("capabilities", JSON, nullable=True))
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("proposal_remote_ids", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("proposal_remote_ids")
    with op.batch_alter_table("instances") as batch:
        batch.drop_column("capabilities")
