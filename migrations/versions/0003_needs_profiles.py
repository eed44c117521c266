"""needs profiles

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:44:07.947227
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "needs_profiles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("council_gss", sa.String(length=9), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("horizon", sa.Date(), nullable=True),
        sa.Column("framework_version", sa.String(length=16), nullable=False),
        sa.Column("establishment", sa.JSON(), nullable=False),
        sa.Column("scenarios", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_gss"], ["councils.gss"], name=op.f("fk_needs_profiles_council_gss_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs_profiles")),
    )
    with op.batch_alter_table("needs_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needs_profiles_council_gss"), ["council_gss"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("needs_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_profiles_council_gss"))

    op.drop_table("needs_profiles")
