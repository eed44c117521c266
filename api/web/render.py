"""``page()``: the one way every HTML page renders (issue 15).

Every page gets the same shell context and the same security headers, so no page can forget them:

- ``person``: ``request.state.person`` when someone is signed in (set by the session layer), else
  ``None``; the layout shows their name, council(s) and the sign-out button from it.
- ``service_name``, ``current_path`` (for "you are here" links and the sign-in ``next``).
- ``csrf_input``: the hidden form field carrying the request's CSRF token, already marked safe, or
  an empty string when no CSRF token was issued for this request. litestar's own template context
  has it as a plain string, which autoescape would print as text; see ``Page``.
- ``Content-Security-Policy``: nothing from another site, no inline script or style, no framing,
  forms post only here (``PAGE_CONTENT_SECURITY_POLICY``); ``Referrer-Policy: same-origin``.

``Cache-Control: no-store`` for pages with a person (and every ``/app`` path) is set with the
other cache rules in ``api.http_guards.response_headers``, which also sees redirects and errors.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from litestar.enums import MediaType
from litestar.response import Template
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

if TYPE_CHECKING:
    from litestar import Request

SERVICE_NAME = "ED Skills Pathways"
CSRF_FIELD = "_csrf_token"
"""The form field litestar's ``CSRFMiddleware`` reads the token from."""
PAGE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
PAGE_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": PAGE_CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
}
SHELL_CONTEXT = frozenset({"person", "service_name", "current_path", "csrf_input", "request"})
"""Names ``page()`` fills in; a page's own context may not reuse them."""


def csrf_input(request: Request[Any, Any, Any]) -> Markup:
    """The hidden CSRF field for this request's token (``ScopeState.csrf_token``, which litestar's
    ``CSRFMiddleware`` sets, or any session layer that sets it the same way); empty without one."""
    token = ScopeState.from_scope(request.scope).csrf_token
    if not isinstance(token, str) or not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, html.escape(token))


class Page(Template):
    """A ``Template`` whose ``csrf_input`` is markup (or empty), not escaped text."""

    def create_template_context(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        context = super().create_template_context(request)
        context["csrf_input"] = csrf_input(request)
        return context


def signed_in_person(request: Request[Any, Any, Any]) -> Any:
    """``request.state.person`` if the session layer set one, else ``None``."""
    return getattr(request.state, "person", None)


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Template:
    """Render ``template_name`` with the shell context and the page headers of the module docstring."""
    own = dict(context or {})
    if clash := SHELL_CONTEXT & own.keys():
        raise ValueError(f"page context may not set {sorted(clash)}: page() provides them")
    return Page(
        template_name=template_name,
        context={
            **own,
            "person": signed_in_person(request),
            "service_name": SERVICE_NAME,
            "current_path": request.url.path,
        },
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={**PAGE_HEADERS, **(headers or {})},
    )
