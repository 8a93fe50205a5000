"""A resolved incident's clocks stop: phase times, the header's clocks, on both backends."""

from __future__ import annotations

from datetime import timedelta

from commander.clock import FrozenClock
from commander.domain import Phase, Severity
from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    get_incident,
)
from commander.services.phase_times import phase_times
from commander.store.engine import Store

M = timedelta(minutes=1)


def p1_p0_p1_resolved(store: Store, clock: FrozenClock) -> str:
    """Impact from 9 minutes before the declaration; P1 → P0 → P1; resolved at 72 min."""
    start = clock()
    ref = declare_incident(
        store, "Checkout 5xx", Severity.P1, "ana", impact_started_at=start - 9 * M
    ).ref
    for minutes, step in (
        (4, lambda: change_phase(store, ref, Phase.TRIAGE, "ana")),
        (7, lambda: change_severity(store, ref, Severity.P0, "ana")),
        (13, lambda: change_phase(store, ref, Phase.MITIGATE, "ana")),
        (30, lambda: change_severity(store, ref, Severity.P1, "ana")),
        (72, lambda: change_phase(store, ref, Phase.RESOLVE, "ana")),
    ):
        clock.move_to(start + minutes * M)
        step()
    return ref


def test_a_resolved_incidents_clocks_stop_at_the_resolution(
    store: Store, clock: FrozenClock
) -> None:
    ref = p1_p0_p1_resolved(store, clock)
    resolved_at = clock()
    clock.advance(timedelta(hours=2))
    clocks = get_incident(store, ref, with_timeline=False).clocks(clock())
    assert not clocks.running
    assert clocks.resolved_at == resolved_at
    assert clocks.since_label == "since impact start"
    assert clocks.elapsed == 81 * M  # impact start → resolved
    assert (clocks.to_mitigated, clocks.mitigated_to_resolved) == (22 * M, 59 * M)
    assert (clocks.in_severity, clocks.in_phase) == (42 * M, timedelta(0))
    times = phase_times(store, ref)
    assert [times[phase] for phase in Phase] == [4 * M, 9 * M, 59 * M, 0 * M, 0 * M]
    # Postmortem the next day adds nothing; reopening starts the clocks again.
    clock.advance(timedelta(days=1))
    change_phase(store, ref, Phase.POSTMORTEM, "ana")
    assert phase_times(store, ref)[Phase.RESOLVE] == timedelta(0)
    change_phase(store, ref, Phase.MITIGATE, "ana")
    clock.advance(5 * M)
    reopened = get_incident(store, ref, with_timeline=False).clocks(clock())
    assert reopened.running and reopened.in_phase == 5 * M
    assert phase_times(store, ref)[Phase.MITIGATE] == 59 * M + 5 * M


def test_a_resolution_stamped_by_hand_stops_the_clocks_in_any_phase(
    store: Store, clock: FrozenClock
) -> None:
    # Resolved through `commander milestone` while still in Detect: the window went on
    # counting "11m 35s in Detect".
    from commander.services.milestones import edit_milestone

    ref = declare_incident(store, "Flaky DNS", Severity.P3, "ana").ref
    clock.advance(3 * M)
    edit_milestone(store, ref, "resolved", clock(), "ana")
    clock.advance(11 * M)
    clocks = get_incident(store, ref, with_timeline=False).clocks(clock())
    assert (clocks.running, clocks.elapsed, clocks.in_phase) == (False, 3 * M, 3 * M)
    assert clocks.since_label == "since declared"
    assert phase_times(store, ref)[Phase.DETECT] == 3 * M
