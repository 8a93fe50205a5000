"""Alert payloads read strictly, severity from labels, what counts as a repeat."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from commander.domain import Severity
from commander.domain.alerts import (
    AlertSource,
    AlertStatus,
    PayloadError,
    SeverityMapping,
    declares,
    group_title,
    parse_body,
    parse_notification,
    severity_mapping,
)
from commander.errors import InvalidInputError
from tests.support.alert_payloads import alert, alertmanager, body, grafana, recorded

AM = AlertSource.ALERTMANAGER
GRAFANA = AlertSource.GRAFANA


def test_a_notification_recorded_from_alertmanager_reads_whole() -> None:
    notification = parse_notification(AM, recorded("alertmanager_0.25_partly_resolved.json"))
    assert notification.status is AlertStatus.FIRING
    assert notification.group_key == '{}:{alertname="HighErrorRate", service="checkout"}'
    assert notification.names == ("HighErrorRate",)
    resolved, firing = notification.alerts
    assert resolved.status is AlertStatus.RESOLVED and firing.status is AlertStatus.FIRING
    assert resolved.starts_at == datetime(2026, 12, 1, 22, 59, 22, 297478, tzinfo=UTC)
    assert resolved.ends_at == resolved.starts_at
    assert firing.ends_at is None  # Go's zero time
    assert firing.labels["instance"] == "b" and firing.summary == "5xx above 5%"
    assert notification.group_labels == {"alertname": "HighErrorRate", "service": "checkout"}


def test_a_grafana_notification_reads_with_its_extra_fields_ignored() -> None:
    notification = parse_notification(GRAFANA, recorded("grafana_firing.json"))
    disk, lag = notification.alerts
    assert notification.source is GRAFANA and notification.receiver == "incident-commander"
    # nanoseconds and an offset: kept to the microsecond, in UTC
    assert disk.starts_at == datetime(2026, 11, 27, 8, 41, 10, 512331, tzinfo=UTC)
    assert disk.name == "Disk almost full" and disk.summary == "/var/lib/postgresql at 93%"
    assert lag.status is AlertStatus.RESOLVED
    assert lag.ends_at == datetime(2026, 11, 27, 8, 52, 30, tzinfo=UTC)


def test_each_version_belongs_to_its_own_path() -> None:
    with pytest.raises(
        PayloadError, match=r"version: expected '4' \(an Alertmanager webhook\), got '1'"
    ):
        parse_notification(AM, recorded("grafana_firing.json"))
    with pytest.raises(PayloadError, match="version: expected '1'"):
        parse_notification(GRAFANA, recorded("alertmanager_0.25_partly_resolved.json"))


def test_unknown_fields_are_ignored_everywhere() -> None:
    payload = alertmanager(alert("HighErrorRate"))
    payload["futureField"] = {"nested": [1, 2]}
    payload["alerts"][0]["exemplars"] = []
    assert parse_body(AM, body(payload)).names == ("HighErrorRate",)


def _without(payload: dict[str, Any], *path: str | int) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return changed


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("version",), "version: missing"),
        (("groupKey",), "groupKey: missing"),
        (("status",), "status: missing"),
        (("receiver",), "receiver: missing"),
        (("alerts",), "alerts: missing"),
        (("groupLabels",), "groupLabels: missing"),
        (("commonLabels",), "commonLabels: missing"),
        (("commonAnnotations",), "commonAnnotations: missing"),
        (("externalURL",), "externalURL: missing"),
        (("alerts", 0, "status"), r"alerts\[0\].status: missing"),
        (("alerts", 0, "labels"), r"alerts\[0\].labels: missing"),
        (("alerts", 0, "annotations"), r"alerts\[0\].annotations: missing"),
        (("alerts", 0, "startsAt"), r"alerts\[0\].startsAt: missing"),
        (("alerts", 0, "endsAt"), r"alerts\[0\].endsAt: missing"),
        (("alerts", 0, "generatorURL"), r"alerts\[0\].generatorURL: missing"),
        (("alerts", 0, "fingerprint"), r"alerts\[0\].fingerprint: missing"),
    ],
)
def test_every_required_alertmanager_field_is_required(
    path: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(PayloadError, match=f"^{message}$"):
        parse_notification(AM, _without(alertmanager(alert("HighErrorRate")), *path))


def test_truncated_alerts_may_be_missing_before_alertmanager_0_22() -> None:
    payload = _without(alertmanager(alert("HighErrorRate")), "truncatedAlerts")
    assert parse_notification(AM, payload).truncated_alerts == 0


def test_grafana_needs_its_org_id() -> None:
    with pytest.raises(PayloadError, match="^orgId: missing$"):
        parse_notification(GRAFANA, _without(grafana(alert("Disk")), "orgId"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "pending"}, "status: expected 'firing' or 'resolved', got 'pending'"),
        ({"alerts": []}, "alerts: empty"),
        ({"alerts": {}}, "alerts: expected a list, got an object"),
        ({"groupKey": 7}, "groupKey: expected text, got a number"),
        ({"commonLabels": {"team": 1}}, "commonLabels.team: expected text, got a number"),
        ({"truncatedAlerts": -1}, "truncatedAlerts: expected a whole number"),
        ({"receiver": "a\x00b"}, "receiver: contains a NUL character"),
    ],
)
def test_wrong_types_and_values_name_the_field(change: dict[str, Any], message: str) -> None:
    payload = {**alertmanager(alert("HighErrorRate")), **change}
    with pytest.raises(PayloadError, match="^" + message.replace("(", r"\(")):
        parse_notification(AM, payload)


@pytest.mark.parametrize(
    "starts_at",
    ["2026-11-27T09:52:00", "2026-11-27", "yesterday", "2026-13-27T09:52:00Z", ""],
)
def test_times_must_be_rfc3339_with_an_offset(starts_at: str) -> None:
    with pytest.raises(PayloadError, match=r"alerts\[0\].startsAt: not a"):
        parse_notification(AM, alertmanager(alert("HighErrorRate", starts_at=starts_at)))


def test_an_alert_cannot_start_at_the_zero_time() -> None:
    payload = alertmanager(alert("HighErrorRate", starts_at="0001-01-01T00:00:00Z"))
    with pytest.raises(PayloadError, match="the zero time"):
        parse_notification(AM, payload)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{", "malformed JSON \\(line 1, column 2"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"version": NaN}', "NaN is not a JSON value"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[]", "the body: expected a JSON object, got a list"),
    ],
)
def test_bodies_that_are_not_json_objects_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_body(AM, raw)


def test_a_repeat_has_the_same_dedup_key_whatever_the_order_of_alerts() -> None:
    one, two = alert("HighErrorRate", instance="a"), alert("HighErrorRate", instance="b")
    first = parse_notification(AM, alertmanager(one, two))
    again = parse_notification(AM, alertmanager(two, one))
    assert first.dedup_key == again.dedup_key
    assert first.group_hash == again.group_hash


def test_anything_new_changes_the_dedup_key() -> None:
    one, two = alert("HighErrorRate", instance="a"), alert("HighErrorRate", instance="b")
    base = parse_notification(AM, alertmanager(one, two)).dedup_key
    partly_resolved = alertmanager(dict(one, status="resolved", endsAt="2026-11-27T09:58:00Z"), two)
    fires_again = alertmanager(dict(one, startsAt="2026-11-27T09:59:00Z"), two)
    other_group = alertmanager(one, two, group_key='{}:{alertname="Other"}')
    keys = {
        base,
        parse_notification(AM, alertmanager(one)).dedup_key,
        parse_notification(AM, partly_resolved).dedup_key,
        parse_notification(AM, fires_again).dedup_key,
        parse_notification(AM, other_group).dedup_key,
        parse_notification(GRAFANA, grafana(one, two, group_key=other_group["groupKey"])).dedup_key,
    }
    assert len(keys) == 6


def test_default_severities_follow_the_severity_label() -> None:
    mapping = SeverityMapping()
    assert mapping.severity_of({"severity": "critical"}) is Severity.P1
    assert mapping.severity_of({"severity": "ERROR"}) is Severity.P2
    assert mapping.severity_of({"severity": "major"}) is Severity.P2
    assert mapping.severity_of({"severity": "warning"}) is Severity.P3
    assert mapping.severity_of({"severity": "info"}) is Severity.P4
    assert mapping.severity_of({"severity": "page"}) is None
    assert mapping.severity_of({}) is None


def test_a_mapping_from_settings_is_checked() -> None:
    mapping = severity_mapping("priority", {"P1": "P0", "high": "1"})
    assert mapping.severity_of({"priority": "high"}) is Severity.P1
    assert mapping.severity_of({"priority": "p1"}) is Severity.P0
    with pytest.raises(InvalidInputError, match="alert_severities: 'high': unknown severity 'P9'"):
        severity_mapping("priority", {"high": "P9"})
    with pytest.raises(InvalidInputError, match="alert_severity_label"):
        severity_mapping(" ", {"high": "P1"})
    with pytest.raises(InvalidInputError, match="alert_severities: map label values"):
        severity_mapping("severity", {})


def test_the_worst_severity_of_a_group_decides_and_declaring_is_off_by_default() -> None:
    notification = parse_notification(
        AM, alertmanager(alert("A", severity="warning"), alert("B", severity="critical"))
    )
    worst = SeverityMapping().worst(notification.alerts)
    assert worst is Severity.P1
    assert not declares(worst, None)
    assert declares(worst, Severity.P1) and declares(worst, Severity.P2)
    assert not declares(worst, Severity.P0)
    assert not declares(None, Severity.P4)


def test_group_titles() -> None:
    assert group_title(["HighErrorRate"]) == "HighErrorRate"
    assert group_title(["A", "B", "C"], "5xx") == "A +2 more: 5xx"


def test_the_published_example_shapes_survive_a_json_round_trip() -> None:
    for name, source in (
        ("alertmanager_0.25_partly_resolved.json", AM),
        ("grafana_firing.json", GRAFANA),
    ):
        raw = json.dumps(recorded(name)).encode()
        assert parse_body(source, raw) == parse_notification(source, recorded(name))
