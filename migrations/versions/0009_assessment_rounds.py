"""assessment rounds: rounds, their members and invitation links, and every assessment's history (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2027-02-15 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("needs_id", sa.Uuid(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("evidence_required_from_level3", sa.Boolean(), nullable=False),
        sa.Column("cycle_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("next_audit_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_rounds_audit_id_audits"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["needs_id"],
            ["needs_profiles.id"],
            name=op.f("fk_rounds_needs_id_needs_profiles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["next_audit_id"], ["audits.id"], name=op.f("fk_rounds_next_audit_id_audits"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "round_members",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("invited_at", UTC, nullable=False),
        sa.Column("emailed_at", UTC, nullable=True),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.Column("draft_saved_at", UTC, nullable=True),
        sa.Column("submitted_at", UTC, nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_round_members_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_members_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("round_id", "member_id", name=op.f("pk_round_members")),
    )
    with op.batch_alter_table("round_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_members_member_id"), ["member_id"], unique=False)

    op.create_table(
        "round_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id", "member_id"],
            ["round_members.round_id", "round_members.member_id"],
            name=op.f("fk_round_links_round_id_round_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_round_links")),
    )
    with op.batch_alter_table("round_links", schema=None) as batch_op:
        batch_op.create_index("ix_round_links_round_id_member_id", ["round_id", "member_id"], unique=False)

    op.create_table(
        "assessment_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("old_level", sa.Integer(), nullable=True),
        sa.Column("new_level", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_assessment_history_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_history")),
    )
    with op.batch_alter_table("assessment_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_history_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_history_member_id"))
    op.drop_table("assessment_history")
    with op.batch_alter_table("round_links", schema=None) as batch_op:
        batch_op.drop_index("ix_round_links_round_id_member_id")
    op.drop_table("round_links")
    with op.batch_alter_table("round_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_members_member_id"))
    op.drop_table("round_members")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_audit_id"))
    op.drop_table("rounds")
