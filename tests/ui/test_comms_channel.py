"""Comms → Create incident channel… in the real window, against the Slack contract server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commander.domain import Severity
from tests.contracts.fixtures import slack_api_server  # noqa: F401
from tests.contracts.slack import SlackApiServer
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def slack(db_path: Path, slack_api_server: SlackApiServer) -> Iterator[SlackApiServer]:  # noqa: F811
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(db_path))
    save_target(
        store,
        "slack",
        "slack",
        base_url=slack_api_server.api_url,
        options={"channel": "C0INCIDENT"},
        secret=slack_api_server.token,
    )
    store.close()
    yield slack_api_server


def test_menu_action_creates_the_channel_then_reports_name_taken(
    qtbot: Any,
    window: MainWindow,
    slack: SlackApiServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Payments 5xx", Severity.P1, "Card payments fail")
    assert window.current is not None
    ref = window.current.ref
    name = f"{ref.lower()}-payments-5xx"
    problems: list[str] = []
    monkeypatch.setattr(
        "ui.dialogs.error_dialog.show_problem", lambda _parent, _title, text: problems.append(text)
    )
    action = window.comms.channel_action
    assert action.text() == "Create incident c&hannel…"

    action.trigger()  # the only Slack target: no question asked
    qtbot.waitUntil(lambda: name in window.statusBar().currentMessage(), timeout=10_000)
    assert window.statusBar().currentMessage() == f"Created Slack channel #{name}"
    assert name in slack.channels.values()
    qtbot.waitUntil(
        lambda: (
            window.current is not None
            and any(e.text == f"Created Slack channel #{name}" for e in window.current.timeline)
        ),
        timeout=10_000,
    )
    window.grab().save(str(tmp_path / "channel.png"))

    action.trigger()  # the name is taken now
    qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
    assert "name_taken" in problems[0] and slack.token not in problems[0]
    assert window.statusBar().currentMessage() == ""
