"""How long an incident spent in each phase, from its phase entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from commander.domain import EntryKind, Phase
from commander.domain.entry_facts import PhaseChanged, decode
from commander.domain.timing import clock_stop, time_per_phase
from commander.domain.when import utc_now
from commander.services.incidents import load_incident
from commander.services.timeline import live_entries_of_kinds
from commander.store.engine import Store


@dataclass(frozen=True, slots=True)
class PhaseClock:
    """The time in each phase as measured, and whether the current one still counts."""

    times: dict[Phase, timedelta]
    running: bool  # False once resolved: the clocks stopped at the resolution


def phase_times(store: Store, ref: str, now: datetime | None = None) -> dict[Phase, timedelta]:
    """Time spent in each phase so far (repeated visits add up), up to the
    resolution once resolved: the clocks stop there."""
    return phase_clock(store, ref, now).times


def phase_clock(store: Store, ref: str, now: datetime | None = None) -> PhaseClock:
    """``phase_times`` and whether they still run, in one read (the phase bar's).

    The incident row has the last word on where it is now: when its phase
    entries do not end there (a store whose phase entries carry no data), the
    time since ``phase_since`` still counts under the current phase.
    """
    now = now or utc_now()
    with store.read() as session:
        incident = load_incident(session, ref)
        moves = []
        for entry in live_entries_of_kinds(session, incident.id, EntryKind.PHASE):
            fact = decode(entry.kind, entry.data)
            if isinstance(fact, PhaseChanged):
                moves.append((entry.occurred_at, fact.to_phase))
        current = Phase(incident.phase)
        logged = max(moves, key=lambda move: move[0])[1] if moves else Phase.DETECT
        if logged is not current:
            moves.append((incident.phase_since, current))
        stop = clock_stop(incident.resolved_at, now)
        return PhaseClock(
            time_per_phase(incident.declared_at, moves, stop), incident.resolved_at is None
        )
