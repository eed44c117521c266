"""Static files of the shell (``api/web/static``), served under ``/static`` with a year-long cache.

A long cache is safe only if a changed file gets a new URL: ``static_url("app.css")`` appends a
hash of the file's content (``/static/app.css?v=3f2a…``), computed once per process, so a release
that changes the stylesheet is fetched again at once and an unchanged one never is.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from litestar.datastructures import CacheControlHeader
from litestar.router import Router
from litestar.static_files import create_static_files_router

STATIC_FOLDER = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
STATIC_MAX_AGE = 365 * 24 * 3600


@cache
def _version(name: str) -> str:
    return hashlib.sha256((STATIC_FOLDER / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The URL of a static file, versioned by its content (raises if the file does not exist)."""
    return f"{STATIC_PATH}/{name}?v={_version(name)}"


def static_files_router() -> Router:
    """``/static/*`` from ``api/web/static``: no directory listing, not in the OpenAPI document."""
    return create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC_FOLDER],
        name="static",
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=STATIC_MAX_AGE, public=True, immutable=True),
    )
