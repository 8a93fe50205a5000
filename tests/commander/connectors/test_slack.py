"""Slack: incoming webhook and Web API against their contract servers."""

from __future__ import annotations

from dataclasses import replace

import requests

from commander.connectors.base import Delivery, Target, connector_for
from commander.connectors.slack import channel_name_for, create_channel
from tests.commander.connectors.conftest import XSS, first_delivery, make_message
from tests.support.contracts.slack import SlackApiServer, SlackWebhookServer

WEBHOOK = "https://hooks.slack.com/services/T0001/B0001/xXxWebhookSecret000000"


def webhook_target(server: SlackWebhookServer) -> Target:
    return Target(name="ops", kind="slack-webhook", base_url=server.url)


def api_target(server: SlackApiServer, channel: str = "C0INCIDENT") -> Target:
    return Target(name="ops", kind="slack", base_url=server.api_url, options={"channel": channel})


def test_webhook_posts_blocks_and_text(
    slack_webhook_server: SlackWebhookServer, session: requests.Session
) -> None:
    connector = connector_for("slack-webhook")
    outcome = connector.deliver(
        make_message(), webhook_target(slack_webhook_server), WEBHOOK, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error
    (post,) = slack_webhook_server.posts
    assert post["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "[INCIDENT] Checkout errors", "emoji": True},
    }
    assert "*Status:* Investigating" in post["blocks"][1]["text"]["text"]
    assert "• 10:05 paged on-call" in post["blocks"][1]["text"]["text"]


def test_webhook_server_error_retries(
    slack_webhook_server: SlackWebhookServer, session: requests.Session
) -> None:
    connector = connector_for("slack-webhook")
    target = webhook_target(slack_webhook_server)
    slack_webhook_server.fail_next(1, status=500)
    failed = connector.deliver(make_message(), target, WEBHOOK, first_delivery(), session, 5)
    assert (failed.status, failed.error) == (
        "retry",
        "Slack had a server error (HTTP 500): rollup_error",
    )


def test_webhook_refuses_plain_http_to_a_remote_host(session: requests.Session) -> None:
    target = Target(name="ops", kind="slack-webhook", base_url="http://hooks.example.com")
    outcome = connector_for("slack-webhook").deliver(
        make_message(), target, WEBHOOK, first_delivery(), session, 5
    )
    assert outcome.status == "failed"
    assert "HTTPS is required" in (outcome.error or "")
    assert "xXxWebhookSecret" not in (outcome.error or "")


def test_api_first_post_then_threaded_replies(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    connector = connector_for("slack")
    target = api_target(slack_api_server, channel="#incidents")
    token = slack_api_server.token
    first = connector.deliver(make_message(), target, token, first_delivery(1), session, 5)
    assert first.status == "sent", first.error
    root_ts = first.state["thread_ts"]
    assert first.state["channel"] == "C0INCIDENT"
    assert first.provider_id == f"C0INCIDENT:{root_ts}"

    later = Delivery(delivery_id=2, attempt=1, state=first.state)
    second = connector.deliver(make_message(body="rolled back"), target, token, later, session, 5)
    resolved = make_message(status="resolved", body="fixed")
    third = connector.deliver(resolved, target, token, Delivery(3, 1, second.state), session, 5)
    assert second.status == third.status == "sent"
    assert second.state["thread_ts"] == third.state["thread_ts"] == root_ts
    root, reply, last = slack_api_server.messages
    assert root["thread_ts"] is None
    assert reply["thread_ts"] == last["thread_ts"] == root_ts
    assert (reply["reply_broadcast"], last["reply_broadcast"]) == (False, True)


def test_api_ok_false_is_permanent_with_slack_error(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    target = api_target(slack_api_server, channel="C404")
    outcome = connector_for("slack").deliver(
        make_message(), target, slack_api_server.token, first_delivery(), session, 5
    )
    assert (outcome.status, outcome.error) == (
        "failed",
        "refused by Slack (chat.postMessage): channel_not_found",
    )


def test_api_rate_limit_retries_after_header(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    slack_api_server.throttle_next(1, retry_after=7)
    outcome = connector_for("slack").deliver(
        make_message(),
        api_target(slack_api_server),
        slack_api_server.token,
        first_delivery(),
        session,
        5,
    )
    assert (outcome.status, outcome.retry_after) == ("retry", 7.0)


def test_api_channel_rate_window_answers_429(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    slack_api_server.channel_rate.limit = 1
    connector = connector_for("slack")
    target = api_target(slack_api_server)
    token = slack_api_server.token
    assert (
        connector.deliver(make_message(), target, token, first_delivery(), session, 5).status
        == "sent"
    )
    second = connector.deliver(make_message(), target, token, first_delivery(), session, 5)
    assert second.status == "retry"
    assert second.retry_after is not None and 1 <= second.retry_after <= 10


def test_long_update_is_split_and_cut_with_warning() -> None:
    body = "\n".join(f"- line {i} " + "x" * 90 for i in range(200))  # ~20k characters
    rendered = connector_for("slack").render(make_message(body=body), Target("o", "slack"))
    blocks = rendered.payload["blocks"]  # type: ignore[index]
    sections = [b["text"]["text"] for b in blocks[1:]]
    assert all(len(text) <= 3000 for text in sections)
    assert sum(len(text) for text in sections) <= 12_000
    assert any("12,000 characters (Slack limit)" in w for w in rendered.warnings)
    assert any("channel" in w for w in rendered.warnings)


def test_header_cut_never_splits_an_emoji() -> None:
    headline = "[INCIDENT] " + "🔥" * 200
    rendered = connector_for("slack-webhook").render(
        make_message(headline=headline), Target("o", "slack-webhook")
    )
    header = rendered.payload["blocks"][0]["text"]["text"]  # type: ignore[index]
    assert len(header.encode("utf-16-le")) // 2 <= 150
    header.encode("utf-8")  # a split surrogate pair would not encode
    assert header.endswith("…") and rendered.warnings


def test_markup_in_text_is_escaped() -> None:
    rendered = connector_for("slack-webhook").render(
        make_message(headline=f"[INCIDENT] {XSS}", body=f"{XSS}\n<!channel> ping"),
        Target("o", "slack-webhook"),
    )
    text = rendered.payload["blocks"][1]["text"]["text"]  # type: ignore[index]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&lt;!channel&gt;" in text
    assert "<javascript:" not in text
    assert "&lt;script&gt;" in rendered.payload["text"]  # type: ignore[index]


def test_create_channel_normalises_and_reports_name_taken(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    target = api_target(slack_api_server)
    created = create_channel(target, slack_api_server.token, "INC-12 Checkout errors!", session, 5)
    assert created.status == "sent", created.error
    assert created.state["channel_name"] == "inc-12-checkout-errors"
    assert slack_api_server.channels[created.provider_id or ""] == "inc-12-checkout-errors"
    again = create_channel(target, slack_api_server.token, "inc-12 checkout errors", session, 5)
    assert (again.status, again.error) == (
        "failed",
        "refused by Slack (conversations.create): name_taken",
    )


def test_channel_names_follow_slack_rules() -> None:
    assert channel_name_for("  INC-7: DB / Cache  ") == "inc-7-db-cache"
    assert len(channel_name_for("a" * 200)) == 80
    assert channel_name_for("!!!") == ""


def test_unreachable_host_retries_without_the_secret(session: requests.Session) -> None:
    target = replace(Target("o", "slack-webhook"), base_url="https://127.0.0.1:1")
    outcome = connector_for("slack-webhook").deliver(
        make_message(), target, WEBHOOK, first_delivery(), session, 2
    )
    assert outcome.status == "retry"  # nothing listens: a network error, retried
    assert "xXxWebhookSecret" not in (outcome.error or "")


def test_api_post_timeout_is_not_retried_blindly_and_hides_the_token(
    slack_api_server: SlackApiServer, session: requests.Session
) -> None:
    slack_api_server.hang_next(1, seconds=1)
    outcome = connector_for("slack").deliver(
        make_message(),
        api_target(slack_api_server),
        slack_api_server.token,
        first_delivery(),
        session,
        0.2,
    )
    assert outcome.status == "failed"
    assert outcome.error is not None and outcome.error.startswith("timed out: 127.0.0.1:")
    assert "may have been posted" in outcome.error and slack_api_server.token not in outcome.error


def test_the_preview_shows_the_text_as_slack_will() -> None:
    body = "**Impact:** p99 > 2 s & <rising>; typed &lt; stays\n- see [the graph](https://g.example/x?a=1&b=2)"
    for kind in ("slack-webhook", "slack"):
        rendered = connector_for(kind).render(
            make_message(body=body), Target("o", kind, options={"channel": "C1"})
        )
        sent = rendered.payload["blocks"][1]["text"]["text"]  # type: ignore[index]
        assert "p99 &gt; 2 s &amp; &lt;rising&gt;" in sent  # Slack needs these escaped
        assert "*Impact:* p99 > 2 s & <rising>; typed &lt; stays" in rendered.preview
        assert "• see the graph (https://g.example/x?a=1&b=2)" in rendered.preview
        assert "&gt;" not in rendered.preview and "&amp;" not in rendered.preview


def test_json_posts_declare_utf8_so_slack_does_not_warn_missing_charset(
    slack_api_server: SlackApiServer,
    slack_webhook_server: SlackWebhookServer,
    session: requests.Session,
) -> None:
    message = make_message(body="Zahlungen schlagen fehl — 決済エラー 💥")
    api = connector_for("slack").deliver(
        message, api_target(slack_api_server), slack_api_server.token, first_delivery(), session, 5
    )
    created = create_channel(
        api_target(slack_api_server), slack_api_server.token, "inc-9", session, 5
    )
    hook = connector_for("slack-webhook").deliver(
        message, webhook_target(slack_webhook_server), WEBHOOK, first_delivery(), session, 5
    )
    assert api.status == created.status == hook.status == "sent"
    assert slack_api_server.warnings == slack_webhook_server.warnings == []
    sent = slack_api_server.requests + slack_webhook_server.requests
    assert {r.header("content-type") for r in sent} == {"application/json; charset=utf-8"}
