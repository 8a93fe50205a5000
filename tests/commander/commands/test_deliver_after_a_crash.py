"""`commander deliver` killed while the provider holds its post, then run again.

The provider has read the whole request and not answered when the process is
killed (SIGKILL), so the update may well have been posted. Once the lease has
run out the next `deliver` must not post it again to Slack or Discord (no
idempotency key): the delivery fails as "may have been posted", the same as a
timeout after sending. Matrix recognises a repeat by its transaction id, so the
next run sends it again with the same one.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from commander.domain import Severity
from commander.domain.when import utc_now
from commander.services import messages
from commander.services.incidents import declare_incident, get_incident
from commander.services.targets import save_target
from commander.store.engine import Store, open_store
from commander.store.orm_comms import CommsDelivery
from commander.views.comms import DeliveryView
from tests.support.cli import child_env, run_cli
from tests.support.contracts.discord import DiscordServer
from tests.support.contracts.matrix import MatrixServer
from tests.support.contracts.slack import SlackApiServer

COMMANDER = ("-m", "commander")


def _queue_an_update(db: Path, kind: str, server: Any) -> str:
    store = open_store(str(db), create=True)
    try:
        ref = declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
        if kind == "slack":
            options = {"channel": "C0INCIDENT"}
            save_target(store, "chat", kind, server.api_url, options, server.token)
        elif kind == "discord":
            save_target(store, "chat", kind, secret=server.webhook_url)
        else:
            options = {"room_id": server.room_id}
            save_target(store, "chat", kind, server.url, options, server.access_token)
        messages.send_message(store, messages.compose(store, ref), "ana", ["chat"])
        return ref
    finally:
        store.close()


def _kill_deliver_mid_post(db: Path, server: Any) -> None:
    """Start `deliver`; once the provider has read its post (and holds it), SIGKILL it."""
    server.hang_next(1, seconds=60)  # no answer while the test runs
    command = [sys.executable, *COMMANDER, "--db", str(db), "deliver"]
    process = subprocess.Popen(command, env=child_env(), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not server.requests and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        _out, said = process.communicate(timeout=10)
    assert server.requests, f"no request reached the provider; deliver said: {said}"


def _after_the_lease(db: Path) -> DeliveryView:
    """The killed run's delivery, its lease moved back to have run out (it lasts 90 s)."""
    store: Store = open_store(str(db), create=True)
    try:
        with store.write() as session:
            [row] = session.query(CommsDelivery).all()
            assert (row.state, row.attempts) == ("sending", 1)
            assert row.lease_until is not None and row.lease_until > utc_now()
            row.lease_until = utc_now() - timedelta(seconds=1)
            return DeliveryView.of(row)
    finally:
        store.close()


def _delivery_and_entries(db: Path, ref: str) -> tuple[DeliveryView, list[str]]:
    store = open_store(str(db), create=True)
    try:
        [message] = messages.list_messages(store, ref)
        texts = [e.text for e in get_incident(store, ref).timeline if e.kind == "delivery"]
        return message.deliveries[0], texts
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["slack", "discord"])
def test_a_post_cut_off_by_a_crash_is_not_sent_twice(
    db_path: Path,
    kind: str,
    slack_api_server: SlackApiServer,
    discord_server: DiscordServer,
) -> None:
    server = slack_api_server if kind == "slack" else discord_server
    ref = _queue_an_update(db_path, kind, server)
    _kill_deliver_mid_post(db_path, server)
    _after_the_lease(db_path)

    again = run_cli("deliver", db=db_path, entry=COMMANDER)

    assert again.returncode == 0, again.stderr
    assert len(server.requests) == 1  # the provider got the post once
    delivery, texts = _delivery_and_entries(db_path, ref)
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "the update may have been posted" in (delivery.last_error or "")
    assert texts == [f"Delivery to chat failed: {delivery.last_error}"]


def test_a_post_cut_off_by_a_crash_is_sent_again_where_the_provider_knows_repeats(
    db_path: Path, matrix_server: MatrixServer
) -> None:
    ref = _queue_an_update(db_path, "matrix", matrix_server)
    _kill_deliver_mid_post(db_path, matrix_server)
    _after_the_lease(db_path)

    again = run_cli("deliver", db=db_path, entry=COMMANDER)

    assert again.returncode == 0, again.stderr
    first, second = matrix_server.requests
    assert first.path == second.path  # the same transaction id both times
    assert second.json() == first.json()
    assert len(matrix_server.events) == 1
    delivery, texts = _delivery_and_entries(db_path, ref)
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert [text.split(" “")[0] for text in texts] == ["Delivered"]
