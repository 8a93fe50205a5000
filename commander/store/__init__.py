"""Persistence: the SQLAlchemy engine, ORM tables, Alembic migrations."""

from commander.store.engine import Store, open_store, resolve_url

__all__ = ["Store", "open_store", "resolve_url"]
