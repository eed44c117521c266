"""RFC 9457 problem details for every error the service sends.

One handler turns every exception into ``application/problem+json`` so that clients parse one
error shape, and validation problems always carry the failing field paths. Domain code raises
``ProblemError`` (or one of its subclasses) with a precise message; nothing else needs to know
about HTTP status codes.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import msgspec
from advanced_alchemy.exceptions import DuplicateKeyError, NotFoundError
from litestar import Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

if TYPE_CHECKING:
    from litestar import Request

log = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
DOMAIN_PROBLEM_TYPE = "urn:edskills:problem:"
"""Domain problems get a type of their own; plain HTTP errors use ``about:blank`` (RFC 9457 §4.2.1)."""


class FieldError(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One failing input: where it is (``field``, a dotted path or ``row 4, column C``) and why."""

    field: str
    message: str
    source: str | None = None


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem details document."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(HTTPException):
    """A domain error with an HTTP status, a precise detail and optional field errors."""

    status_code = 400
    problem_type = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=detail, status_code=status_code or self.status_code, headers=headers)
        self.errors = errors


class NotFound(ProblemError):
    status_code = 404
    problem_type = "not-found"


class Conflict(ProblemError):
    status_code = 409
    problem_type = "conflict"


class Unprocessable(ProblemError):
    status_code = 422
    problem_type = "unprocessable"


class ServiceUnavailable(ProblemError):
    status_code = 503
    problem_type = "service-unavailable"


RETRY_LATER_SQLSTATES = ("08", "57P", "53300")
"""SQLSTATE prefixes that mean the server is unreachable, shutting down, starting up or full
(connection exceptions, operator intervention, too many connections). The fault test found
``57P03 the database system is shutting down`` answered 500 during a PostgreSQL restart."""


def is_database_down(exc: BaseException) -> bool:
    """Connection failures and timeouts mean "retry later" (503), not a bug (500)."""
    if isinstance(exc, DBAPIError):
        return (
            exc.connection_invalidated
            or isinstance(exc, OperationalError)
            or (exc.orig is not None and is_database_down(exc.orig))
        )
    if isinstance(exc, OSError | TimeoutError | PoolTimeout):  # PoolTimeout: every connection busy
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(RETRY_LATER_SQLSTATES):
        return True
    cause = exc.__cause__
    return cause is not None and cause is not exc and is_database_down(cause)


UNIQUE_VIOLATIONS = ("23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
"""PostgreSQL's SQLSTATE and SQLite's extended result names for a duplicate key."""


def is_unique_violation(exc: BaseException) -> bool:
    """Two requests creating the same thing at once (issue 12: concurrent ``POST …/members`` with
    one reference): the loser's INSERT hits a unique constraint, which is a 409, not a 500.
    Other integrity errors (a missing foreign key, a NOT NULL) stay bugs."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return code in UNIQUE_VIOLATIONS


def _source_name(source: object) -> str | None:
    """``query``, ``path``, ``header``, ``body``…: litestar hands a ``ParamType`` enum, whose ``str()``
    would be ``ParamType.QUERY``."""
    if not source:
        return None
    return str(getattr(source, "value", source))


def _validation_errors(extra: Any) -> list[FieldError] | None:
    """Litestar reports validation failures as ``[{message, key, source}]``; keep their paths."""
    if not isinstance(extra, list):
        return None
    errors = [
        FieldError(
            field=str(item.get("key") or "body"),
            message=str(item.get("message", "")),
            source=_source_name(item.get("source")),
        )
        for item in extra
        if isinstance(item, dict)
    ]
    return errors or None


def problem_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """Render any exception as problem+json; unexpected ones as a 500 without internals."""
    headers: dict[str, str] = {}
    errors: list[FieldError] | None = None
    problem_type = "about:blank"
    if isinstance(exc, ProblemError):
        status, detail, errors = exc.status_code, exc.detail, exc.errors
        headers.update(exc.headers or {})
        problem_type = DOMAIN_PROBLEM_TYPE + exc.problem_type
    elif isinstance(exc, NotFoundError):
        status, detail = 404, "Not found"
    elif isinstance(exc, DuplicateKeyError) or is_unique_violation(exc):
        status, detail = 409, "A resource with the same identifier already exists"
    elif is_database_down(exc):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        status, detail = 503, "The database is unavailable; retry shortly"
        headers["Retry-After"] = "5"
    elif isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
        headers.update(exc.headers or {})
        if isinstance(exc, ValidationException):
            errors = _validation_errors(exc.extra)
            detail = _validation_detail(detail, errors)
        elif status == 413:
            detail = f"Request body too large (limit {request.app.state.settings.max_body_bytes} bytes)"
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail = 500, "Internal server error"
    problem = Problem(
        type=problem_type,
        title=_title(status),
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return Response(content=problem, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _validation_detail(detail: str, errors: list[FieldError] | None) -> str:
    if not errors:
        return detail
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"Invalid {first.source or 'input'} '{first.field}': {first.message}{more}"


# The app registers ``problem_response`` through ``api.web.error_pages.EXCEPTION_HANDLERS``, which
# shows the same answer as an HTML page for the people's pages under ``/app`` (issue 15).


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error responses of a handler, all as problem+json (see PITFALLS: litestar
    would otherwise document them as application/json)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=HTTPStatus(status).phrase,
            generate_examples=False,
        )
        for status in statuses
    }


__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "FieldError",
    "NotFound",
    "Problem",
    "ProblemError",
    "ServiceUnavailable",
    "Unprocessable",
    "problem_response",
    "problem_responses",
]
