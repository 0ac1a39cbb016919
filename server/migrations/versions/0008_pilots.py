"""pilots: a council's talks target, the pick's size and allocation rules, the wish for an Expert by Experience

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("councils", sa.Column("talks_needed", sa.Integer(), nullable=True))
    op.add_column("councils", sa.Column("talks_done_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "selections", sa.Column("allocation", sa.String(length=20), server_default="round_robin", nullable=False)
    )
    op.add_column("selections", sa.Column("size", sa.JSON(), nullable=True))
    op.add_column(
        "preferences", sa.Column("expert_wish_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.drop_column("expert_wish_pending")
    with op.batch_alter_table("selections") as batch:
        batch.drop_column("size")
        batch.drop_column("allocation")
    with op.batch_alter_table("councils") as batch:
        batch.drop_column("talks_done_at")
        batch.drop_column("talks_needed")
