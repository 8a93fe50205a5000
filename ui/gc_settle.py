"""Keep Python's garbage collector from stalling the event loop.

A full (generation 2) collection walks every object alive, and after Qt,
SQLAlchemy and the ORM are loaded that is hundreds of thousands of objects:
measured here at 80-100 ms, twice the UI's 50 ms budget (bench/fanout.py).
Objects loaded at start-up live as long as the app, so once the store is open
they are moved out of the collector's sight with ``gc.freeze()``; later
collections only walk what was created since.
"""

from __future__ import annotations

import gc


def settle_after_startup() -> None:
    """Call once the heavy modules are loaded (the store is open)."""
    # No gc.collect() first: that would be the very stall this avoids. The few
    # garbage cycles frozen with the rest stay in memory; that is all they cost.
    gc.freeze()
