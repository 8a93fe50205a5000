"""The alert inbox on a real store (SQLite and PostgreSQL): kept once, waiting,
declared, attached, resolved, dismissed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commander.clock import FrozenClock
from commander.domain import EntryKind, Phase, Severity
from commander.domain.alerts import AlertSource, SeverityMapping, parse_notification
from commander.domain.entry_facts import AlertReceived, AlertResolved, MilestoneCorrected
from commander.errors import InvalidInputError, NotFoundError
from commander.services import alert_inbox
from commander.services.alert_inbox import InboxPolicy, policy_from_settings, take_in
from commander.services.alert_incidents import incident_labels
from commander.services.checklist import checklist
from commander.services.incidents import change_phase, declare_incident, get_incident
from commander.settings import Settings
from commander.store.engine import Store
from commander.views.alerts import Intake
from tests.support.alert_payloads import STARTED, alert, alertmanager, grafana

AM = AlertSource.ALERTMANAGER
AT_P2 = InboxPolicy(SeverityMapping(), Severity.P2)
STARTED_AT = datetime.fromisoformat(STARTED)


def _take(store: Store, payload: dict[str, Any], policy: InboxPolicy = AT_P2) -> Intake:
    source = AlertSource.GRAFANA if payload["version"] == "1" else AM
    notification = parse_notification(source, payload)
    from commander.clock import now

    return take_in(store, notification, json.dumps(payload), policy, now())


def _alert_facts(store: Store, ref: str) -> list[Any]:
    return [e.fact for e in get_incident(store, ref).timeline if e.kind is EntryKind.ALERT]


def _monitoring_item_checked(store: Store, ref: str) -> bool:
    [item] = [
        i for i in checklist(store, ref).of_phase(Phase.DETECT) if i.text.startswith("Monitoring")
    ]
    return item.checked


def test_a_group_below_the_threshold_waits_in_the_inbox(store: Store, clock: FrozenClock) -> None:
    intake = _take(store, alertmanager(alert("DiskFilling", severity="warning")))
    assert (intake.outcome, intake.incident_ref, intake.severity) == ("waiting", None, Severity.P3)
    [group] = alert_inbox.list_inbox(store)
    assert (group.id, group.state, group.status, group.title) == (
        intake.group_id,
        "waiting",
        "firing",
        "DiskFilling",
    )
    assert group.notifications == 1 and [a.name for a in group.alerts] == ["DiskFilling"]


def test_declaring_is_off_unless_asked_for(store: Store, clock: FrozenClock) -> None:
    intake = _take(store, alertmanager(alert("HighErrorRate")), InboxPolicy())
    assert intake.outcome == "waiting"


def test_a_firing_group_at_the_threshold_declares_its_incident(
    store: Store, clock: FrozenClock
) -> None:
    payload = alertmanager(
        alert("HighErrorRate", summary="5xx above 5%", service="checkout", instance="a"),
        alert(
            "HighErrorRate",
            summary="5xx above 5%",
            service="checkout",
            instance="b",
            starts_at="2026-11-27T09:54:00Z",
        ),
    )
    intake = _take(store, payload)
    assert (intake.outcome, intake.severity) == ("declared", Severity.P1)
    incident = get_incident(store, str(intake.incident_ref))
    assert incident.title == "HighErrorRate: 5xx above 5%" and incident.severity is Severity.P1
    assert incident.declared_by == "alertmanager"
    # The first alert's start is the detected time, as a correction with its history.
    assert incident.detected_at == STARTED_AT
    [correction] = [e.fact for e in incident.timeline if e.kind is EntryKind.MILESTONE]
    assert isinstance(correction, MilestoneCorrected)
    assert (correction.field, correction.from_time, correction.to_time) == (
        "detected_at",
        clock(),
        STARTED_AT,
    )
    [received] = _alert_facts(store, incident.ref)
    assert isinstance(received, AlertReceived) and received.group_id == intake.group_id
    assert [dict(note.labels)["instance"] for note in received.alerts] == ["a", "b"]
    [entry] = [e for e in incident.timeline if e.kind is EntryKind.ALERT]
    assert entry.text == "2 alerts firing (Alertmanager): HighErrorRate ×2"
    assert entry.occurred_at == STARTED_AT  # when it happened, recorded now
    assert _monitoring_item_checked(store, incident.ref)
    assert ("service", "checkout") in incident_labels(store, incident.ref)
    assert ("instance", "b") in incident_labels(store, incident.ref)


def test_a_repeat_is_kept_once_and_changes_nothing(store: Store, clock: FrozenClock) -> None:
    payload = alertmanager(alert("HighErrorRate"))
    first = _take(store, payload)
    timeline = get_incident(store, str(first.incident_ref)).timeline
    clock.advance(timedelta(minutes=4))
    again = _take(store, payload)
    assert (again.outcome, again.group_id, again.incident_ref) == (
        "duplicate",
        first.group_id,
        first.incident_ref,
    )
    assert again.notification_id is None
    assert get_incident(store, str(first.incident_ref)).timeline == timeline
    [group] = alert_inbox.list_inbox(store)
    assert group.notifications == 1


def test_what_is_new_in_an_attached_group_reaches_its_incident(
    store: Store, clock: FrozenClock
) -> None:
    one, two = alert("HighErrorRate", instance="a"), alert("HighErrorRate", instance="b")
    ref = str(_take(store, alertmanager(one)).incident_ref)
    clock.advance(timedelta(minutes=1))
    grown = _take(store, alertmanager(one, two))
    assert (grown.outcome, grown.incident_ref) == ("declared", ref)
    clock.advance(timedelta(minutes=1))
    partly = alertmanager(dict(one, status="resolved", endsAt="2026-11-27T10:01:30Z"), two)
    _take(store, partly)
    clock.advance(timedelta(minutes=1))
    done = alertmanager(
        dict(one, status="resolved", endsAt="2026-11-27T10:01:30Z"),
        dict(two, status="resolved", endsAt="2026-11-27T10:02:30Z"),
    )
    assert _take(store, done).outcome == "declared"
    facts = _alert_facts(store, ref)
    assert [(type(f), [dict(n.labels)["instance"] for n in f.alerts]) for f in facts] == [
        (AlertReceived, ["a"]),
        (AlertReceived, ["b"]),
        (AlertResolved, ["a"]),
        (AlertResolved, ["b"]),
    ]
    assert facts[-1].alerts[0].ends_at == datetime(2026, 11, 27, 10, 2, 30, tzinfo=UTC)
    [group] = alert_inbox.list_inbox(store)
    assert (group.status, group.notifications) == ("resolved", 4)


def test_firing_again_after_the_incident_resolved_starts_a_new_group(
    store: Store, clock: FrozenClock
) -> None:
    first = _take(store, alertmanager(alert("HighErrorRate")))
    change_phase(store, str(first.incident_ref), Phase.RESOLVE, "ana")
    clock.advance(timedelta(hours=2))
    again = _take(store, alertmanager(alert("HighErrorRate", starts_at="2026-11-27T11:55:00Z")))
    assert again.group_id != first.group_id
    assert again.outcome == "declared" and again.incident_ref != first.incident_ref


def test_a_person_attaches_a_waiting_group(store: Store, clock: FrozenClock) -> None:
    ref = declare_incident(store, "Checkout slow", Severity.P2, "ana").ref
    intake = _take(store, alertmanager(alert("LatencyHigh", severity="warning", team="payments")))
    clock.advance(timedelta(minutes=1))

    group = alert_inbox.attach_group(store, intake.group_id, ref, "ana")

    assert (group.state, group.incident_ref, group.state_changed_by) == ("attached", ref, "ana")
    incident = get_incident(store, ref)
    assert incident.detected_at == STARTED_AT
    [received] = _alert_facts(store, ref)
    assert isinstance(received, AlertReceived) and received.alerts[0].name == "LatencyHigh"
    assert _monitoring_item_checked(store, ref)
    assert ("team", "payments") in incident_labels(store, ref)
    # The next notification of the group goes to the incident by itself.
    more = alertmanager(
        alert("LatencyHigh", severity="warning", team="payments"),
        alert("LatencyHigh", severity="warning", team="search"),
    )
    joined = _take(store, more)
    assert (joined.outcome, joined.incident_ref) == ("attached", ref)
    assert len(_alert_facts(store, ref)) == 2
    with pytest.raises(InvalidInputError, match=f"already attached to {ref}"):
        alert_inbox.attach_group(store, intake.group_id, ref, "ana")


def test_attaching_needs_a_group_and_an_incident(store: Store, clock: FrozenClock) -> None:
    intake = _take(store, alertmanager(alert("LatencyHigh", severity="warning")))
    with pytest.raises(NotFoundError, match="no incident INC-9"):
        alert_inbox.attach_group(store, intake.group_id, "INC-9", "ana")
    with pytest.raises(NotFoundError, match="no alert group 99"):
        alert_inbox.attach_group(store, 99, "INC-1", "ana")
    with pytest.raises(NotFoundError, match="no alert group 9999999999"):
        alert_inbox.get_group(store, 9_999_999_999)
    assert alert_inbox.get_group(store, intake.group_id).state == "waiting"


def test_a_person_declares_a_waiting_group(store: Store, clock: FrozenClock) -> None:
    unknown = _take(store, alertmanager(alert("Odd", severity=None), group_key="{}:odd"))
    with pytest.raises(InvalidInputError, match="no severity its labels tell"):
        alert_inbox.declare_group(store, unknown.group_id, "ana")
    group = alert_inbox.declare_group(store, unknown.group_id, "ana", Severity.P3)
    assert group.state == "declared" and group.incident_ref is not None
    incident = get_incident(store, group.incident_ref)
    assert (incident.title, incident.severity, incident.declared_by) == ("Odd", Severity.P3, "ana")
    waiting = _take(store, alertmanager(alert("Disk", severity="warning"), group_key="{}:disk"))
    declared = alert_inbox.declare_group(store, waiting.group_id, "ana")
    assert get_incident(store, str(declared.incident_ref)).severity is Severity.P3


def test_a_dismissed_group_stays_dismissed_until_it_fires_again_after_resolving(
    store: Store, clock: FrozenClock
) -> None:
    flapping = alert("Flapping", severity="warning")
    intake = _take(store, alertmanager(flapping))
    assert alert_inbox.dismiss_group(store, intake.group_id, "ana").state == "dismissed"
    with pytest.raises(InvalidInputError, match="already dismissed"):
        alert_inbox.dismiss_group(store, intake.group_id, "ana")
    joined = _take(store, alertmanager(flapping, alert("Flapping", severity="critical", n="2")))
    assert (joined.group_id, joined.outcome) == (intake.group_id, "dismissed")
    resolved = alertmanager(dict(flapping, status="resolved", endsAt="2026-11-27T09:59:00Z"))
    assert _take(store, resolved).group_id == intake.group_id
    fresh = _take(store, alertmanager(dict(flapping, startsAt="2026-11-27T09:59:30Z")))
    assert fresh.group_id != intake.group_id and fresh.outcome == "waiting"


def test_grafana_groups_are_their_own(store: Store, clock: FrozenClock) -> None:
    payload = grafana(alert("Disk almost full", severity="critical", service="orders-db"))
    intake = _take(store, payload)
    assert (intake.source, intake.outcome) == ("grafana", "declared")
    [entry] = [
        e for e in get_incident(store, str(intake.incident_ref)).timeline if e.kind == "alert"
    ]
    assert entry.text == "Alert firing (Grafana): Disk almost full"
    assert entry.author == "grafana"


def test_the_inbox_lists_the_latest_first_and_filters_by_state(
    store: Store, clock: FrozenClock
) -> None:
    first = _take(store, alertmanager(alert("A", severity="info"), group_key="{}:a"))
    clock.advance(timedelta(seconds=5))
    second = _take(store, alertmanager(alert("B", severity="critical"), group_key="{}:b"))
    assert [g.id for g in alert_inbox.list_inbox(store)] == [second.group_id, first.group_id]
    assert [g.id for g in alert_inbox.list_inbox(store, ["waiting"])] == [first.group_id]


def test_the_policy_comes_from_the_settings() -> None:
    settings = Settings(alert_severity_label="level", alert_severities={"sev1": "P0"})
    policy = policy_from_settings(settings)
    assert policy.declare_at is None
    assert policy.severities.severity_of({"level": "SEV1"}) is Severity.P0
    assert policy_from_settings(Settings(alert_declare_at="P2")).declare_at is Severity.P2
    assert policy_from_settings(Settings(alert_declare_at="P2"), Severity.P0).declare_at is (
        Severity.P0
    )
    with pytest.raises(InvalidInputError, match="alert_declare_at: unknown severity"):
        policy_from_settings(Settings(alert_declare_at="urgent"))
    with pytest.raises(InvalidInputError, match="alert_declare_at: 1 is not a level"):
        policy_from_settings(Settings(alert_declare_at=1))  # type: ignore[arg-type]


def test_a_group_declaring_announces_what_it_changed(store: Store, clock: FrozenClock) -> None:
    from commander.domain.changes import Aspect
    from commander.services.feed import read_changes
    from commander.store.announce import collecting
    from commander.views.changes import changes_of_entries

    with collecting() as written:
        intake = _take(store, alertmanager(alert("HighErrorRate")))
    (changes,) = changes_of_entries(written)
    assert changes.aspects == {
        Aspect.ENTRIES,
        Aspect.ALERTS,
        Aspect.INCIDENTS,
        Aspect.HEADER,
        Aspect.CHECKLIST,
    }
    assert [e.kind for e in changes.entries] == ["declared", "alert", "milestone", "checklist"]
    # Another window learns the same from the change feed.
    (seen,) = read_changes(store, 0)[0]
    assert seen.aspects == changes.aspects and intake.incident_ref == "INC-1"
