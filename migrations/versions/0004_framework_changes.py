"""framework change log

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "framework_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("framework_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("key_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_changes")),
    )
    with op.batch_alter_table("framework_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_changes_version"), ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("framework_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_changes_version"))

    op.drop_table("framework_changes")
