"""identity and links: each database's own identity (its audit checkpoints are kept by it), each case's
invitation link token, separate from the short code, and whether a consent answer's caller was verified

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:50:00.000000
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    identity = op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_upgrade", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    # A database that already has audit events was made before identities: the checkpoints signed for its address
    # before this upgrade are its own. A new database (every migration at once) starts with none.
    events = bind.execute(sa.text("SELECT count(*) FROM audit_events")).scalar() or 0
    op.bulk_insert(
        identity,
        [{"id": 1, "identity": uuid.uuid4().hex, "created_at": datetime.now(UTC), "from_upgrade": events > 0}],
    )

    op.add_column("cases", sa.Column("invite_token", sa.String(length=40), nullable=True))
    cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("invite_token", sa.String()))
    for (case_id,) in bind.execute(sa.select(cases.c.id)).all():
        bind.execute(sa.update(cases).where(cases.c.id == case_id).values(invite_token=secrets.token_urlsafe(24)))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("invite_token", existing_type=sa.String(length=40), nullable=False)
        batch.create_unique_constraint("uq_cases_invite_token", ["invite_token"])

    # Whether we knew who was on the line when a consent answer came by phone (None: not a call).
    op.add_column("consent_records", sa.Column("caller_verified", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_records") as batch:
        batch.drop_column("caller_verified")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_invite_token", type_="unique")
        batch.drop_column("invite_token")
    op.drop_table("database_identity")
