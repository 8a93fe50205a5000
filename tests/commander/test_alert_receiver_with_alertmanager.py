"""The receiver with a real peer: Prometheus Alertmanager (Debian's package) on
127.0.0.1, its webhook pointed at our receiver with a bearer token. Alerts are
pushed to Alertmanager's own API; it groups them, notifies, repeats and resolves,
and the inbox must show them grouped, kept once, declared or attached, resolved.

One Alertmanager and one receiver serve the module; each test uses its own alert
names, so its groups are its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from commander.alert_receiver import AlertReceiver, ReceiverEvent
from commander.clock import now
from commander.domain import EntryKind, Phase, Severity
from commander.domain.alerts import SeverityMapping
from commander.domain.entry_facts import AlertReceived, AlertResolved
from commander.services import alert_inbox
from commander.services.alert_inbox import InboxPolicy
from commander.services.alert_incidents import incident_labels
from commander.services.checklist import checklist
from commander.services.incidents import declare_incident, get_incident
from commander.store.engine import Store, open_store
from commander.views.alerts import AlertGroupView, Intake
from tests.support.alertmanager import firing, push, resolved, start_alertmanager

TOKEN = "alertmanager-peer-token-0123"
WAIT = 20.0  # seconds; notifications come within group_wait (1 s) + group_interval (2 s)
T = TypeVar("T")


class Peer:
    def __init__(self, store: Store, receiver: AlertReceiver, alertmanager: str) -> None:
        self.store = store
        self.receiver = receiver
        self.alertmanager = alertmanager
        self.events: list[ReceiverEvent] = []

    def group(self, name: str) -> AlertGroupView | None:
        found = [g for g in alert_inbox.list_inbox(self.store) if g.title.startswith(name)]
        assert len(found) <= 1, found
        return found[0] if found else None

    def intakes(self, group_id: int) -> list[Intake]:
        return [e for e in list(self.events) if isinstance(e, Intake) and e.group_id == group_id]


def eventually(read: Callable[[], T | None], what: str) -> T:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"not within {WAIT:.0f} s: {what}")


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    folder: Path = tmp_path_factory.mktemp("alertmanager")
    store = open_store(str(folder / "incidents.sqlite"), create=True)
    events: list[ReceiverEvent] = []
    receiver = AlertReceiver(
        store, TOKEN, InboxPolicy(SeverityMapping(), Severity.P2), on_event=events.append
    ).start()
    try:
        for base in start_alertmanager(folder, f"{receiver.url}/alertmanager", TOKEN):
            running = Peer(store, receiver, base)
            running.events = events
            yield running
    finally:
        receiver.stop()
        store.close()


def test_a_critical_group_arrives_grouped_declares_and_resolves(peer: Peer) -> None:
    started = now() - timedelta(minutes=3)
    alerts = [
        firing(
            "CheckoutErrors",
            started,
            "5xx above 5%",
            service="checkout",
            severity="critical",
            instance=i,
        )
        for i in ("a", "b")
    ]
    push(peer.alertmanager, *alerts)

    group = eventually(
        lambda: (g := peer.group("CheckoutErrors")) and g.state == "declared" and g,
        "the group declared",
    )
    assert {a.labels["instance"] for a in group.alerts} == {"a", "b"}  # one group, both
    ref = str(group.incident_ref)
    incident = get_incident(peer.store, ref)
    assert incident.severity is Severity.P1 and incident.declared_by == "alertmanager"
    assert incident.detected_at is not None
    assert abs(incident.detected_at - started) < timedelta(seconds=1)  # the first alert's start
    [received] = [e.fact for e in incident.timeline if e.kind is EntryKind.ALERT]
    assert isinstance(received, AlertReceived) and len(received.alerts) == 2
    monitoring = [i for i in checklist(peer.store, ref).of_phase(Phase.DETECT) if i.checked]
    assert [i.text for i in monitoring] == ["Monitoring alerts reviewed"]

    ended = now() - timedelta(seconds=5)
    push(peer.alertmanager, *(resolved(a, ended) for a in alerts))
    eventually(
        lambda: (g := peer.group("CheckoutErrors")) and g.status == "resolved",
        "the group resolved",
    )
    facts = [e.fact for e in get_incident(peer.store, ref).timeline if e.kind is EntryKind.ALERT]
    assert [type(f) for f in facts] == [AlertReceived, AlertResolved]
    assert {n.ends_at is not None for n in facts[1].alerts} == {True}
    assert [g.incident_ref for g in alert_inbox.list_inbox(peer.store)].count(ref) == 1


def test_repeats_of_a_notification_are_kept_once(peer: Peer) -> None:
    push(peer.alertmanager, firing("QueueBacklog", now(), service="billing", severity="warning"))
    group = eventually(lambda: peer.group("QueueBacklog"), "the group in the inbox")
    assert group.state == "waiting"  # a warning stays below --declare-at P2
    # Alertmanager repeats the unchanged notification every repeat_interval (3 s).
    repeats = eventually(
        lambda: [i for i in peer.intakes(group.id) if i.outcome == "duplicate"],
        "a repeat from Alertmanager",
    )
    assert repeats
    kept = alert_inbox.get_group(peer.store, group.id)
    assert kept.notifications == 1 and len(kept.alerts) == 1


def test_a_group_attached_by_hand_takes_what_comes_next(peer: Peer) -> None:
    started = now() - timedelta(minutes=1)
    first = firing("SearchSlow", started, service="search", severity="warning", instance="a")
    push(peer.alertmanager, first)
    group = eventually(lambda: peer.group("SearchSlow"), "the group in the inbox")
    ref = declare_incident(peer.store, "Search is slow", Severity.P3, "ana").ref
    alert_inbox.attach_group(peer.store, group.id, ref, "ana")

    second = firing("SearchSlow", now(), service="search", severity="warning", instance="b")
    push(peer.alertmanager, first, second)

    def both_logged() -> list[object]:
        timeline = get_incident(peer.store, ref).timeline
        facts = [e.fact for e in timeline if isinstance(e.fact, AlertReceived)]
        return facts if len(facts) == 2 else []

    first_entry, second_entry = eventually(both_logged, "the new alert on the incident")
    assert isinstance(second_entry, AlertReceived)
    assert [dict(n.labels)["instance"] for n in second_entry.alerts] == ["b"]
    assert alert_inbox.get_group(peer.store, group.id).state == "attached"
    assert ("instance", "b") in incident_labels(peer.store, ref)
