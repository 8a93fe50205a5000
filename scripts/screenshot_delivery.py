"""A screenshot of a failing public delivery: the header's red line, the Comms tab.

Run under a display, e.g. ``xvfb-run -a .venv/bin/python scripts/screenshot_delivery.py
shots/failing-delivery.png`` (``QT_QPA_PLATFORM=offscreen`` renders the same pixels);
``--size=1920x1080`` sets the window's size (default 1280x800). The demo incident of
``scripts/screenshot.py`` gets a status page that cannot be reached for 8 minutes (real
attempts against a closed port on 127.0.0.1, recorded at the times they stand for) and a
Slack update that went out. Uses a throwaway store and secret folder.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from commander.settings import Settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def add_failing_delivery(path: Path) -> None:
    from commander.connectors.base import Outcome
    from commander.domain.when import utc_now
    from commander.services import messages, outbox
    from commander.services.incidents import list_incidents
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(path), create=True)
    try:
        ref = list_incidents(store)[0].ref
        status_page = f"http://127.0.0.1:{_closed_port()}"
        options = {"page_id": "kctbh9vrtdwd"}
        save_target(store, "status-page", "statuspage", status_page, options, "demo-key-1234")
        save_target(store, "slack", "slack", options={"channel": "#incidents"}, secret="xoxb-1")
        start = utc_now() - timedelta(minutes=8, seconds=20)
        update = messages.compose(store, ref, "customer", now=start)
        sent = messages.send_message(store, update, "ana", now=start)
        moment = start
        for _ in range(6):
            for claim in outbox.claim_due(store, moment, message_ids=[sent.id]):
                if claim.target.name == "slack":
                    outcome = Outcome("sent", "1764620580.000200")
                else:  # a real attempt: the words are the connector's own
                    outcome = outbox.attempt_delivery(claim, timeout=2) or Outcome("retry")
                outbox.record_outcome(store, claim, outcome, moment + timedelta(seconds=1))
            moment += timedelta(seconds=85)
    finally:
        store.close()


def main(output: str, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QTabWidget

    folder = Path(tempfile.mkdtemp())
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(folder / name.lower())  # secrets and settings stay in here
    os.environ["COMMANDER_SETTINGS"] = str(folder / "settings.json")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from screenshot import make_demo_store

    from ui.app import build_app
    from ui.main_window import MainWindow

    db = folder / "demo.sqlite"
    make_demo_store(db)
    add_failing_delivery(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    window.resize(*size)
    window.show()

    def select_newest() -> None:
        window.incident_list.setCurrentIndex(window.incident_model.index(0))

    def save() -> None:
        from ui.comms.messages_panel import MessagesPanel

        tabs = window.findChild(QTabWidget, "sidePanels")
        panel = window.findChild(MessagesPanel)
        if tabs is not None and panel is not None:
            tabs.setCurrentWidget(panel)
            for row in range(panel.model.rowCount()):
                if panel.model.delivery_at(row).target_name == "status-page":
                    panel.view.selectRow(row)  # its hint: failing since, attempts, next
        QTimer.singleShot(1500, lambda: (window.grab().save(output), app.quit()))

    window.incidents_listed.connect(select_newest)
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(300, save))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    args = sys.argv[1:]
    sizes = [arg.split("=", 1)[1] for arg in args if arg.startswith("--size=")]
    width, height = (int(n) for n in (sizes[-1] if sizes else "1280x800").split("x"))
    paths = [arg for arg in args if not arg.startswith("--size=")]
    raise SystemExit(main(paths[0] if paths else "failing-delivery.png", (width, height)))
