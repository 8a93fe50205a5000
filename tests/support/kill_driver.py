"""Drives the real window for test_kill: types entries into the bar one after another and
prints ``ack <text>`` each time an entry appears in the timeline. Killed by the test."""

from __future__ import annotations

import itertools
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from commander.settings import Settings
from ui.app import build_app
from ui.main_window import MainWindow
from ui.timeline.feature import TimelineFeature
from ui.timeline.panel import TimelinePanel


def main(db: str) -> int:
    app = build_app()
    window = MainWindow(Settings(author="scribe"), db)
    timeline = window.findChild(TimelineFeature)
    numbers = itertools.count()

    def type_next() -> None:
        timeline.focus_entry_bar()
        bar = window.findChild(TimelinePanel).entry_bar
        QTest.keyClicks(bar, f"entry {next(numbers)}")
        QTest.keyClick(bar, Qt.Key.Key_Return)

    def acknowledged(entry: object) -> None:
        print(f"ack {entry.text}", flush=True)  # type: ignore[attr-defined]  # noqa: T201
        QTimer.singleShot(0, type_next)

    timeline.entry_logged.connect(acknowledged)
    window.store_opened.connect(lambda: window.open_incident("INC-1"))
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(0, type_next))
    window.show()
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
