"""The receiver's queue file: what goes in comes out in order, once removed stays gone,
and a file it cannot use is one clear error."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commander.errors import StoreError
from commander.store.alert_queue import AlertQueue

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_notifications_come_out_oldest_first_until_removed(tmp_path: Path) -> None:
    queue = AlertQueue(tmp_path / "q" / "alerts.alert-queue.sqlite")
    first = queue.put("alertmanager", '{"a": 1}', T0)
    second = queue.put("grafana", '{"b": 2}', T0)
    assert [(q.id, q.source, q.body, q.received_at) for q in queue.waiting()] == [
        (first, "alertmanager", '{"a": 1}', T0),
        (second, "grafana", '{"b": 2}', T0),
    ]
    queue.remove(first)
    queue.set_aside(second, "internal error: a bug")
    assert queue.waiting() == [] and queue.counts() == (0, 1)
    queue.close()


def test_what_was_queued_is_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "alerts.alert-queue.sqlite"
    queue = AlertQueue(path)
    queue.put("alertmanager", "{}", T0)
    queue.close()
    reopened = AlertQueue(path)
    assert [q.body for q in reopened.waiting()] == ["{}"]
    reopened.close()


def test_a_queue_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alerts.alert-queue.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 9")
    connection.close()
    with pytest.raises(StoreError, match="written by a newer Incident Commander"):
        AlertQueue(path)


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alerts.alert-queue.sqlite"
    path.write_bytes(b"not a database at all, just some text" * 100)
    with pytest.raises(StoreError, match=f"cannot use the alert queue {path}"):
        AlertQueue(path)
