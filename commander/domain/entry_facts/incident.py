"""Facts of the incident itself: declared, severity, phase, milestones, update cadence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, text_of, time_of
from commander.domain.kinds import EntryKind
from commander.domain.phase import Phase
from commander.domain.severity import Severity
from commander.domain.when import iso


@dataclass(frozen=True, slots=True)
class Declared(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.DECLARED
    severity: Severity

    def to_data(self) -> dict[str, Any]:
        return {"severity": self.severity.value}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(Severity(data["severity"]))


@dataclass(frozen=True, slots=True)
class SeverityChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.SEVERITY
    from_severity: Severity
    to_severity: Severity
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "from": self.from_severity.value,
            "to": self.to_severity.value,
            "reason": self.reason,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(Severity(data["from"]), Severity(data["to"]), text_of(data, "reason"))


@dataclass(frozen=True, slots=True)
class PhaseChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.PHASE
    from_phase: Phase
    to_phase: Phase
    # Milestones a move back took away (a reopen), with the times they held.
    cleared: tuple[tuple[str, datetime], ...] = ()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.from_phase.value, "to": self.to_phase.value}
        if self.cleared:
            data["cleared"] = {name: iso(moment) for name, moment in self.cleared}
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        cleared = data.get("cleared") or {}
        return cls(
            Phase(data["from"]),
            Phase(data["to"]),
            tuple((str(name), datetime.fromisoformat(at)) for name, at in cleared.items() if at),
        )


@dataclass(frozen=True, slots=True)
class MilestoneCorrected(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.MILESTONE
    field: str  # the incident's column, e.g. "mitigated_at"
    from_time: datetime | None
    to_time: datetime | None
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "from": iso(self.from_time),
            "to": iso(self.to_time),
            "reason": self.reason,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        before, after = time_of(data.get("from")), time_of(data.get("to"))
        return cls(str(data["field"]), before, after, text_of(data, "reason"))


@dataclass(frozen=True, slots=True)
class CadenceSet(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.CADENCE
    minutes: int | None  # None: back to the severity's default; 0: no scheduled updates

    def to_data(self) -> dict[str, Any]:
        return {"minutes": self.minutes}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        minutes = data["minutes"]
        return cls(None if minutes is None else int(minutes))
