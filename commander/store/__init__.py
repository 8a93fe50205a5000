"""Persistence: the SQLAlchemy engine, ORM tables, Alembic migrations.

Kept free of imports so that ``commander.store.peek`` can read a store before
SQLAlchemy has loaded; use ``commander.store.engine`` for ``open_store``.
"""
