"""Persistence: SQLAlchemy tables, engine configuration and migrations."""
