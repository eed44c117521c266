"""Which database errors mean "retry later" (503 with Retry-After) rather than a bug (500)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.errors import is_database_down


@pytest.mark.parametrize(
    ("error", "down"),
    [
        (asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), True),
        (asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError(), True),
        (PoolTimeout("QueuePool limit of size 10 overflow 10 reached"), True),
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
        (ValueError("a bug"), False),
    ],
)
def test_retry_later_errors(error: BaseException, down: bool) -> None:
    assert is_database_down(error) is down


def test_wrapped_shutdown_error_is_down_and_integrity_error_is_not() -> None:
    """SQLAlchemy wraps the driver's error; the SQLSTATE of the original decides (found under a restart)."""
    shutting_down = DBAPIError("SELECT 1", None, asyncpg.exceptions.CannotConnectNowError("shutting down"))
    assert is_database_down(shutting_down)
    duplicate = IntegrityError("INSERT", None, asyncpg.exceptions.UniqueViolationError("duplicate"))
    assert not is_database_down(duplicate)
