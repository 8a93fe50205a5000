"""The core calls the timeline makes, each run as a job on a worker thread.

Each imports its service on first use, on the worker: the services pull in
SQLAlchemy (about 0.4 s), which must stay off the UI thread until the window
has painted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from commander.domain.quick_entry import QuickEntry
    from commander.services.quick_entry import CarriedOut
    from commander.store.engine import Store
    from commander.views.incidents import EntryView, RevisionView
    from commander.views.timeline import (
        PageKey,
        TimelineCounts,
        TimelineFilter,
        TimelinePage,
    )

# Rows read when an incident opens: a few screens, whatever the incident's size.
FIRST_PAGE_SIZE = 200
# Rows fetched each time the reader reaches the top of what is loaded.
OLDER_PAGE_SIZE = 500


def read_newest_page(
    store: Store, incident_id: int, timeline_filter: TimelineFilter, limit: int
) -> TimelinePage:
    """The newest rows; the counts come next (counting 100,000 rows costs more than the page)."""
    from commander.services.timeline_pages import read_timeline_page

    return read_timeline_page(
        store, incident_id, limit=limit, timeline_filter=timeline_filter, with_counts=False
    )


def read_filtered_page(
    store: Store, incident_id: int, timeline_filter: TimelineFilter
) -> TimelinePage:
    """The newest page under a new filter, with its counts (the bar shows "n of m")."""
    from commander.services.timeline_pages import read_timeline_page

    return read_timeline_page(store, incident_id, timeline_filter=timeline_filter)


def read_older_page(
    store: Store,
    incident_id: int,
    before: PageKey,
    timeline_filter: TimelineFilter,
) -> TimelinePage:
    from commander.services.timeline_pages import read_timeline_page

    return read_timeline_page(
        store, incident_id, before=before, limit=OLDER_PAGE_SIZE, timeline_filter=timeline_filter
    )


def count_entries(
    store: Store, incident_id: int, timeline_filter: TimelineFilter
) -> TimelineCounts:
    from commander.services.timeline_pages import timeline_counts

    return timeline_counts(store, incident_id, timeline_filter)


def matching_entries(
    store: Store, incident_id: int, timeline_filter: TimelineFilter, entry_ids: list[int]
) -> tuple[frozenset[int], TimelineCounts]:
    from commander.services.timeline_pages import matching_entry_ids

    return matching_entry_ids(store, incident_id, timeline_filter, entry_ids)


def authors_of(store: Store, incident_id: int) -> tuple[str, ...]:
    from commander.services.timeline_pages import timeline_authors

    return timeline_authors(store, incident_id)


def carry_out(
    store: Store, ref: str, parsed: QuickEntry, author: str, idempotency_key: str | None = None
) -> CarriedOut:
    """What the quick-entry bar parsed, by the core's rules (backdating, phase warning)."""
    from commander.services.quick_entry import carry_out as carry_out_quick_entry

    return carry_out_quick_entry(store, ref, parsed, author, idempotency_key)


def edit(store: Store, entry_id: int, author: str, changes: dict[str, Any]) -> EntryView:
    from commander.services.timeline import edit_entry

    return edit_entry(store, entry_id, author, **changes)


def delete(store: Store, entry_id: int, author: str) -> EntryView:
    from commander.services.timeline import delete_entry

    return delete_entry(store, entry_id, author)


def restore(store: Store, entry_id: int, author: str) -> EntryView:
    from commander.services.timeline import restore_entry

    return restore_entry(store, entry_id, author)


def revisions_of(store: Store, entry_id: int) -> list[RevisionView]:
    from commander.services.timeline import entry_revisions

    return entry_revisions(store, entry_id)
