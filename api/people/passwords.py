"""Passwords: argon2id hashing and the policy (issue 15).

``argon2.PasswordHasher()``'s defaults are argon2id (RFC 9106's second recommended profile: 64 MiB,
3 passes), about 50 ms of CPU here, so every hash and verification runs in a worker thread and the
event loop keeps serving. A sign-in for an unknown account verifies against a dummy hash so it
costs the same time as a wrong password (no enumeration by timing).

Policy (issue 15): at least 12 characters, and not the person's email, its local part or their
name, nor containing them (case-insensitive). Fragments shorter than 3 characters are not checked
for containment: a person called "Al" may still use "totally-calm-river". At most 1,000 characters,
which bounds the work one request can ask of the hasher.
"""

from __future__ import annotations

import functools
import secrets
from typing import Final

from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.errors import FieldError, Unprocessable

MIN_LENGTH: Final = 12
MAX_LENGTH: Final = 1000
MIN_FRAGMENT: Final = 3
"""Shortest email local part or name that a password may not contain."""

_hasher = PasswordHasher()


class PasswordRefused(Unprocessable):
    """422 with a field error on ``password``: the new password breaks the policy."""

    problem_type = "password-refused"

    def __init__(self, message: str, *, field: str = "password") -> None:
        super().__init__(message, errors=[FieldError(field=field, message=message)])


def policy_problem(password: str, *, email: str, display_name: str) -> str | None:
    """Why ``password`` may not be used by this person, or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be at most {MAX_LENGTH} characters long"
    folded = password.casefold()
    local_part = email.partition("@")[0]
    for what, fragment in (("email address", email), ("email address", local_part), ("name", display_name)):
        text = fragment.strip().casefold()
        if text and (folded == text or (len(text) >= MIN_FRAGMENT and text in folded)):
            return f"Your password must not contain your {what}"
    return None


def check_policy(password: str, *, email: str, display_name: str, field: str = "password") -> None:
    """Raise ``PasswordRefused`` (422, field ``password``) when the policy refuses ``password``."""
    problem = policy_problem(password, email=email, display_name=display_name)
    if problem is not None:
        raise PasswordRefused(problem, field=field)


async def hash_password(password: str) -> str:
    """An argon2id hash (with its own salt and parameters), computed off the event loop."""
    return await to_thread.run_sync(_hasher.hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no stored hash, the same work against a dummy, then False."""
    if stored_hash is None:
        await to_thread.run_sync(_verify, _dummy_hash(), password)
        return False
    return await to_thread.run_sync(_verify, stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with older parameters than today's defaults (re-hash at sign-in)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))
