from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from commander.connectors.base import override_connector
from tests.support.contracts.fixtures import (  # noqa: F401
    cachet_server,
    discord_server,
    matrix_server,
    mattermost_api_server,
    mattermost_server,
    pagerduty_server,
    slack_api_server,
    slack_webhook_server,
    smtp_server,
    statuspage_server,
    teams_server,
)
from tests.support.webhook import KIND, JsonWebhookConnector, WebhookServer

SECRET = "s3cret-token-XYZ"


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    running = WebhookServer().start()
    yield running
    running.stop()


@pytest.fixture
def connector() -> Iterator[JsonWebhookConnector]:
    double = JsonWebhookConnector()
    override_connector(KIND, double)
    yield double
    override_connector(KIND, None)


@pytest.fixture
def target(store: Any, server: WebhookServer, connector: JsonWebhookConnector) -> str:
    from commander.services.targets import save_target

    save_target(store, "ops-chat", KIND, base_url=server.url, secret=SECRET)
    return "ops-chat"
