"""The outbox and the window's runner name a lease's holder the same way."""

from __future__ import annotations

import os
import socket

import pytest

from commander.services import lease_owner, outbox
from ui.comms.outbox_runner import OutboxRunner


def test_a_lease_owner_names_host_process_and_worker() -> None:
    first, second = lease_owner.worker_id(), lease_owner.worker_id()
    assert first.startswith(f"{socket.gethostname()[:40]}:{os.getpid()}:")
    assert first != second  # two workers in one process hold their own leases


def test_the_runner_and_the_outbox_use_the_one_lease_owner(
    qtbot, monkeypatch: pytest.MonkeyPatch, sqlite_store
) -> None:
    assert outbox.worker_id is lease_owner.worker_id
    monkeypatch.setattr(lease_owner, "worker_id", lambda: "host:1:runner")
    runner = OutboxRunner(interval_ms=60_000)
    runner.start(sqlite_store)
    runner.stop()
    assert runner.wait(5_000)
    assert runner._owner == "host:1:runner"
