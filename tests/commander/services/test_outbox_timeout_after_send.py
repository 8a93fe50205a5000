"""A timeout after the request went out, to a provider that cannot recognise a repeat.

Discord, Slack (webhook and chat.postMessage), Teams and Mattermost have no
idempotency key: a resend after a timeout posts the update twice. The outbox
therefore keeps such a delivery as "outcome unknown": failed, with a text saying
the update may have been posted, never resent automatically; a person checks the
channel and uses retry. A failure before anything was sent (connection refused,
connect timeout) is still retried. Providers with idempotency (Matrix, PagerDuty,
Statuspage) are retried: see test_outbox_with_providers.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from commander.domain.when import utc_now
from commander.services import deliveries, outbox
from commander.services.targets import save_target
from tests.commander.services.test_outbox_with_providers import (
    SHORT,
    _deliveries,
    _delivery_entries,
    _hang_then_retry,
    _send,
)
from tests.support.contracts.discord import DiscordServer
from tests.support.contracts.mattermost import MattermostServer
from tests.support.contracts.slack import SlackApiServer, SlackWebhookServer
from tests.support.contracts.teams import TeamsServer


def _posts(server: Any) -> list[Any]:
    for name in ("messages", "posts", "cards"):
        if hasattr(server, name):
            return list(getattr(server, name))
    raise AssertionError(f"{server!r} keeps no posts")


@pytest.mark.parametrize("kind", ["discord", "slack-webhook", "slack", "teams", "mattermost"])
def test_timeout_after_send_without_idempotency_is_kept_unknown_not_resent(
    store: Any,
    incident: str,
    kind: str,
    discord_server: DiscordServer,
    slack_webhook_server: SlackWebhookServer,
    slack_api_server: SlackApiServer,
    teams_server: TeamsServer,
    mattermost_server: MattermostServer,
) -> None:
    server: Any
    if kind == "slack":
        server = slack_api_server
        options = {"channel": "C0INCIDENT"}
        save_target(store, "chat", kind, server.api_url, options, server.token)
    else:
        server = {
            "discord": discord_server,
            "slack-webhook": slack_webhook_server,
            "teams": teams_server,
            "mattermost": mattermost_server,
        }[kind]
        save_target(store, "chat", kind, secret=server.webhook_url)
    view = _hang_then_retry(store, incident, server, "chat")

    assert len(_posts(server)) == 1  # the provider did get it
    assert view.state == "failed" and view.attempts == 1
    assert "may have been posted" in (view.last_error or "")
    assert outbox.deliver_due(store, utc_now() + timedelta(days=1)) == []
    assert len(server.requests) == 1  # never resent on its own
    [entry] = _delivery_entries(store, incident, "chat")
    assert "may have been posted" in entry
    # The person checked the channel, found nothing, and sends it again.
    deliveries.retry_delivery(store, view.id, "ana")
    [again] = outbox.deliver_due(store, timeout=5)
    assert again.state == "sent" and len(_posts(server)) == 2


def test_a_connection_refused_to_a_webhook_is_still_retried(
    store: Any, incident: str, discord_server: DiscordServer
) -> None:
    """Nothing reached the provider: a retry cannot duplicate anything."""
    url = discord_server.webhook_url
    discord_server.stop()
    save_target(store, "chat", "discord", secret=url)
    message_id = _send(store, incident, ["chat"])
    [view] = outbox.deliver_due(store, timeout=SHORT)
    assert view.state == "pending", view.last_error
    assert _deliveries(store, message_id)["chat"].attempts == 1
