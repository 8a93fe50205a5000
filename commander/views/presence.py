"""What a reader sees of a seat: who, in which role, from where, seen how long ago."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commander.domain.presence import SeatKind
from commander.domain.roles import Role


@dataclass(frozen=True, slots=True)
class SeatView:
    seat_id: str
    name: str
    kind: SeatKind
    # The roles the person holds on the incident now (by name, as roles.person_key
    # matches people), in the roles' order; empty when none.
    roles: tuple[Role, ...]
    last_seen: datetime

    def seen_seconds_ago(self, now: datetime) -> int:
        return max(0, int((now - self.last_seen).total_seconds()))

    @property
    def roles_text(self) -> str:
        """``IC, SME``, or "" for someone holding no role."""
        return ", ".join(role.short for role in self.roles)

    @property
    def label(self) -> str:
        """``ana (IC, window)``, ``bo (terminal)``: what the header shows."""
        details = ", ".join(part for part in (self.roles_text, self.kind.value) if part)
        return f"{self.name} ({details})"
