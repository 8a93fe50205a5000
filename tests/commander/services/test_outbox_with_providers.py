"""The real outbox driving the real connectors against the providers' contract servers.

Everything goes through ``save_target`` (secret in the secret store), ``send_message``
and the outbox, on SQLite and PostgreSQL; the contract servers on 127.0.0.1 show
what the provider actually received.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commander.domain import Severity
from commander.domain.when import utc_now
from commander.services import deliveries, messages, outbox
from commander.services.incidents import declare_incident, get_incident
from commander.services.targets import save_target
from commander.store.engine import open_store
from commander.store.orm import Base
from commander.views.comms import DeliveryView
from tests.support.contracts.cachet import CachetServer
from tests.support.contracts.discord import DiscordServer
from tests.support.contracts.matrix import MatrixServer
from tests.support.contracts.mattermost import MattermostServer
from tests.support.contracts.pagerduty import PagerDutyServer
from tests.support.contracts.slack import SlackApiServer, SlackWebhookServer
from tests.support.contracts.smtp import SmtpServer
from tests.support.contracts.statuspage import StatuspageServer
from tests.support.contracts.teams import TeamsServer
from tests.support.secret_forms import assert_no_form_of

SMTP_PASSWORD = "smtp-secret-pass"
SHORT = 0.5  # client timeout for the hang tests: the contract server answers later


def _send_all(store: Any, ref: str, targets: list[str], **overrides: str) -> list[int]:
    """Each target its audience's own text (a status page the public one): a message each."""
    texts = messages.compose_for_targets(store, ref, targets, overrides)
    return [view.id for view in messages.send_update(store, texts, "ana", targets)]


def _send(store: Any, ref: str, targets: list[str], **overrides: str) -> int:
    [message_id] = _send_all(store, ref, targets, **overrides)  # targets of one audience
    return message_id


def _deliveries(store: Any, message_id: int) -> dict[str, DeliveryView]:
    return {d.target_name: d for d in messages.get_message(store, message_id).deliveries}


def _drain(store: Any, message_id: int, seconds: float = 10, timeout: float = 5) -> None:
    left = outbox.drain(store, time.monotonic() + seconds, [message_id], timeout=timeout)
    assert left == [], left


def _delivery_entries(store: Any, ref: str, target: str) -> list[str]:
    return [
        e.text
        for e in get_incident(store, ref).timeline
        if e.kind == "delivery" and e.data is not None and e.data.get("target") == target
    ]


def _later(view: DeliveryView) -> Any:
    return view.next_attempt_at + timedelta(seconds=1)


# (a) Statuspage: create, then update the same incident -------------------------------


def test_statuspage_second_message_updates_the_incident_the_first_created(
    store: Any, incident: str, statuspage_server: StatuspageServer
) -> None:
    server = statuspage_server
    save_target(
        store,
        "status",
        "statuspage",
        base_url=server.api_url,
        options={"page_id": server.page_id},
        secret=server.api_key,
    )
    first = _send(store, incident, ["status"], Impact="Card payments fail")
    _drain(store, first)
    [created] = server.incidents.values()
    second = _send(store, incident, ["status"], Impact="Half of card payments fail")
    _drain(store, second)

    assert list(server.incidents.values()) == [created]  # no second status-page incident
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in server.requests]
    assert methods == [("POST", "incidents"), ("PATCH", created["id"])]
    assert "Half of card payments fail" in server.requests[-1].text
    views = [_deliveries(store, m)["status"] for m in (first, second)]
    assert [v.state for v in views] == ["sent", "sent"]
    assert {v.provider_id for v in views} == {created["id"]}


# (b) Slack Web API: the second update replies in the first one's thread ----------------


def test_slack_second_update_is_threaded_under_the_first(
    store: Any, incident: str, slack_api_server: SlackApiServer
) -> None:
    server = slack_api_server
    save_target(
        store,
        "slack",
        "slack",
        base_url=server.api_url,
        options={"channel": "C0INCIDENT"},
        secret=server.token,
    )
    first = _send(store, incident, ["slack"])
    _drain(store, first)
    second = _send(store, incident, ["slack"])
    _drain(store, second)

    parent, reply = server.messages
    assert "thread_ts" not in parent or not parent["thread_ts"]
    assert reply["thread_ts"] == parent["ts"]
    assert _deliveries(store, first)["slack"].provider_id == f"C0INCIDENT:{parent['ts']}"


# (c) 429 with Retry-After, then success -----------------------------------------------


def test_429_waits_retry_after_then_posts_exactly_once(
    store: Any, incident: str, discord_server: DiscordServer
) -> None:
    server = discord_server
    save_target(store, "war-room", "discord", secret=server.webhook_url)
    server.throttle_next(1, retry_after=1.0)
    message_id = _send(store, incident, ["war-room"])
    started = time.monotonic()
    _drain(store, message_id)
    elapsed = time.monotonic() - started

    assert elapsed >= 1.0
    assert [r.injected for r in server.requests] == ["throttle", None]
    assert len(server.messages) == 1
    view = _deliveries(store, message_id)["war-room"]
    assert view.state == "sent" and view.attempts == 2
    texts = _delivery_entries(store, incident, "war-room")
    assert "failing: rate limited by Discord until" in texts[0] and "retrying in 1 s" in texts[0]
    assert texts[1].startswith("Delivered")


# (d) a timeout after the provider got the post, then the retry --------------------------


def _hang_then_retry(store: Any, ref: str, server: Any, name: str) -> DeliveryView:
    """First attempt times out although the provider handles the post; then retry."""
    server.hang_next(1, seconds=SHORT * 3)
    message_id = _send(store, ref, [name])
    [first] = outbox.deliver_due(store, timeout=SHORT)
    assert server.requests[0].injected == "hang"
    time.sleep(SHORT * 3)  # the provider has handled the hung request by now
    if first.state == "pending":
        [after] = outbox.deliver_due(store, _later(first), timeout=5)
        return after
    return _deliveries(store, message_id)[name]


def test_timeout_then_retry_matrix_reuses_the_transaction_id(
    store: Any, incident: str, matrix_server: MatrixServer
) -> None:
    server = matrix_server
    save_target(
        store,
        "matrix",
        "matrix",
        base_url=server.url,
        options={"room_id": server.room_id},
        secret=server.access_token,
    )
    view = _hang_then_retry(store, incident, server, "matrix")
    assert view.state == "sent" and view.attempts == 2
    assert len(server.events) == 1
    paths = {r.path for r in server.requests}
    assert len(paths) == 1  # the same txnId both times


def test_two_stores_sending_with_one_matrix_token_both_get_posted(
    store: Any, incident: str, matrix_server: MatrixServer, tmp_path: Path
) -> None:
    """Both stores number deliveries from 1 and declare INC-1: the homeserver keeps
    transaction ids per token, so only the store's id keeps the second from being
    taken for a retransmission of the first."""
    server = matrix_server
    other = open_store(str(tmp_path / "other.db"), create=True)
    try:
        other_ref = declare_incident(other, "Checkout errors", Severity.P1, author="bo").ref
        assert other_ref == incident
        for each, ref in ((store, incident), (other, other_ref)):
            save_target(
                each,
                "matrix",
                "matrix",
                base_url=server.url,
                options={"room_id": server.room_id},
                secret=server.access_token,
            )
            _drain(each, _send(each, ref, ["matrix"]))
    finally:
        other.close()
    assert len(server.events) == 2
    assert len({r.path for r in server.requests}) == 2


def test_timeout_then_retry_pagerduty_reuses_the_dedup_key(
    store: Any, incident: str, pagerduty_server: PagerDutyServer
) -> None:
    server = pagerduty_server
    save_target(store, "pd", "pagerduty", base_url=server.url, secret=server.routing_key)
    view = _hang_then_retry(store, incident, server, "pd")
    assert view.state == "sent" and view.attempts == 2
    [alert] = server.alerts
    assert alert.status == "triggered" and alert.dedup_key == view.provider_id


def test_timeout_then_retry_statuspage_finds_the_incident_it_created(
    store: Any, incident: str, statuspage_server: StatuspageServer
) -> None:
    server = statuspage_server
    save_target(
        store,
        "status",
        "statuspage",
        base_url=server.api_url,
        options={"page_id": server.page_id},
        secret=server.api_key,
    )
    view = _hang_then_retry(store, incident, server, "status")
    assert view.state == "sent" and view.attempts == 2
    [created] = server.incidents.values()
    assert view.provider_id == created["id"]
    # The create landed: the retry recognises its own update instead of posting it again.
    assert len(created["incident_updates"]) == 1
    assert [r.method for r in server.requests] == ["POST", "GET"]

    # The same for an update to that incident whose answer was lost.
    server.reset()
    again = _hang_then_retry(store, incident, server, "status")
    assert again.state == "sent" and again.provider_id == created["id"]
    assert len(created["incident_updates"]) == 2
    assert [r.method for r in server.requests] == ["PATCH", "GET"]


def test_timeout_then_retry_cachet_finds_what_it_posted(
    store: Any, incident: str, cachet_server: CachetServer
) -> None:
    server = cachet_server
    save_target(store, "cachet", "cachet", base_url=server.url, secret=server.token)
    view = _hang_then_retry(store, incident, server, "cachet")
    assert view.state == "sent" and view.attempts == 2
    [created] = server.incidents.values()
    assert view.provider_id == str(created["id"]) and created["updates"] == []

    server.reset()
    again = _hang_then_retry(store, incident, server, "cachet")
    assert again.state == "sent" and again.provider_id == str(created["id"])
    assert len(server.incidents) == 1 and len(created["updates"]) == 1
    assert [r.method for r in server.requests] == ["POST", "GET"]


# (e) a 4xx is permanent and shows the provider's own text -------------------------------


def test_4xx_shows_the_providers_error_and_waits_for_a_person(
    store: Any, incident: str, slack_webhook_server: SlackWebhookServer
) -> None:
    server = slack_webhook_server
    wrong = server.webhook_url.replace("xXxWebhookSecret000000", "wrongSecretValue123456")
    save_target(store, "chat", "slack-webhook", secret=wrong)
    message_id = _send(store, incident, ["chat"])
    [view] = outbox.deliver_due(store)

    assert view.state == "failed" and view.last_error == "refused by Slack (HTTP 404): no_service"
    [entry] = _delivery_entries(store, incident, "chat")
    assert entry.endswith("failed: refused by Slack (HTTP 404): no_service")
    assert outbox.deliver_due(store, utc_now() + timedelta(days=1)) == []
    assert len(server.requests) == 1
    # Fixed by a person (the right URL), then retried.
    save_target(store, "chat", "slack-webhook", secret=server.webhook_url, replace=True)
    deliveries.retry_delivery(store, view.id, "ana")
    _drain(store, message_id)
    assert _deliveries(store, message_id)["chat"].state == "sent"
    assert len(server.posts) == 1


# (f) fan-out to every kind at once, (g) the secrets stay out ---------------------------


def _every_target(
    store: Any,
    statuspage: StatuspageServer,
    cachet: CachetServer,
    slack_webhook: SlackWebhookServer,
    discord: DiscordServer,
    teams: TeamsServer,
    mattermost: MattermostServer,
    matrix: MatrixServer,
    pagerduty: PagerDutyServer,
    smtp: SmtpServer,
) -> list[str]:
    """Every kind except the Slack Web API (tested above); returns the secrets."""
    mail = {
        "host": smtp.host,
        "port": str(smtp.port),
        "starttls": "false",
        "from": "Incident Bot <ic@example.com>",
        "to": "ops@example.com",
        "username": "bot",
    }
    specs: list[tuple[str, str, str | None, dict[str, str], str]] = [
        ("status", "statuspage", statuspage.api_url, {"page_id": statuspage.page_id}, ""),
        ("cachet", "cachet", cachet.url, {}, cachet.token),
        ("slack-hook", "slack-webhook", None, {}, slack_webhook.webhook_url),
        ("discord", "discord", None, {}, discord.webhook_url),
        ("teams", "teams", None, {}, teams.webhook_url),
        ("mattermost", "mattermost", None, {}, mattermost.webhook_url),
        ("matrix", "matrix", matrix.url, {"room_id": matrix.room_id}, matrix.access_token),
        ("pagerduty", "pagerduty", pagerduty.url, {}, pagerduty.routing_key),
        ("mail", "email", None, mail, SMTP_PASSWORD),
    ]
    specs[0] = (*specs[0][:4], statuspage.api_key)
    for name, kind, base_url, options, secret in specs:
        save_target(store, name, kind, base_url=base_url, options=options, secret=secret)
    return [spec[4] for spec in specs]


def _secret_parts(secret: str) -> list[str]:
    """The secret, and for a webhook URL its token: the part that must never leak."""
    return [secret, *(p for p in secret.rsplit("/", 2)[1:] if len(p) >= 16)]


def _everything_in(store: Any) -> str:
    with store.read() as session:
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        )


def test_fan_out_to_every_kind_is_delivered_without_leaking_a_secret(
    store: Any,
    incident: str,
    caplog: pytest.LogCaptureFixture,
    statuspage_server: StatuspageServer,
    cachet_server: CachetServer,
    slack_webhook_server: SlackWebhookServer,
    discord_server: DiscordServer,
    teams_server: TeamsServer,
    mattermost_server: MattermostServer,
    matrix_server: MatrixServer,
    pagerduty_server: PagerDutyServer,
    smtp_server: SmtpServer,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = _every_target(
        store,
        statuspage_server,
        cachet_server,
        slack_webhook_server,
        discord_server,
        teams_server,
        mattermost_server,
        matrix_server,
        pagerduty_server,
        smtp_server,
    )
    names = ["status", "cachet", "slack-hook", "discord", "teams", "mattermost"]
    names += ["matrix", "pagerduty", "mail"]
    internal, public = _send_all(store, incident, names)  # the status pages get their own
    for message_id in (public, internal):
        _drain(store, message_id)

    views = {**_deliveries(store, public), **_deliveries(store, internal)}
    assert set(_deliveries(store, public)) == {"status", "cachet"}
    assert {name: v.state for name, v in views.items()} == dict.fromkeys(names, "sent")
    for name in names:
        [entry] = _delivery_entries(store, incident, name)
        assert entry.startswith("Delivered"), entry
    assert len(statuspage_server.incidents) == 1 and len(cachet_server.incidents) == 1
    assert len(slack_webhook_server.posts) == 1 and len(discord_server.messages) == 1
    assert len(teams_server.cards) == 1 and len(mattermost_server.posts) == 1
    assert len(matrix_server.events) == 1 and len(pagerduty_server.alerts) == 1
    assert len(smtp_server.received) == 1

    # (g) Not in the database (every table, timeline included), not in the log.
    stored, logged = _everything_in(store), caplog.text
    for secret in secrets:
        for part in _secret_parts(secret):
            assert part not in stored, part
            assert part not in logged, part


def test_failures_do_not_leak_the_secret_either(
    store: Any,
    incident: str,
    caplog: pytest.LogCaptureFixture,
    discord_server: DiscordServer,
    matrix_server: MatrixServer,
    pagerduty_server: PagerDutyServer,
) -> None:
    """Errors, retries and timeouts write texts too: they stay secret-free."""
    caplog.set_level(logging.DEBUG)
    wrong_hook = discord_server.webhook_url.replace(discord_server.token, "W" * 40)
    save_target(store, "discord", "discord", secret=wrong_hook)
    save_target(
        store,
        "matrix",
        "matrix",
        base_url=matrix_server.url,
        options={"room_id": matrix_server.room_id},
        secret=matrix_server.access_token,
    )
    wrong_key = "K" * 32
    save_target(store, "pagerduty", "pagerduty", base_url=pagerduty_server.url, secret=wrong_key)
    matrix_server.fail_next(1, status=502)
    _send(store, incident, ["discord", "matrix", "pagerduty"])
    views = {v.target_name: v for v in outbox.deliver_due(store, timeout=5)}
    assert views["discord"].state == "failed" and views["pagerduty"].state == "failed"
    assert views["matrix"].state == "pending"

    stored, logged = _everything_in(store), caplog.text
    for secret in (wrong_hook, matrix_server.access_token, wrong_key):
        for part in _secret_parts(secret):
            assert part not in stored, part
            assert part not in logged, part


def test_email_refused_for_one_recipient_says_so_on_the_delivery_and_timeline(
    store: Any, incident: str, smtp_server: SmtpServer
) -> None:
    """The mail went out to the others, so it is sent; who did not get it is not lost."""
    smtp_server.refuse["gone@example.com"] = "550 5.1.1 No such user"
    options = {
        "host": smtp_server.host,
        "port": str(smtp_server.port),
        "starttls": "false",
        "from": "ic@example.com",
        "to": "ops@example.com, gone@example.com",
    }
    save_target(store, "mail", "email", options=options, secret=SMTP_PASSWORD)
    message_id = _send(store, incident, ["mail"])
    _drain(store, message_id)

    [mail] = smtp_server.received
    assert mail.recipients == ["ops@example.com"]
    view = _deliveries(store, message_id)["mail"]
    assert view.state == "sent"
    assert "gone@example.com (550 5.1.1 No such user)" in (view.last_error or "")
    [entry] = _delivery_entries(store, incident, "mail")
    assert entry.startswith("Delivered") and "not accepted for: gone@example.com" in entry


def test_an_smtp_server_echoing_the_auth_blob_leaks_no_form_of_the_password(
    store: Any, incident: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The refusal quotes AUTH PLAIN's base64 of ``\\0user\\0password``: it must reach neither
    the delivery, the timeline, the store nor the JSON export, in any encoding."""
    from commander.exports.render import export_incident

    caplog.set_level(logging.DEBUG)
    server = SmtpServer(password=SMTP_PASSWORD, echo_auth=True).start()
    try:
        options = {
            "host": server.host,
            "port": str(server.port),
            "starttls": "false",
            "from": "ic@example.com",
            "to": "ops@example.com",
        }
        save_target(store, "mail", "email", options=options, secret=SMTP_PASSWORD)
        message_id = _send(store, incident, ["mail"])
        _drain(store, message_id)
    finally:
        server.stop()

    view = _deliveries(store, message_id)["mail"]
    assert view.state == "failed"
    assert (view.last_error or "").startswith(
        "refused by the mail server (SMTP 535): 5.7.8 Authentication failed for PLAIN "
    )
    [entry] = _delivery_entries(store, incident, "mail")
    exported = export_incident(store, incident, "json", None).decode()
    assert "Authentication failed for PLAIN" in exported
    # The app's own log; the test server (aiosmtpd's "mail.log") logs what it sends.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("commander"))
    for text in (view.last_error or "", entry, exported, _everything_in(store), logged):
        assert_no_form_of(SMTP_PASSWORD, text)
