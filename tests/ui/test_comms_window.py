"""The comms feature inside the real window: composer, messages tab, countdown, targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from commander import secrets
from commander.connectors.base import override_connector
from commander.domain import Severity
from tests.comms_support import KIND, JsonWebhookConnector, Reply, WebhookServer
from ui.main_window import MainWindow

# Offscreen Qt says this whenever a dialog is shown; it is not a problem of ours.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    running = WebhookServer().start()
    override_connector(KIND, JsonWebhookConnector())
    yield running
    override_connector(KIND, None)
    running.stop()


def _add_target(db_path: Path, name: str, kind: str, url: str) -> None:
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(db_path))
    save_target(store, name, kind, base_url=url, secret=f"tok-{name}")
    store.close()


def _open_incident(qtbot: Any, window: MainWindow) -> str:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Checkout errors", Severity.P1, "Card payments fail")
    assert window.current is not None
    return window.current.ref


def test_compose_preview_send_and_watch_it_land(
    qtbot: Any, window: MainWindow, db_path: Path, server: WebhookServer, tmp_path: Path
) -> None:
    server.queue(Reply(403, {"error": "channel_not_found"}))
    _add_target(db_path, "chat", KIND, server.url)
    _add_target(db_path, "pager", "pagerduty", "http://127.0.0.1:9")
    _open_incident(qtbot, window)
    feature = window.comms
    cadence = feature.cadence
    assert cadence is not None
    qtbot.waitUntil(lambda: cadence.text().startswith("Next update in"), timeout=10_000)
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10_000)
    assert dialog.headline_edit.text() == "[INCIDENT] Checkout errors"
    assert dialog.field_edits["Impact"].text() == "Card payments fail"
    qtbot.waitUntil(lambda: dialog.previews.count() == 2, timeout=10_000)
    assert "⚠" in dialog.previews.tabText(0)  # the double warns past 100 characters
    dialog.grab().save(str(tmp_path / "composer.png"))
    dialog.target_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.field_edits["ETA"].setText("14:00 UTC")
    dialog.field_edits["ETA"].textEdited.emit("14:00 UTC")
    qtbot.waitUntil(lambda: "**ETA:** 14:00 UTC" in dialog.body_edit.toPlainText(), timeout=10_000)
    dialog.send()
    panel = feature.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "failed", timeout=15_000)
    assert "channel_not_found" in (panel.model.delivery_at(0).last_error or "")
    panel.view.selectRow(0)
    panel.retry_button.click()
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "sent", timeout=15_000)
    assert "**ETA:** 14:00 UTC" in server.posts()[-1].body["text"]
    window.grab().save(str(tmp_path / "window.png"))


def test_targets_dialog_adds_a_target_with_its_secret_and_shows_the_warning(
    qtbot: Any, window: MainWindow
) -> None:
    dialog = window.comms.edit_targets()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.warning.isVisible(), timeout=10_000)
    assert "readable only by your user account" in dialog.warning.text()
    dialog.name_edit.setText("status")
    dialog.kind_box.setCurrentText("statuspage")
    dialog.options_edit.setPlainText("page_id=abc123")
    dialog.secret_edit.setText("tok-98765")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.target_list.count() == 2, timeout=10_000)
    assert secrets.get_secret("status") == "tok-98765"
    assert dialog.secret_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.secret_state.text() == "A secret is stored.", timeout=10_000)
    dialog.base_url_edit.setText("http://status.example.com")
    dialog.save()
    qtbot.waitUntil(lambda: "https" in dialog.problem.text(), timeout=10_000)


def test_an_overdue_update_is_highlighted_and_announced(
    qtbot: Any, window: MainWindow, db_path: Path
) -> None:
    from datetime import timedelta

    from commander.domain.when import utc_now
    from commander.services.incidents import declare_incident
    from commander.store.engine import open_store

    store = open_store(str(db_path))
    ref = declare_incident(
        store, "Database down", Severity.P0, author="bo", now=utc_now() - timedelta(minutes=20)
    ).ref
    store.close()
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.open_incident(ref)
    cadence = window.comms.cadence
    assert cadence is not None
    qtbot.waitUntil(lambda: cadence.is_due, timeout=10_000)
    # P0: an update every 15 min, declared 20 min ago.
    assert cadence.text().startswith("Update overdue by 5:")
    qtbot.waitUntil(lambda: "was due" in window.statusBar().currentMessage(), timeout=5_000)


def test_deliveries_left_by_a_closed_app_go_out_when_the_window_opens(
    qtbot: Any, db_path: Path, server: WebhookServer
) -> None:
    from datetime import timedelta

    from commander.services import outbox
    from commander.services.incidents import declare_incident
    from commander.services.messages import compose, get_message, send_message
    from commander.settings import Settings
    from commander.store.engine import open_store

    _add_target(db_path, "chat", KIND, server.url)
    store = open_store(str(db_path))
    ref = declare_incident(store, "Checkout errors", Severity.P1, author="bo").ref
    half_sent = send_message(store, compose(store, ref), "bo")
    # The last app claimed it and closed before recording anything; its lease has run out.
    outbox.claim_due(store, owner="closed-app", lease=timedelta(seconds=-1))
    queued = send_message(store, compose(store, ref), "bo")  # never attempted
    main = MainWindow(Settings(author="ana"), str(db_path))
    qtbot.addWidget(main)
    main.open_store()

    def states() -> set[str]:
        return {d.state for m in (half_sent, queued) for d in get_message(store, m.id).deliveries}

    qtbot.waitUntil(lambda: states() == {"sent"}, timeout=15_000)
    assert len(server.posts()) == 2
    main.close()
    store.close()
