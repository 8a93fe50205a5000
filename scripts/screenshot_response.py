"""Make README's response screenshot: header, phase bar and checklist of a demo incident.

Runs offscreen on a throwaway store; the optional second file gets the runbook panel::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_response.py \
        docs/screenshots/response.png docs/screenshots/runbooks.png
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshot import make_demo_store  # noqa: E402

from commander.domain.deploys import DeployKind, parse_change  # noqa: E402
from commander.domain.roles import Role  # noqa: E402
from commander.domain.when import utc_now  # noqa: E402
from commander.services.checklist import check_item, mark_not_applicable  # noqa: E402
from commander.services.deploys import record_deploy  # noqa: E402
from commander.services.roles import assign_role  # noqa: E402
from commander.settings import Settings  # noqa: E402
from commander.store.engine import open_store  # noqa: E402


def add_response(path: Path) -> None:
    store = open_store(str(path), create=True)
    ref, now = "INC-2", utc_now()
    for role, person in ((Role.COMMANDER, "Ana"), (Role.SCRIBE, "Bo"), (Role.SME, "Cy")):
        assign_role(store, ref, role, person, author="ana", now=now - timedelta(minutes=44))
    assign_role(store, ref, Role.COMMS, "Dee", author="ana", now=now - timedelta(minutes=30))
    for item in ("Monitoring alerts", "User reports", "Assess severity", "Page the on-call"):
        check_item(store, ref, item, author="bo", now=now - timedelta(minutes=40))
    mark_not_applicable(store, ref, "Automated checks", "alert came from them", author="bo")
    rollback = parse_change(DeployKind.ROLLBACK, "payments v1.4.3 -> v1.4.2 pool size change")
    record_deploy(store, ref, rollback, author="bo", occurred_at=now - timedelta(minutes=28))
    check_item(store, ref, "Roll back", author="bo", now=now - timedelta(minutes=16))
    check_item(store, ref, "Communicate status", author="dee", now=now - timedelta(minutes=10))
    store.close()


def main(output: str, runbooks_output: str | None = None) -> int:
    from PySide6.QtCore import QTimer

    from ui.app import build_app
    from ui.main_window import MainWindow

    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    make_demo_store(db)
    add_response(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    window.resize(1360, 780)
    window.show()

    from ui.response.checklist_panel import ChecklistPanel
    from ui.response.runbook_panel import RunbookPanel

    def save() -> None:
        panel = window.findChild(ChecklistPanel)
        assert panel is not None
        window.frame.body.setSizes([760, 420])
        panel.list.setFocus()
        QTimer.singleShot(400, lambda: (window.grab().save(output), show_runbooks()))

    def show_runbooks() -> None:
        runbooks = window.findChild(RunbookPanel)
        if runbooks_output is None or runbooks is None:
            app.quit()
            return
        window.frame.side_tabs.setCurrentWidget(runbooks)
        runbooks.select("bad-deploy-rollback")
        QTimer.singleShot(400, lambda: (window.grab().save(runbooks_output), app.quit()))

    window.incidents_listed.connect(
        lambda: window.incident_list.setCurrentIndex(window.incident_model.index(0))
    )
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(1200, save))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(*(sys.argv[1:3] or ["response.png"])))
