"""Comms → Create incident channel… against the Slack contract server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commander.domain import Severity
from commander.domain.changes import Aspect
from commander.views.changes import Changes
from tests.support.contracts.fixtures import slack_api_server  # noqa: F401
from tests.support.contracts.slack import SlackApiServer
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import comms

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def slack(rig: Rig, slack_api_server: SlackApiServer) -> Iterator[SlackApiServer]:  # noqa: F811
    from commander.services.targets import save_target

    save_target(
        rig.store,
        "slack",
        "slack",
        base_url=slack_api_server.api_url,
        options={"channel": "C0INCIDENT"},
        secret=slack_api_server.token,
    )
    yield slack_api_server


def test_menu_action_creates_the_channel_then_reports_name_taken(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    slack: SlackApiServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from commander.services.incidents import declare_incident

    rig.install(comms.install)
    ref = declare_incident(
        rig.store, "Payments 5xx", Severity.P1, "ana", summary="Card payments fail"
    ).ref
    incident = rig.open_incident(ref)
    name = f"{ref.lower()}-payments-5xx"
    problems: list[str] = []
    monkeypatch.setattr(
        "ui.common.error_dialog.show_problem", lambda _parent, _title, text: problems.append(text)
    )
    announced: list[Changes] = []
    rig.context.changed.connect(announced.append)
    action = rig.shell.action("Create incident channel…")
    assert action.text() == "Create incident c&hannel…"

    action.trigger()  # the only Slack target: no question asked
    qtbot.waitUntil(lambda: name in "".join(rig.shell.status[-1:]), timeout=10_000)
    assert rig.shell.status[-1] == f"Created Slack channel #{name}"
    assert name in slack.channels.values()
    # The incident is not read again: the announcement carries the new entry and
    # says the checklist (its channel item) and the comms changed.
    (created,) = announced
    assert created.incident_id == incident.id
    assert {Aspect.CHECKLIST, Aspect.COMMS, Aspect.ENTRIES} <= created.aspects
    assert any(e.text == f"Created Slack channel #{name}" for e in created.entries)
    assert rig.opened == []
    rig.shell.widget.grab().save(str(tmp_path / "channel.png"))

    action.trigger()  # the name is taken now
    qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
    assert "name_taken" in problems[0] and slack.token not in problems[0]
    assert rig.shell.status[-1] == ""
