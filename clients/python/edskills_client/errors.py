"""Problem details (RFC 9457) raised as typed exceptions.

Every error the service sends is ``application/problem+json``; the client turns each into a
subclass of :class:`ProblemError` chosen by status, so callers catch ``NotFound`` or
``Unprocessable`` rather than comparing numbers, and still read ``type``, ``detail`` and the
per-field ``errors`` (``assessments[6].skill``, ``row 7, column E``).
"""

from __future__ import annotations

from http import HTTPStatus

import httpx
import msgspec


class FieldError(msgspec.Struct, kw_only=True):
    """One failing input: where (a field path, or ``row 4, column C``) and why."""

    field: str
    message: str
    source: str | None = None


class Problem(msgspec.Struct, kw_only=True):
    """The problem details document as sent by the service."""

    type: str = "about:blank"
    title: str = ""
    status: int = 0
    detail: str = ""
    instance: str | None = None
    errors: list[FieldError] | None = None


class EdskillsError(Exception):
    """Anything the client raises: a problem answer or a failed transport."""


class TransportError(EdskillsError):
    """The service could not be reached or did not answer in time (wraps the httpx error)."""


class ProblemError(EdskillsError):
    """The service answered with an error status; the problem details are kept whole."""

    def __init__(self, problem: Problem, response: httpx.Response | None = None) -> None:
        self.problem = problem
        self.response = response
        super().__init__(self._message())

    @property
    def type(self) -> str:
        return self.problem.type

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def detail(self) -> str:
        return self.problem.detail

    @property
    def instance(self) -> str | None:
        return self.problem.instance

    @property
    def errors(self) -> list[FieldError]:
        return list(self.problem.errors or [])

    def _message(self) -> str:
        return f"{self.status} {self.title}: {self.detail}" if self.detail else f"{self.status} {self.title}"


class BadRequest(ProblemError):
    """400: a malformed query or path parameter (``errors`` names it), or a body that is not JSON in
    UTF-8 or is nested too deeply. A well-formed body that does not fit the schema is ``Unprocessable``."""


class Unauthorized(ProblemError):
    """401: no key, or a key that is unknown or revoked."""


class Forbidden(ProblemError):
    """403: the key lacks the scope the operation needs."""


class NotFound(ProblemError):
    """404: no such resource, or one another council owns."""


class Conflict(ProblemError):
    """409: the write clashes with the current state (e.g. a duplicate reference)."""


class PreconditionFailed(ProblemError):
    """412: ``If-Match`` no longer matches: someone else changed the resource first."""


class PayloadTooLarge(ProblemError):
    """413: the upload is over the service's limit."""


class UnsupportedMediaType(ProblemError):
    """415: not a CSV or XLSX file."""


class Unprocessable(ProblemError):
    """422: well-formed but not acceptable: a body that does not fit the schema (``errors`` names the
    fields), an import that is not ready, an empty needs profile…"""


class TooManyRequests(ProblemError):
    """429: raised once the client's retries are used up."""


class ServerError(ProblemError):
    """5xx other than 503: a fault on the service's side."""


class ServiceUnavailable(ServerError):
    """503: the database is unavailable; raised once the client's retries are used up."""


_BY_STATUS: dict[int, type[ProblemError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: Unprocessable,
    429: TooManyRequests,
    503: ServiceUnavailable,
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_from_response(response: httpx.Response) -> ProblemError:
    """The typed exception for an error response; tolerant of bodies that are not problem+json
    (a proxy's HTML page still becomes a ``ProblemError`` with the status and a short detail)."""
    status = response.status_code
    try:
        problem = msgspec.json.decode(response.content, type=Problem)
    except msgspec.DecodeError:
        text = response.text.strip().splitlines()
        problem = Problem(title=_phrase(status), status=status, detail=text[0][:200] if text else "")
    if not problem.status:
        problem.status = status
    if not problem.title:
        problem.title = _phrase(status)
    kind = _BY_STATUS.get(status) or (ServerError if status >= 500 else ProblemError)
    return kind(problem, response)


__all__ = [
    "BadRequest",
    "Conflict",
    "EdskillsError",
    "FieldError",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "Problem",
    "ProblemError",
    "ServerError",
    "ServiceUnavailable",
    "TooManyRequests",
    "TransportError",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "problem_from_response",
]
