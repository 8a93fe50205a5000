"""An entry that has appeared in the window is committed: SIGKILL right after loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from commander.domain import Severity
from commander.services.incidents import declare_incident, get_incident
from commander.store.engine import open_store
from tests.support.cli import child_env

DRIVER = Path(__file__).resolve().parents[1] / "support" / "kill_driver.py"
ACKS_BEFORE_KILL = 40


def test_acknowledged_entries_survive_sigkill(db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Kill test", Severity.P1, author="ana")
    store.close()
    driver = subprocess.Popen(
        [sys.executable, str(DRIVER), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env({"QT_QPA_PLATFORM": "offscreen"}),
    )
    acked: list[str] = []
    try:
        assert driver.stdout is not None
        for line in driver.stdout:
            if line.startswith("ack "):
                acked.append(line.removeprefix("ack ").rstrip("\n"))
            if len(acked) == ACKS_BEFORE_KILL:
                driver.send_signal(signal.SIGKILL)  # at once, mid-stream
                break
    finally:
        driver.kill()
        _out, errors = driver.communicate(timeout=30)
    assert len(acked) == ACKS_BEFORE_KILL, errors
    store = open_store(str(db_path), create=False)
    try:
        stored = {entry.text for entry in get_incident(store, "INC-1").timeline}
    finally:
        store.close()
    assert set(acked) <= stored
