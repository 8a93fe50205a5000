"""The update cadence rule: severity defaults, an incident's own interval, overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commander.domain import Severity
from commander.domain.cadence import interval_minutes, is_overdue, update_due_at

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def test_an_own_interval_replaces_the_severity_default_and_zero_means_none() -> None:
    assert interval_minutes(None, Severity.P0) == (15, True)
    assert interval_minutes(None, Severity.P3) == (None, True)
    assert interval_minutes(45, Severity.P0) == (45, False)
    assert interval_minutes(0, Severity.P0) == (None, False)


def test_due_from_the_last_update_or_the_declaration_and_never_once_resolved() -> None:
    assert update_due_at(30, None, T0, None) == T0 + 30 * M
    assert update_due_at(30, T0 + 50 * M, T0, None) == T0 + 80 * M
    assert update_due_at(30, None, T0, T0 + 5 * M) is None
    assert update_due_at(None, None, T0, None) is None


def test_overdue_from_the_second_it_falls_due() -> None:
    due = T0 + 30 * M
    assert not is_overdue(due, due - timedelta(seconds=1))
    assert is_overdue(due, due)
    assert not is_overdue(None, T0)
