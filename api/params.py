"""Identifier types for paths, queries and request bodies: one home for each identifier's rule.

The slug and version patterns are the framework file format's (``taxonomy.model``), so the files,
request bodies, paths and the OpenAPI document all state one rule; modules that need a parameter
with its own description build it from the same constants.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from taxonomy.model import SLUG_MAX_LENGTH, SLUG_PATTERN, VERSION_MAX_LENGTH, VERSION_PATTERN

GSS_PATTERN = r"^[ENSWK]\d{8}$"
"""ONS GSS codes of UK local authorities (E06…, E07…, E08…, E09…, E10…, W06…, S12…, N09…, E47…)."""
GSS_LENGTH = 9

__all__ = [
    "GSS_LENGTH",
    "GSS_PATTERN",
    "SLUG_MAX_LENGTH",
    "SLUG_PATTERN",
    "VERSION_MAX_LENGTH",
    "VERSION_PATTERN",
    "GssCode",
    "GssCodeText",
    "Slug",
    "SlugQuery",
    "SlugText",
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

# --- query parameters --------------------------------------------------------------------------
SlugQuery = Annotated[str | None, QueryParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
VersionQuery = Annotated[
    str | None,
    QueryParameter(
        pattern=VERSION_PATTERN,
        max_length=VERSION_MAX_LENGTH,
        description="Framework edition, e.g. `2026.1`; default: the latest published.",
    ),
]

# --- request body fields -----------------------------------------------------------------------
SlugText = Annotated[str, Meta(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
VersionText = Annotated[str, Meta(pattern=VERSION_PATTERN, max_length=VERSION_MAX_LENGTH)]
GssCodeText = Annotated[str, Meta(pattern=GSS_PATTERN, max_length=GSS_LENGTH)]
