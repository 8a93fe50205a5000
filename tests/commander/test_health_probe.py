"""Probing real targets on 127.0.0.1: up, HTTP errors, closed ports, slow answers, TCP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from commander.domain.health import HealthState, parse_target, state_of
from commander.health_probe import probe
from tests.support.health_server import HealthServer, TcpListener


@pytest.fixture
def server() -> Iterator[HealthServer]:
    running = HealthServer()
    yield running
    running.close()


def test_an_answer_below_400_is_up_with_its_latency(server: HealthServer) -> None:
    seen = probe(parse_target(server.url), timeout=2)
    assert seen.ok and seen.error is None
    assert seen.latency_ms is not None and 0 <= seen.latency_ms < 1000
    assert server.requests == ["/health"]


def test_an_http_error_is_down_with_its_status(server: HealthServer) -> None:
    server.answer(500)
    seen = probe(parse_target(server.url), timeout=2)
    assert not seen.ok and seen.error == "HTTP 500 Internal Server Error"


def test_a_closed_port_is_down_refused(server: HealthServer) -> None:
    server.close()
    seen = probe(parse_target(server.url), timeout=2)
    assert not seen.ok and seen.error == "connection refused"
    server.open()  # the same port answers again
    assert probe(parse_target(server.url), timeout=2).ok


def test_a_delayed_answer_is_slow_and_one_past_the_timeout_is_down(server: HealthServer) -> None:
    server.answer(200, delay=0.3)
    seen = probe(parse_target(server.url), timeout=2)
    assert seen.ok and seen.latency_ms is not None and seen.latency_ms >= 300
    assert state_of(seen, slow_ms=200) is HealthState.SLOW
    late = probe(parse_target(server.url), timeout=0.1)
    assert not late.ok and late.error == "no answer within 0.1 s"


def test_a_redirect_is_not_followed(server: HealthServer) -> None:
    """Probes reach only what the user listed: the place a redirect names is not asked."""
    elsewhere = HealthServer(path="/elsewhere")
    try:
        server.answer(302, location=elsewhere.url)
        seen = probe(parse_target(server.url), timeout=2)
        assert seen.ok  # the listed target answered
        assert elsewhere.hits() == 0
    finally:
        elsewhere.close()


def test_tcp_up_while_listening_refused_once_closed() -> None:
    listener = TcpListener()
    target = parse_target(listener.target)
    up = probe(target, timeout=2)
    assert up.ok and up.latency_ms is not None
    listener.close()
    down = probe(target, timeout=2)
    assert not down.ok and down.error == "connection refused"
