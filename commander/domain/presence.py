"""Presence: the seats on an incident, and how often they say they are there.

A seat is one window or one terminal session (``commander tail --follow``),
named by the author name it logs under. It writes at most one small row every
``HEARTBEAT_SECONDS`` and counts as present while its last write is at most
``PRESENT_WITHIN`` old: three missed beats before it drops out of sight.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

HEARTBEAT_SECONDS = 10.0
PRESENT_WITHIN = timedelta(seconds=30)
# Rows of a seat that never left cleanly (a crash, a lost laptop) are removed once
# they are this old; until then they are only out of sight.
FORGET_AFTER = timedelta(days=1)
NAME_MAX = 200


class SeatKind(StrEnum):
    WINDOW = "window"
    TERMINAL = "terminal"
