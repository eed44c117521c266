"""Spreadsheets kept between the import page's upload and its confirmation (issue 16).

The mapping review is a page of its own, so the file must outlive the request that brought it.
It is kept in the database (``import_uploads``), not in a temporary folder or a hidden form field:

- the database is the one thing every worker and host shares (README, "several workers"), so the
  confirmation may land on any of them and still find the file: no data lost;
- the file (staff references, names, levels) never travels back to the browser, and the page stays
  small whatever the file's size, up to the same body cap as the API's import;
- nothing to clean by hand: an upload belongs to the web session that made it and goes with it
  (ON DELETE CASCADE: sign-out, expiry), with the audit it is for, and once it is imported.

Bounds: a session keeps its ``KEPT_PER_SESSION`` newest uploads (a few tabs at once), and every new
upload sweeps any upload older than the absolute session lifetime. The id is random (256 bits) and
only answers for the session that made it and the audit in the path; anything else is 404.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.models import ImportUpload
from api.errors import NotFound

KEPT_PER_SESSION = 3
FILENAME_MAX_LENGTH = 255


async def stage(
    session: AsyncSession,
    *,
    session_hash: str,
    audit_id: uuid.UUID,
    filename: str,
    content: bytes,
    max_age: dt.timedelta,
) -> str:
    """Keep ``content`` for this web session and audit; its new random id."""
    now = dt.datetime.now(dt.UTC)
    await session.execute(delete(ImportUpload).where(ImportUpload.created_at < now - max_age))
    kept = await session.scalars(
        select(ImportUpload.id)
        .where(ImportUpload.session_hash == session_hash)
        .order_by(ImportUpload.created_at.desc())
        .offset(KEPT_PER_SESSION - 1)
    )
    if stale := list(kept):
        await session.execute(delete(ImportUpload).where(ImportUpload.id.in_(stale)))
    upload_id = secrets.token_urlsafe(32)
    session.add(
        ImportUpload(
            id=upload_id,
            session_hash=session_hash,
            audit_id=audit_id,
            filename=filename[:FILENAME_MAX_LENGTH],
            content=content,
            created_at=now,
        )
    )
    await session.flush()
    return upload_id


async def fetch(
    session: AsyncSession, *, session_hash: str, audit_id: uuid.UUID, upload_id: str
) -> ImportUpload:
    """The upload, if this session made it for this audit; else 404 (the page says: upload again)."""
    upload = await session.get(ImportUpload, upload_id)
    if upload is None or upload.session_hash != session_hash or upload.audit_id != audit_id:
        raise NotFound("This upload is no longer available: upload the file again")
    return upload


async def discard(session: AsyncSession, upload_id: str) -> None:
    """Forget an upload once it is imported (in the import's own transaction)."""
    await session.execute(delete(ImportUpload).where(ImportUpload.id == upload_id))
