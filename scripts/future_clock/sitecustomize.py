"""Loaded by every Python that scripts/test-future starts (it is put on PYTHONPATH).

libfaketime 0.9.10 (Debian bookworm) with FAKETIME_DONT_FAKE_MONOTONIC=1 answers
clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...) with EINVAL, and that is the
call Python's time.sleep makes on Linux. Timed lock waits, select, Qt timers and
QThread sleeps work as they are. So under libfaketime only, time.sleep waits in
select() against the (real) monotonic clock instead. Nothing changes without it.
"""

from __future__ import annotations

import os
import select
import time

if "faketime" in os.environ.get("LD_PRELOAD", ""):

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
