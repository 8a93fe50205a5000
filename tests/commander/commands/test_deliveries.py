"""`commander deliveries`, `delivery-sent`, `delivery-retry` as a script runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commander.conftest import SECRET
from tests.support.cli import COMMS_DRIVER
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run
from tests.support.webhook import KIND, Reply, WebhookServer


def _unconfirmed(db_path: Path, ref: str, base_url: str = "http://127.0.0.1:9") -> int:
    """A delivery that timed out after its post went out, written through the core
    (no provider the CLI reaches can be made to do that on cue)."""
    from commander.clock import now
    from commander.connectors.base import unconfirmed_failure
    from commander.services import messages, outbox
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(db_path), create=True)
    try:
        save_target(store, "chat", KIND, base_url=base_url, secret=SECRET)
        messages.send_message(store, messages.compose(store, ref), "ana")
        [claim] = outbox.claim_due(store)
        cause = "timed out: chat.example.com did not answer within 15 s"
        view = outbox.record_outcome(store, claim, unconfirmed_failure(cause), now())
        return view.id
    finally:
        store.close()


def test_deliveries_lists_the_lines_and_each_delivery_with_what_to_do(
    db_path: Path, cli_incident: str
) -> None:
    delivery_id = _unconfirmed(db_path, cli_incident)
    out = ok("deliveries", cli_incident, db=db_path)
    lines = out.splitlines()
    assert lines[0] == "chat: may have been posted — check it, then mark sent or send again"
    assert f"  #{delivery_id:<4} chat                 may have been posted: timed out:" in out
    assert f"commander delivery-sent {delivery_id}" in out
    assert f"commander delivery-retry {delivery_id}" in out
    [listed] = json.loads(ok("deliveries", cli_incident, "--json", db=db_path))
    assert listed["id"] == delivery_id and listed["may_have_been_posted"] is True
    assert [a["outcome"] for a in listed["attempt_history"]] == ["failed"]


def test_delivery_sent_marks_it_sent_on_a_persons_word(db_path: Path, cli_incident: str) -> None:
    delivery_id = _unconfirmed(db_path, cli_incident)
    out = ok("delivery-sent", str(delivery_id), "--author", "bo", db=db_path)
    assert f"#{delivery_id:<4} chat                 sent" in out
    shown = json.loads(ok("show", cli_incident, "--json", db=db_path))
    last = shown["timeline"][-1]
    assert last["author"] == "bo" and last["text"].endswith("reached chat: marked sent")
    again = run("delivery-sent", str(delivery_id), db=db_path)
    assert again.returncode == 1
    assert "the delivery to chat is sent; only failed ones can be marked sent" in again.stderr


def test_delivery_retry_sends_it_again_now(db_path: Path, cli_incident: str) -> None:
    server = WebhookServer().start()
    try:
        delivery_id = _unconfirmed(db_path, cli_incident, server.url)
        out = ok("delivery-retry", str(delivery_id), db=db_path, entry=COMMS_DRIVER)
        assert f"#{delivery_id:<4} chat                 sent" in out
        assert len(server.posts()) == 1
    finally:
        server.stop()


def test_delivery_retry_that_fails_again_exits_1_in_words(db_path: Path, cli_incident: str) -> None:
    server = WebhookServer(Reply(403, {"error": "invalid_token"})).start()
    try:
        delivery_id = _unconfirmed(db_path, cli_incident, server.url)
        result = run("delivery-retry", str(delivery_id), db=db_path, entry=COMMS_DRIVER)
        assert result.returncode == 1
        assert "not delivered to chat (HTTP 403" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        server.stop()


# Usage errors exit 2, a delivery or incident that is not there 1; each in one line.
BAD_INPUT = [
    (["delivery-sent", "x"], 2, "a delivery number, as `commander deliveries REF` lists"),
    (["delivery-retry", "0"], 2, "a delivery number"),
    (["delivery-sent", "999"], 1, "no delivery 999"),
    (["delivery-retry", "999"], 1, "no delivery 999"),
    (["deliveries", "INC-77"], 1, "no incident INC-77"),
]


def test_bad_input_is_one_clear_line_and_changes_nothing(db_path: Path, cli_incident: str) -> None:
    before = ok("show", cli_incident, "--json", db=db_path)
    for args, code, complaint in BAD_INPUT:
        result = run(*args, db=db_path)
        assert (result.returncode, result.stdout) == (code, ""), args
        assert complaint in result.stderr and len(result.stderr.strip().splitlines()) <= 3
        assert "Traceback" not in result.stderr
    assert ok("show", cli_incident, "--json", db=db_path) == before
