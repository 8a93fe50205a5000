"""`commander target add` and `commander send --wait` in a subprocess, with the real
Slack connector against its contract server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.contracts.slack import SlackApiServer


def _add_slack(db: Path, server: SlackApiServer, stdin: str, channel: str = "C0INCIDENT") -> None:
    ok(
        "target",
        "add",
        "ops",
        "slack",
        "--base-url",
        server.api_url,
        "--option",
        f"channel={channel}",
        "--secret-stdin",
        db=db,
        stdin=stdin,
    )


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_send_wait_delivers_with_a_secret_piped_from_echo(
    db_path: Path, cli_incident: str, slack_api_server: SlackApiServer, ending: str
) -> None:
    """`echo TOKEN | commander target add ... --secret-stdin`: the line break is not
    part of the token (the connector would refuse a header with one)."""
    _add_slack(db_path, slack_api_server, slack_api_server.token + ending)
    out = ok("send", cli_incident, "--target", "ops", "--wait", "--timeout", "20", db=db_path)

    assert "ops                  sent (C0INCIDENT:" in out
    [posted] = slack_api_server.messages
    assert posted["text"].startswith("[INCIDENT] Checkout errors")
    [request] = slack_api_server.requests
    assert request.header("authorization") == f"Bearer {slack_api_server.token}"
    assert slack_api_server.token not in db_path.read_bytes().decode("latin-1")
    shown = json.loads(ok("show", cli_incident, "--json", db=db_path))
    assert [e["kind"] for e in shown["timeline"]].count("delivery") == 1


def test_send_wait_exits_1_naming_the_target_the_provider_refused(
    db_path: Path, cli_incident: str, slack_api_server: SlackApiServer
) -> None:
    _add_slack(db_path, slack_api_server, slack_api_server.token + "\n")
    slack_api_server.fail_next(1, status=403)
    result = run("send", cli_incident, "--target", "ops", "--wait", "--timeout", "20", db=db_path)

    assert result.returncode == 1, result.stdout
    [complaint] = result.stderr.strip().splitlines()
    assert "not delivered to ops (refused by Slack (HTTP 403)" in complaint
    assert slack_api_server.token not in result.stderr + result.stdout
    assert len(slack_api_server.requests) == 1  # a 4xx is not retried
    assert slack_api_server.messages == []


def test_send_wait_names_a_slack_error_code(
    db_path: Path, cli_incident: str, slack_api_server: SlackApiServer
) -> None:
    """Slack answers most refusals with 200 and ok=false: the code is the error text."""
    _add_slack(db_path, slack_api_server, slack_api_server.token + "\n", channel="C1")
    result = run("send", cli_incident, "--target", "ops", "--wait", "--timeout", "20", db=db_path)

    assert result.returncode == 1
    assert (
        "not delivered to ops (refused by Slack (chat.postMessage): channel_not_found)"
        in result.stderr
    )
