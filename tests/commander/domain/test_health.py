"""Health check rules: which targets are accepted, what a probe means, the schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain.health import (
    HealthState,
    ProbeOutcome,
    ProbeSchedule,
    all_green_since,
    change_text,
    green_for,
    label_of,
    next_state,
    parse_every,
    parse_slow_ms,
    parse_target,
    probe_timeout,
    short_error,
)
from commander.errors import InvalidInputError

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
UP, DOWN, SLOW, UNKNOWN = HealthState.UP, HealthState.DOWN, HealthState.SLOW, HealthState.UNKNOWN


@pytest.mark.parametrize(
    ("given", "text", "label", "port"),
    [
        ("https://api.example.com/healthz", "https://api.example.com/healthz", None, 443),
        ("HTTP://API.Example.com:8080/h?x=1#top", "http://api.example.com:8080/h?x=1", None, 8080),
        ("  http://127.0.0.1:5000/  ", "http://127.0.0.1:5000/", "127.0.0.1:5000", 5000),
        ("tcp://db-eu-1:5432", "tcp://db-eu-1:5432", "db-eu-1:5432", 5432),
        ("tcp://[::1]:6379/", "tcp://[::1]:6379", "[::1]:6379", 6379),
        ("http://checkout_api:8000/ping", "http://checkout_api:8000/ping", None, 8000),
    ],
)
def test_accepted_targets_are_normalised(
    given: str, text: str, label: str | None, port: int
) -> None:
    target = parse_target(given)
    assert target.text == text
    assert target.port == port
    if label is not None:
        assert target.label == label
    assert parse_target(target.text) == target  # stored text parses to the same target


def test_the_label_is_host_port_and_path_without_the_query() -> None:
    assert parse_target("https://api.example.com/healthz?deep=1").label == "api.example.com/healthz"
    assert parse_target("https://api.example.com/").label == "api.example.com"
    assert label_of("not a target") == "not a target"


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "no health target"),
        ("ftp://files.example.com/", "give an http:// or https:// URL, or tcp://HOST:PORT"),
        ("file:///etc/passwd", "give an http:// or https:// URL"),
        ("localhost:8080", "give an http:// or https:// URL"),
        ("api.example.com/health", "give an http:// or https:// URL"),
        ("http://", "give an http:// or https:// URL"),
        ("http://:80/", "names no host"),
        ("tcp://db", "tcp:// needs a port"),
        ("tcp://db:5432/path", "tcp:// takes HOST:PORT only"),
        ("tcp://db:70000", "the port must be 1 to 65535"),
        ("http://db:0/", "the port must be 1 to 65535"),
        ("http://bad host/", "spaces or control characters"),
        ("http://a\x00b/", "spaces or control characters"),
        ("http://-bad-.example.com/", "is not a host name"),
        ("http://" + "a" * 2000 + ".com/", "over 2000 characters"),
    ],
)
def test_anything_else_is_refused_in_one_line(given: str, says: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_target(given)
    message = str(refused.value)
    assert says in message and "\n" not in message


@pytest.mark.parametrize(
    "given",
    [
        "http://ana:hunter2-pass@api.example.com/",
        "ftp://ana:hunter2-pass@x/",
        "tcp://ana:hunter2-pass@db:1",
    ],
)
def test_a_password_in_a_target_is_refused_and_never_echoed(given: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_target(given)
    assert "hunter2" not in str(refused.value) and "ana" not in str(refused.value)


def test_interval_and_threshold_are_whole_numbers_in_range() -> None:
    assert parse_every("30") == 30 and parse_slow_ms(" 800 ") == 800
    for bad in ("0", "3601", "1.5", "-1", "soon", "²"):
        with pytest.raises(InvalidInputError):
            parse_every(bad)
    for bad in ("0", "600001", "fast"):
        with pytest.raises(InvalidInputError):
            parse_slow_ms(bad)


def test_the_probe_timeout_grows_with_the_slow_threshold_within_limits() -> None:
    assert probe_timeout(100) == 2.0
    assert probe_timeout(2000) == 6.0
    assert probe_timeout(60_000) == 10.0


def outcome(ok: bool = True, latency: int | None = 50, error: str | None = None) -> ProbeOutcome:
    return ProbeOutcome(T0, ok, latency, error)


@pytest.mark.parametrize(
    ("current", "seen", "new"),
    [
        (UNKNOWN, outcome(), UP),
        (UNKNOWN, outcome(False, error="refused"), DOWN),
        (UP, outcome(False, error="HTTP 500"), DOWN),
        (DOWN, outcome(), UP),
        (UP, outcome(latency=801), SLOW),
        (SLOW, outcome(latency=120), UP),
        (SLOW, outcome(False, error="timed out"), DOWN),
        (DOWN, outcome(latency=900), SLOW),
        (UP, outcome(latency=800), None),  # at the threshold is not over it
        (UP, outcome(), None),
        (DOWN, outcome(False, error="refused"), None),
        (SLOW, outcome(latency=5000), None),
    ],
)
def test_the_state_machine(
    current: HealthState, seen: ProbeOutcome, new: HealthState | None
) -> None:
    assert next_state(current, seen, slow_ms=800) == new


def test_change_texts() -> None:
    assert (
        change_text("api", UP, DOWN, outcome(False, 3, "HTTP 503"), 800) == "api is down: HTTP 503"
    )
    assert change_text("api", DOWN, UP, outcome(latency=42), 800) == "api is up again (42 ms)"
    assert change_text("api", UNKNOWN, UP, outcome(latency=42), 800) == "api is up (42 ms)"
    assert (
        change_text("api", UP, SLOW, outcome(latency=950), 800)
        == "api is slow: 950 ms (threshold 800 ms)"
    )


def test_all_green_since_is_the_latest_up_and_needs_every_check_up() -> None:
    later = T0 + timedelta(minutes=5)
    assert all_green_since([(UP, T0), (UP, later)]) == later
    assert all_green_since([(UP, T0), (SLOW, later)]) is None
    assert all_green_since([(UP, T0), (UNKNOWN, later)]) is None
    assert all_green_since([]) is None


def test_green_for_reads_like_the_header() -> None:
    assert green_for(timedelta(seconds=30)) == "<1m"
    assert green_for(timedelta(minutes=12, seconds=59)) == "12m"
    assert green_for(timedelta(hours=2, minutes=5)) == "2h 05m"


def test_a_long_error_is_one_short_line() -> None:
    assert short_error("a\n  b") == "a b"
    assert len(short_error("x" * 1000)) == 300


def test_the_schedule_probes_each_check_on_its_interval_never_twice_at_once() -> None:
    schedule = ProbeSchedule()
    schedule.watch([(1, 10), (2, 30)], now=100.0)
    assert schedule.due(100.0) == [1, 2]  # new checks are due at once
    schedule.started(1, 100.0)
    schedule.started(2, 100.0)
    assert schedule.due(115.0) == []  # 1 is due at 110 but still being probed
    schedule.finished(1)
    assert schedule.due(115.0) == [1]
    assert schedule.seconds_to_next(105.0) == 5.0
    schedule.finished(2)
    schedule.watch([(2, 30), (3, 5)], now=120.0)  # 1 removed, 3 added
    assert schedule.watched() == [2, 3]
    assert schedule.due(120.0) == [3]
    assert schedule.due(130.0) == [2, 3]
    schedule.watch([], now=131.0)
    assert schedule.seconds_to_next(131.0) is None
