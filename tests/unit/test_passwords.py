"""Issue 15: the password policy (at least 12 characters, not the email or the name) and argon2id."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.people.passwords import (
    MAX_LENGTH,
    MIN_FRAGMENT,
    MIN_LENGTH,
    PasswordRefused,
    check_policy,
    hash_password,
    policy_problem,
    verify_password,
)

EMAIL = "jo.bloggs@gateshead.gov.uk"
NAME = "Jo Bloggs"
names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=MIN_FRAGMENT, max_size=30
).filter(lambda text: text.strip() == text and len(text.casefold()) == len(text))


@given(st.text(max_size=MIN_LENGTH - 1))
def test_shorter_than_twelve_is_refused(password: str) -> None:
    assert policy_problem(password, email=EMAIL, display_name=NAME) == (
        f"Your password must be at least {MIN_LENGTH} characters long"
    )


@given(name=names, before=st.text(max_size=10), after=st.text(max_size=10), upper=st.booleans())
def test_a_password_containing_the_name_is_refused(name: str, before: str, after: str, upper: bool) -> None:
    inner = name.upper() if upper and len(name.upper()) == len(name) else name
    password = (before + inner + after).ljust(MIN_LENGTH, "!")
    assert policy_problem(password, email="someone@example.gov.uk", display_name=name) is not None


@given(local=st.from_regex(r"\A[a-z][a-z0-9.]{2,20}\Z"), padding=st.text(min_size=MIN_LENGTH, max_size=20))
def test_a_password_containing_the_email_local_part_is_refused(local: str, padding: str) -> None:
    problem = policy_problem(
        local.upper() + padding, email=f"{local}@example.gov.uk", display_name="Unrelated Person"
    )
    assert problem == "Your password must not contain your email address"


@given(
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=MIN_LENGTH, max_size=80
    ).filter(
        lambda text: (
            "jo.bloggs" not in text.casefold()
            and "jo bloggs" not in text.casefold()
            and EMAIL not in text.casefold()
        )
    )
)
def test_a_long_unrelated_password_is_accepted(password: str) -> None:
    assert policy_problem(password, email=EMAIL, display_name=NAME) is None


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("a" * (MIN_LENGTH - 1), False),
        ("a" * MIN_LENGTH, True),
        ("a" * MAX_LENGTH, True),
        ("a" * (MAX_LENGTH + 1), False),
        ("JO.BLOGGS@gateshead.gov.uk", False),
        ("my name is jo bloggs!", False),
        ("tyne bridge at dawn", True),
        ("Al is my friend!", True),  # a two-letter fragment is too short to forbid
    ],
)
def test_policy_table(password: str, accepted: bool) -> None:
    assert (
        policy_problem(password, email=EMAIL, display_name="Al" if "Al " in password else NAME) is None
    ) == accepted


def test_a_refusal_names_the_field() -> None:
    with pytest.raises(PasswordRefused) as refused:
        check_policy("short", email=EMAIL, display_name=NAME, field="new_password")
    assert refused.value.status_code == 422
    assert [(error.field, error.message) for error in refused.value.errors or []] == [
        ("new_password", f"Your password must be at least {MIN_LENGTH} characters long")
    ]


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=MIN_LENGTH, max_size=40))
def test_argon2id_round_trip(password: str) -> None:
    async def check() -> None:
        stored = await hash_password(password)
        assert stored.startswith("$argon2id$") and password not in stored
        assert await verify_password(stored, password)
        assert not await verify_password(stored, password + "x")
        assert not await verify_password(None, password)
        assert not await verify_password("not a hash", password)

    asyncio.run(check())
