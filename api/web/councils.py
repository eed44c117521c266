"""What every manager's page under ``/app/councils/{code}`` shares: one home for each (dedup pass).

- ``MANAGED_COUNCIL``: the dependency giving the council in the path once the signed-in person may
  manage it: the keys' own guard, ``require_council(person.principal, code)`` (admin, or a manager
  of this council; another council's manager gets 404, a person managing none 403), then the
  council's name and sharing switch read from the database (``accounts.council_page``, 404 if it
  is not in the registry). Anyone not signed in is sent to sign in first (``SIGNED_IN``).
- ``Done``, ``Chosen``, ``BudgetText``: the query parameters of a page's "saved" message, of the
  choosers and of the budgets typed beside them.
- ``choices``, ``chooser_context``, ``refusal``: the analysis pages' audit / needs profile choosers
  (gaps, plan, joint working, report, trend, benchmark, progress), the context they all start
  from, and a service's refusal shown beside the chooser that caused it.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.audits import service as audits
from api.audits.schemas import AuditOut
from api.auth import require_council
from api.errors import FieldError, ProblemError
from api.needs import service as needs
from api.needs.schemas import NeedsOut
from api.params import GssCode
from api.web.sessions import SignedIn

CHOICES_SHOWN = 100
"""The choosers offer the newest this many audits and profiles (the first page of each list)."""
Done = Annotated[str | None, QueryParameter(max_length=40)]
"""``?done=`` after a redirect: which "saved" message to show (an unknown one shows none)."""
Chosen = Annotated[uuid.UUID | None, QueryParameter(description="An audit or needs profile id.")]
BudgetText = Annotated[str | None, QueryParameter(max_length=40)]
"""A budget as typed into the plan or report chooser (``recommendations.views.check_budgets`` reads it)."""


async def provide_managed_council(
    code: GssCode, person: NamedDependency[SignedIn], db_session: NamedDependency[AsyncSession]
) -> accounts.CouncilPage:
    """The council in the path, once ``person`` may manage it (see the module docstring)."""
    require_council(person.principal, code)
    return await accounts.council_page(db_session, code)


MANAGED_COUNCIL = Provide(provide_managed_council)
"""``dependencies={"person": SIGNED_IN, "council": MANAGED_COUNCIL}`` on a council's pages."""


class Choices(msgspec.Struct, frozen=True, kw_only=True):
    """The council's audits (newest first) and needs profiles, for the analysis pages' choosers."""

    audits: list[AuditOut]
    profiles: list[NeedsOut]
    audit_options: list[tuple[str, str]]
    profile_options: list[tuple[str, str]]


async def choices(session: AsyncSession, code: str) -> Choices:
    """What the choosers offer: the same lists as ``GET …/audits`` and ``GET …/needs``."""
    found, _ = await audits.list_audits(session, code, CHOICES_SHOWN, 0)
    profiles, _ = await needs.list_profiles(session, code, CHOICES_SHOWN, 0)
    return Choices(
        audits=found,
        profiles=profiles,
        audit_options=[
            (str(a.id), f"{a.title}, {a.audit_date:%-d %B %Y} ({a.members} members, {a.framework_version})")
            for a in found
        ],
        profile_options=[(str(p.id), f"{p.title} ({p.framework_version})") for p in profiles],
    )


async def chooser_context(
    session: AsyncSession,
    council: accounts.CouncilPage,
    *,
    audit_id: uuid.UUID | None = None,
    needs_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The context every analysis page starts from: the council, the choosers and what is chosen,
    and no errors yet. A page adds its own keys (its result, ``None`` until both are chosen)."""
    return {
        "council": council,
        "choices": await choices(session, council.gss),
        "audit_id": audit_id,
        "needs_id": needs_id,
        "errors": [],
    }


def refusal(exc: ProblemError, field: str) -> list[FieldError]:
    """A service's refusal (editions differ, an empty profile) as the page's error summary: its
    detail linked to the chooser that caused it."""
    return [FieldError(field=field, message=str(exc.detail), source="query")]
