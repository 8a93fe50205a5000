"""Shared pieces for the connector tests: a message, a session (the contract servers
come from tests/commander/conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests

from commander.connectors.base import Delivery, Message

XSS = '<script>alert("x")</script> & <img src=x onerror=alert(1)> [click](javascript:alert(1))'


def make_message(**changes: Any) -> Message:
    base = Message(
        incident_ref="INC-12",
        incident_title="Checkout errors",
        severity="P1",
        phase="triage",
        template="update",
        headline="[INCIDENT] Checkout errors",
        body=(
            "**Status:** Investigating\n**Impact:** 5% of checkouts fail\n**ETA:** unknown\n\n"
            "## Updates\n- 10:05 paged on-call\n- 10:12 rolled back to v1.4.2\n\n"
            "**Next update:** 10:45 UTC"
        ),
        fields={"Status": "Investigating", "Impact": "5% of checkouts fail", "ETA": "unknown"},
    )
    return replace(base, **changes)


def first_delivery(delivery_id: int = 7) -> Delivery:
    return Delivery(delivery_id=delivery_id, attempt=1)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


def wait_for(condition: Callable[[], bool], seconds: float = 5) -> None:
    """For effects a contract server applies after the client gave up (a hung request)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
