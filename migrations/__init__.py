"""Alembic migrations (run through ``edskills db …`` or ``api.db.migrate``)."""
