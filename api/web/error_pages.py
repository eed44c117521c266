"""Errors as pages for people, problem+json for programs: chosen by path prefix (issue 15).

A request under ``/app`` (the people's pages) or ``/framework`` (the public framework pages),
``PAGE_PREFIXES``, gets an HTML page in the shell's layout; every other path (``/v1``, ``/health``,
``/schema`` …) keeps ``application/problem+json``.
The path, not ``Accept``: a browser's ``Accept`` lists ``*/*`` too, and a JSON client that forgot
its ``Accept`` header must never get HTML. Either way the status, message and headers
(``Retry-After``, ``Allow``…) come from ``api.errors.problem_response``, the one place that maps an
exception to an answer, so a page and the API always agree on what went wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Response

from api.errors import Problem, problem_response
from api.web.render import page
from api.web.sessions import HOME_PATH, safe_next

if TYPE_CHECKING:
    from litestar import Request
    from litestar.types import ExceptionHandlersMap

PAGE_PREFIXES = ("/app", "/framework")
"""Paths whose errors are pages: the people's pages and the public framework pages (issue 16)."""

HEADINGS = {
    403: "You cannot use this page",
    413: "The file is too large",
    404: "Page not found",
    405: "Page not found",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}
GENERIC_MESSAGES = {
    500: "Try again later.",
    503: "Try again in a few minutes.",
    404: "There is no page at this address.",
    405: "There is no page at this address.",
}
"""Statuses whose problem detail is not meant for people (routing and internal errors)."""


def too_large_message(request: Request[Any, Any, Any]) -> str:
    """What a person can do about a 413 (an upload over ``max_body_bytes``): the body is refused
    while it is read, before any form handler runs, so the advice is given here (issue 16 review)."""
    limit: int = request.app.state.settings.max_body_bytes
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit // 1024:,} KB"
    return (
        f"This service takes files of up to {size}. Save only the sheet with your team's "
        "skills, or save it as CSV (usually much smaller than XLSX), then upload it again."
    )


def back_path(request: Request[Any, Any, Any]) -> str | None:
    """The page the refused form was on (its same-site ``Referer``), when it is one of ours."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    base = str(request.base_url).rstrip("/")
    if not referer.startswith(base + "/"):
        return None
    target = safe_next(referer[len(base) :])
    return None if target == HOME_PATH else target


def is_page_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PAGE_PREFIXES)


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The app's one exception handler: ``problem_response`` everywhere, shown as a page under ``/app``."""
    problem = problem_response(request, exc)
    if not is_page_path(request.url.path) or not isinstance(problem.content, Problem):
        return problem
    status = problem.content.status
    headers = {name: value for name, value in problem.headers.items() if name.lower() != "content-type"}
    message = (
        too_large_message(request) if status == 413 else GENERIC_MESSAGES.get(status, problem.content.detail)
    )
    return page(
        request,
        "errors/error.html",
        {
            "status": status,
            "heading": HEADINGS.get(status, problem.content.title),
            "message": message,
            "back": back_path(request) if status == 413 else None,
        },
        status_code=status,
        headers=headers,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {Exception: error_response}
