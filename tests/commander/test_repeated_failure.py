"""A job failing at every tick (the database server away) is logged when it starts
failing and when it works again, not at each try."""

from __future__ import annotations

import logging

import pytest

from commander.logs import RepeatedFailure


def test_a_run_of_failures_is_one_line_and_its_end_another(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("test.repeated")
    failures = RepeatedFailure(log, "outbox pass")
    with caplog.at_level(logging.INFO, logger="test.repeated"):
        failures.worked()  # working all along: nothing to say
        for _ in range(20):
            failures.failed(ConnectionError("server closed the connection"))
        failures.worked()
        failures.worked()
        failures.failed(TimeoutError("timed out"))
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            "outbox pass failed (tried again until it works): server closed the connection",
        ),
        ("INFO", "outbox pass works again"),
        ("WARNING", "outbox pass failed (tried again until it works): timed out"),
    ]
