"""The core calls behind the incident list, each run as a job on a worker thread.

Each imports its service on first use, on the worker: the services pull in
SQLAlchemy (about 0.4 s), which must stay off the UI thread until the window
has painted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commander.domain import Severity
    from commander.store.engine import Store
    from commander.views.incidents import IncidentDetail, IncidentSummary


def peek(db_arg: str | None) -> list[IncidentSummary] | None:
    """The list read straight from the file, before the store is open (None: cannot)."""
    from commander.store.peek import peek_incidents

    return peek_incidents(db_arg)


def open_store_listing(db_arg: str | None, *, create: bool) -> tuple[Store, list[IncidentSummary]]:
    """Open the store (``create``: make it if there is none) and list its incidents,
    in one trip to the worker."""
    from commander.services.incidents import list_incidents
    from commander.store.engine import open_store

    store = open_store(db_arg, create=create)
    return store, list_incidents(store)


def list_all(store: Store) -> list[IncidentSummary]:
    from commander.services.incidents import list_incidents

    return list_incidents(store)


def declare(
    store: Store, title: str, severity: Severity, author: str, summary: str
) -> IncidentDetail:
    from commander.services.incidents import declare_incident

    return declare_incident(store, title, severity, author=author, summary=summary)


def store_key(store: Store) -> str | None:
    """The store's random id, what the window remembers its open incident by (None: damaged)."""
    from commander.errors import StoreError
    from commander.services.store_identity import store_id

    try:
        return store_id(store)
    except StoreError:
        return None
