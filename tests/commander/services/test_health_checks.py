"""Health checks of an incident on SQLite and PostgreSQL: adding ticks the Detect item,
only state changes are logged (once each), and the all-green time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from commander.clock import FrozenClock
from commander.domain import EntryKind, Phase
from commander.domain.auto_checks import RULES, Happening
from commander.domain.changes import Aspect
from commander.domain.entry_facts import HealthChanged, HealthCheckAction, HealthCheckChanged
from commander.domain.health import HealthState, ProbeOutcome
from commander.errors import InvalidInputError, NotFoundError
from commander.health_probe import probe
from commander.services.checklist import checklist
from commander.services.health_checks import add_check, health_watch, record_probe, remove_check
from commander.services.incidents import change_phase, get_incident
from commander.store.announce import collecting
from commander.views.changes import changes_of_entries
from tests.support.health_server import HealthServer, TcpListener

CHECKLIST_ITEM = RULES[Happening.HEALTH_CHECK_ADDED].item
UP, DOWN, SLOW, UNKNOWN = HealthState.UP, HealthState.DOWN, HealthState.SLOW, HealthState.UNKNOWN


def _entries(store: Any, ref: str, *kinds: EntryKind) -> list[Any]:
    return [e for e in get_incident(store, ref).timeline if e.kind in kinds]


def _detect_item(store: Any, ref: str) -> Any:
    return next(i for i in checklist(store, ref).of_phase(Phase.DETECT) if i.text == CHECKLIST_ITEM)


def test_adding_the_first_check_logs_it_and_ticks_automated_checks_run(
    store: Any, incident: str, clock: FrozenClock
) -> None:
    check = add_check(store, incident, "https://API.example.com/healthz", "ana", 15, 800)
    assert (check.target, check.every_seconds, check.slow_ms) == (
        "https://api.example.com/healthz",
        15,
        800,
    )
    assert (check.state, check.since, check.probed_at) == (UNKNOWN, clock(), None)
    added = _entries(store, incident, EntryKind.HEALTH_CHECK)
    assert [e.fact for e in added] == [
        HealthCheckChanged(
            check.id, HealthCheckAction.ADDED, "https://api.example.com/healthz", 15, 800
        )
    ]
    item = _detect_item(store, incident)
    assert item.checked and item.checked_by == "app" and item.checked_at == clock()
    assert item.auto_mark == "✓ (auto: health check added)"

    # The item unticked by hand stays so when a second check is added.
    from commander.services.checklist import uncheck_item

    uncheck_item(store, incident, item.id, "ana")
    add_check(store, incident, "tcp://db:5432", "bo")
    assert not _detect_item(store, incident).checked


def test_duplicates_bad_values_and_closed_incidents_are_refused_writing_nothing(
    store: Any, incident: str
) -> None:
    add_check(store, incident, "http://127.0.0.1:9/health", "ana")
    before = len(get_incident(store, incident).timeline)
    with pytest.raises(InvalidInputError, match="already watches http://127.0.0.1:9/health"):
        add_check(store, incident, "HTTP://127.0.0.1:9/health#x", "ana")
    with pytest.raises(InvalidInputError, match="tcp://HOST:PORT"):
        add_check(store, incident, "ssh://db", "ana")
    with pytest.raises(InvalidInputError, match="probe interval"):
        add_check(store, incident, "tcp://db:1", "ana", every_seconds=0)
    with pytest.raises(InvalidInputError, match="slow threshold"):
        add_check(store, incident, "tcp://db:1", "ana", slow_ms=0)
    change_phase(store, incident, Phase.POSTMORTEM, "ana")
    with pytest.raises(InvalidInputError, match="is closed"):
        add_check(store, incident, "tcp://db:1", "ana")
    assert len(get_incident(store, incident).timeline) == before + 1  # the phase move only
    assert len(health_watch(store, incident).checks) == 1


def test_removing_by_number_or_target(store: Any, incident: str) -> None:
    first = add_check(store, incident, "tcp://db:5432", "ana")
    second = add_check(store, incident, "https://api.example.com/", "ana")
    remove_check(store, incident, str(first.id), "bo")
    remove_check(store, incident, "HTTPS://api.example.com/", "bo")
    assert health_watch(store, incident).checks == ()
    removed = [e.fact for e in _entries(store, incident, EntryKind.HEALTH_CHECK)][2:]
    assert removed == [
        HealthCheckChanged(first.id, HealthCheckAction.REMOVED, "tcp://db:5432"),
        HealthCheckChanged(second.id, HealthCheckAction.REMOVED, "https://api.example.com/"),
    ]
    for named in (str(first.id), "99", "99999999999", "tcp://nowhere:1"):
        with pytest.raises(NotFoundError, match="has no health check"):
            remove_check(store, incident, named, "bo")


def test_each_state_change_is_logged_once_and_probes_in_between_write_nothing(
    store: Any, incident: str, clock: FrozenClock
) -> None:
    """A real server goes up, slow, down (500, then a closed port) and up again; it is
    probed several times in each state and the timeline gets one entry per change."""
    server = HealthServer()
    try:
        check = add_check(store, incident, server.url, "ana", every_seconds=1, slow_ms=150)
        phases = [
            (lambda: server.answer(200), UP),
            (lambda: server.answer(200, delay=0.2), SLOW),
            (lambda: server.answer(500), DOWN),
            (server.close, DOWN),
            (lambda: (server.open(), server.answer(200)), UP),
        ]
        seen = []
        for arrange, expected in phases:
            arrange()
            for _ in range(3):
                clock.advance(timedelta(seconds=1))
                outcome = probe(_target(check.target), timeout=2)
                recorded = record_probe(store, check.id, outcome, "ana")
                seen.append(recorded.check.state)
            assert recorded.check.state is expected
    finally:
        server.close()
    changes = [e.fact for e in _entries(store, incident, EntryKind.HEALTH)]
    assert [(c.from_state, c.to_state) for c in changes] == [
        (UNKNOWN, UP),
        (UP, SLOW),
        (SLOW, DOWN),
        (DOWN, UP),
    ]
    assert all(isinstance(c, HealthChanged) and c.check_id == check.id for c in changes)
    assert changes[2].error == "HTTP 500 Internal Server Error"
    texts = [e.text for e in _entries(store, incident, EntryKind.HEALTH)]
    assert texts[-1].endswith(" is up again (" + str(changes[-1].latency_ms) + " ms)")
    assert len(seen) == 15


def _target(text: str) -> Any:
    from commander.domain.health import parse_target

    return parse_target(text)


def test_the_state_row_keeps_what_the_changing_probe_saw(
    store: Any, incident: str, clock: FrozenClock
) -> None:
    listener = TcpListener()
    check = add_check(store, incident, listener.target, "ana")
    first = probe(_target(check.target), timeout=2)
    record_probe(store, check.id, first, "ana")
    listener.close()
    clock.advance(timedelta(minutes=3))
    down = probe(_target(check.target), timeout=2)
    recorded = record_probe(store, check.id, down, "ana")
    assert recorded.changed_from is UP
    shown = health_watch(store, incident).checks[0]
    assert (shown.state, shown.since, shown.probed_at) == (DOWN, down.at, down.at)
    assert shown.error == "connection refused" and shown.latency_ms == down.latency_ms


def test_two_seats_recording_the_same_change_log_it_once(store: Any, incident: str) -> None:
    check = add_check(store, incident, "tcp://db:5432", "ana")
    seen = ProbeOutcome(check.since + timedelta(seconds=5), False, 3, "connection refused")
    ana = record_probe(store, check.id, seen, "ana")
    bo = record_probe(store, check.id, seen, "bo")  # read UNKNOWN before ana's write landed
    assert ana.changed_from is UNKNOWN and bo.changed_from is None
    assert len(_entries(store, incident, EntryKind.HEALTH)) == 1


def test_seats_recording_the_same_change_at_the_same_moment_log_it_once(
    store: Any, incident: str
) -> None:
    """The state row is locked while a change is recorded: the second seat waits, then
    finds the new state and writes nothing."""
    checks = [add_check(store, incident, f"tcp://db-{n}:5432", "ana") for n in range(4)]
    for check in checks:
        seen = ProbeOutcome(check.since + timedelta(seconds=5), False, 3, "connection refused")
        results = _at_once(store, check.id, seen, ("ana", "bo", "cy"))
        assert sorted(r.changed_from is None for r in results) == [False, True, True]
    assert len(_entries(store, incident, EntryKind.HEALTH)) == len(checks)


def _at_once(store: Any, check_id: int, seen: ProbeOutcome, seats: tuple[str, ...]) -> list[Any]:
    """Each seat records ``seen`` on its own thread, all released at the same moment."""
    import threading

    start = threading.Barrier(len(seats))
    results: list[Any] = []

    def seat(name: str) -> None:
        start.wait()
        results.append(record_probe(store, check_id, seen, name))

    threads = [threading.Thread(target=seat, args=(name,)) for name in seats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_removed_check_records_nothing(store: Any, incident: str) -> None:
    check = add_check(store, incident, "tcp://db:5432", "ana")
    remove_check(store, incident, str(check.id), "ana")
    recorded = record_probe(store, check.id, ProbeOutcome(check.since, True, 1), "ana")
    assert recorded.changed_from is None and recorded.check.state is UNKNOWN
    with pytest.raises(NotFoundError):
        record_probe(store, 12345, ProbeOutcome(check.since, True, 1), "ana")


def test_all_green_since_the_last_check_came_up(
    store: Any, incident: str, clock: FrozenClock
) -> None:
    api = add_check(store, incident, "https://api.example.com/", "ana", slow_ms=500)
    db = add_check(store, incident, "tcp://db:5432", "ana")
    assert health_watch(store, incident).all_green_since is None  # not probed yet
    start = clock()
    record_probe(store, api.id, ProbeOutcome(start, True, 40), "ana")
    assert health_watch(store, incident).all_green_since is None  # db still unknown
    record_probe(store, db.id, ProbeOutcome(start + timedelta(minutes=1), True, 2), "ana")
    assert health_watch(store, incident).all_green_since == start + timedelta(minutes=1)
    record_probe(store, api.id, ProbeOutcome(start + timedelta(minutes=2), True, 900), "ana")
    assert health_watch(store, incident).all_green_since is None  # slow is not green
    back = start + timedelta(minutes=4)
    record_probe(store, api.id, ProbeOutcome(back, True, 40), "ana")
    watch = health_watch(store, incident)
    assert watch.all_green_since == back
    assert [c.state for c in watch.checks] == [UP, UP]


def test_health_entries_announce_the_health_aspect(store: Any, incident: str) -> None:
    with collecting() as written:
        check = add_check(store, incident, "tcp://db:5432", "ana")
        record_probe(store, check.id, ProbeOutcome(check.since, True, 1), "ana")
    (changes,) = changes_of_entries(written)
    assert changes.touches(Aspect.HEALTH)
    assert changes.touches(Aspect.CHECKLIST)  # the Detect item it ticked
