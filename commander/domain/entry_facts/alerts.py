"""Facts of monitoring alerts on an incident: a group's alerts arrived, or resolved.

Both are ``alert`` entries; the stored ``status`` tells them apart. Each names the
inbox group (``alert_groups.id``), who sent it and, per alert, what a reader of
the timeline or an export needs without the inbox: name, labels, summary, start
and end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, text_of, time_of
from commander.domain.kinds import EntryKind
from commander.domain.when import iso


@dataclass(frozen=True, slots=True)
class AlertNote:
    """One alert as an entry records it (a part of a fact, not a fact)."""

    name: str
    fingerprint: str
    labels: tuple[tuple[str, str], ...]
    summary: str
    starts_at: datetime
    ends_at: datetime | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "fingerprint": self.fingerprint,
            "labels": dict(self.labels),
            "summary": self.summary,
            "starts_at": iso(self.starts_at),
            "ends_at": iso(self.ends_at),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AlertNote:
        starts_at = time_of(data["starts_at"])
        if starts_at is None:
            raise ValueError("an alert note needs its start")
        labels = data.get("labels") or {}
        return cls(
            text_of(data, "name"),
            text_of(data, "fingerprint"),
            tuple((str(name), str(value)) for name, value in labels.items()),
            text_of(data, "summary"),
            starts_at,
            time_of(data.get("ends_at")),
        )


@dataclass(frozen=True, slots=True)
class _AlertFact(EntryFact):
    STATUS: ClassVar[str]
    KIND: ClassVar[EntryKind] = EntryKind.ALERT
    group_id: int
    source: str  # "alertmanager" or "grafana"
    alerts: tuple[AlertNote, ...]

    def to_data(self) -> dict[str, Any]:
        return {
            "status": self.STATUS,
            "group": self.group_id,
            "source": self.source,
            "alerts": [alert.to_data() for alert in self.alerts],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        if data["status"] != cls.STATUS:
            return None
        alerts = tuple(AlertNote.from_data(item) for item in data["alerts"])
        return cls(int(data["group"]), text_of(data, "source"), alerts)


@dataclass(frozen=True, slots=True)
class AlertReceived(_AlertFact):
    """Alerts firing: a group attached or declared, or new alerts of an attached group."""

    STATUS: ClassVar[str] = "firing"


@dataclass(frozen=True, slots=True)
class AlertResolved(_AlertFact):
    """Alerts of an attached group resolved (each with its end)."""

    STATUS: ClassVar[str] = "resolved"
