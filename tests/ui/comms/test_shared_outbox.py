"""The shared outbox on PostgreSQL: two seats' outbox runners and a ``commander deliver``
process deliver at once from one store; each delivery is posted exactly once.

The two seats are two ``OutboxRunner``s (what each window's Comms feature runs), each
with a store of its own (an engine and connections of its own, as two windows have);
whole windows would add nothing the outbox sees. ``commander deliver`` is a real
process with the test webhook connector (tests/support/cli_driver.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from commander.connectors.base import override_connector
from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.messages import compose, list_messages, send_message
from commander.services.targets import save_target
from commander.store.engine import Store, open_store
from commander.views.comms import DeliveryView
from tests.support.cli import COMMS_DRIVER, child_env
from tests.support.webhook import KIND, JsonWebhookConnector, Reply, WebhookServer
from ui.comms.outbox_runner import OutboxRunner

# The process claims a batch of 20 first (outbox.CLAIM_BATCH), each seat up to 7 at once.
INCIDENTS = 3
TARGETS = 12


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_seats_and_a_deliver_process_post_each_delivery_once(qtbot: Any, store: Store) -> None:
    override_connector(KIND, JsonWebhookConnector())
    # Each post takes a little while, so the three deliverers overlap.
    server = WebhookServer(default=Reply(delay=0.1)).start()
    try:
        for number in range(TARGETS):
            save_target(store, f"chat-{number}", KIND, base_url=server.url, secret="tok-12345")
        for number in range(INCIDENTS):
            ref = declare_incident(store, f"Outage {number}", Severity.P1, author="ana").ref
            send_message(store, compose(store, ref), "ana")
        deliver = subprocess.Popen(
            [sys.executable, *COMMS_DRIVER, "--db", store.location, "deliver", "--wait"],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seats = [store, open_store(store.url, create=False)]
        runners = [OutboxRunner(interval_ms=200) for _ in seats]
        finished: list[list[DeliveryView]] = [[] for _ in seats]
        try:
            # The process has claimed its first batch and is posting: now the seats start.
            qtbot.waitUntil(lambda: len(server.posts()) > 0, timeout=60_000)
            for runner, seat, mine in zip(runners, seats, finished, strict=True):
                runner.delivery_finished.connect(mine.append)
                runner.start(seat)
            # The event loop keeps running meanwhile: the seats' sends are started from it.
            qtbot.waitUntil(lambda: deliver.poll() is not None, timeout=90_000)
            _, errors = deliver.communicate()
            assert deliver.returncode == 0, errors
            total = INCIDENTS * TARGETS
            qtbot.waitUntil(lambda: len(server.posts()) >= total, timeout=30_000)
        finally:
            for runner in runners:
                runner.stop()
                assert runner.wait(10_000)
            seats[1].close()
            if deliver.poll() is None:
                deliver.kill()
            deliver.communicate()
        keys = Counter(post.body["idempotency_key"] for post in server.posts())
        assert len(keys) == total and set(keys.values()) == {1}
        deliveries = [d for m in list_messages_of_all(store) for d in m.deliveries]
        assert len(deliveries) == total and {d.state for d in deliveries} == {"sent"}
        by_seats = [len(mine) for mine in finished]
        # Everyone took part: the process posted first, and each seat claimed a batch.
        assert all(count > 0 for count in by_seats) and sum(by_seats) < total
    finally:
        server.stop()
        override_connector(KIND, None)


def list_messages_of_all(store: Store) -> list[Any]:
    from commander.services.incidents import list_incidents

    return [m for i in list_incidents(store) for m in list_messages(store, i.ref)]
