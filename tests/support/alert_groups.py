"""Alert groups in a store, as the receiver's worker takes them in; a port for a receiver."""

from __future__ import annotations

import json
import socket
from typing import Any

from commander.domain.alerts import AlertSource, parse_notification
from commander.services.alert_inbox import InboxPolicy, take_in
from commander.store.engine import Store
from commander.views.alerts import Intake
from tests.support.alert_payloads import alert, alertmanager


def take(store: Store, payload: dict[str, Any], policy: InboxPolicy | None = None) -> Intake:
    """Take ``payload`` (an Alertmanager or Grafana body) into the inbox, now."""
    from commander.clock import now

    source = AlertSource.GRAFANA if payload["version"] == "1" else AlertSource.ALERTMANAGER
    notification = parse_notification(source, payload)
    return take_in(store, notification, json.dumps(payload), policy or InboxPolicy(), now())


def waiting_group(store: Store, name: str, severity: str | None = "critical", **labels: str) -> int:
    """A firing group of one alert ``name`` waiting in the inbox: its id."""
    key = "".join(f"{label}={value}," for label, value in sorted(labels.items()))
    payload = alertmanager(
        alert(name, severity=severity, **labels), group_key=f'{{}}:{{alertname="{name}",{key}}}'
    )
    return take(store, payload).group_id


def free_port() -> int:
    """A port free on 127.0.0.1 now (for a receiver whose settings need a real one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
