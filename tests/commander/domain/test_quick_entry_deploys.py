"""/rollback and /hotfix in the quick-entry bar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain.deploys import DeployKind
from commander.domain.quick_entry import COMMANDS, DeployEntry, LogEntry, parse_quick_entry
from commander.errors import InvalidInputError

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_rollback_with_from_and_to() -> None:
    parsed = parse_quick_entry("/rollback v1.4.3 -> v1.4.2 5xx after deploy", NOW, UTC)
    assert isinstance(parsed, DeployEntry)
    change = parsed.change
    assert (change.kind, change.from_version, change.to_version, change.note) == (
        DeployKind.ROLLBACK,
        "v1.4.3",
        "v1.4.2",
        "5xx after deploy",
    )
    assert parsed.occurred_at is None


def test_hotfix_backdated_and_case_insensitive() -> None:
    parsed = parse_quick_entry("-5m /HOTFIX v1.4.4 null check", NOW, UTC)
    assert isinstance(parsed, DeployEntry)
    assert parsed.change.kind is DeployKind.HOTFIX
    assert parsed.occurred_at == NOW - timedelta(minutes=5)


def test_a_rollback_without_a_version_gets_a_hint() -> None:
    with pytest.raises(InvalidInputError, match="/rollback needs a version"):
        parse_quick_entry("/rollback", NOW, UTC)


def test_rollback_must_start_the_line() -> None:
    with pytest.raises(InvalidInputError, match="must start the line"):
        parse_quick_entry("/action /rollback v1", NOW, UTC)


def test_escaped_or_inner_rollback_is_text() -> None:
    assert parse_quick_entry("//rollback v1", NOW, UTC) == LogEntry(
        "/rollback v1", "note", False, None
    )
    parsed = parse_quick_entry("we may need a /rollback soon", NOW, UTC)
    assert isinstance(parsed, LogEntry)


def test_the_bar_offers_the_new_commands() -> None:
    assert {"/rollback", "/hotfix"} <= set(COMMANDS)
