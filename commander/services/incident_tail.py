"""Following one incident's timeline from a terminal (``commander tail``).

``IncidentTail`` hands out the incident's live entries once each: first the whole
timeline in the order things happened (as ``show`` lists it), then, each time it
is asked, the entries committed since, in commit order. It reads the change feed
from its own cursor, so a wake-up that finds nothing, or two that find the same
commit, print nothing twice. An entry edited, deleted or restored later is not
printed again: a tail shows what was added.
"""

from __future__ import annotations

from commander.services.feed import changes_since
from commander.services.incidents import get_incident
from commander.store.engine import Store
from commander.views.incidents import EntryView


class IncidentTail:
    def __init__(self, store: Store, ref: str) -> None:
        self._store = store
        self.incident = get_incident(store, ref, with_timeline=False)
        self._cursor = 0
        self._seen: set[int] = set()

    def timeline(self) -> list[EntryView]:
        """The live entries so far, in the order things happened (call first, once)."""
        entries = self.new_entries()
        return sorted(entries, key=lambda e: (e.occurred_at, e.id))

    def new_entries(self) -> list[EntryView]:
        """The live entries committed since the last call, oldest commit first."""
        changed, self._cursor = changes_since(self._store, self.incident.id, self._cursor)
        fresh = [e for e in changed if e.id not in self._seen and e.deleted_at is None]
        self._seen.update(e.id for e in fresh)
        return fresh
