"""``commander capture`` end to end: the real Slack reader against the Slack contract
server, the capture service and the store, as a person runs it from a terminal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from commander.cli import main
from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.targets import save_target
from commander.services.timeline import read_timeline
from commander.store.engine import open_store
from tests.support.contracts.slack_capture import START, SlackCaptureServer

PRIYA, ALI = "U0PRIYA", "U0ALI"


def _chat(db: Path) -> list[tuple[str, str, bool]]:
    store = open_store(str(db), create=False)
    try:
        return [
            (e.author, e.text, e.deleted_at is not None)
            for e in read_timeline(store, 1, include_deleted=True)
            if e.kind == "chat"
        ]
    finally:
        store.close()


def test_capture_adds_revises_and_removes_what_the_channel_pins_and_marks(
    empty_store: Path,
    slack_capture_server: SlackCaptureServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack = slack_capture_server
    slack.add_user(PRIYA, "priya", display_name="Priya Raman")
    slack.add_user(ALI, "ali", real_name="Ali Khan")
    channel = slack.add_channel("inc-1-checkout-down")
    store = open_store(str(empty_store), create=False)
    try:
        declare_incident(
            store, "Checkout down", Severity.P1, author="ana", now=START - timedelta(minutes=1)
        )
        save_target(store, "ops-slack", "slack", base_url=slack.api_url, secret=slack.token)
    finally:
        store.close()
    pinned = slack.post(channel, PRIYA, "502s from eu-west only <@U0ALI>")
    slack.pin(channel, pinned, PRIYA)
    slack.post(channel, ALI, "looking")  # neither pinned nor marked: stays in the chat
    marked = slack.post(channel, ALI, "pool at 20/20 &amp; climbing")
    slack.react(channel, marked, "pushpin", PRIYA)
    capture = ["--db", str(empty_store), "capture", "INC-1"]

    assert main(capture) == 0
    assert capsys.readouterr().out == (
        "slack #inc-1-checkout-down: added 2, revised 0, removed 0\n"
    )
    assert _chat(empty_store) == [
        ("Priya Raman", "502s from eu-west only @Ali Khan", False),
        ("Ali Khan", "pool at 20/20 & climbing", False),
    ]

    slack.edit(channel, pinned, "502s from eu-west and eu-central")
    slack.unreact(channel, marked, "pushpin", PRIYA)
    assert main(capture) == 0
    assert capsys.readouterr().out == (
        "slack #inc-1-checkout-down: added 0, revised 1, removed 1\n"
    )
    assert _chat(empty_store) == [
        ("Priya Raman", "502s from eu-west and eu-central", False),
        ("Ali Khan", "pool at 20/20 & climbing", True),
    ]

    calls_before = sum(slack.calls().values())
    assert main(capture) == 0  # nothing new: nothing written, and no channel lookup again
    assert capsys.readouterr().out == (
        "slack #inc-1-checkout-down: added 0, revised 0, removed 0\n"
    )
    assert slack.calls()["conversations.list"] == 1
    assert sum(slack.calls().values()) - calls_before < 10
