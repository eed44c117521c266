"""Identifier types for paths, queries and request bodies: one home for each identifier's rule.

The slug and version patterns are the framework file format's (``taxonomy.model``), so the files,
request bodies, paths and the OpenAPI document all state one rule; modules that need a parameter
with its own description build it from the same constants.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from taxonomy.model import SLUG_MAX_LENGTH, SLUG_PATTERN, VERSION_MAX_LENGTH, VERSION_PATTERN

GSS_PATTERN = r"^[ENSWK]\d{8}$"
"""ONS GSS codes of UK local authorities (E06…, E07…, E08…, E09…, E10…, W06…, S12…, N09…, E47…)."""
GSS_LENGTH = 9
MEMBER_REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\- ]{0,39}$"
"""A member's pseudonymous reference within an audit, e.g. ``EDO-03``."""
MEMBER_REFERENCE_MAX_LENGTH = 40

__all__ = [
    "GSS_LENGTH",
    "GSS_PATTERN",
    "MEMBER_REFERENCE_MAX_LENGTH",
    "MEMBER_REFERENCE_PATTERN",
    "MINIMUM_ZERO",
    "SLUG_MAX_LENGTH",
    "SLUG_PATTERN",
    "VERSION_MAX_LENGTH",
    "VERSION_PATTERN",
    "AuditId",
    "GssCode",
    "GssCodeText",
    "MemberRef",
    "NeedsId",
    "NeedsQuery",
    "Slug",
    "SlugQuery",
    "Version",
    "VersionQuery",
    "VersionText",
]

# --- path parameters ---------------------------------------------------------------------------
Slug = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Version = Annotated[
    str, PathParameter(pattern=VERSION_PATTERN, max_length=VERSION_MAX_LENGTH, description="e.g. 2026.1")
]
GssCode = Annotated[
    str, PathParameter(pattern=GSS_PATTERN, max_length=GSS_LENGTH, description="GSS code, e.g. E08000021")
]
AuditId = Annotated[uuid.UUID, PathParameter(description="Audit id (UUID).")]
NeedsId = Annotated[uuid.UUID, PathParameter(description="Needs profile id (UUID).")]
MemberRef = Annotated[
    str, PathParameter(pattern=MEMBER_REFERENCE_PATTERN, max_length=MEMBER_REFERENCE_MAX_LENGTH)
]

# --- query parameters --------------------------------------------------------------------------
MINIMUM_ZERO = {"minimum": 0}
"""``schema_extra`` of an optional number with ``ge=0``: litestar drops a falsy ``ge=0`` from the
document of an optional parameter, so it is stated again."""
SlugQuery = Annotated[str | None, QueryParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
VersionQuery = Annotated[
    str | None,
    QueryParameter(
        pattern=VERSION_PATTERN,
        max_length=VERSION_MAX_LENGTH,
        description="Framework edition, e.g. `2026.1`; default: the latest published.",
    ),
]
NeedsQuery = Annotated[uuid.UUID, QueryParameter(description="Needs profile id (UUID).")]
"""``?needs=``: the needs profile an analysis is against."""

# --- request body fields -----------------------------------------------------------------------
# (a slug in a body is the file format's own ``taxonomy.model.Slug``)
VersionText = Annotated[str, Meta(pattern=VERSION_PATTERN, max_length=VERSION_MAX_LENGTH)]
GssCodeText = Annotated[str, Meta(pattern=GSS_PATTERN, max_length=GSS_LENGTH)]
