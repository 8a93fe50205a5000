"""The alert feature inside the real window: its menu among the others, the receiver's
intake reaching the incident list through the change feed, and the receiver stopped when
the window closes."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from commander.services.receiver_config import save_token
from tests.support.alert_groups import free_port
from tests.support.alert_payloads import alert, alertmanager, body
from ui.alerts.feature import AlertsFeature
from ui.alerts.receiver_runner import Running
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

TOKEN = "window-token-0123456789"


def test_the_window_runs_the_receiver_and_stops_it_on_close(qtbot: Any, window: MainWindow) -> None:
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("&Alerts") == titles.index("&Response") + 1
    feature = window.findChild(AlertsFeature)
    assert feature is not None
    store = window.context.require_store()
    save_token(store, TOKEN)
    settings = window.context.settings
    settings.alert_receiver_enabled = True
    settings.alert_receiver_port = free_port()
    settings.alert_declare_at = "P1"
    feature.runner.apply(store, settings)
    qtbot.waitUntil(lambda: feature.runner.state.running is Running.LISTENING, timeout=10_000)
    url = feature.runner.state.url + "/alertmanager"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    payload = alertmanager(alert("HighErrorRate", service="checkout"))
    assert requests.post(url, data=body(payload), headers=headers, timeout=10).status_code == 200
    # Declared by the receiver's worker, not through the window's writer: the change
    # feed brings it to the incident list like another seat's write.
    qtbot.waitUntil(lambda: window.incident_model.rowCount() == 1, timeout=10_000)
    assert window.incident_model.incident_at(0).title == "HighErrorRate"

    window.close()
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data=body(payload), headers=headers, timeout=2)
