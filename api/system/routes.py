"""``/health`` and the ``/docs`` entry point."""

from __future__ import annotations

import asyncio
from typing import Literal

import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Redirect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import ServiceUnavailable, is_database_down, problem_responses
from api.settings import Settings


class Health(msgspec.Struct, kw_only=True):
    status: Literal["ok"]
    database: Literal["sqlite", "postgresql"]
    version: str


class SystemController(Controller):
    tags = ["system"]

    @get(
        "/health",
        operation_id="getHealth",
        summary="Service and database health",
        description="200 when the database answers within the configured timeout; 503 otherwise.",
        responses=problem_responses(503),
    )
    async def health(self, state: State, db_engine: NamedDependency[AsyncEngine]) -> Health:
        settings: Settings = state.settings
        try:
            async with asyncio.timeout(settings.db_timeout_seconds):
                async with db_engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception as exc:
            if is_database_down(exc) or isinstance(exc, TimeoutError):
                raise ServiceUnavailable(
                    "The database is not reachable", headers={"Retry-After": "5"}
                ) from exc
            raise
        return Health(
            status="ok",
            database="sqlite" if settings.is_sqlite else "postgresql",
            version=state.version,
        )

    @get("/docs", include_in_schema=False, operation_id="getDocs")
    async def docs(self) -> Redirect:
        """Interactive documentation (Swagger UI) lives under the schema path."""
        return Redirect(path="/schema/swagger")
