"""Make README's screenshot: a demo incident in the real window.

Run under a display, e.g. ``xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python
scripts/screenshot.py docs/screenshots/main-window.png``. Uses a throwaway store.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from commander.domain import EntryKind, Phase, Severity
from commander.domain.when import utc_now
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.timeline import log_entry
from commander.settings import Settings
from commander.store.engine import open_store


def make_demo_store(path: Path) -> None:
    store = open_store(str(path))
    now = utc_now()
    start = now - timedelta(minutes=47)
    declare_incident(
        store, "Search latency over SLO", Severity.P3, author="dee", now=start - timedelta(days=2)
    )
    ref = declare_incident(
        store,
        "Payments API returning 5xx",
        Severity.P2,
        author="ana",
        summary="14% of card payments fail at checkout",
        now=start,
    ).ref
    steps = [
        (2, "bo", EntryKind.OBSERVATION, "5xx rate 14% on /pay per the payments dashboard"),
        (4, "ana", EntryKind.ACTION, "Paged payments on-call (PagerDuty)"),
        (
            9,
            "cy",
            EntryKind.HYPOTHESIS,
            "Deploy v1.4.3 just before changed the connection pool size",
        ),
        (12, "ana", EntryKind.DECISION, "Roll back to v1.4.2"),
        (19, "bo", EntryKind.ACTION, "Rollback to v1.4.2 started"),
        (31, "bo", EntryKind.OBSERVATION, "Error rate falling: 3% and dropping"),
    ]
    for minutes, author, kind, text in steps:
        at = start + timedelta(minutes=minutes)
        log_entry(store, ref, text, author=author, kind=kind, occurred_at=at, now=at)
    change_severity(
        store,
        ref,
        Severity.P1,
        author="ana",
        reason="revenue impact confirmed",
        now=start + timedelta(minutes=6),
    )
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=start + timedelta(minutes=5))
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=start + timedelta(minutes=13))
    store.close()


def main(output: str) -> int:
    from PySide6.QtCore import QTimer

    from ui.app import build_app
    from ui.main_window import MainWindow

    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.sqlite"
    make_demo_store(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    window.resize(1280, 760)
    window.show()

    def select_newest() -> None:
        window.incident_list.setCurrentIndex(window.incident_model.index(0))

    def save() -> None:
        window.page.entry_bar.setText("Rollback complete, error rate back to baseline")
        window.page.entry_bar.setFocus()
        QTimer.singleShot(300, lambda: (window.grab().save(output), app.quit()))

    window.incidents_listed.connect(select_newest)
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(200, save))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "main-window.png"))
