"""trust: team members may manage cases only when an admin gave them the right

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("staff_tokens", "staff_users"):
        op.add_column(table, sa.Column("can_manage_cases", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for table in ("staff_tokens", "staff_users"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("can_manage_cases")
