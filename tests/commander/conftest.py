from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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
    slack_capture_server,
    slack_webhook_server,
    smtp_server,
    statuspage_server,
    teams_server,
)
from tests.support.webhook import KIND, JsonWebhookConnector, WebhookServer

if TYPE_CHECKING:
    from tests.support.synapse import Homeserver

SECRET = "s3cret-token-XYZ"


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """One real Synapse for the whole run (about 20 s to start): the Matrix connector's
    and the Matrix capture reader's tests share it, each in rooms of its own."""
    from tests.support.synapse import start_homeserver

    yield from start_homeserver(tmp_path_factory.mktemp("synapse"))


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
