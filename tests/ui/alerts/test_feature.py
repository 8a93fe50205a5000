"""The alert feature on its own, over a real store: the inbox lists waiting groups (taken
in by a real receiver on 127.0.0.1, or by another process), declares, attaches and
dismisses them through the core, and the receiver runs as its settings say."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtWidgets import QDialogButtonBox

from commander.clock import FrozenClock
from commander.domain import EntryKind, Severity
from commander.services.alert_inbox import get_group, list_inbox
from commander.services.incidents import declare_incident, get_incident
from commander.services.receiver_config import save_token, stored_token
from commander.settings import settings_path
from tests.support.alert_groups import free_port, waiting_group
from tests.support.alert_payloads import alert, alertmanager, body
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import alerts
from ui.alerts.feature import MENU, AlertsFeature
from ui.alerts.inbox_dialog import InboxDialog
from ui.alerts.inbox_model import ALERTS, SEVERITY, TITLE
from ui.alerts.receiver_runner import Running

# Offscreen Qt says this whenever a dialog is shown; it is not a problem of ours.
pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise"
)

TOKEN = "window-token-0123456789"


@pytest.fixture
def feature(rig: Rig) -> Iterator[AlertsFeature]:  # noqa: F811
    rig.install(alerts.install)
    installed = rig.context.findChild(AlertsFeature)
    assert installed is not None
    yield installed
    installed.runner.shutdown()


@pytest.fixture
def receiving(qtbot: Any, rig: Rig) -> Iterator[AlertsFeature]:  # noqa: F811
    """The feature with the receiver on: a kept token, enabled on a free port."""
    save_token(rig.store, TOKEN)
    settings = rig.context.settings
    settings.alert_receiver_enabled = True
    settings.alert_receiver_port = free_port()
    rig.install(alerts.install)
    installed = rig.context.findChild(AlertsFeature)
    assert installed is not None
    qtbot.waitUntil(lambda: installed.runner.state.running is Running.LISTENING, timeout=10_000)
    yield installed
    installed.runner.shutdown()


def _post(url: str, payload: dict[str, Any], token: str = TOKEN) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(url, data=body(payload), headers=headers, timeout=10).status_code


def _inbox(feature: AlertsFeature) -> InboxDialog:
    inbox = feature.show_inbox()
    assert inbox is not None
    return inbox


def _rows(inbox: InboxDialog) -> list[tuple[str, str, str]]:
    model = inbox.model
    return [
        tuple(str(model.index(row, column).data()) for column in (SEVERITY, TITLE, ALERTS))  # type: ignore[misc]
        for row in range(model.rowCount())
    ]


def _select(qtbot: Any, inbox: InboxDialog, title: str) -> None:
    row = next(r for r in range(inbox.model.rowCount()) if inbox.model.group_at(r).title == title)
    inbox.table.selectRow(row)
    assert inbox.selected_group() is not None


def _press_ok(dialog: Any) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok) or buttons.button(
        QDialogButtonBox.StandardButton.Save
    )
    assert ok.isEnabled()
    ok.click()


def test_install_adds_the_alerts_menu_usable_once_the_store_is_open(
    rig: Rig,  # noqa: F811
) -> None:
    from ui.alerts.install import install

    install(rig.context, rig.shell)
    actions = rig.shell.actions[MENU]
    assert [a.text() for a in actions] == ["Alert &inbox…", "&Receiver settings…"]
    assert actions[0].shortcut().toString() == "Ctrl+Shift+A"
    assert not any(a.isEnabled() for a in actions)
    rig.context.set_store(rig.store)
    assert all(a.isEnabled() for a in actions)
    feature = rig.context.findChild(AlertsFeature)
    assert feature is not None and feature.runner.state.running is Running.OFF
    feature.runner.shutdown()


def test_a_group_posted_to_the_receiver_is_listed_at_once(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    receiving: AlertsFeature,
    clock: FrozenClock,
) -> None:
    inbox = _inbox(receiving)
    url = receiving.runner.state.url
    assert url.startswith("http://127.0.0.1:")
    assert inbox.receiver_state.text() == (
        f"Receiving alerts on {url} (POST /alertmanager, POST /grafana)"
    )
    assert inbox.empty.isVisibleTo(inbox)
    payload = alertmanager(
        alert("HighErrorRate", summary="5xx above 5%", service="checkout", instance="a"),
        alert("HighErrorRate", summary="5xx above 5%", service="checkout", instance="b"),
    )
    assert _post(url + "/alertmanager", payload) == 200
    # Well within the 2 s poll: the receiver's report makes the inbox read again.
    qtbot.waitUntil(lambda: len(receiving.groups) == 1, timeout=1_500)
    assert _rows(inbox) == [("P1", "HighErrorRate: 5xx above 5%", "2")]
    assert inbox.table.isVisibleTo(inbox)
    assert "Alert waiting: HighErrorRate: 5xx above 5%" in rig.shell.status
    assert rig.shell.menus[MENU].title() == f"{MENU} (1)"
    details = inbox.details.toPlainText()
    assert "HighErrorRate — 5xx above 5%\n    firing since 2026-11-27 09:52:00Z\n" in details
    assert "    service=checkout instance=a severity=critical" in details

    assert _post(url + "/alertmanager", payload, token="wrong-token-0123456789") == 401
    qtbot.waitUntil(lambda: inbox.refused.isVisibleTo(inbox), timeout=5_000)
    assert "POST /alertmanager from 127.0.0.1, 401 missing or wrong token" in inbox.refused.text()
    assert len(list_inbox(rig.store)) == 1  # the refused one stored nothing


def test_a_group_another_process_took_in_shows_at_the_next_poll(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
) -> None:
    qtbot.waitUntil(lambda: feature.mark is not None, timeout=5_000)
    reads: list[object] = []
    feature.inbox_read.connect(reads.append)
    qtbot.wait(2_300)  # a poll or more with nothing new reads the mark only
    assert reads == []
    waiting_group(rig.store, "DiskFilling", "warning")  # as `commander listen` would
    qtbot.waitUntil(lambda: len(feature.groups) == 1, timeout=5_000)
    assert feature.groups[0].title == "DiskFilling" and feature.groups[0].severity is Severity.P3


def test_declaring_a_group_from_the_inbox_opens_the_new_incident(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
    clock: FrozenClock,
) -> None:
    group_id = waiting_group(rig.store, "PaymentsDown", "critical", service="payments")
    waiting_group(rig.store, "Unrelated", "info")
    inbox = _inbox(feature)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 2, timeout=5_000)
    _select(qtbot, inbox, "PaymentsDown")
    inbox.declare_button.click()
    dialog = feature.declare_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.severity is Severity.P1  # from its labels
    dialog.severity_combo.setCurrentIndex(dialog.severity_combo.findData("P0"))
    _press_ok(dialog)
    qtbot.waitUntil(lambda: rig.opened == ["INC-1"], timeout=5_000)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=5_000)
    declared = get_incident(rig.store, "INC-1")
    assert (declared.title, declared.severity) == ("PaymentsDown", Severity.P0)
    assert [e.kind for e in declared.timeline].count(EntryKind.ALERT) == 1
    assert ("service", "payments") in declared.labels
    assert get_group(rig.store, group_id).state == "declared"
    assert "INC-1 declared from alert group 1" in rig.shell.status
    assert rig.shell.errors == []


def test_a_group_without_a_severity_must_be_given_one(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
) -> None:
    waiting_group(rig.store, "Odd", None)
    inbox = _inbox(feature)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=5_000)
    assert _rows(inbox) == [("—", "Odd", "1")]
    inbox.table.selectRow(0)
    inbox.declare_button.click()
    dialog = feature.declare_dialog
    assert dialog is not None and dialog.severity is None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.severity_combo.setCurrentIndex(dialog.severity_combo.findData("P3"))
    assert ok.isEnabled()


def test_attaching_offers_the_open_incident_first_and_shows_its_labels(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
    clock: FrozenClock,
) -> None:
    declare_incident(rig.store, "Older one", Severity.P2, "ana")
    shown = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    declare_incident(rig.store, "Newest one", Severity.P3, "ana")
    group_id = waiting_group(rig.store, "HighErrorRate", service="checkout", team="payments")
    rig.open_incident(shown)
    line = feature.line
    assert line is not None and line in rig.shell.header_widgets
    qtbot.waitUntil(lambda: line.waiting.text() == "1 alert group waiting", timeout=5_000)
    assert line.labels.isHidden()  # no labels yet
    assert feature.panel is not None and feature.panel.labels.text().startswith("No labels")
    assert feature.panel.inbox_button.text() == "Open the alert inbox (1 alert group waiting)"
    inbox = _inbox(feature)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=5_000)
    inbox.table.selectRow(0)
    inbox.attach_button.click()
    qtbot.waitUntil(lambda: feature.attach_dialog is not None, timeout=5_000)
    dialog = feature.attach_dialog
    assert dialog is not None
    offered = [dialog.incidents.item(row).text() for row in range(dialog.incidents.count())]
    assert offered[0].startswith(f"{shown}  P1  Checkout errors") and "(open here)" in offered[0]
    # In the incident list's order: the most severe first (P2 before P3), then the newest.
    assert [text.split()[0] for text in offered[1:]] == ["INC-1", "INC-3"]
    assert dialog.ref == shown
    _press_ok(dialog)
    qtbot.waitUntil(lambda: get_group(rig.store, group_id).state == "attached", timeout=5_000)
    qtbot.waitUntil(lambda: line.labels.isVisibleTo(line), timeout=5_000)
    assert line.labels.full_text.startswith("service=checkout team=payments")
    qtbot.waitUntil(line.waiting.isHidden, timeout=5_000)  # the inbox read after the write
    panel = feature.panel
    assert panel is not None and rig.shell.side_panels["Alerts"] is panel
    assert panel.labels.text().splitlines()[:2] == ["service=checkout", "team=payments"]
    assert (
        panel.groups.item(0)
        .text()
        .startswith("HighErrorRate\n    Alertmanager group 1, attached by ana; 1 of 1 firing")
    )
    assert panel.inbox_button.text() == "Open the alert inbox"
    alerts_logged = [
        e for e in get_incident(rig.store, shown).timeline if e.kind is EntryKind.ALERT
    ]
    assert len(alerts_logged) == 1 and alerts_logged[0].author == "ana"
    assert rig.shell.errors == []


def test_dismissing_asks_first_and_keeps_the_group(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
) -> None:
    group_id = waiting_group(rig.store, "Flapping", "warning")
    inbox = _inbox(feature)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=5_000)
    inbox.table.selectRow(0)
    inbox.dismiss_button.click()
    box = feature.dismiss_box
    assert box is not None and "Flapping" in box.text()
    box.button(box.StandardButton.Cancel).click()
    qtbot.wait(200)
    assert get_group(rig.store, group_id).state == "waiting"
    inbox.dismiss_button.click()
    box = feature.dismiss_box
    assert box is not None
    box.button(box.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 0, timeout=5_000)
    assert get_group(rig.store, group_id).state == "dismissed"
    assert inbox.empty.isVisibleTo(inbox)
    assert rig.shell.menus[MENU].title() == MENU


def test_the_receiver_started_from_its_settings_takes_the_kept_token(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: AlertsFeature,
    clock: FrozenClock,
) -> None:
    dialog = feature.edit_receiver()
    assert dialog is not None
    qtbot.waitUntil(dialog.token.isEnabled, timeout=5_000)
    assert dialog.token.text() == "" and not dialog.enabled.isChecked()
    assert dialog.bind.text() == "127.0.0.1" and dialog.bind_warning.isHidden()
    dialog.enabled.setChecked(True)
    _press_ok(dialog)  # enabled without a token: refused, nothing kept
    assert "the receiver needs a token" in dialog.problem.text().lower()
    dialog.new_token.click()
    token = dialog.token_text
    port = free_port()
    dialog.port.setValue(port)
    dialog.bind.setText("0.0.0.0")
    assert "Other machines can reach 0.0.0.0" in dialog.bind_warning.text()
    dialog.bind.setText("127.0.0.1")
    assert dialog.urls.text() == (
        f"Alertmanager: http://127.0.0.1:{port}/alertmanager\n"
        f"Grafana: http://127.0.0.1:{port}/grafana"
    )
    dialog.declare_at.setCurrentIndex(dialog.declare_at.findData("P1"))
    _press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert stored_token(rig.store) == token
    saved = json.loads(Path(settings_path()).read_text(encoding="utf-8"))
    assert saved["alert_receiver_enabled"] is True and saved["alert_receiver_port"] == port
    assert saved["alert_declare_at"] == "P1" and token not in json.dumps(saved)
    qtbot.waitUntil(lambda: feature.runner.state.running is Running.LISTENING, timeout=10_000)
    url = f"http://127.0.0.1:{port}/alertmanager"
    assert _post(url, alertmanager(alert("HighErrorRate")), token="not-the-token-0123456") == 401
    assert _post(url, alertmanager(alert("HighErrorRate")), token=token) == 200
    # declare_at P1: the critical group declares its incident by itself.
    qtbot.waitUntil(lambda: any("declared INC-1" in s for s in rig.shell.status), timeout=10_000)
    assert get_incident(rig.store, "INC-1").title == "HighErrorRate"

    rig.shell.widget.close()  # the window closes: the receiver stops before the store
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data=b"{}", timeout=2)


def test_a_port_in_use_or_no_token_is_shown_in_the_inbox(
    qtbot: Any,
    rig: Rig,  # noqa: F811
) -> None:
    settings = rig.context.settings
    settings.alert_receiver_enabled = True
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings.alert_receiver_port = taken.getsockname()[1]
        rig.install(alerts.install)
        feature = rig.context.findChild(AlertsFeature)
        assert feature is not None
        qtbot.waitUntil(lambda: feature.runner.state.running is Running.FAILED, timeout=5_000)
        inbox = _inbox(feature)
        assert inbox.receiver_state.text() == (
            "The alert receiver is not running: no token is kept for this store: "
            "set one in Alerts → Receiver settings…"
        )
        save_token(rig.store, TOKEN)
        feature.runner.apply(rig.store, settings)
        qtbot.waitUntil(
            lambda: "cannot listen on 127.0.0.1 port" in inbox.receiver_state.text(),
            timeout=5_000,
        )
        assert inbox.receiver_state.property("running") == "failed"
    feature.runner.shutdown()
