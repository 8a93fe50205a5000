"""Failures said in words a commander acts on, against servers on 127.0.0.1: never an
exception's repr, never the secret."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from commander.clock import FrozenClock
from commander.connectors.base import Target, connector_for
from commander.services import messages, outbox
from commander.services.targets import save_target
from tests.commander.conftest import SECRET
from tests.commander.connectors.conftest import first_delivery, make_message
from tests.support.webhook import KIND, Reply, WebhookServer, closed_port

WEBHOOK = "https://hooks.slack.com/services/T0001/B0001/wordingSecret0000000"
# What urllib3's and requests' texts look like: none may reach a commander.
NOT_WORDS = ("HTTPConnectionPool", "Max retries", "Errno", "urllib3", "object at 0x", "Caused by")


@pytest.fixture
def hook() -> Iterator[WebhookServer]:
    running = WebhookServer().start()
    yield running
    running.stop()


def _post(server_url: str, session: requests.Session, timeout: float = 5) -> Any:
    target = Target("ops", "slack-webhook", base_url=server_url)
    return connector_for("slack-webhook").deliver(
        make_message(), target, WEBHOOK, first_delivery(), session, timeout
    )


def _clean(error: str | None) -> str:
    assert error is not None
    assert not any(word in error for word in NOT_WORDS), error
    assert "wordingSecret" not in error
    return error


def test_connection_refused_names_the_host(session: requests.Session) -> None:
    port = closed_port()
    outcome = _post(f"http://127.0.0.1:{port}", session)
    assert outcome.status == "retry"
    assert _clean(outcome.error) == f"cannot connect to 127.0.0.1:{port}: connection refused"


def test_a_timeout_says_timed_out(hook: WebhookServer, session: requests.Session) -> None:
    hook.queue(Reply(200, delay=1.0))
    outcome = _post(hook.url, session, timeout=0.3)
    host = hook.url.removeprefix("http://")
    # A webhook cannot recognise a repeat: it may have been posted, a person checks.
    assert (outcome.status, outcome.unconfirmed) == ("failed", True)
    assert _clean(outcome.error).startswith(
        f"timed out: {host} did not answer within 0.3 s: the update may have been posted"
    )


def test_a_4xx_is_refused_by_the_provider_in_their_words(
    hook: WebhookServer, session: requests.Session
) -> None:
    hook.queue(Reply(404, "no_service"))
    outcome = _post(hook.url, session)
    assert (outcome.status, _clean(outcome.error)) == (
        "failed",
        "refused by Slack (HTTP 404): no_service",
    )


def test_a_429_says_until_when(
    hook: WebhookServer, session: requests.Session, clock: FrozenClock
) -> None:
    hook.queue(Reply(429, "rate_limited", headers={"Retry-After": "90"}))
    outcome = _post(hook.url, session)
    # 10:00:00 + 90 s, rounded up to the minute: never earlier than the provider said.
    assert (outcome.status, outcome.retry_after) == ("retry", 90.0)
    assert _clean(outcome.error) == "rate limited by Slack until 10:02Z"


def test_a_5xx_is_the_providers_server_error(
    hook: WebhookServer, session: requests.Session
) -> None:
    hook.queue(Reply(503, "maintenance"))
    outcome = _post(hook.url, session)
    assert (outcome.status, _clean(outcome.error)) == (
        "retry",
        "Slack had a server error (HTTP 503): maintenance",
    )


def test_the_outbox_words_what_a_connector_raised(
    sqlite_store: Any, connector: Any, hook: WebhookServer
) -> None:
    """The test connector lets requests' exceptions out; the outbox words them too."""
    from commander.domain import Severity
    from commander.services.incidents import declare_incident

    ref = declare_incident(sqlite_store, "Checkout errors", Severity.P1, author="ana").ref
    port = closed_port()
    save_target(sqlite_store, "down", KIND, base_url=f"http://127.0.0.1:{port}", secret=SECRET)
    save_target(sqlite_store, "slow", KIND, base_url=hook.url, secret=SECRET)
    hook.queue(Reply(200, delay=1.0))
    messages.send_message(sqlite_store, messages.compose(sqlite_store, ref), "ana")
    results = {d.target_name: d for d in outbox.deliver_due(sqlite_store, timeout=0.3)}
    assert results["down"].state == results["slow"].state == "pending"
    assert _clean(results["down"].last_error) == (
        f"cannot connect to 127.0.0.1:{port}: connection refused"
    )
    host = hook.url.removeprefix("http://")
    assert _clean(results["slow"].last_error) == f"timed out: {host} did not answer within 0.3 s"
    assert SECRET not in (results["slow"].last_error or "")


def test_a_connection_closed_after_the_post_went_out_may_have_been_posted(
    session: requests.Session,
) -> None:
    """A server that reads the request and hangs up: for a webhook that cannot recognise
    a repeat, that is "may have been posted", not a blind retry."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def hang_up() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)  # the whole post arrived

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        outcome = _post(f"http://127.0.0.1:{port}", session)
    finally:
        thread.join(5)
        listener.close()
    assert (outcome.status, outcome.unconfirmed) == ("failed", True)
    # A reset or a close, as the socket saw it: either way the post had arrived.
    hung_up = (
        f"127.0.0.1:{port} closed the connection without answering",
        f"the connection to 127.0.0.1:{port} was cut off",
    )
    cause, _, rest = _clean(outcome.error).partition(": ")
    assert cause in hung_up and rest.startswith("the update may have been posted")
