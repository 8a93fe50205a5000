"""The app, a real process: its window asks about an unsaved postmortem before it closes,
and the process ends within seconds once the window has closed."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.postmortem import get_postmortem
from commander.store.engine import open_store
from tests.support.cli import child_env

DRIVER = Path(__file__).resolve().parents[1] / "support" / "close_driver.py"
EXIT_WITHIN_S = 5.0


def _run(db_path: Path, tmp_path: Path, *answers: str) -> tuple[list[str], float | None]:
    """Drive the app; its output, and how long it took to end after the last close."""
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Search is slow", Severity.P2, author="ana")
    store.close()
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"author": "ana"}), encoding="utf-8")
    env = child_env(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "COMMANDER_SETTINGS": str(settings),
            "HOME": str(tmp_path),  # logs and the like go here, not to the real home
            "XDG_DATA_HOME": None,
            "XDG_STATE_HOME": None,
            "XDG_CONFIG_HOME": None,
        }
    )
    app = subprocess.Popen(
        [sys.executable, str(DRIVER), str(db_path), *answers],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert app.stdout is not None
        for line in app.stdout:
            if not line.startswith("This plugin does not support"):  # offscreen Qt's noise
                lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    output: list[str] = []
    closes, last_close = 0, None
    try:
        deadline = time.monotonic() + 60  # start-up on a busy machine included
        while (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
            output.append(line)
            if line == "closing":
                closes += 1
                if closes == len(answers):
                    last_close = time.monotonic()
                    deadline = last_close + EXIT_WITHIN_S
        app.wait(timeout=EXIT_WITHIN_S)
        assert app.stdout is not None
        app.stdout.close()
    except (queue.Empty, subprocess.TimeoutExpired):
        app.kill()
        app.wait()
        output.append("(still running: killed)")
        assert app.stdout is not None
        app.stdout.close()
        return output, None
    assert last_close is not None, output
    return output, time.monotonic() - last_close


def test_cancel_keeps_the_window_then_discard_ends_the_process(
    db_path: Path, tmp_path: Path
) -> None:
    output, took = _run(db_path, tmp_path, "cancel", "discard")
    assert took is not None and took < EXIT_WITHIN_S, output
    visibility = [line for line in output if line.startswith("window visible")]
    # Cancel: the window and the editor stay; Discard: both go.
    assert visibility[0] == "window visible=True editor visible=True", output
    assert visibility[1] == "window visible=False editor visible=False", output
    assert output[-1] == "exited 0", output
    store = open_store(str(db_path), create=False)
    try:
        assert get_postmortem(store, "INC-1").revision == 0  # discarded
    finally:
        store.close()


def test_save_stores_the_text_and_ends_the_process(db_path: Path, tmp_path: Path) -> None:
    output, took = _run(db_path, tmp_path, "save")
    assert took is not None and took < EXIT_WITHIN_S, output
    assert output[-1] == "exited 0", output
    store = open_store(str(db_path), create=False)
    try:
        assert get_postmortem(store, "INC-1").section("summary") == "written, not saved"
    finally:
        store.close()
