"""Start-up checks that turn a missing or stale database into one clear line."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from api.db.engine import create_engine
from api.db.migrate import alembic_config
from api.errors import is_database_down
from api.settings import Settings


async def check_database(settings: Settings) -> str | None:
    """``None`` when the database answers and is at the head revision; else what is wrong."""
    engine = create_engine(settings, pooled=False)
    try:
        async with engine.connect() as connection:
            revision = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    except Exception as exc:
        if is_database_down(exc):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            return f"cannot reach the database at {_redacted(settings.database_url)}: {reason}"
        raise
    finally:
        await engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    if revision != head:
        return f"the database is at revision {revision or '(none)'}, not {head}: run `edskills db upgrade`"
    return None


def _redacted(url: str) -> str:
    """Never print a password from a database URL."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
