"""long lists, the seeded pick, timeliness and closing the loop

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "long_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("long_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_long_lists_council_id"), ["council_id"], unique=False)

    op.create_table(
        "long_list_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("long_list_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("primary_need", sa.String(length=200), nullable=True),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["long_list_id"], ["long_lists.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("long_list_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_long_list_rows_long_list_id"), ["long_list_id"], unique=False)

    op.create_table(
        "selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("long_list_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("list_sha256", sa.String(length=64), nullable=False),
        sa.Column("primary_count", sa.Integer(), nullable=False),
        sa.Column("reserve_count", sa.Integer(), nullable=False),
        sa.Column("primary", sa.JSON(), nullable=False),
        sa.Column("reserve", sa.JSON(), nullable=False),
        sa.Column("made_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=100), nullable=True),
        sa.Column("void_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"]),
        sa.ForeignKeyConstraint(["long_list_id"], ["long_lists.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selections_council_id"), ["council_id"], unique=False)

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_expected", sa.String(length=7), nullable=True))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("selection_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("at_risk_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_cases_selection_id", "selections", ["selection_id"], ["id"])

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expert_by_experience", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("expert_by_experience")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cases_selection_id", type_="foreignkey")
        batch_op.drop_column("closed_told_at")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("at_risk_since")
        batch_op.drop_column("selection_id")

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("report_expected")

    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selections_council_id"))
    op.drop_table("selections")
    with op.batch_alter_table("long_list_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_long_list_rows_long_list_id"))
    op.drop_table("long_list_rows")
    with op.batch_alter_table("long_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_long_lists_council_id"))
    op.drop_table("long_lists")
