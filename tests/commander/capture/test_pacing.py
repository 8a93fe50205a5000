"""When a channel is read next: each provider's own pace, the provider's asked-for
wait after a refusal, growing waits after failures it gave no time for."""

from __future__ import annotations

from commander.capture.pacing import (
    FOLLOW_INTERVAL,
    MAX_FAILURE_WAIT,
    MAX_RETRY_AFTER,
    CapturePacer,
)


def _next_due(pacer: CapturePacer, key: str, after: float) -> float:
    return after + pacer.seconds_to_next([key], after)


def test_a_new_channel_is_due_at_once() -> None:
    assert CapturePacer().due("c", 100.0)


def test_each_provider_keeps_its_own_pace_unless_one_was_given() -> None:
    pacer = CapturePacer()
    pacer.passed("slack-channel", 0.0, failed=False, provider="slack")
    pacer.passed("room", 0.0, failed=False, provider="matrix")
    assert _next_due(pacer, "room", 0.0) == FOLLOW_INTERVAL
    # A Slack pass reads every thread: twice a minute stays inside Tier 3.
    assert _next_due(pacer, "slack-channel", 0.0) == 30.0
    assert not pacer.due("slack-channel", 29.9) and pacer.due("slack-channel", 30.0)

    given = CapturePacer(2.0)
    given.passed("slack-channel", 0.0, failed=False, provider="slack")
    assert _next_due(given, "slack-channel", 0.0) == 2.0


def test_a_provider_s_retry_after_is_waited_out_within_bounds() -> None:
    pacer = CapturePacer(5.0)
    pacer.passed("c", 0.0, failed=True, retry_after=42.0)
    assert _next_due(pacer, "c", 0.0) == 42.0
    pacer.passed("c", 0.0, failed=True, retry_after=1.0)  # never sooner than the pace
    assert _next_due(pacer, "c", 0.0) == 5.0
    pacer.passed("c", 0.0, failed=True, retry_after=10 * MAX_RETRY_AFTER)
    assert _next_due(pacer, "c", 0.0) == MAX_RETRY_AFTER


def test_failures_without_a_wait_double_up_to_a_minute_and_a_success_resets() -> None:
    pacer = CapturePacer(5.0)
    waits = []
    for _ in range(6):
        pacer.passed("c", 0.0, failed=True)
        waits.append(_next_due(pacer, "c", 0.0))
    assert waits == [5.0, 10.0, 20.0, 40.0, MAX_FAILURE_WAIT, MAX_FAILURE_WAIT]
    pacer.passed("c", 0.0, failed=False)
    pacer.passed("c", 0.0, failed=True)
    assert _next_due(pacer, "c", 0.0) == 5.0


def test_channels_no_longer_captured_are_forgotten() -> None:
    pacer = CapturePacer(5.0)
    pacer.passed("gone", 0.0, failed=True)
    pacer.passed("kept", 0.0, failed=False)
    pacer.forget_all_but(["kept"])
    assert pacer.due("gone", 0.0) and not pacer.due("kept", 0.0)
