"""Frozen read models handed to the CLI and the window, never live ORM objects.

Below the store and the services: the store builds them from rows (see
store/raw_sql.py and the ``of`` constructors), the services return them, and
neither layer needs the other to name them. Nothing here imports SQLAlchemy at
run time, so the window can hold these values before the store has loaded.
"""
