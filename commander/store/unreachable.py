"""Telling "the database server is gone" from every other driver error.

A PostgreSQL server that stops, restarts or drops off the network fails a call
with a connection error: the driver could not connect (no SQLSTATE), the
connection broke (class 08, SQLAlchemy invalidates it), or the server is
shutting down or starting (57P01-57P03). The window journals entries on these
and keeps going; anything else is a real failure of the call.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# admin_shutdown, crash_shutdown, cannot_connect_now
_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})


def is_unreachable(exc: DBAPIError) -> bool:
    """True when ``exc`` says the server cannot be reached, not that the call was wrong."""
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if isinstance(state, str):
        return state.startswith("08") or state in _SHUTTING_DOWN
    return isinstance(exc, OperationalError)
