"""A read-only first look at a SQLite store, before SQLAlchemy has loaded.

Importing SQLAlchemy costs more than painting the whole window, so the window
shows the incident list from this peek and opens the real store behind it.
The peek only answers for a store already at this build's schema; anything
else (missing, older, newer, damaged, a server URL) returns None and waits for
``open_store``, which explains or migrates.
"""

from __future__ import annotations

import sqlite3

from commander.store import raw_sql, schema
from commander.store.location import raw_location, sqlite_file
from commander.views.incidents import IncidentSummary


def peek_incidents(db_arg: str | None) -> list[IncidentSummary] | None:
    path = sqlite_file(raw_location(db_arg))
    if path is None or not path.is_file():
        return None
    try:
        return raw_sql.read_incident_summaries(path, schema.HEAD)
    except (sqlite3.Error, ValueError):
        return None
