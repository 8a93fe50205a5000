"""The inbox's mark: one cheap read that moves whenever the inbox does, so a window can
poll it (a waiting group writes no timeline entry for the change feed to bring)."""

from __future__ import annotations

from commander.clock import FrozenClock
from commander.domain import Severity
from commander.services.alert_inbox import attach_group, dismiss_group, inbox_mark
from commander.services.incidents import declare_incident
from commander.store.engine import Store
from tests.support.alert_groups import take, waiting_group
from tests.support.alert_payloads import alert, alertmanager


def test_the_mark_moves_with_every_change_of_the_inbox(store: Store, clock: FrozenClock) -> None:
    empty = inbox_mark(store)
    assert (empty.last_notification, empty.groups, empty.waiting) == (0, 0, 0)
    assert empty.last_state_change is None
    first = waiting_group(store, "DiskFilling", "warning")
    one = inbox_mark(store)
    assert (one.groups, one.waiting) == (1, 1) and one.last_notification > 0
    payload = alertmanager(alert("DiskFilling", severity="warning"), group_key="{}:again")
    take(store, payload)
    repeat = inbox_mark(store)
    take(store, payload)  # a repeat is kept once: the inbox did not change
    assert inbox_mark(store) == repeat != one
    dismiss_group(store, first, "ana")
    dismissed = inbox_mark(store)
    assert (dismissed.waiting, dismissed.last_state_change) == (1, clock())
    ref = declare_incident(store, "Disk", Severity.P3, "ana").ref
    attach_group(store, repeat_group(store), ref, "ana")
    assert inbox_mark(store).waiting == 0


def repeat_group(store: Store) -> int:
    from commander.services.alert_inbox import list_inbox

    return next(group.id for group in list_inbox(store, ["waiting"]))
