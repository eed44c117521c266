"""Entity tags for framework items and editions, and the ``If-Match`` rule for editing drafts.

An item's tag is a hash of its canonical msgspec JSON (fields in declaration order, defaults
omitted), so it changes exactly when the item's content changes, whatever else in the edition
changed, and two workers compute the same tag without sharing anything. An edition's tag is its
revision, which every write bumps.

Editing a draft item *requires* ``If-Match`` (428 without it): national bodies edit the
framework concurrently, and an unconditional write would silently undo a colleague's change.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

import msgspec
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter

from api.errors import ProblemError, problem_responses

EDIT_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422, 428)
ETAG = [
    ResponseHeader(
        name="ETag",
        description="Send it back in If-Match to change this item safely.",
        documentation_only=True,
    )
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        max_length=200,
        required=False,
        description="The ETag from your last read; required to change an existing item.",
    ),
]


class PreconditionFailed(ProblemError):
    status_code = 412
    problem_type = "precondition-failed"


class PreconditionRequired(ProblemError):
    status_code = 428
    problem_type = "precondition-required"


def item_etag(kind: str, item: msgspec.Struct) -> str:
    digest = hashlib.sha256(kind.encode() + b"\0" + msgspec.json.encode(item)).hexdigest()
    return f'"{digest[:32]}"'


def edition_etag(version: str, revision: int) -> str:
    return f'"edition-{version}-{revision}"'


def require_if_match(if_match: str | None, current: str, what: str) -> None:
    """428 without ``If-Match``; 412 unless it names the current tag (or ``*``)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"Editing {what} needs an If-Match header with its current ETag ({current}); "
            "read it first with GET"
        )
    check_if_match(if_match, current, what)


def check_if_match(if_match: str | None, current: str, what: str) -> None:
    """Honour an optional ``If-Match``: a stale tag means someone else changed it since."""
    if if_match is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(
            f"{what[:1].upper()}{what[1:]} has changed since you read it (its ETag is now {current}); "
            "reload it and apply your change again"
        )
