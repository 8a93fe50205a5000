"""`commander send` and `commander target` with audiences, as a script runs them:
each target its audience's text, a template a target may not read refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.commander.conftest import SECRET
from tests.support.cli import COMMS_DRIVER
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.contracts.slack import SlackWebhookServer
from tests.support.contracts.statuspage import StatuspageServer
from tests.support.webhook import KIND, WebhookServer

DECISION = "roll back checkout-api to v2.13.4"
ALERT = "ALERT HighErrorRate firing: checkout-api-7d9f on db-eu-3"
INTERNAL_WORDS = ("INC-", "P1", "High", "checkout-api", "v2.13.4", "db-eu-3", "Checkout errors")


def _add_statuspage(db: Path, server: StatuspageServer) -> None:
    ok(
        "target",
        "add",
        "statuspage",
        "statuspage",
        "--base-url",
        server.api_url,
        "--option",
        f"page_id={server.page_id}",
        "--secret-stdin",
        db=db,
        stdin=server.api_key,
    )


def test_send_without_template_gives_the_status_page_the_public_text_and_slack_ours(
    db_path: Path,
    cli_incident: str,
    statuspage_server: StatuspageServer,
    slack_webhook_server: SlackWebhookServer,
) -> None:
    _add_statuspage(db_path, statuspage_server)
    add_slack = ("target", "add", "slack", "slack-webhook", "--secret-stdin")
    ok(*add_slack, db=db_path, stdin=slack_webhook_server.webhook_url)
    ok("log", cli_incident, DECISION, "--kind", "decision", "--pin", db=db_path)
    ok("log", cli_incident, ALERT, "--pin", db=db_path)

    out = ok("send", cli_incident, "--wait", "--timeout", "20", db=db_path)

    lines = out.splitlines()
    assert lines[0] == "message 1: [INCIDENT] Checkout errors"  # responders' text first
    assert lines[1] == "message 2: [INCIDENT] Service disruption"
    [created] = statuspage_server.incidents.values()
    received = "\n".join(request.text for request in statuspage_server.requests)
    for word in INTERNAL_WORDS:
        assert word not in received, word
    assert created["name"] == "Service disruption"
    [posted] = slack_webhook_server.posts
    assert DECISION in json.dumps(posted) and cli_incident in json.dumps(posted)
    shown = json.loads(ok("show", cli_incident, "--json", db=db_path))
    sent = [e["text"] for e in shown["timeline"] if e["kind"] == "message"]
    assert sent == [
        "Sent update “[INCIDENT] Checkout errors” to slack",
        "Sent customer “[INCIDENT] Service disruption” to statuspage",
    ]


def test_a_template_the_status_page_may_not_read_is_refused_and_nothing_is_sent(
    db_path: Path, cli_incident: str, statuspage_server: StatuspageServer
) -> None:
    server = WebhookServer().start()
    try:
        _add_statuspage(db_path, statuspage_server)
        add = ("target", "add", "chat", KIND, "--base-url", server.url, "--secret-stdin")
        ok(*add, db=db_path, stdin=SECRET)

        result = run("send", cli_incident, "--template", "update", db=db_path, entry=COMMS_DRIVER)

        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines() == [
            "commander: not sent: “update” is an internal text; Status page (statuspage) is "
            "a target for customers (public) and may only get a public text; leave out "
            "--template to give each target its own"
        ]
        shown = json.loads(ok("show", cli_incident, "--json", db=db_path))
        assert [e["kind"] for e in shown["timeline"]] == ["declared"]
        assert server.posts() == [] and statuspage_server.requests == []
        # Named to the chat target alone, the internal template goes as before.
        ok(
            "send",
            cli_incident,
            "--template",
            "update",
            "--target",
            "chat",
            entry=COMMS_DRIVER,
            db=db_path,
        )
        assert len(server.posts()) == 1
    finally:
        server.stop()


def _targets(db: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(ok("target", "list", "--json", db=db))
    return listed


def test_target_audience_is_the_kinds_default_or_given_and_can_be_changed(
    empty_store: Path,
) -> None:
    db_path = empty_store
    ok("target", "add", "status", "statuspage", "--option", "page_id=p", db=db_path)
    ok("target", "add", "ops", "slack", db=db_path)
    ok("target", "add", "board", "email", "--audience", "executive", db=db_path)
    listed = ok("target", "list", db=db_path).splitlines()
    assert listed[2].startswith("status ") and listed[2].endswith("page_id=p  [public]")
    assert listed[1].startswith("ops ") and listed[1].endswith("  [internal]")

    ok("target", "audience", "ops", "public", db=db_path)
    assert {t["name"]: t["audience"] for t in _targets(db_path)} == {
        "board": "executive",
        "ops": "public",
        "status": "public",
    }
    bad = run("target", "add", "x", "email", "--audience", "everyone", db=db_path)
    assert bad.returncode == 2 and "unknown audience 'everyone'" in bad.stderr
    missing = run("target", "audience", "nope", "public", db=db_path)
    assert missing.returncode == 1 and missing.stderr.strip() == "commander: no target nope"
