"""Creating an incident's Slack channel against the Slack contract server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from commander.errors import CommanderError, InvalidInputError
from commander.services import messages, outbox
from commander.services.channels import create_incident_channel, slack_targets
from commander.services.checklist import checklist
from commander.services.incidents import get_incident
from commander.services.targets import save_target
from commander.store.orm_comms import ConnectorState
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.contracts.slack import SlackApiServer


def _add_slack(store: Any, server: SlackApiServer, name: str = "slack") -> None:
    save_target(
        store,
        name,
        "slack",
        base_url=server.api_url,
        options={"channel": "C0INCIDENT"},
        secret=server.token,
    )


def _channel_item(store: Any, ref: str) -> Any:
    [item] = [i for i in checklist(store, ref).items if i.text == "Create the incident channel"]
    return item


def _states(store: Any) -> list[dict[str, Any]]:
    with store.read() as session:
        return [dict(row.state) for row in session.query(ConnectorState)]


def test_creates_the_channel_logs_it_checks_the_item_and_later_updates_go_there(
    store: Any, incident: str, slack_api_server: SlackApiServer
) -> None:
    server = slack_api_server
    _add_slack(store, server)
    number = incident.split("-")[1]

    created = create_incident_channel(store, incident, "slack", "ana")

    assert created.channel_name == f"inc-{number}-checkout-errors"
    assert server.channels[created.channel_id] == created.channel_name
    assert created.checked_item
    timeline = get_incident(store, incident).timeline
    [entry] = [e for e in timeline if e.kind == "action"]
    assert entry.text == f"Created Slack channel #inc-{number}-checkout-errors"
    assert entry.author == "ana"
    assert entry.data == {
        "channel": created.channel_id,
        "channel_name": created.channel_name,
        "target": "slack",
    }
    item = _channel_item(store, incident)
    assert item.checked and (item.checked_by, item.auto_reason) == ("app", "channel created")
    assert any(e.kind == "checklist" and "incident channel" in e.text for e in timeline)
    assert _states(store) == [{"channel": created.channel_id, "channel_name": created.channel_name}]

    message = messages.send_message(store, messages.compose(store, incident), "ana", ["slack"])
    assert outbox.drain(store, time.monotonic() + 10, [message.id], timeout=5) == []
    [posted] = server.messages
    assert posted["channel"] == created.channel_id


def test_a_new_channel_starts_a_new_thread_there(
    store: Any, incident: str, slack_api_server: SlackApiServer
) -> None:
    """An update already threaded in the configured channel does not pull the next one
    back there (its thread_ts would not exist in the new channel)."""
    server = slack_api_server
    _add_slack(store, server)
    first = messages.send_message(store, messages.compose(store, incident), "ana", ["slack"])
    assert outbox.drain(store, time.monotonic() + 10, [first.id], timeout=5) == []

    created = create_incident_channel(store, incident, "slack", "ana")
    second = messages.send_message(store, messages.compose(store, incident), "ana", ["slack"])
    assert outbox.drain(store, time.monotonic() + 10, [second.id], timeout=5) == []

    old, new = server.messages
    assert old["channel"] == "C0INCIDENT"
    assert new["channel"] == created.channel_id and not new["thread_ts"]


def test_name_taken_raises_slacks_error_and_writes_nothing(
    store: Any, incident: str, slack_api_server: SlackApiServer
) -> None:
    server = slack_api_server
    _add_slack(store, server)
    number = incident.split("-")[1]
    server.channels["C0TAKEN"] = f"inc-{number}-checkout-errors"
    before = get_incident(store, incident).timeline

    with pytest.raises(CommanderError, match="name_taken") as raised:
        create_incident_channel(store, incident, "slack", "ana")

    assert server.token not in str(raised.value)
    assert get_incident(store, incident).timeline == before
    assert not _channel_item(store, incident).checked
    assert _states(store) == []


def test_only_a_slack_target_creates_channels(
    store: Any, incident: str, slack_api_server: SlackApiServer
) -> None:
    _add_slack(store, slack_api_server)
    save_target(store, "hook", "discord", secret="https://discord.example/api/webhooks/1/x")

    assert slack_targets(store) == ["slack"]
    with pytest.raises(InvalidInputError, match="discord"):
        create_incident_channel(store, incident, "hook", "ana")
    assert slack_api_server.requests == []


def test_cli_prints_the_channel_and_exits_1_with_slacks_error(
    db_path: Path, slack_api_server: SlackApiServer
) -> None:
    server = slack_api_server
    ref = ok("declare", "Payments 5xx", "--severity", "P1", db=db_path).strip()
    ok(
        "target",
        "add",
        "ops",
        "slack",
        "--base-url",
        server.api_url,
        "--option",
        "channel=C0INCIDENT",
        "--secret-stdin",
        db=db_path,
        stdin=server.token,
    )

    out = ok("channel", ref, "--target", "ops", db=db_path)
    assert out.strip() == f"#{ref.lower()}-payments-5xx"

    again = run("channel", ref, "--target", "ops", db=db_path)
    assert again.returncode == 1
    assert "name_taken" in again.stderr
    assert server.token not in again.stderr + again.stdout
