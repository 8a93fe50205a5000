"""The header's delivery lines: per target, where the latest update stands, in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from commander.views.comms import DeliveryView, Standing, span, target_standings

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _delivery(
    id: int, message_id: int, target: str = "Status page", state: str = "sent", **changes: object
) -> DeliveryView:
    view = DeliveryView(
        id=id,
        message_id=message_id,
        target_name=target,
        target_kind="statuspage",
        state=state,
        attempts=1,
        next_attempt_at=T0,
        last_error=None,
        provider_id=None,
        acknowledged_at=T0 if state == "sent" else None,
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def test_failing_and_sent_targets_the_red_ones_first() -> None:
    failing = _delivery(
        1,
        1,
        state="pending",
        attempts=8,
        failing_since=T0,
        last_error="cannot connect to status.example.com: connection refused",
        next_attempt_at=T0 + timedelta(minutes=9),
    )
    slack = _delivery(2, 1, target="Slack", acknowledged_at=T0 + timedelta(minutes=3))
    slack_first = replace(slack, id=0)
    status, chat = target_standings([slack_first, failing])
    now = T0 + timedelta(minutes=8, seconds=40)
    assert status.text(now) == (
        "Status page: failing for 8 min — cannot connect to status.example.com: connection refused"
    )
    assert status.alarming and status.next_attempt_at == T0 + timedelta(minutes=9)
    assert chat.text(now) == "Slack: sent 12:03Z" and not chat.alarming


def test_given_up_and_may_have_been_posted_are_red() -> None:
    given_up = _delivery(
        1, 1, state="failed", attempts=10, failing_since=T0, last_error="gave up after 10 attempts"
    )
    posted = _delivery(2, 1, target="Slack", state="failed", unconfirmed=True, last_error="x")
    gave, maybe = target_standings([given_up, posted])
    assert gave.standing is Standing.FAILED and gave.alarming
    assert gave.text(T0) == "Status page: not delivered — gave up after 10 attempts"
    assert maybe.standing is Standing.UNCONFIRMED and maybe.alarming
    assert maybe.text(T0) == (
        "Slack: may have been posted — check it, then mark sent or send again"
    )


def test_the_latest_update_counts_an_earlier_failure_is_superseded() -> None:
    old = _delivery(1, 1, state="failed", last_error="refused by Statuspage (HTTP 401)")
    new = _delivery(2, 2, acknowledged_at=T0 + timedelta(hours=1))
    [line] = target_standings([new, old])
    assert line.standing is Standing.SENT and line.delivery_id == 2


def test_a_fresh_update_waiting_behind_a_failing_one_shows_that_failure() -> None:
    stuck = _delivery(1, 1, state="pending", failing_since=T0, last_error="timed out")
    waiting = _delivery(2, 2, state="pending", attempts=0)
    [line] = target_standings([stuck, waiting])
    assert line.standing is Standing.FAILING and line.delivery_id == 1
    assert line.text(T0 + timedelta(seconds=40)) == "Status page: failing for 40 s — timed out"
    [alone] = target_standings([waiting])
    assert alone.text(T0) == "Status page: sending…" and not alone.alarming


def test_no_update_no_line() -> None:
    assert target_standings([]) == ()


def test_spans_read_to_the_minute() -> None:
    assert [span(s) for s in (0, 59, 60, 479, 7199, 7200 + 300, 3 * 86400 + 3600)] == [
        "0 s",
        "59 s",
        "1 min",
        "7 min",
        "119 min",
        "2 h 05 min",
        "3 d 01 h",
    ]
