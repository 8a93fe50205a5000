"""The core calls the window makes, imported lazily on a worker thread.

Importing the services pulls in SQLAlchemy (about 0.4 s); keeping that off the
UI thread lets the window paint first.
"""

from __future__ import annotations

from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    get_incident,
    list_incidents,
)
from commander.services.timeline import log_entry
from commander.services.views import IncidentSummary
from commander.store.engine import Store, open_store


def open_store_listing(db_arg: str | None) -> tuple[Store, list[IncidentSummary]]:
    """Open the store and list its incidents in one trip to the worker."""
    store = open_store(db_arg)
    return store, list_incidents(store)


__all__ = [
    "change_phase",
    "change_severity",
    "declare_incident",
    "get_incident",
    "list_incidents",
    "log_entry",
    "open_store_listing",
]
