"""Facts of the health checks: a check added or removed, and a check's state changing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, name_of, text_of
from commander.domain.health import HealthState
from commander.domain.kinds import EntryKind


class HealthCheckAction(StrEnum):
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class HealthCheckChanged(EntryFact):
    """A check added to an incident (with its interval and slow threshold), or removed."""

    KIND: ClassVar[EntryKind] = EntryKind.HEALTH_CHECK
    check_id: int
    action: HealthCheckAction
    target: str
    every_seconds: int | None = None
    slow_ms: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check_id": self.check_id,
            "action": self.action.value,
            "target": self.target,
        }
        if self.every_seconds is not None:
            data["every_seconds"] = self.every_seconds
        if self.slow_ms is not None:
            data["slow_ms"] = self.slow_ms
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        every, slow = data.get("every_seconds"), data.get("slow_ms")
        return cls(
            int(data["check_id"]),
            HealthCheckAction(data["action"]),
            text_of(data, "target"),
            None if every is None else int(every),
            None if slow is None else int(slow),
        )


@dataclass(frozen=True, slots=True)
class HealthChanged(EntryFact):
    """A probe found a check in another state than the one stored (the first probe
    moves it from unknown). Probes that find the same state write nothing."""

    KIND: ClassVar[EntryKind] = EntryKind.HEALTH
    check_id: int
    target: str
    from_state: HealthState
    to_state: HealthState
    latency_ms: int | None = None
    error: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "target": self.target,
            "from": self.from_state.value,
            "to": self.to_state.value,
            "latency_ms": self.latency_ms,
            "error": self.error,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        latency = data.get("latency_ms")
        return cls(
            int(data["check_id"]),
            text_of(data, "target"),
            HealthState(data["from"]),
            HealthState(data["to"]),
            None if latency is None else int(latency),
            name_of(data.get("error")),
        )
