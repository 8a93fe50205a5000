"""Make the composer screenshot: one update for customers and for responders.

A demo incident with a status page (public) and a Slack target (internal), the
composer open over the window, the customers' text and its preview in front.
Run under a 1280x800 display; the whole screen is saved::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python \\
        scripts/screenshot_composer.py docs/screenshots/composer.png

Uses a throwaway store; the targets point at nothing, so nothing is sent.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshot import make_demo_store  # noqa: E402

from commander.services.targets import save_target  # noqa: E402
from commander.services.timeline import pin_entry, read_timeline  # noqa: E402
from commander.settings import Settings  # noqa: E402
from commander.store.engine import open_store  # noqa: E402

IMPACT = "Some card payments fail at checkout; please retry in a few minutes."


def add_targets(path: Path) -> None:
    store = open_store(str(path), create=True)
    save_target(store, "status", "statuspage", "http://127.0.0.1:9", {"page_id": "demo"})
    save_target(store, "ops-slack", "slack", "http://127.0.0.1:9", {"channel": "C0INCIDENT"})
    for entry in read_timeline(store, "INC-2"):
        if entry.kind in ("decision", "hypothesis"):
            pin_entry(store, entry.id, "ana", True)  # what responders' updates list
    store.close()


def main(output: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication

    from commander.domain.audiences import Audience
    from ui.app import build_app
    from ui.comms.composer import ComposerDialog
    from ui.main_window import MainWindow

    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    make_demo_store(db)
    add_targets(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    window.resize(1280, 800)
    window.show()

    def compose() -> None:
        [action] = [a for a in window.findChildren(QAction) if a.text() == "&Compose update…"]
        action.trigger()
        QTimer.singleShot(300, wait_for_previews)

    def wait_for_previews() -> None:
        dialog = window.findChild(ComposerDialog)
        if dialog is None or dialog.previews.count() < 2:
            QTimer.singleShot(200, wait_for_previews)
            return
        public = dialog.editor(Audience.PUBLIC)
        public.field_edits["Impact"].setText(IMPACT)
        public.field_edits["Impact"].textEdited.emit(IMPACT)
        dialog.audience_tabs.setCurrentWidget(public)
        QTimer.singleShot(1200, lambda: save(dialog))

    def save(dialog: ComposerDialog) -> None:
        for index in range(dialog.previews.count()):
            if dialog.previews.tabText(index).startswith("status"):
                dialog.previews.setCurrentIndex(index)
        QTimer.singleShot(400, lambda: (screen_shot(), app.quit()))

    def screen_shot() -> None:
        screen = QApplication.primaryScreen()
        screen.grabWindow(0).save(output)

    window.incidents_listed.connect(
        lambda: window.incident_list.setCurrentIndex(window.incident_model.index(0))
    )
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(800, compose))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "composer.png"))
