"""`commander target add` and `commander send --wait` in a subprocess, with the real
Slack connector against its contract server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.contracts.slack import SlackApiServer
from tests.support.contracts.smtp import SmtpServer


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


def test_an_email_target_named_by_its_smtp_base_url_delivers(
    db_path: Path, cli_incident: str, smtp_server: SmtpServer
) -> None:
    """`--base-url smtp://host:port` as docs/connectors.md has it (target add refused it)."""
    ok(
        "target",
        "add",
        "mail",
        "email",
        "--base-url",
        f"smtp://{smtp_server.host}:{smtp_server.port}",
        "--option",
        "from=ic@example.com",
        "--option",
        "to=ops@example.com",
        "--option",
        "starttls=false",
        "--secret-stdin",
        db=db_path,
        stdin="smtp-secret-pass\n",
    )
    out = ok("send", cli_incident, "--target", "mail", "--wait", "--timeout", "20", db=db_path)
    assert "mail                 sent" in out
    [mail] = smtp_server.received
    assert mail.recipients == ["ops@example.com"]
    assert str(mail.message["Subject"]).startswith("[INCIDENT] Checkout errors")


@pytest.mark.parametrize(
    ("kind", "url", "code", "complaint"),
    [
        ("email", "smtps://mail.example.com:465", 0, ""),
        ("email", "smtp://mail.example.com:99999", 2, "the port must be 1 to 65535"),
        ("email", "https://mail.example.com", 1, "use smtp://host:port or smtps://host:port"),
        ("slack", "smtp://mail.example.com:587", 1, "smtp:// and smtps:// are for email targets"),
    ],
)
def test_target_add_takes_the_email_base_urls_the_docs_name(
    empty_store: Path, kind: str, url: str, code: int, complaint: str
) -> None:
    result = run("target", "add", "t", kind, "--base-url", url, db=empty_store)
    assert result.returncode == code, result.stderr
    # A usage error (2) comes after argparse's usage lines; any other error is one line.
    assert complaint in result.stderr.splitlines()[-1] if code else result.stderr == ""
    assert code != 1 or result.stderr.count("\n") == 1
    listed = json.loads(ok("target", "list", "--json", db=empty_store))
    assert [t["base_url"] for t in listed] == ([url] if code == 0 else [])
