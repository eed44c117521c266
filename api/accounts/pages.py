"""Sign in, sign out, set or reset a password, the account page and the ``/app`` home (issue 15).

Handlers parse the form, call ``api.people.service`` (the functions the CLI calls) and
``api.web.sessions``, and render a page or answer 303 See Other (post/redirect/get). A form with
mistakes is shown again with an error summary, 422 (a refused sign-in too: one message for every
reason, whether or not the account exists); an invitation or reset link that cannot be used is a
page of its own, 410. Every POST here is CSRF-checked before it arrives (``api.web.csrf``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts.forms import (
    EMAIL_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    ChangePasswordForm,
    EmailForm,
    Rule,
    SetPasswordForm,
    SignInForm,
    check_text,
    read_form,
)
from api.accounts.service import describe_grants
from api.errors import FieldError, ProblemError
from api.people import service as people
from api.people.passwords import MIN_LENGTH
from api.ratelimit import RateLimited, client_address, rate_limiter
from api.settings import Settings
from api.web import sessions
from api.web.render import page
from api.web.sessions import MAYBE_SIGNED_IN, SIGNED_IN, SignedIn

DONE_MESSAGES = {
    "signed-out": "You have signed out.",
    "signed-out-everywhere": "You have signed out on every device and browser.",
    "password-set": "Your password is set. Sign in with it now.",
    "password-changed": "Your password is changed. You stay signed in here; other sessions have ended.",
}
"""The notice a page shows after a redirect (``?done=…``); anything else shows nothing."""
Done = Annotated[str | None, QueryParameter(max_length=40)]
LinkToken = Annotated[str, PathParameter(max_length=500)]
"""An invitation or reset token. Any text up to a bound: the service decides whether it is a link
(``people.token_holder``), so a mistyped or mangled link gets the friendly 410 page, not a 400."""
Next = Annotated[str | None, QueryParameter(max_length=2000)]

SIGN_IN_RULES = {
    "email": Rule("Email address", "Enter your email address", EMAIL_MAX_LENGTH),
    "password": Rule("Password", "Enter your password", PASSWORD_MAX_LENGTH),
}
NEW_PASSWORD_RULES = {
    "password": Rule("Password", "Enter a new password", PASSWORD_MAX_LENGTH),
    "confirm_password": Rule("Password confirmation", "Enter the new password again", PASSWORD_MAX_LENGTH),
}
CHANGE_PASSWORD_RULES = {
    "current_password": Rule("Current password", "Enter your current password", PASSWORD_MAX_LENGTH),
    "new_password": Rule("New password", "Enter a new password", PASSWORD_MAX_LENGTH),
    "confirm_password": Rule("Password confirmation", "Enter the new password again", PASSWORD_MAX_LENGTH),
}
POLICY_HINT = (
    f"At least {MIN_LENGTH} characters. It must not be or contain your email address or your name. "
    "A few unrelated words make a long password that is easy to remember."
)
"""The password rule as a hint beside every new-password field (``api.people.passwords``)."""
RESET_RULES = {"email": Rule("Email address", "Enter your email address", EMAIL_MAX_LENGTH)}


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _new_session(request: Request[Any, Any, Any]) -> Callable[[], AsyncSession]:
    """A factory of sessions on the app's engine, for work after the response, when the request's
    own session has ended."""
    (config,) = request.app.plugins.get(SQLAlchemyPlugin).config
    assert isinstance(config, SQLAlchemyAsyncConfig)  # api.db.engine.alchemy_config
    return config.create_session_maker()


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def _mismatch(field: str) -> list[FieldError]:
    return [FieldError(field=field, message="The two passwords are not the same", source="body")]


def _field_errors(exc: ProblemError, field: str) -> list[FieldError]:
    """A service's refusal as the page's errors, each on a field of this form."""
    return exc.errors or [FieldError(field=field, message=exc.detail, source="body")]


class AccountPages(Controller):
    path = "/app"
    include_in_schema = False
    tags = ["pages"]

    @get("/", operation_id="getAppHome", dependencies={"person": SIGNED_IN})
    async def home(self, request: Request[Any, Any, Any], person: NamedDependency[SignedIn]) -> Template:
        """What a signed-in person can do: their councils' keys and sharing, admin pages."""
        return page(request, "accounts/home.html", {"is_admin": person.principal.is_admin})

    @get("/sign-in", operation_id="getSignIn", dependencies={"person": MAYBE_SIGNED_IN})
    async def sign_in_form(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn | None],
        next: Next = None,
        done: Done = None,
    ) -> Template | Redirect:
        if person is not None:
            return _see_other(sessions.safe_next(next))
        return self._sign_in_page(request, SignInForm(next=sessions.safe_next(next)), [], done=done)

    @post("/sign-in", operation_id="signIn", status_code=303)
    async def sign_in(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template | Response[Any]:
        """A new session (new id: no fixation) and back to where the person was going."""
        form = await read_form(request, SignInForm)
        settings = _settings(request)
        errors = check_text(msgspec.structs.asdict(form), SIGN_IN_RULES)
        if errors:
            return self._sign_in_page(request, form, errors, status_code=422)
        try:
            person = await people.sign_in(
                db_session,
                settings,
                email=form.email,
                password=form.password,
                address=client_address(request),
                limiter=rate_limiter(request),
            )
        except (people.SignInRefused, RateLimited) as exc:
            refused = [FieldError(field="email", message=exc.detail, source="body")]
            return self._sign_in_page(
                request, form, refused, status_code=exc.status_code, headers=exc.headers
            )
        session_id = await sessions.start(db_session, settings, request, person.id)
        response = _see_other(sessions.safe_next(form.next))
        response.set_cookie(sessions.session_cookie(settings, session_id))
        return response

    def _sign_in_page(
        self,
        request: Request[Any, Any, Any],
        form: SignInForm,
        errors: list[FieldError],
        *,
        done: str | None = None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Template:
        context = {
            "form": form,
            "next_path": sessions.safe_next(form.next),
            "errors": errors,
            "done": DONE_MESSAGES.get(done or ""),
        }
        return page(request, "accounts/sign_in.html", context, status_code=status_code, headers=headers)

    @post("/sign-out", operation_id="signOut", status_code=303)
    async def sign_out(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Ends this browser's session (the others stay: see sign out everywhere)."""
        settings = _settings(request)
        await sessions.end(db_session, settings, request)
        response = _see_other(f"{sessions.SIGN_IN_PATH}?done=signed-out")
        response.set_cookie(sessions.cleared_cookie(settings))
        return response

    @get("/set-password/{token:str}", operation_id="getSetPassword")
    async def set_password_form(
        self, request: Request[Any, Any, Any], token: LinkToken, db_session: NamedDependency[AsyncSession]
    ) -> Template:
        """The page an invitation or reset link opens: whose link, and the password rule."""
        holder = await people.token_holder(db_session, token)
        if holder is None:
            return self._link_not_valid(request)
        return self._set_password_page(request, holder, [])

    @post("/set-password/{token:str}", operation_id="setPassword", status_code=303)
    async def set_password(
        self, request: Request[Any, Any, Any], token: LinkToken, db_session: NamedDependency[AsyncSession]
    ) -> Template | Response[Any]:
        """Uses the link (once: ``people.redeem`` is atomic and, after a reset, ends every session
        the person had) and sends them to sign in with the new password."""
        holder = await people.token_holder(db_session, token)
        if holder is None:
            return self._link_not_valid(request)
        form = await read_form(request, SetPasswordForm)
        errors = check_text(msgspec.structs.asdict(form), NEW_PASSWORD_RULES)
        if not errors and form.password != form.confirm_password:
            errors = _mismatch("confirm_password")
        if errors:
            return self._set_password_page(request, holder, errors, status_code=422)
        try:
            await people.redeem(db_session, token, form.password, address=client_address(request))
        except people.LinkNotValid:
            return self._link_not_valid(request)
        except ProblemError as exc:
            errors = _field_errors(exc, "password")
            return self._set_password_page(request, holder, errors, status_code=exc.status_code)
        return _see_other(f"{sessions.SIGN_IN_PATH}?done=password-set")

    def _set_password_page(
        self,
        request: Request[Any, Any, Any],
        holder: Any,
        errors: list[FieldError],
        *,
        status_code: int = 200,
    ) -> Template:
        context = {"holder": holder, "errors": errors, "policy": POLICY_HINT}
        return page(request, "accounts/set_password.html", context, status_code=status_code)

    def _link_not_valid(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "accounts/link_not_valid.html", status_code=410)

    @get("/reset", operation_id="getPasswordReset")
    async def reset_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "accounts/reset.html", {"errors": [], "form": EmailForm(), "sent": False})

    @post("/reset", operation_id="requestPasswordReset", status_code=200)
    async def reset(self, request: Request[Any, Any, Any]) -> Template:
        """Always the same confirmation, in the same time, whether or not the address has an
        account: the link is made and emailed after the response (``people.request_reset``)."""
        form = await read_form(request, EmailForm)
        errors = check_text(msgspec.structs.asdict(form), RESET_RULES)
        if errors:
            context = {"errors": errors, "form": form, "sent": False}
            return page(request, "accounts/reset.html", context, status_code=422)
        response = page(request, "accounts/reset.html", {"errors": [], "form": EmailForm(), "sent": True})
        # Everything after the response, for every address: only a known one has a link to write
        # and a mail server to wait for, which would tell by the time who has an account (issue 15).
        response.background = BackgroundTask(
            people.request_reset,
            _new_session(request),
            _settings(request),
            email=form.email,
            address=client_address(request),
        )
        return response

    @get("/account", operation_id="getAccount", dependencies={"person": SIGNED_IN})
    async def account(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        return await self._account_page(request, person, db_session, [], done=done)

    async def _account_page(
        self,
        request: Request[Any, Any, Any],
        person: SignedIn,
        db_session: AsyncSession,
        errors: list[FieldError],
        *,
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        context = {
            "errors": errors,
            "sessions": await sessions.sessions_of(db_session, person),
            "powers": describe_grants(person.grants, person.councils),
            "policy": POLICY_HINT,
            "done": DONE_MESSAGES.get(done or ""),
        }
        return page(request, "accounts/account.html", context, status_code=status_code)

    @post(
        "/account/password",
        operation_id="changePassword",
        status_code=303,
        dependencies={"person": SIGNED_IN},
    )
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Response[Any]:
        """Current password and a new one; every other session of the person ends."""
        form = await read_form(request, ChangePasswordForm)
        errors = check_text(msgspec.structs.asdict(form), CHANGE_PASSWORD_RULES)
        if not errors and form.new_password != form.confirm_password:
            errors = _mismatch("confirm_password")
        if not errors:
            try:
                await people.change_password(
                    db_session,
                    person.person_id,
                    current_password=form.current_password,
                    new_password=form.new_password,
                    address=client_address(request),
                )
            except ProblemError as exc:
                errors = _field_errors(exc, "current_password")
        if errors:
            return await self._account_page(request, person, db_session, errors, status_code=422)
        await sessions.end_others(db_session, person)
        return _see_other("/app/account?done=password-changed")

    @post(
        "/account/sign-out-everywhere",
        operation_id="signOutEverywhere",
        status_code=303,
        dependencies={"person": SIGNED_IN},
    )
    async def sign_out_everywhere(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        await sessions.end_everywhere(db_session, person, address=client_address(request))
        response = _see_other(f"{sessions.SIGN_IN_PATH}?done=signed-out-everywhere")
        response.set_cookie(sessions.cleared_cookie(_settings(request)))
        return response
