"""Read models of the health checks: each check with its state, and an incident's watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commander.domain import Phase
from commander.domain.health import HealthState


@dataclass(frozen=True, slots=True)
class HealthCheckView:
    id: int
    incident_id: int
    target: str
    label: str
    every_seconds: int
    slow_ms: int
    state: HealthState
    since: datetime
    # What the probe that brought the state saw (None before the first probe).
    probed_at: datetime | None
    latency_ms: int | None
    error: str | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class HealthWatch:
    """An incident's live checks, oldest first, and since when all of them are up."""

    incident_id: int
    ref: str
    phase: Phase
    # Closed incidents (in Postmortem) are not probed any more.
    closed: bool
    checks: tuple[HealthCheckView, ...]
    all_green_since: datetime | None

    def check(self, check_id: int) -> HealthCheckView | None:
        return next((c for c in self.checks if c.id == check_id), None)
