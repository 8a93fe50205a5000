"""What a write changed, named by the parts of the cockpit that show it.

Every write holds a timeline entry (the event flow's rule), so the aspects of a
change follow from the kinds of the entries it wrote. The same mapping serves a
write made in this window and one that another window, process or seat made and
the change feed brings in, so both announce the same value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from commander.domain.kinds import EntryKind, entry_kind

if TYPE_CHECKING:  # the window imports Aspect before its first paint; the facts can wait
    from commander.domain.entry_facts import EntryFact


class Aspect(StrEnum):
    """A part of what the window shows about an incident, reloaded on its own."""

    ENTRIES = "entries"  # the timeline
    HEADER = "header"  # severity, phase, clocks, milestones
    CHECKLIST = "checklist"
    ROLES = "roles"
    COMMS = "comms"  # messages and deliveries
    POSTMORTEM = "postmortem"
    INCIDENTS = "incidents"  # the incident list (ref, title, severity, phase)
    HEALTH = "health"  # health checks and their states
    ALERTS = "alerts"  # the alert inbox and the alert groups an incident holds


_BY_KIND: Mapping[EntryKind, frozenset[Aspect]] = {
    EntryKind.DECLARED: frozenset({Aspect.INCIDENTS, Aspect.HEADER, Aspect.CHECKLIST}),
    # The severity and the phase pick which checklist items apply (extras, phase items).
    EntryKind.SEVERITY: frozenset({Aspect.INCIDENTS, Aspect.HEADER, Aspect.CHECKLIST}),
    EntryKind.PHASE: frozenset({Aspect.INCIDENTS, Aspect.HEADER, Aspect.CHECKLIST}),
    EntryKind.MILESTONE: frozenset({Aspect.HEADER}),
    EntryKind.CHECKLIST: frozenset({Aspect.CHECKLIST}),
    EntryKind.ROLE: frozenset({Aspect.ROLES}),
    # Attaching a runbook adds its numbered steps to the checklist.
    EntryKind.RUNBOOK: frozenset({Aspect.CHECKLIST}),
    EntryKind.POSTMORTEM: frozenset({Aspect.POSTMORTEM}),
    EntryKind.MESSAGE: frozenset({Aspect.COMMS}),
    EntryKind.DELIVERY: frozenset({Aspect.COMMS}),
    # The status-update checklist item says the cadence in force.
    EntryKind.CADENCE: frozenset({Aspect.COMMS, Aspect.CHECKLIST}),
    # The timeline only: the Detect item a report ticks logs its own checklist entry
    # in the same write, and that entry brings the checklist along.
    EntryKind.USER_REPORT: frozenset(),
    EntryKind.HEALTH_CHECK: frozenset({Aspect.HEALTH}),
    EntryKind.HEALTH: frozenset({Aspect.HEALTH}),
    EntryKind.ALERT: frozenset({Aspect.ALERTS}),
    # The timeline only: capture's status line follows its own passes, not the entries.
    EntryKind.CHAT: frozenset(),
}

# Facts that change more than their entry's kind says: creating the incident
# channel logs an action that also ticks a checklist item and moves the Slack thread.
_BY_FACT_NAME: Mapping[str, frozenset[Aspect]] = {
    "ChannelCreated": frozenset({Aspect.CHECKLIST, Aspect.COMMS}),
}


def aspects_of(kind: str, fact: EntryFact | None = None) -> frozenset[Aspect]:
    """The aspects one written, edited, deleted or restored entry changes."""
    # A kind a newer app wrote maps to nothing more: at least the timeline shows it.
    aspects = {Aspect.ENTRIES} | _BY_KIND.get(entry_kind(kind), frozenset())
    if fact is not None:
        aspects |= _BY_FACT_NAME.get(type(fact).__name__, frozenset())
    return frozenset(aspects)
