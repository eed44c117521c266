"""Entity tags for framework items and editions, and the ``If-Match`` rule for editing drafts.

An item's tag is a hash of its canonical msgspec JSON (fields in declaration order, defaults
omitted), so it changes exactly when the item's content changes, whatever else in the edition
changed, and two workers compute the same tag without sharing anything. An edition's tag is its
revision, which every write bumps.

Editing a draft item *requires* ``If-Match`` (428 without it): national bodies edit the
framework concurrently, and an unconditional write would silently undo a colleague's change.
Parsing the header, the check and the 412/428 problems are the service-wide ones of
``api.preconditions``.
"""

from __future__ import annotations

import hashlib

import msgspec
from litestar.datastructures import ResponseHeader

from api.errors import problem_responses

EDIT_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422, 428, 429)
ETAG = [
    ResponseHeader(
        name="ETag",
        description="Send it back in If-Match to change this item safely.",
        documentation_only=True,
    )
]


def item_etag(kind: str, item: msgspec.Struct) -> str:
    digest = hashlib.sha256(kind.encode() + b"\0" + msgspec.json.encode(item)).hexdigest()
    return f'"{digest[:32]}"'


def edition_etag(version: str, revision: int) -> str:
    return f'"edition-{version}-{revision}"'
