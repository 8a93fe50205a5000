"""pytest fixtures for the contract servers: import the ones you need into a conftest.

    from tests.support.contracts.fixtures import slack_api_server  # noqa: F401

Each fixture starts its server on 127.0.0.1 for one test and stops it after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.contracts.cachet import CachetServer
from tests.support.contracts.discord import DiscordServer
from tests.support.contracts.matrix import MatrixServer
from tests.support.contracts.mattermost import MattermostServer
from tests.support.contracts.mattermost_api import MattermostApiServer
from tests.support.contracts.pagerduty import PagerDutyServer
from tests.support.contracts.server import running
from tests.support.contracts.slack import SlackApiServer, SlackWebhookServer
from tests.support.contracts.slack_capture import SlackCaptureServer
from tests.support.contracts.smtp import SmtpServer
from tests.support.contracts.statuspage import StatuspageServer
from tests.support.contracts.teams import TeamsServer


@pytest.fixture
def slack_webhook_server() -> Iterator[SlackWebhookServer]:
    server = SlackWebhookServer()
    yield from running(server)


@pytest.fixture
def slack_api_server() -> Iterator[SlackApiServer]:
    server = SlackApiServer()
    yield from running(server)


@pytest.fixture
def slack_capture_server() -> Iterator[SlackCaptureServer]:
    yield from running(SlackCaptureServer())


@pytest.fixture
def discord_server() -> Iterator[DiscordServer]:
    yield from running(DiscordServer())


@pytest.fixture
def matrix_server() -> Iterator[MatrixServer]:
    yield from running(MatrixServer())


@pytest.fixture
def pagerduty_server() -> Iterator[PagerDutyServer]:
    yield from running(PagerDutyServer())


@pytest.fixture
def statuspage_server() -> Iterator[StatuspageServer]:
    yield from running(StatuspageServer())


@pytest.fixture
def cachet_server() -> Iterator[CachetServer]:
    yield from running(CachetServer())


@pytest.fixture
def teams_server() -> Iterator[TeamsServer]:
    yield from running(TeamsServer())


@pytest.fixture
def mattermost_server() -> Iterator[MattermostServer]:
    yield from running(MattermostServer())


@pytest.fixture
def mattermost_api_server() -> Iterator[MattermostApiServer]:
    yield from running(MattermostApiServer())


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real aiosmtpd server requiring AUTH with password ``smtp-secret-pass``."""
    server = SmtpServer(password="smtp-secret-pass").start()
    try:
        yield server
    finally:
        server.stop()
