"""Response shapes the slices share: a representation with its ``ETag``, a file to download.

Lists answer through ``api.pagination.page_response``; errors through ``api.errors``.
"""

from __future__ import annotations

from typing import TypeVar

from litestar import Response
from litestar.datastructures import ResponseHeader

T = TypeVar("T")

ETAG = [
    ResponseHeader(
        name="ETag", description="Send it back in If-Match to update safely.", documentation_only=True
    )
]
"""How audits, members and needs profiles document their ``ETag`` (framework items say it their
own way: ``api.framework.etags.ETAG``)."""


def tagged(content: T, etag: str, status_code: int = 200) -> Response[T]:
    """``content`` with the ``ETag`` a later ``If-Match`` sends back (``api.preconditions``)."""
    return Response(content, status_code=status_code, headers={"ETag": etag})


def attachment(content: T, media_type: str, filename: str) -> Response[T]:
    """A file to download as ``filename`` (``Content-Disposition: attachment``)."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
