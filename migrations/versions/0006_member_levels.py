"""member levels: each member's effective levels in one compact row (issue 14)

Adds ``members.levels``, a JSON object ``{skill: level}`` sorted by skill, derived from the member's
assessments by the one rule (verified > manager > self, ``api.analysis.levels``), and rebuilds it for
every existing member, a batch of members at a time. The assessments stay the record; the column is
what the analyses read.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-24 09:00:00.000000
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import msgspec
import sqlalchemy as sa
from alembic import op

from api.analysis.levels import effective_levels

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBERS_PER_BATCH = 500
"""Members rebuilt per round trip: their assessments are held in memory at once (~31,000 rows)."""

_members = sa.table("members", sa.column("id", sa.Integer()), sa.column("levels", sa.Text()))
_assessments = sa.table(
    "assessments",
    sa.column("member_id", sa.Integer()),
    sa.column("skill", sa.String()),
    sa.column("source", sa.String()),
    sa.column("level", sa.Integer()),
)


def _rebuild_levels(connection: sa.Connection) -> None:
    """Every member's ``levels`` from their assessments; members without any keep ``{}``."""
    last_id = 0
    while True:
        ids = list(
            connection.scalars(
                sa.select(_members.c.id)
                .where(_members.c.id > last_id)
                .order_by(_members.c.id)
                .limit(MEMBERS_PER_BATCH)
            )
        )
        if not ids:
            return
        last_id = ids[-1]
        held: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        rows = connection.execute(
            sa.select(
                _assessments.c.member_id, _assessments.c.skill, _assessments.c.source, _assessments.c.level
            ).where(_assessments.c.member_id.in_(ids))
        )
        for member_id, skill, source, level in rows:
            held[member_id].append((skill, source, level))
        if held:
            connection.execute(
                sa.update(_members).where(_members.c.id == sa.bindparam("member_id")),
                [
                    {"member_id": member_id, "levels": msgspec.json.encode(effective_levels(found)).decode()}
                    for member_id, found in held.items()
                ],
            )


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("levels", sa.Text(), server_default="{}", nullable=False))
    _rebuild_levels(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("levels")
