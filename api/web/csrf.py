"""CSRF protection for every state-changing request under ``/app`` (issue 15).

Choice: a **synchronizer token derived from the browser's session secret**, not litestar's
``CSRFConfig``. The token a form carries is ``HMAC-SHA256(key=<secret cookie value>, "edskills
csrf")``, where the secret is the session cookie when the browser is signed in, and otherwise a
*pre-session* cookie this middleware sets on the first ``/app`` visit (OWASP's answer to login
CSRF: the sign-in, reset and set-password forms are protected too). Why this over litestar's
double-submit cookie:

- it needs no server-wide secret, so ``--workers 2`` (or ten machines) agree without an
  ``EDSKILLS_SECRET_KEY`` an operator could forget or leave at a default;
- once signed in, the token is bound to the session: an attacker who can plant a cookie (a
  sibling sub-domain) still cannot forge a token for someone else's session, and the token
  changes at sign-in with the session id (``api.web.sessions``);
- both cookies are ``HttpOnly`` (scripts never read them: the token reaches the page in the
  HTML), and are ``__Host-``-prefixed whenever the public URL is https, so no sub-domain can set
  them.

Only paths under ``/app`` are checked, by construction: the JSON API (``/v1``, bearer keys, no
cookies) is never touched, so partner tools are unaffected. A missing or wrong token is a 403
before any handler runs, so nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.utils.scope.state import ScopeState

from api.auth import Forbidden
from api.web.render import CSRF_FIELD

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from api.settings import Settings

FIELD = CSRF_FIELD
"""The hidden form field that carries the token (``{{ csrf_input }}`` renders it)."""
HEADER = "x-csrf-token"
"""The same token in a header, for progressive enhancement that posts without a form."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PROTECTED_PREFIX = "/app"
SESSION_COOKIE = "edskills_session"
"""The signed-in session's cookie (``api.web.sessions`` owns its value)."""
PRE_SESSION_COOKIE = "edskills_presession"
"""A random secret for browsers that are not signed in, so their forms carry a token too."""
_MESSAGE = b"edskills csrf"


class CsrfRefused(Forbidden):
    """A state-changing form arrived without this browser's token: a forged cross-site request, or
    a page kept open across a sign-in or sign-out."""

    problem_type = "csrf"


def secure_cookies(settings: Settings) -> bool:
    """Cookies are ``Secure`` (and ``__Host-``) whenever the service is reached over https."""
    return settings.base_url.startswith("https://")


def cookie_name(settings: Settings, base: str) -> str:
    """``__Host-`` makes the browser refuse the cookie from any other host or path (RFC 6265bis)."""
    return f"__Host-{base}" if secure_cookies(settings) else base


def browser_cookie(settings: Settings, base: str, value: str, *, max_age: int | None = None) -> Cookie:
    """A cookie of ours: ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, ``Secure`` over https."""
    return Cookie(
        key=cookie_name(settings, base),
        value=value,
        max_age=max_age,
        path="/",
        secure=secure_cookies(settings),
        httponly=True,
        samesite="lax",
    )


def _settings(scope: Scope) -> Settings:
    settings: Settings = scope["litestar_app"].state.settings
    return settings


def _secret(scope: Scope, cookies: dict[str, str]) -> str | None:
    """The secret the token is bound to: the session cookie if there is one, else the pre-session."""
    settings = _settings(scope)
    secret: str | None = cookies.get(cookie_name(settings, SESSION_COOKIE)) or cookies.get(
        cookie_name(settings, PRE_SESSION_COOKIE)
    )
    return secret


def token_for(secret: str) -> str:
    return hmac.new(secret.encode(), _MESSAGE, hashlib.sha256).hexdigest()


def bind_to(scope: Scope, secret: str) -> None:
    """Forms rendered in this request carry ``secret``'s token. ``page()`` (``api.web.render``)
    reads it from ``ScopeState.csrf_token``, where litestar's own CSRF middleware would put it."""
    ScopeState.from_scope(scope).csrf_token = token_for(secret)


def _verify(sent: str | None, secret: str | None) -> None:
    if not sent or not secret or not hmac.compare_digest(sent, token_for(secret)):
        raise CsrfRefused(
            "This form could not be accepted: it did not come from this service's page, or the "
            "page was opened before you signed in or out. Go back, reload the page and try again."
        )


class CsrfMiddleware(ASGIMiddleware):
    """Checks the token on every unsafe method under ``/app`` and gives an anonymous browser its
    pre-session cookie. Runs inside litestar's exception handling, so a refusal is the ordinary
    403 (an HTML page under ``/app``, problem+json elsewhere)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path: str = scope["path"]
        if not (path == PROTECTED_PREFIX or path.startswith(PROTECTED_PREFIX + "/")):
            await next_app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive)
        cookies = request.cookies
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(HEADER)
            if sent is None and _is_form(request):
                value = (await request.form()).get(FIELD)  # cached: the handler reads it again
                sent = value if isinstance(value, str) else None
            _verify(sent, _secret(scope, cookies))
        secret = _secret(scope, cookies)
        if secret is not None:
            bind_to(scope, secret)
            await next_app(scope, receive, send)
            return
        fresh = secrets.token_urlsafe(32)
        bind_to(scope, fresh)
        header = browser_cookie(_settings(scope), PRE_SESSION_COOKIE, fresh).to_encoded_header()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await next_app(scope, receive, send_with_cookie)


def _is_form(request: Request[Any, Any, Any]) -> bool:
    content_type = request.headers.get("content-type", "").lower()
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
