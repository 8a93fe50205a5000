"""Rules every connector follows: the registry, the HTTPS rule, secrets kept out of errors,
Retry-After parsing and safe cutting (scrubbing: tests/commander/test_secrets.py)."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from commander.clock import FrozenClock
from commander.connectors._http import parse_retry_after, rebase
from commander.connectors._markup import markdown_to_html, markdown_to_mrkdwn, neutral_markdown
from commander.connectors._text import cut_bytes, cut_chars, split_chunks
from commander.connectors.base import KINDS, Rendered, Target, connector_for
from tests.commander.connectors.conftest import first_delivery, make_message
from tests.support.contracts.slack import SlackWebhookServer

SECRET_URL = "https://hooks.example.com/services/T0/B0/SuperSecretWebhookToken"
HTTP_KINDS = {
    # kind -> (options, secret)
    "statuspage": ({"page_id": "p1"}, "statuspage-api-key-123456"),
    "cachet": ({}, "cachet-token-123456789"),
    "slack-webhook": ({}, SECRET_URL),
    "slack": ({"channel": "C1"}, "xoxb-secret-token-123456"),
    "teams": ({}, SECRET_URL + "?sig=SignatureSecret123456"),
    "discord": ({}, SECRET_URL),
    "mattermost": ({}, SECRET_URL),
    "matrix": ({"room_id": "!r:example.org"}, "syt_secret_access_token_1"),
    "pagerduty": ({}, "A" * 32),
}


@dataclass(frozen=True)
class WrongCredential:
    """How one provider is handed a credential it refuses, and the words it refuses with."""

    server: str  # the contract server's fixture
    target: Callable[[Any], Target]
    secret: Callable[[Any], str]
    error: str


WRONG_CREDENTIALS = {
    "cachet": WrongCredential(
        "cachet_server",
        lambda server: Target("status", "cachet", base_url=server.url),
        lambda server: "nope-token-123456",
        "refused by Cachet (HTTP 401): You are not authorized to view this content.",
    ),
    "discord": WrongCredential(
        "discord_server",
        lambda server: Target("war-room", "discord", base_url=server.url),
        lambda server: "https://discord.com/api/webhooks/112233445566778899/someOtherToken_987654",
        "refused by Discord (HTTP 401): Invalid Webhook Token (code 50027)",
    ),
    "matrix": WrongCredential(
        "matrix_server",
        lambda server: Target(
            "ops", "matrix", base_url=server.url, options={"room_id": server.room_id}
        ),
        lambda server: "syt_wrong_token_value_99",
        "refused by Matrix (HTTP 401): M_UNKNOWN_TOKEN: Unknown access token",
    ),
    "mattermost": WrongCredential(
        "mattermost_server",
        lambda server: Target("mm", "mattermost", base_url=server.url),
        lambda server: "https://chat.example.com/hooks/zz9zz9zz9zz9zz9zz9zz9zz9zz",
        "refused by Mattermost (HTTP 400): Invalid webhook.",
    ),
    "pagerduty": WrongCredential(
        "pagerduty_server",
        lambda server: Target("p", "pagerduty", base_url=server.url),
        lambda server: "Z" * 32,
        "refused by PagerDuty (HTTP 400): Event object is invalid: Invalid routing key",
    ),
    "slack": WrongCredential(
        "slack_api_server",
        lambda server: Target(
            "ops", "slack", base_url=server.api_url, options={"channel": "C0INCIDENT"}
        ),
        lambda server: "xoxb-wrong-token-1234",
        "refused by Slack (chat.postMessage): invalid_auth",
    ),
    "slack-webhook": WrongCredential(
        "slack_webhook_server",
        lambda server: Target("ops", "slack-webhook", base_url=server.url),
        lambda server: "https://hooks.slack.com/services/T0001/B0001/wrongSecretValue123456",
        "refused by Slack (HTTP 404): no_service",
    ),
    "teams": WrongCredential(
        "teams_server",
        lambda server: Target("exec", "teams"),
        lambda server: server.webhook_url.replace(server.sig, "WrongSignature_99999999999"),
        "refused by Teams (HTTP 401): DirectApiInvalidAuthorizationSignature: "
        "The provided authorization signature is invalid.",
    ),
}


@pytest.mark.parametrize("kind", sorted(WRONG_CREDENTIALS))
def test_a_wrong_credential_is_permanent_with_the_providers_text(
    kind: str, request: pytest.FixtureRequest, session: requests.Session
) -> None:
    case = WRONG_CREDENTIALS[kind]
    server = request.getfixturevalue(case.server)
    outcome = connector_for(kind).deliver(
        make_message(), case.target(server), case.secret(server), first_delivery(), session, 5
    )
    assert (outcome.status, outcome.error) == ("failed", case.error)


# A webhook post that times out may have landed, and a repeat would post twice: a person
# decides. Kind -> (contract server fixture, target, secret, the secret's telltale part).
TIMEOUT_AFTER_SEND: dict[
    str, tuple[str, Callable[[Any], Target], Callable[[Any], str], Callable[[Any], str]]
] = {
    "discord": (
        "discord_server",
        lambda server: Target("war-room", "discord", base_url=server.url),
        lambda server: (
            "https://discord.com/api/webhooks/112233445566778899/contractWebhookToken_abc123"
        ),
        lambda server: "contractWebhookToken",
    ),
    "mattermost": (
        "mattermost_server",
        lambda server: Target("mm", "mattermost", base_url=server.url),
        lambda server: "https://chat.example.com/hooks/ab3dk8cq9fy5mgxsu1econtract",
        lambda server: "ab3dk8cq9fy5mgxsu1econtract",
    ),
    "slack-webhook": (
        "slack_webhook_server",
        lambda server: Target("ops", "slack-webhook", base_url=server.url),
        lambda server: "https://hooks.slack.com/services/T0001/B0001/xXxWebhookSecret000000",
        lambda server: "xXxWebhookSecret",
    ),
    "teams": (
        "teams_server",
        lambda server: Target("exec", "teams"),
        lambda server: server.webhook_url,
        lambda server: server.sig,
    ),
}


@pytest.mark.parametrize("kind", sorted(TIMEOUT_AFTER_SEND))
def test_a_timeout_after_send_is_not_retried_and_hides_the_secret(
    kind: str, request: pytest.FixtureRequest, session: requests.Session
) -> None:
    fixture, target, secret, telltale = TIMEOUT_AFTER_SEND[kind]
    server = request.getfixturevalue(fixture)
    server.hang_next(1, seconds=1)
    slow = connector_for(kind).deliver(
        make_message(), target(server), secret(server), first_delivery(), session, 0.2
    )
    assert slow.status == "failed"
    assert (slow.error or "").startswith("timed out: 127.0.0.1:")
    assert "did not answer within 0.2 s" in (slow.error or "") and slow.unconfirmed
    assert "may have been posted" in (slow.error or "")
    assert telltale(server) not in (slow.error or "")


def test_every_kind_resolves_to_a_connector() -> None:
    for kind in KINDS:
        connector = connector_for(kind)
        assert connector.kind == kind
        rendered = connector.render(
            make_message(), Target("t", kind, options={"to": "a@example.com"})
        )
        assert isinstance(rendered, Rendered) and rendered.preview


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_plain_http_refused_except_to_loopback(kind: str, session: requests.Session) -> None:
    options, secret = HTTP_KINDS[kind]
    remote = Target("t", kind, base_url="http://status.example.com", options=options)
    outcome = connector_for(kind).deliver(
        make_message(), remote, secret, first_delivery(), session, 2
    )
    assert outcome.status == "failed"
    assert "HTTPS is required except to loopback" in (outcome.error or "")
    assert "Secret" not in (outcome.error or "") and secret not in (outcome.error or "")


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_allowed_and_network_errors_retried_without_the_secret(
    kind: str, host: str, session: requests.Session
) -> None:
    options, secret = HTTP_KINDS[kind]
    closed = Target("t", kind, base_url=f"http://{host}:1", options=options)
    outcome = connector_for(kind).deliver(
        make_message(), closed, secret, first_delivery(), session, 2
    )
    assert outcome.status == "retry", outcome.error
    assert outcome.error == f"cannot connect to {host}:1: connection refused"
    assert secret not in (outcome.error or "")
    assert "SuperSecretWebhookToken" not in (outcome.error or "")


def test_retry_after_seconds_and_http_date(clock: FrozenClock) -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("1.5") == 1.5
    now = clock().timestamp()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= (parse_retry_after(date, now=now) or 0) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    # Without ``now`` the app clock is the reference, not the wall clock.
    assert parse_retry_after(date) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_rebase_keeps_path_and_query() -> None:
    assert (
        rebase(SECRET_URL + "?a=1", "http://127.0.0.1:8080/")
        == "http://127.0.0.1:8080/services/T0/B0/SuperSecretWebhookToken?a=1"
    )
    assert rebase(SECRET_URL, None) == SECRET_URL


def test_cuts_never_split_characters() -> None:
    assert cut_chars("abcdef", 4) == ("abc…", True)
    assert cut_chars("abc", 3) == ("abc", False)
    kept, _ = cut_chars("a" + "😀" * 10, 6)  # each emoji is two UTF-16 units
    assert kept == "a😀😀…"
    kept, _ = cut_bytes("é" * 10, 8)  # two bytes each, the ellipsis three
    assert kept == "éé…" and len(kept.encode()) <= 8
    kept, _ = cut_chars("abcde\u0301fgh", 7)  # e + combining acute stay together
    assert kept in {"abcd…", "abcde\u0301…"} and not kept.endswith("e…")
    kept, _ = cut_chars("ab👩\u200d💻xyz", 6)  # never end on a zero-width joiner
    assert "\u200d…" not in kept


def test_split_chunks_respects_limit_and_lines() -> None:
    chunks = split_chunks("aaa\nbbb\nccc", 7)
    assert chunks == ["aaa\nbbb", "ccc"]
    assert all(len(chunk) <= 5 for chunk in split_chunks("x" * 23, 5))


def test_markup_helpers_escape_and_keep_safe_links() -> None:
    html = markdown_to_html(
        "<b>hi</b> [docs](https://example.com/?a=1&b=2) [x](javascript:alert(1))"
    )
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert '<a href="https://example.com/?a=1&amp;b=2">docs</a>' in html
    assert "javascript" not in html.split("<a")[-1].split(">")[0]
    assert (
        markdown_to_mrkdwn("[docs](https://example.com) & <!here>")
        == "<https://example.com|docs> &amp; &lt;!here&gt;"
    )
    assert neutral_markdown("[x](javascript:alert(1))") == "x (javascript: alert(1))"


def test_redirects_are_not_followed(
    slack_webhook_server: SlackWebhookServer, session: requests.Session
) -> None:
    slack_webhook_server.fail_next(1, status=302)
    target = Target("t", "slack-webhook", base_url=slack_webhook_server.url)
    outcome = connector_for("slack-webhook").deliver(
        make_message(), target, SECRET_URL, first_delivery(), session, 5
    )
    assert (outcome.status, outcome.error) == (
        "failed",
        "Slack answered with a redirect (HTTP 302), not followed",
    )
    assert len(slack_webhook_server.requests) == 1


@pytest.mark.parametrize("kind", ["slack", "matrix", "statuspage", "cachet"])
def test_secret_with_a_line_break_fails_plainly_without_showing_it(
    kind: str, session: requests.Session
) -> None:
    options, secret = HTTP_KINDS[kind]
    target = Target("t", kind, base_url="http://127.0.0.1:1", options=options)
    outcome = connector_for(kind).deliver(
        make_message(), target, secret + "\n", first_delivery(), session, 2
    )
    assert outcome.status == "failed"
    assert (
        outcome.error
        == "the secret contains characters a header cannot carry (a line break, or a space at either end)"
    )
