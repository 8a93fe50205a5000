"""The core calls the window makes, imported lazily on a worker thread.

Importing the services pulls in SQLAlchemy (about 0.4 s); keeping that off the
UI thread lets the window paint first.
"""

from __future__ import annotations

from dataclasses import replace

from commander.services.feed import ChangeFeed, changes_since
from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    get_incident,
    list_incidents,
)
from commander.services.timeline import (
    delete_entry,
    edit_entry,
    entry_history,
    log_entry,
    restore_entry,
)
from commander.services.timeline_pages import (
    NO_FILTER,
    TimelineFilter,
    TimelinePage,
    matching_entry_ids,
    read_timeline_page,
    timeline_authors,
    timeline_counts,
)
from commander.store.engine import Store, open_store
from commander.views.incidents import EntryView, IncidentDetail, IncidentSummary

# Rows read when an incident opens: a few screens, whatever the incident's size.
FIRST_PAGE_SIZE = 200


def load_incident(
    store: Store, ref: str, timeline_filter: TimelineFilter | None = None
) -> tuple[IncidentDetail, TimelinePage]:
    """The incident and the newest page of its timeline, deleted entries included
    (shown struck); older pages are read as the reader scrolls up."""
    detail = get_incident(store, ref, with_timeline=False)
    page = read_timeline_page(
        store,
        detail.id,
        limit=FIRST_PAGE_SIZE,
        timeline_filter=timeline_filter or NO_FILTER,
        with_counts=False,  # the rows paint first; the page asks for the counts next
    )
    return replace(detail, timeline=page.entries), page


def poll_changes(
    feed: ChangeFeed, store: Store, incident_id: int | None, cursor: int
) -> tuple[int | None, list[EntryView], int, list[IncidentSummary]] | None:
    """One tick of the live view: None when nobody committed since the last tick."""
    if not feed.poll():
        return None
    entries: list[EntryView] = []
    if incident_id is not None:
        entries, cursor = changes_since(store, incident_id, cursor)
    return incident_id, entries, cursor, list_incidents(store)


def open_store_listing(db_arg: str | None) -> tuple[Store, list[IncidentSummary]]:
    """Open the store and list its incidents in one trip to the worker."""
    store = open_store(db_arg)
    return store, list_incidents(store)


__all__ = [
    "ChangeFeed",
    "delete_entry",
    "edit_entry",
    "entry_history",
    "load_incident",
    "poll_changes",
    "restore_entry",
    "change_phase",
    "change_severity",
    "declare_incident",
    "get_incident",
    "list_incidents",
    "log_entry",
    "matching_entry_ids",
    "read_timeline_page",
    "timeline_authors",
    "timeline_counts",
    "open_store_listing",
]
