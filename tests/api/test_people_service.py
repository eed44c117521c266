"""Issue 15: people, invitations, resets, sign-in, lockout and the event log, on both databases.

The services are called as the pages and the CLI call them, each call in a transaction of its own
on the test's real database; nothing of ours is mocked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import create_key, require_council, require_scope, revoke_key
from api.db.engine import create_engine
from api.db.models import Event, Person, PersonGrant, PersonToken, WebSession
from api.errors import Conflict, NotFound, Unprocessable
from api.people import events
from api.people import service as people
from api.people.passwords import PasswordRefused
from api.people.service import LinkNotValid, SignInRefused
from api.ratelimit import RateLimited, RateLimiter
from api.settings import Settings
from tests.conftest import GATESHEAD, NEWCASTLE

T = TypeVar("T")
PASSWORD = "correct horse battery staple"
EMAIL = "Dana.Manager@Newcastle.gov.uk"
ADDRESS = "192.0.2.7"


def run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work`` in one transaction on its own engine, committed when it returns."""

    async def go() -> T:
        engine = create_engine(settings, pooled=False)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                try:
                    result = await work(session)
                    await session.commit()
                    return result
                except BaseException:
                    await session.rollback()
                    raise
        finally:
            await engine.dispose()

    return asyncio.run(go())


def invite(
    settings: Settings, email: str = EMAIL, grants: tuple[str, ...] = (f"manager:{NEWCASTLE}",)
) -> str:
    issued = run(
        settings,
        lambda s: people.invite(
            s, settings, email=email, display_name="Dana Manager", grants=grants, actor="cli"
        ),
    )
    assert issued.emailed is False and issued.mail_error is None
    return issued.link.rsplit("/", 1)[1]


def redeem(settings: Settings, token: str, password: str = PASSWORD) -> Person:
    return run(settings, lambda s: people.redeem(s, token, password, address=ADDRESS))


def sign_in(
    settings: Settings, email: str = EMAIL, password: str = PASSWORD, limiter: RateLimiter | None = None
) -> Person:
    return run(
        settings,
        lambda s: people.sign_in(
            s, settings, email=email, password=password, address=ADDRESS, limiter=limiter
        ),
    )


def refusal(settings: Settings, email: str, password: str) -> str:
    with pytest.raises(SignInRefused) as refused:
        sign_in(settings, email, password)
    assert refused.value.status_code == 401
    return str(refused.value.detail)


def event_kinds(settings: Settings, kind: str | None = None) -> list[str]:
    page = run(settings, lambda s: people.event_page(s, 500, 0, kind))
    return [item.kind for item in reversed(page.items)]


async def _token_hashes(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(PersonToken.token_hash)))


def count(settings: Settings, model: type[object]) -> int:
    return run(settings, lambda s: s.scalar(select(func.count()).select_from(model)))  # type: ignore[arg-type]


def test_invitation_sets_a_password_once_and_the_person_signs_in(settings: Settings) -> None:
    token = invite(settings)
    holder = run(settings, lambda s: people.token_holder(s, token))
    assert holder is not None
    assert (holder.email, holder.purpose) == ("dana.manager@newcastle.gov.uk", "invite")
    stored = run(settings, _token_hashes)
    assert token not in list(stored) and people.hash_token(token) in stored  # only the hash is kept

    person = redeem(settings, token)
    assert person.password_hash is not None and person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash
    with pytest.raises(LinkNotValid) as again:
        redeem(settings, token, "another long password")
    assert again.value.status_code == 410
    assert run(settings, lambda s: people.token_holder(s, token)) is None

    signed_in = sign_in(settings, "  DANA.manager@newcastle.GOV.uk ")
    assert signed_in.id == person.id
    assert event_kinds(settings) == [events.INVITED, events.PASSWORD_SET, events.SIGN_IN]


def test_the_person_has_the_powers_of_the_matching_key_scopes(settings: Settings) -> None:
    invite(settings, grants=(f"manager:{NEWCASTLE}", "editor", "analyst"))
    person = redeem(settings, invite(settings))
    principal = run(settings, lambda s: people.load_principal(s, person.id))
    assert principal is not None and principal.person_id == person.id and principal.key_id is None
    assert principal.scopes == {f"council:{NEWCASTLE}", "framework:write", "national:read"}
    require_council(principal, NEWCASTLE)
    require_scope(principal, "framework:write")
    with pytest.raises(NotFound):
        require_council(principal, GATESHEAD)
    assert people.principal_for(1, "a@b.uk", ["admin"]).is_admin


@pytest.mark.parametrize(
    ("email", "name", "grants", "field"),
    [
        ("not-an-email", "Dana", ["admin"], "email"),
        ("dana@example.gov.uk", "", ["admin"], "display_name"),
        ("dana@example.gov.uk", "Dana\x00", ["admin"], "display_name"),
        ("dana@example.gov.uk", "Dana", [], "grants"),
        ("dana@example.gov.uk", "Dana", ["owner"], "grants[0]"),
        ("dana@example.gov.uk", "Dana", ["admin", "manager:E08999999"], "grants[1]"),
    ],
)
def test_a_bad_invitation_is_refused_and_writes_nothing(
    settings: Settings, email: str, name: str, grants: list[str], field: str
) -> None:
    with pytest.raises(Unprocessable) as refused:
        run(
            settings,
            lambda s: people.invite(s, settings, email=email, display_name=name, grants=grants, actor="cli"),
        )
    assert [error.field for error in refused.value.errors or []] == [field]
    assert (count(settings, Person), count(settings, PersonToken), count(settings, Event)) == (0, 0, 0)


def test_reinviting_reissues_until_the_password_is_set_then_conflicts(settings: Settings) -> None:
    first = invite(settings)
    second = invite(settings, grants=("analyst",))
    assert run(settings, lambda s: people.token_holder(s, first)) is None  # the old link stopped working
    person = redeem(settings, second)
    assert run(settings, lambda s: people.grants_of(s, person.id)) == ["analyst", f"manager:{NEWCASTLE}"]
    with pytest.raises(Conflict):
        invite(settings)
    assert count(settings, Person) == 1


def test_an_expired_link_is_refused(settings: Settings) -> None:
    token = invite(settings)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    run(settings, lambda s: s.execute(update(PersonToken).values(expires_at=past)))
    assert run(settings, lambda s: people.token_holder(s, token)) is None
    with pytest.raises(LinkNotValid):
        redeem(settings, token)
    assert run(settings, lambda s: s.scalar(select(Person.password_hash))) is None


def test_a_refused_password_leaves_the_link_working(settings: Settings) -> None:
    token = invite(settings)
    for bad, message in [
        ("short", "at least 12 characters"),
        ("dana.manager-is-my-password", "must not contain your email address"),
        ("xx-DANA MANAGER-xx", "must not contain your name"),
    ]:
        with pytest.raises(PasswordRefused) as refused:
            redeem(settings, token, bad)
        assert refused.value.status_code == 422
        assert message in str(refused.value.detail)
        assert [error.field for error in refused.value.errors or []] == ["password"]
    redeem(settings, token)


def test_reset_for_unknown_email_is_none_and_for_a_person_replaces_the_password(settings: Settings) -> None:
    person = redeem(settings, invite(settings))
    assert run(settings, lambda s: people.issue_reset(s, settings, email="nobody@example.gov.uk")) is None
    run(settings, lambda s: _add_session(s, person.id))
    issued = run(settings, lambda s: people.issue_reset(s, settings, email=EMAIL, address=ADDRESS))
    assert issued is not None and issued.purpose == "reset"
    assert issued.link.startswith(f"{settings.base_url}/app/set-password/")
    assert issued.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=settings.reset_hours)
    redeem(settings, issued.link.rsplit("/", 1)[1], "a brand new passphrase")
    assert count(settings, WebSession) == 0  # a reset signs the person out everywhere
    assert refusal(settings, EMAIL, PASSWORD) == people.SIGN_IN_REFUSED
    sign_in(settings, EMAIL, "a brand new passphrase")
    assert event_kinds(settings, events.RESET_ISSUED) == [events.RESET_ISSUED]


async def _add_session(session: AsyncSession, person_id: int) -> None:
    session.add(WebSession(id_hash="0" * 64, person_id=person_id))


def test_unknown_account_wrong_password_and_no_password_get_the_same_answer(settings: Settings) -> None:
    invite(settings, email="invited@example.gov.uk")
    redeem(settings, invite(settings))
    answers = {
        refusal(settings, "nobody@example.gov.uk", PASSWORD),
        refusal(settings, EMAIL, "not the password at all"),
        refusal(settings, "invited@example.gov.uk", PASSWORD),
        refusal(settings, "", ""),
    }
    assert answers == {people.SIGN_IN_REFUSED}
    reasons = [
        item.detail["reason"]
        for item in run(settings, lambda s: people.event_page(s, 10, 0, events.SIGN_IN_FAILED)).items
    ]
    assert sorted(reasons) == ["no-password", "unknown-account", "unknown-account", "wrong-password"]


def test_five_failures_lock_the_account_until_the_time_passes(settings: Settings) -> None:
    redeem(settings, invite(settings))
    for _ in range(settings.lockout_failures):
        refusal(settings, EMAIL, "wrong password, again")
    locked_until = run(settings, lambda s: s.scalar(select(Person.locked_until)))
    assert locked_until is not None
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.lockout_minutes)
    assert abs((locked_until - expected).total_seconds()) < 60
    # Locked: even the right password is refused, with the same message.
    assert refusal(settings, EMAIL, PASSWORD) == people.SIGN_IN_REFUSED
    assert event_kinds(settings, events.LOCKED) == [events.LOCKED]

    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    run(settings, lambda s: s.execute(update(Person).values(locked_until=past)))  # the 15 minutes pass
    sign_in(settings)
    row = run(settings, lambda s: s.scalar(select(Person)))
    assert row is not None and (row.failed_sign_ins, row.locked_until) == (0, None)


def test_four_failures_then_success_do_not_lock(settings: Settings) -> None:
    redeem(settings, invite(settings))
    for _ in range(settings.lockout_failures - 1):
        refusal(settings, EMAIL, "wrong password, again")
    sign_in(settings)
    for _ in range(settings.lockout_failures - 1):
        refusal(settings, EMAIL, "wrong password, again")
    sign_in(settings)
    assert event_kinds(settings, events.LOCKED) == []


def test_an_address_past_its_failures_is_refused_before_the_password_is_checked(settings: Settings) -> None:
    settings = msgspec.structs.replace(settings, sign_in_address_per_minute=3, lockout_failures=100)
    redeem(settings, invite(settings))

    async def attempts() -> list[str]:
        limiter = RateLimiter(settings)
        answers = []
        try:
            for password in ["wrong one", "nobody@x", "wrong three", PASSWORD]:
                try:
                    await _sign_in_once(settings, limiter, password)
                    answers.append("signed in")
                except SignInRefused:
                    answers.append("refused")
                except RateLimited as exc:
                    answers.append(f"throttled {exc.status_code} {'Retry-After' in (exc.headers or {})}")
        finally:
            await limiter.close()
        return answers

    assert asyncio.run(attempts()) == ["refused", "refused", "refused", "throttled 429 True"]


async def _sign_in_once(settings: Settings, limiter: RateLimiter, password: str) -> None:
    engine = create_engine(settings, pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await people.sign_in(
                session, settings, email=EMAIL, password=password, address=ADDRESS, limiter=limiter
            )
            await session.commit()
    finally:
        await engine.dispose()


def test_two_concurrent_redemptions_of_one_link_have_one_winner(settings: Settings) -> None:
    token = invite(settings)

    async def one(engine_factory: Callable[[], AsyncSession], password: str) -> str:
        async with engine_factory() as session:
            try:
                await people.redeem(session, token, password)
                await session.commit()
                return password
            except LinkNotValid:
                await session.rollback()
                return "refused"

    async def race() -> list[str]:
        engine = create_engine(settings)
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            passwords = [f"contender number {index:02d}" for index in range(6)]
            return list(await asyncio.gather(*(one(maker, password) for password in passwords)))
        finally:
            await engine.dispose()

    outcomes = asyncio.run(race())
    winners = [outcome for outcome in outcomes if outcome != "refused"]
    assert len(winners) == 1, outcomes
    sign_in(settings, EMAIL, winners[0])
    assert event_kinds(settings, events.PASSWORD_SET) == [events.PASSWORD_SET]


def test_change_password_checks_the_current_one_and_the_policy(settings: Settings) -> None:
    person = redeem(settings, invite(settings))
    with pytest.raises(PasswordRefused) as wrong:
        run(
            settings,
            lambda s: people.change_password(s, person.id, current_password="nope", new_password="x" * 20),
        )
    assert [error.field for error in wrong.value.errors or []] == ["current_password"]
    with pytest.raises(PasswordRefused) as weak:
        run(
            settings,
            lambda s: people.change_password(s, person.id, current_password=PASSWORD, new_password="short"),
        )
    assert [error.field for error in weak.value.errors or []] == ["new_password"]
    run(
        settings,
        lambda s: people.change_password(
            s, person.id, current_password=PASSWORD, new_password="the new phrase"
        ),
    )
    sign_in(settings, EMAIL, "the new phrase")
    assert event_kinds(settings, events.PASSWORD_CHANGED) == [events.PASSWORD_CHANGED]


def test_grants_are_added_and_removed_with_events_and_listed(settings: Settings) -> None:
    invite(settings)
    assert run(settings, lambda s: people.add_grant(s, email=EMAIL, grant="editor", actor="cli")) == [
        "editor",
        f"manager:{NEWCASTLE}",
    ]
    run(settings, lambda s: people.add_grant(s, email=EMAIL, grant="editor", actor="cli"))  # no change
    with pytest.raises(Unprocessable) as bad:
        run(settings, lambda s: people.add_grant(s, email=EMAIL, grant="manager:E08999999", actor="cli"))
    assert [error.field for error in bad.value.errors or []] == ["grant"]
    with pytest.raises(NotFound):
        run(settings, lambda s: people.add_grant(s, email="nobody@x.uk", grant="editor", actor="cli"))
    assert run(
        settings, lambda s: people.remove_grant(s, email=EMAIL, grant=f"manager:{NEWCASTLE}", actor="cli")
    ) == ["editor"]
    assert event_kinds(settings) == [events.INVITED, events.GRANT_ADDED, events.GRANT_REMOVED]
    page = run(settings, lambda s: people.list_people(s, 10, 0))
    assert page.total == 1
    assert (page.items[0].email, page.items[0].grants, page.items[0].status) == (
        "dana.manager@newcastle.gov.uk",
        ["editor"],
        "invited",
    )
    assert count(settings, PersonGrant) == 1


def test_keys_created_and_revoked_are_logged(settings: Settings) -> None:
    async def work(session: AsyncSession) -> int:
        row, _ = await create_key(session, "Partner tool", [f"council:{NEWCASTLE}"], actor="dana@x.gov.uk")
        await revoke_key(session, row.id)
        await revoke_key(session, row.id)  # already revoked: no second event
        return row.id

    key_id = run(settings, work)
    page = run(settings, lambda s: people.event_page(s, 10, 0))
    assert [(item.kind, item.actor, item.detail["key_id"]) for item in page.items] == [
        (events.KEY_REVOKED, "cli", key_id),
        (events.KEY_CREATED, "dana@x.gov.uk", key_id),
    ]


def test_the_event_log_pages_newest_first_and_filters_by_kind(settings: Settings) -> None:
    redeem(settings, invite(settings))
    for _ in range(3):
        refusal(settings, EMAIL, "wrong password, again")
    page = run(settings, lambda s: people.event_page(s, 2, 1))
    assert page.total == 5 and [item.kind for item in page.items] == [events.SIGN_IN_FAILED] * 2
    assert page.items[0].id > page.items[1].id
    assert run(settings, lambda s: people.event_page(s, 10, 0, events.INVITED)).total == 1
