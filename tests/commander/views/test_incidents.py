"""The incident list's rows and order (the window's list and `commander list`)."""

from __future__ import annotations

from datetime import timedelta

from commander.clock import FrozenClock
from commander.domain import Phase, Severity
from commander.services.cadence import set_cadence
from commander.services.incidents import change_phase, declare_incident, list_incidents
from commander.store.engine import Store

M = timedelta(minutes=1)


def test_active_incidents_come_first_most_severe_first_then_the_recently_resolved(
    store: Store, clock: FrozenClock
) -> None:
    refs = {}
    for title, severity in (
        ("old resolved", Severity.P0),
        ("p2 older", Severity.P2),
        ("late resolved", Severity.P3),
        ("p2 newer", Severity.P2),
        ("p1", Severity.P1),
    ):
        refs[title] = declare_incident(store, title, severity, "ana").ref
        clock.advance(M)
    change_phase(store, refs["old resolved"], Phase.RESOLVE, "ana")
    clock.advance(M)
    change_phase(store, refs["late resolved"], Phase.POSTMORTEM, "ana")
    listed = list_incidents(store)
    assert [i.title for i in listed] == [
        "p1",
        "p2 newer",
        "p2 older",
        "late resolved",
        "old resolved",
    ]
    assert [i.active for i in listed] == [True, True, True, False, False]


def test_age_while_active_duration_once_resolved_and_the_overdue_update(
    store: Store, clock: FrozenClock
) -> None:
    start = clock()
    ref = declare_incident(
        store, "Checkout", Severity.P1, "ana", impact_started_at=start - 10 * M
    ).ref
    quiet = declare_incident(store, "Search", Severity.P3, "ana").ref
    own = declare_incident(store, "Login", Severity.P3, "ana").ref
    set_cadence(store, own, 20, "ana")
    clock.advance(29 * M)
    rows = {i.ref: i for i in list_incidents(store)}
    now = clock()
    assert rows[ref].running_time(now) == 39 * M  # from the impact start
    assert rows[ref].update_due_at == start + 30 * M  # P1: every 30 minutes
    assert not rows[ref].update_overdue(now)
    assert rows[own].update_overdue(now)  # its own 20 minutes
    assert rows[quiet].update_due_at is None  # P3 owes none
    clock.advance(M)
    assert list_incidents(store)[0].update_overdue(clock())
    change_phase(store, ref, Phase.RESOLVE, "ana")
    clock.advance(timedelta(hours=5))
    resolved = next(i for i in list_incidents(store) if i.ref == ref)
    assert resolved.running_time(clock()) == 40 * M  # the clock stopped at the resolution
    assert resolved.update_due_at is None and not resolved.update_overdue(clock())
