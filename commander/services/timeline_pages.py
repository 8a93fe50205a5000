"""Reading a timeline a page at a time, optionally filtered.

An incident can hold 100,000 entries; a window shows a few dozen. The window
asks for the newest page and for older pages as the reader scrolls up
(keyset paging on ``(occurred_at, id)``, served by the
``ix_timeline_incident_occurred`` index), so opening costs the same whatever
the incident's size. Deleted entries are included: the window strikes them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.orm import Session

from commander.services.timeline import _incident_id, where_words
from commander.store.engine import Store
from commander.store.orm import ENTRY_VIEW_COLUMNS, TimelineEntry
from commander.views.incidents import EntryView
from commander.views.timeline import (
    NO_FILTER,
    PageKey,
    TimelineCounts,
    TimelineFilter,
    TimelinePage,
    search_words,
)

PAGE_SIZE = 200


def read_timeline_page(
    store: Store,
    ref_or_incident_id: str | int,
    *,
    before: PageKey | None = None,
    limit: int = PAGE_SIZE,
    timeline_filter: TimelineFilter = NO_FILTER,
    with_counts: bool = True,
) -> TimelinePage:
    """The ``limit`` newest entries passing the filter (older than ``before`` if given),
    oldest first, with the version cursor (and the counts, unless told not to: counting
    100,000 entries costs more than the page) read in the same transaction."""
    with store.read() as session:
        incident_id = _incident_id(session, ref_or_incident_id)
        statement = _filtered(
            select(*_ENTRY_COLUMNS), incident_id, timeline_filter, sqlite=store.is_sqlite
        )
        if before is not None:
            statement = statement.where(
                tuple_(TimelineEntry.occurred_at, TimelineEntry.id)
                < tuple_(literal(before[0], TimelineEntry.occurred_at.type), literal(before[1]))
            )
        newest_first = statement.order_by(
            TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc()
        ).limit(limit + 1)  # one more than asked tells whether older ones exist
        rows = session.execute(newest_first).all()
        entries = tuple(map(_entry_view, reversed(rows[:limit])))
        return TimelinePage(
            entries=entries,
            has_older=len(rows) > limit,
            counts=(
                _counts(session, incident_id, timeline_filter, sqlite=store.is_sqlite)
                if with_counts
                else None
            ),
            latest_version=_latest_version(session, incident_id),
            timeline_filter=timeline_filter,
        )


def timeline_counts(
    store: Store, incident_id: int, timeline_filter: TimelineFilter = NO_FILTER
) -> TimelineCounts:
    with store.read() as session:
        return _counts(session, incident_id, timeline_filter, sqlite=store.is_sqlite)


def matching_entry_ids(
    store: Store, incident_id: int, timeline_filter: TimelineFilter, entry_ids: Iterable[int]
) -> tuple[frozenset[int], TimelineCounts]:
    """Which of these entries (just written or changed) pass the filter, and the new counts.

    The window asks this for live changes, so a filter and a search keep
    holding while entries arrive, with the same matching rules as the page.
    """
    wanted = sorted(set(entry_ids))
    with store.read() as session:
        statement = _filtered(
            select(TimelineEntry.id), incident_id, timeline_filter, sqlite=store.is_sqlite
        ).where(TimelineEntry.id.in_(wanted))
        matching = frozenset(session.scalars(statement)) if wanted else frozenset()
        return matching, _counts(session, incident_id, timeline_filter, sqlite=store.is_sqlite)


def timeline_authors(store: Store, incident_id: int) -> tuple[str, ...]:
    """Everyone who wrote in this incident, for the author filter."""
    with store.read() as session:
        statement = (
            select(TimelineEntry.author)
            .where(TimelineEntry.incident_id == incident_id)
            .distinct()
            .order_by(TimelineEntry.author)
        )
        return tuple(session.scalars(statement))


_ENTRY_COLUMNS = ENTRY_VIEW_COLUMNS


def _entry_view(row: Any) -> EntryView:
    """An entry from a plain row (no ORM object: a page reads up to 200 at a time)."""
    return EntryView.from_columns(**row._mapping)


def _filtered(
    statement: Select[Any], incident_id: int, timeline_filter: TimelineFilter, *, sqlite: bool
) -> Select[Any]:
    statement = statement.where(TimelineEntry.incident_id == incident_id)
    if timeline_filter.kinds:
        statement = statement.where(TimelineEntry.kind.in_(sorted(timeline_filter.kinds)))
    if timeline_filter.pinned_only:
        statement = statement.where(TimelineEntry.pinned.is_(True))
    if timeline_filter.author:
        statement = statement.where(TimelineEntry.author == timeline_filter.author)
    words = search_words(timeline_filter.query)
    if words:
        statement = where_words(statement, words, sqlite=sqlite)
    return statement


def _counts(
    session: Session, incident_id: int, timeline_filter: TimelineFilter, *, sqlite: bool
) -> TimelineCounts:
    counted = select(func.count()).select_from(TimelineEntry)
    total = session.scalar(counted.where(TimelineEntry.incident_id == incident_id)) or 0
    if not timeline_filter.active:
        return TimelineCounts(total=total, shown=total)
    shown = session.scalar(_filtered(counted, incident_id, timeline_filter, sqlite=sqlite)) or 0
    return TimelineCounts(total=total, shown=shown)


def _latest_version(session: Session, incident_id: int) -> int:
    statement = select(func.max(TimelineEntry.version)).where(
        TimelineEntry.incident_id == incident_id
    )
    return session.scalar(statement) or 0


__all__ = [
    "NO_FILTER",
    "PAGE_SIZE",
    "PageKey",
    "TimelineCounts",
    "TimelineFilter",
    "TimelinePage",
    "matching_entry_ids",
    "read_timeline_page",
    "timeline_authors",
    "timeline_counts",
]
