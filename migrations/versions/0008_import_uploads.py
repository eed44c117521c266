"""import uploads: a spreadsheet kept between the import page's upload and its confirmation (issue 16)

Revision ID: 0008
Revises: 0007
Create Date: 2027-02-08 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_import_uploads_audit_id_audits"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_hash"],
            ["web_sessions.id_hash"],
            name=op.f("fk_import_uploads_session_hash_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
    )
    with op.batch_alter_table("import_uploads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_uploads_audit_id"), ["audit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_uploads_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_uploads_session_hash"), ["session_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_uploads_session_hash"))
        batch_op.drop_index(batch_op.f("ix_import_uploads_created_at"))
        batch_op.drop_index(batch_op.f("ix_import_uploads_audit_id"))
    op.drop_table("import_uploads")
