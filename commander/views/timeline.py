"""What a window asks of a timeline page and gets back: plain frozen values.

Kept apart from the queries (services/timeline_pages.py) so the window can hold a filter
without importing SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commander.views.incidents import EntryView

# Where a page ends: the (occurred_at, id) of its oldest entry.
PageKey = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """What the reader narrowed the timeline to; the empty filter shows everything."""

    kinds: frozenset[str] = frozenset()  # empty: every kind
    pinned_only: bool = False
    author: str | None = None
    query: str = ""  # words matched like search_entries (FTS5 on SQLite)

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.pinned_only or self.author or search_words(self.query))


NO_FILTER = TimelineFilter()


@dataclass(frozen=True, slots=True)
class TimelineCounts:
    total: int  # every entry of the incident, deleted ones included
    shown: int  # the ones the filter lets through (== total without a filter)


@dataclass(frozen=True, slots=True)
class TimelinePage:
    entries: tuple[EntryView, ...]  # oldest first
    has_older: bool  # more matching entries before the first one
    counts: TimelineCounts | None  # None when not asked for (they cost a scan)
    # The incident's highest entry version: where the change feed picks up.
    latest_version: int = 0
    timeline_filter: TimelineFilter = NO_FILTER  # what it was read with


def search_words(query: str) -> list[str]:
    """Words that can match something: ones with at least one letter or digit.

    Punctuation-only words are dropped because the tokenizer drops them too
    (they would become empty phrases); NUL is not allowed in PostgreSQL text.
    """
    return [word for word in query.replace("\x00", " ").split() if any(map(str.isalnum, word))]
