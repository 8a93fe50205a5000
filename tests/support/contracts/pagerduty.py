"""PagerDuty Events API v2: ``POST /v2/enqueue``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tests.support.contracts.server import ContractServer, RateWindow, Reply, Request

SEVERITIES = {"critical", "error", "warning", "info"}
EVENT_LIMIT = 512 * 1024  # "the maximum size of a single event is 512 KB" (Events API v2)


@dataclass
class Alert:
    dedup_key: str
    status: str  # triggered, acknowledged, resolved
    summary: str
    events: list[str] = field(default_factory=list)


def _invalid(*errors: str) -> Reply:
    return Reply(
        400,
        {"status": "invalid event", "message": "Event object is invalid", "errors": list(errors)},
    )


class PagerDutyServer(ContractServer):
    name = "pagerduty"

    def __init__(self, routing_key: str = "R0UT1NGKEYc0ntract0000000000001") -> None:
        super().__init__()
        self.routing_key = routing_key.ljust(32, "0")[:32]
        self.alerts: list[Alert] = []  # every alert ever opened, newest last
        self.rate = RateWindow(120, 60.0)  # about 120 events a minute per integration key
        self._lock = threading.Lock()

    def open_alert(self, dedup_key: str) -> Alert | None:
        return next(
            (
                a
                for a in reversed(self.alerts)
                if a.dedup_key == dedup_key and a.status != "resolved"
            ),
            None,
        )

    def handle(self, request: Request) -> Reply:
        if request.path != "/v2/enqueue" or request.method != "POST":
            return Reply(404, {"status": "not found", "message": "Not Found", "errors": []})
        if request.content_type != "application/json":
            return _invalid("Content-Type must be application/json")
        if len(request.body) > EVENT_LIMIT:
            return _invalid(f"Event object is larger than 512 KB ({len(request.body):,} bytes)")
        try:
            event = request.json()
        except ValueError:
            return _invalid("Malformed JSON")
        if not isinstance(event, dict):
            return _invalid("Event must be a JSON object")
        key = event.get("routing_key")
        if not key:
            return _invalid("'routing_key' is missing or blank")
        if key != self.routing_key:
            return _invalid("Invalid routing key")
        allowed, _ = self.rate.allow(key)
        if not allowed:
            return self.throttle_reply(0)
        action = event.get("event_action")
        if action not in {"trigger", "acknowledge", "resolve"}:
            return _invalid("'event_action' is invalid")
        dedup = event.get("dedup_key")
        if dedup is not None and (not isinstance(dedup, str) or len(dedup) > 255):
            return _invalid("'dedup_key' must be a string of at most 255 characters")
        if action == "trigger":
            problem = self._payload_problem(event.get("payload"))
            if problem:
                return _invalid(problem)
            return self._trigger(dedup or f"generated{len(self.alerts) + 1:08d}", event["payload"])
        if not dedup:
            return _invalid("'dedup_key' is required for acknowledge and resolve")
        with self._lock:
            alert = self.open_alert(dedup)
            if alert is not None:  # dropped silently when nothing is open, as PagerDuty does
                alert.status = "acknowledged" if action == "acknowledge" else "resolved"
                alert.events.append(action)
        return self._accepted(dedup)

    def _payload_problem(self, payload: Any) -> str | None:
        if not isinstance(payload, dict):
            return "'payload' is missing"
        summary = payload.get("summary")
        if not isinstance(summary, str) or not summary:
            return "'payload.summary' is missing or blank"
        if len(summary) > 1024:
            return "'payload.summary' must be at most 1024 characters"
        if not payload.get("source"):
            return "'payload.source' is missing or blank"
        if payload.get("severity") not in SEVERITIES:
            return "'payload.severity' must be one of critical, error, warning, info"
        return None

    def _trigger(self, dedup: str, payload: dict[str, Any]) -> Reply:
        with self._lock:
            alert = self.open_alert(dedup)
            if alert is None:
                alert = Alert(dedup, "triggered", payload["summary"])
                self.alerts.append(alert)
            alert.events.append("trigger")
        return self._accepted(dedup)

    def _accepted(self, dedup: str) -> Reply:
        return Reply(202, {"status": "success", "message": "Event processed", "dedup_key": dedup})

    def error_reply(self, status: int) -> Reply:
        return Reply(status, {"status": "error", "message": "Internal Server Error", "errors": []})

    def throttle_reply(self, retry_after: float) -> Reply:
        # PagerDuty documents no Retry-After here; clients back off on their own.
        return Reply(
            429,
            {
                "status": "throttle exceeded",
                "message": "Requests for this service are arriving too quickly.  Please retry later.",
                "errors": ["Too many requests"],
            },
        )
