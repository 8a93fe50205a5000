"""`commander target ...` and `commander send` as a script runs them: real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commander.conftest import SECRET
from tests.support.cli import COMMS_DRIVER
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.webhook import KIND, Reply, WebhookServer


def test_target_add_list_remove(empty_store: Path) -> None:
    db_path = empty_store
    ok(
        "target",
        "add",
        "status",
        "statuspage",
        "--option",
        "page_id=abc",
        "--secret-stdin",
        db=db_path,
        stdin="tok-123456\n",
    )
    ok("target", "add", "chat", "slack-webhook", "--base-url", "http://127.0.0.1:8080", db=db_path)
    listed = ok("target", "list", db=db_path)
    assert "status" in listed and "page_id=abc" in listed and "tok-123456" not in listed
    data = json.loads(ok("target", "list", "--json", db=db_path))
    assert [t["name"] for t in data] == ["chat", "status"]
    assert "tok-123456" not in db_path.read_bytes().decode("latin-1")
    ok("target", "remove", "chat", db=db_path)
    assert [t["name"] for t in json.loads(ok("target", "list", "--json", db=db_path))] == ["status"]


@pytest.mark.parametrize(
    ("args", "code", "complaint"),
    [
        (["carrier-pigeon"], 2, "unknown target kind"),
        (["slack", "--base-url", "http://chat.example.com"], 2, "must use https"),
        (["slack", "--option", "novalue"], 2, "KEY=VALUE"),
        (["slack", "--secret-stdin"], 1, "nothing on standard input"),
    ],
)
def test_bad_target_input_changes_nothing(
    empty_store: Path, args: list[str], code: int, complaint: str
) -> None:
    db_path = empty_store
    result = run("target", "add", "x", *args, db=db_path, stdin="")
    assert result.returncode == code and complaint in result.stderr
    assert json.loads(ok("target", "list", "--json", db=db_path)) == []


def test_the_secret_is_never_taken_from_the_command_line(db_path: Path) -> None:
    result = run("target", "add", "x", "slack", "--secret", "tok", db=db_path)
    assert result.returncode == 2


def test_send_wait_delivers_to_every_target(db_path: Path, cli_incident: str) -> None:
    server = WebhookServer().start()
    try:
        for name in ("a", "b"):
            ok(
                "target",
                "add",
                name,
                KIND,
                "--base-url",
                server.url,
                "--secret-stdin",
                db=db_path,
                stdin=SECRET,
            )
        out = ok("send", cli_incident, "--wait", db=db_path, entry=COMMS_DRIVER)
        assert "a                    sent" in out and "b                    sent" in out
        assert len(server.posts()) == 2
        assert server.posts()[0].body["text"].startswith("[INCIDENT] Checkout errors")
    finally:
        server.stop()


def test_send_wait_exits_1_naming_the_failed_target(db_path: Path, cli_incident: str) -> None:
    good, bad = (
        WebhookServer().start(),
        WebhookServer(Reply(403, {"error": "invalid_token"})).start(),
    )
    bad.queue(Reply(503, headers={"Retry-After": "0.2"}))  # a retry first, then a failure
    try:
        for name, server in (("good", good), ("bad", bad)):
            add = ("target", "add", name, KIND, "--base-url", server.url, "--secret-stdin")
            ok(*add, db=db_path, stdin=SECRET)
        result = run(
            "send", cli_incident, "--template", "customer", "--wait", db=db_path, entry=COMMS_DRIVER
        )
        assert result.returncode == 1
        assert (
            "not delivered to bad (HTTP 403" in result.stderr and "invalid_token" in result.stderr
        )
        assert len(bad.posts()) == 2 and len(good.posts()) == 1
        shown = json.loads(ok("show", cli_incident, "--json", db=db_path))
        kinds = [e["kind"] for e in shown["timeline"]]
        assert kinds.count("message") == 1 and kinds.count("delivery") == 3
    finally:
        good.stop()
        bad.stop()


def test_send_to_one_target_and_unknown_ones(db_path: Path, cli_incident: str) -> None:
    ok("target", "add", "a", KIND, "--base-url", "http://127.0.0.1:9", db=db_path)
    result = run("send", cli_incident, "--target", "zzz", db=db_path, entry=COMMS_DRIVER)
    assert result.returncode == 1 and "unknown target(s) zzz" in result.stderr
    result = run("send", cli_incident, "--template", "nope", db=db_path, entry=COMMS_DRIVER)
    assert result.returncode == 1 and "no message template 'nope'" in result.stderr


def test_cadence_show_and_set(db_path: Path, cli_incident: str) -> None:
    assert ok("cadence", cli_incident, db=db_path).startswith("every 30 min (severity default)")
    assert ok("cadence", cli_incident, "10", db=db_path).startswith("every 10 min")
    assert ok("cadence", cli_incident, "0", db=db_path).startswith("no scheduled updates")
    assert ok("cadence", cli_incident, "--default", db=db_path).startswith("every 30 min (severity")
    assert run("cadence", cli_incident, "soon", db=db_path).returncode == 2


def test_a_target_without_its_secret_is_named_and_target_secret_stores_it(
    db_path: Path, cli_incident: str
) -> None:
    server = WebhookServer().start()
    try:
        ok("target", "add", "ops", KIND, "--base-url", server.url, db=db_path)
        result = run("send", cli_incident, "--wait", db=db_path, entry=COMMS_DRIVER)
        assert result.returncode == 1 and server.posts() == []
        assert result.stderr.strip().splitlines() == [
            "commander: not delivered to ops (no secret stored for target ops in this store; "
            "store it with: commander target secret ops, or in the window under Comms → Targets…)"
        ]

        unknown = run("target", "secret", "nope", db=db_path, stdin=SECRET)
        assert unknown.returncode == 1 and unknown.stderr.strip() == "commander: no target nope"
        ok("target", "secret", "ops", db=db_path, stdin=f"{SECRET}\n")
        ok("send", cli_incident, "--wait", db=db_path, entry=COMMS_DRIVER)
        assert [p.path for p in server.posts()] == [f"/hooks/{SECRET}"]
    finally:
        server.stop()


def test_target_secret_capture_stores_the_capture_token(empty_store: Path) -> None:
    db_path = empty_store
    webhook = "https://chat.example.com/hooks/abcdefgh1234"
    ok("target", "add", "mm", "mattermost", "--secret-stdin", db=db_path, stdin=webhook)
    ok("target", "secret", "mm", "--capture", db=db_path, stdin="mm-bot-token-5678\n")
    ok("target", "add", "chat", "slack", db=db_path)
    refused = run("target", "secret", "chat", "--capture", db=db_path, stdin="xoxb-1234")
    assert refused.returncode == 1  # a CommanderError, like an unknown target
    assert refused.stderr.strip() == (
        "commander: target chat reads its channel with its own secret; "
        "a capture token is only for mattermost targets"
    )
    assert "mm-bot-token-5678" not in db_path.read_bytes().decode("latin-1")
