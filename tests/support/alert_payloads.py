"""Webhook payloads shaped as Alertmanager (version 4) and Grafana (version 1) send them.

``tests/fixtures/alerts/`` keeps one recorded from Alertmanager 0.25 and one
shaped after Grafana's published example; these builders make variations.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
ZERO_TIME = "0001-01-01T00:00:00Z"
STARTED = "2026-11-27T09:52:00Z"  # 8 minutes before the tests' frozen clock


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def alert(
    name: str,
    *,
    status: str = "firing",
    severity: str | None = "critical",
    starts_at: str = STARTED,
    ends_at: str = ZERO_TIME,
    summary: str = "",
    **labels: str,
) -> dict[str, Any]:
    """One alert; its fingerprint follows from its labels, as the senders' does."""
    all_labels = {"alertname": name, **labels}
    if severity is not None:
        all_labels["severity"] = severity
    fingerprint = hashlib.sha256(json.dumps(sorted(all_labels.items())).encode()).hexdigest()
    return {
        "status": status,
        "labels": all_labels,
        "annotations": {"summary": summary} if summary else {},
        "startsAt": starts_at,
        "endsAt": ends_at,
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up",
        "fingerprint": fingerprint[:16],
    }


def alertmanager(
    *alerts: dict[str, Any], group_key: str = '{}:{alertname="HighErrorRate"}'
) -> dict[str, Any]:
    status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
    common = dict(alerts[0]["labels"]) if alerts else {}
    for other in alerts[1:]:
        common = {k: v for k, v in common.items() if other["labels"].get(k) == v}
    return {
        "receiver": "incident-commander",
        "status": status,
        "alerts": list(alerts),
        "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]} if alerts else {},
        "commonLabels": common,
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    }


def grafana(*alerts: dict[str, Any], group_key: str = "{}:{}") -> dict[str, Any]:
    payload = alertmanager(*alerts, group_key=group_key)
    payload.update(
        version="1",
        orgId=1,
        externalURL="https://grafana.example/",
        title="[FIRING]",
        state="alerting",
        message="",
    )
    return payload


def body(payload: object) -> bytes:
    return json.dumps(payload).encode()
