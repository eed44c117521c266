"""The editors' framework pages (issue 16): ``/app/framework``, for a person with the ``editor`` grant
(``framework:write``) or an admin; anyone else signed in gets 403, as a key without the scope does.

Drafts and editions, creating a draft from the latest published edition, a draft's validator
problems, an edition's change log, and publishing or retiring with a confirm step. Each calls the
function the JSON API calls (``api.framework.editing``: ``create_draft``, ``validation_report``,
``changes``, ``EditionEdits.publish`` / ``retire``), with the person's principal, so the change log
names them and every rule (versions must grow, only a valid draft publishes, never retire the last
published edition) is the API's.

The ``If-Match`` rule of the API holds here too: a confirm page carries the edition's ETag as it was
when the page was drawn (a hidden field) and the write sends it as ``If-Match``; if the edition has
changed since (a colleague's edit), the service answers 412 and the page says so, shows the edition
as it is now and asks again. Nothing is written by a refused form (every 4xx rolls back).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts.forms import Rule, check_text, read_form
from api.auth import FRAMEWORK_WRITE, require_scope
from api.deps import STORE
from api.errors import Conflict, FieldError, ProblemError, Unprocessable
from api.framework import editing
from api.framework.editing_schemas import DraftCreate
from api.framework.store import FrameworkStore
from api.params import Version
from api.preconditions import PreconditionFailed, PreconditionRequired
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn
from taxonomy.diff import diff
from taxonomy.model import VERSION_PATTERN

CHANGES_PAGE_SIZE = 50
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]
Done = Annotated[str | None, QueryParameter(max_length=40)]
DONE_MESSAGES = {
    "created": "The draft is created, copied from the latest published edition.",
    "published": "The edition is published. The public framework pages now show it.",
    "retired": "The edition is retired. It stays readable with ?version= for audits made against it.",
}
DRAFT_RULES = {
    "version": Rule("Edition", "Enter the new edition's number, like 2026.2", 40),
    "title": Rule("Title", None, 200),
}
DONE_AFTER = {"publish": "published", "retire": "retired"}
CONFIRM_FIELD = "confirm"
"""The id of a confirm page's button: where its error summary points."""


class DraftForm(msgspec.Struct, kw_only=True):
    version: str = ""
    title: str = ""


class ConfirmForm(msgspec.Struct, kw_only=True):
    etag: str = ""


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def _confirm_error(message: str) -> list[FieldError]:
    return [FieldError(field=CONFIRM_FIELD, message=message, source="body")]


class FrameworkEditorPages(Controller):
    path = "/app/framework"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE}

    async def _editions_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        *,
        errors: list[FieldError] | None = None,
        form: DraftForm | None = None,
        status_code: int = 200,
    ) -> Template:
        editions = await store.editions(db_session)
        rows = [
            (edition, (await store.index(db_session, edition)).framework.title)
            for edition in reversed(editions)
        ]
        context = {"rows": rows, "errors": errors or [], "form": form or DraftForm()}
        return page(request, "framework/editor/editions.html", context, status_code=status_code)

    @get(operation_id="getFrameworkEditorPage")
    async def editions(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        require_scope(person.principal, FRAMEWORK_WRITE)
        return await self._editions_page(request, db_session, store)

    @post("/drafts", operation_id="createFrameworkDraftPage", status_code=303)
    async def create_draft(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Response[Any]:
        """``editing.create_draft``, as ``POST /v1/frameworks``; its refusals (an edition that is not
        later than every other, one that exists) shown on the form."""
        require_scope(person.principal, FRAMEWORK_WRITE)
        form = await read_form(request, DraftForm)
        errors = check_text(msgspec.structs.asdict(form), DRAFT_RULES)
        version = form.version.strip()
        if not errors and not re.fullmatch(VERSION_PATTERN, version):
            message = "Enter the edition as the year, a dot and a number, like 2026.2"
            errors.append(FieldError(field="version", message=message, source="body"))
        status = 422
        if not errors:
            data = DraftCreate(version=version, title=form.title.strip() or None)
            try:
                await editing.create_draft(db_session, store, person.principal, data)
            except (Conflict, Unprocessable) as error:
                errors = [FieldError(field="version", message=str(error.detail), source="body")]
                status = error.status_code
            else:
                return _see_other(f"/app/framework/{version}?done=created")
        return await self._editions_page(
            request, db_session, store, errors=errors, form=form, status_code=status
        )

    @get("/{version:str}", operation_id="getFrameworkEditionPage")
    async def edition(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        """An edition's state and, for a draft, what publishing would report now."""
        require_scope(person.principal, FRAMEWORK_WRITE)
        stored = await editing.load(db_session, version)
        report = (
            await editing.validation_report(db_session, store, stored) if stored.status == "draft" else None
        )
        context = {
            "edition": await self._edition_out(db_session, store, stored),
            "report": report,
            "done": DONE_MESSAGES.get(done or ""),
        }
        return page(request, "framework/editor/edition.html", context)

    @get("/{version:str}/changes", operation_id="getFrameworkChangesPage")
    async def changes(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        offset: Offset = 0,
    ) -> Template:
        """The change log, as ``GET /v1/frameworks/{version}/changes``: who, when and what."""
        require_scope(person.principal, FRAMEWORK_WRITE)
        await editing.load(db_session, version)
        log = await editing.changes(db_session, version, CHANGES_PAGE_SIZE, offset)
        return page(request, "framework/editor/changes.html", {"log": log, "page_size": CHANGES_PAGE_SIZE})

    @get("/{version:str}/publish", operation_id="getPublishFrameworkPage")
    async def confirm_publish(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        require_scope(person.principal, FRAMEWORK_WRITE)
        return await self._confirm_page(request, db_session, store, version, "publish")

    @post("/{version:str}/publish", operation_id="publishFrameworkPage", status_code=303)
    async def publish(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Response[Any]:
        """``EditionEdits.publish`` with the ETag the confirm page showed as ``If-Match``."""
        require_scope(person.principal, FRAMEWORK_WRITE)
        return await self._change_status(request, person, store, db_session, version, "publish")

    @get("/{version:str}/retire", operation_id="getRetireFrameworkPage")
    async def confirm_retire(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        require_scope(person.principal, FRAMEWORK_WRITE)
        return await self._confirm_page(request, db_session, store, version, "retire")

    @post("/{version:str}/retire", operation_id="retireFrameworkPage", status_code=303)
    async def retire(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        person: NamedDependency[SignedIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Response[Any]:
        """``EditionEdits.retire`` with the ETag the confirm page showed as ``If-Match``."""
        require_scope(person.principal, FRAMEWORK_WRITE)
        return await self._change_status(request, person, store, db_session, version, "retire")

    # --- the confirm step ---------------------------------------------------------------------

    async def _edition_out(
        self, db_session: AsyncSession, store: FrameworkStore, stored: editing.StoredEdition
    ) -> Any:
        return editing.edition_out(stored, await editing.based_on(db_session, store, stored.version))

    async def _confirm_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        version: str,
        action: str,
        *,
        errors: list[FieldError] | None = None,
        problems: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        """Publish or retire, asked once more, with the edition's ETag as it is now. A draft that
        would not pass the validator shows its problems and no button."""
        stored = await editing.load(db_session, version)
        report = (
            await editing.validation_report(db_session, store, stored) if stored.status == "draft" else None
        )
        previous = await editing.based_on(db_session, store, stored.version)
        context = {
            "action": action,
            "edition": editing.edition_out(stored, previous),
            "etag": editing.etag_of(stored),
            "report": report,
            # What publishing changes against the latest published edition (issue 19, taxonomy.diff).
            "diff": diff(previous, stored.framework) if previous and action == "publish" else None,
            "errors": errors or [],
            "problems": problems or [],
        }
        return page(request, "framework/editor/confirm.html", context, status_code=status_code)

    async def _change_status(
        self,
        request: Request[Any, Any, Any],
        person: SignedIn,
        store: FrameworkStore,
        db_session: AsyncSession,
        version: str,
        action: str,
    ) -> Template | Response[Any]:
        form = await read_form(request, ConfirmForm)
        edits = editing.EditionEdits(db_session, store, person.principal, version)
        store.refresh_after_commit(db_session)  # this worker's public pages show it at once
        problems: list[FieldError] = []
        try:
            if not form.etag:
                raise PreconditionRequired("The form was sent without the edition's tag: open it again")
            if action == "publish":
                await edits.publish(form.etag)
            else:
                await edits.retire(form.etag)
        except PreconditionFailed:
            message = (
                f"Someone changed {version} after you opened this page. Check it as it is now, "
                f"then {action} it again if you still want to."
            )
            errors = _confirm_error(message)
            status = 412
        except Unprocessable as error:
            problems = list(error.errors or [])
            errors = [FieldError(field="problems", message=str(error.detail), source="body")]
            status = error.status_code
        except ProblemError as error:
            if error.status_code == 404:
                raise
            errors = _confirm_error(str(error.detail))
            status = error.status_code
        else:
            return _see_other(f"/app/framework/{version}?done={DONE_AFTER[action]}")
        return await self._confirm_page(
            request,
            db_session,
            store,
            version,
            action,
            errors=errors,
            problems=problems,
            status_code=status,
        )
