"""The change announcement: which incident, which aspects, which entries.

A write in this window and the change feed (other windows, processes, seats)
both yield ``Changes``; each panel reloads only for the aspects it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from commander.domain.changes import Aspect, aspects_of
from commander.views.incidents import EntryView


@dataclass(frozen=True, slots=True)
class Changes:
    """What one write (or one batch from the feed) changed in one incident."""

    incident_id: int
    aspects: frozenset[Aspect]
    # The entries written, edited, deleted or restored, oldest version first.
    entries: tuple[EntryView, ...] = ()

    def touches(self, *aspects: Aspect) -> bool:
        return not self.aspects.isdisjoint(aspects)


def changes_of_entries(entries: Iterable[EntryView]) -> list[Changes]:
    """One ``Changes`` per incident, in the order the incidents first appear.

    An entry written and then changed again in the same batch is kept once, as
    its latest version.
    """
    latest: dict[int, EntryView] = {}
    for entry in entries:
        known = latest.get(entry.id)
        if known is None or entry.version >= known.version:
            latest[entry.id] = entry
    by_incident: dict[int, list[EntryView]] = {}
    for entry in sorted(latest.values(), key=lambda e: e.version):
        by_incident.setdefault(entry.incident_id, []).append(entry)
    return [
        Changes(
            incident_id=incident_id,
            aspects=frozenset().union(*(aspects_of(e.kind, e.fact) for e in group)),
            entries=tuple(group),
        )
        for incident_id, group in by_incident.items()
    ]
