"""How often the comms lead owes an update, and when one is overdue: the rule alone.

Defaults follow severity (P0 every 15 minutes, P1 30, P2 60, P3/P4 none); an
incident can have its own interval (0: none). The clock runs from the last
message sent, or from the declaration before the first one, and stops once the
incident is resolved. ``services.cadence`` reads the rows; the incident list
(``views.incidents.IncidentSummary``) and the CLI's ``list`` use the same rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from commander.domain.severity import Severity

DEFAULT_MINUTES: dict[Severity, int | None] = {
    Severity.P0: 15,
    Severity.P1: 30,
    Severity.P2: 60,
    Severity.P3: None,
    Severity.P4: None,
}


def interval_minutes(own_minutes: int | None, severity: Severity) -> tuple[int | None, bool]:
    """(minutes, is_default): the incident's own interval, else its severity's.

    ``own_minutes`` is None when the incident has none of its own; 0 means "no
    scheduled updates" and gives None.
    """
    if own_minutes is not None:
        return own_minutes or None, False
    return DEFAULT_MINUTES[severity], True


def update_due_at(
    minutes: int | None,
    last_message_at: datetime | None,
    declared_at: datetime,
    resolved_at: datetime | None,
) -> datetime | None:
    """When the next update is due; None without a cadence or once resolved."""
    if not minutes or resolved_at is not None:
        return None
    return (last_message_at or declared_at) + timedelta(minutes=minutes)


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """Due from the very second it falls due (the header turns red at 0:00)."""
    return due_at is not None and now >= due_at
