"""How long the window's response panels take to reload, on a busy incident.

Prints medians (no pass/fail): ``response_state`` (checklist + roles + time per
phase; what every timeline change triggers), a checklist check (one write with
its timeline entry), and the first look at a fresh incident (fills it from the
template). Usage: ``.venv/bin/python bench/response_state.py [ENTRIES]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from commander.domain import EntryKind, Phase, Severity
from commander.services.checklist import add_item, check_item, checklist, uncheck_item
from commander.services.incidents import change_phase, declare_incident
from commander.services.response import response_state
from commander.services.timeline import log_entry
from commander.store.engine import open_store


def median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(entries: int) -> None:
    store = open_store(str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    ref = declare_incident(store, "Busy incident", Severity.P0, author="bench").ref
    for n in range(entries):
        log_entry(store, ref, f"entry {n}", author="bench", kind=EntryKind.ACTION)
    for phase in (Phase.TRIAGE, Phase.MITIGATE, Phase.TRIAGE, Phase.MITIGATE):
        change_phase(store, ref, phase, author="bench")
    for n in range(100):
        add_item(store, ref, f"extra item {n}", author="bench")
    item = checklist(store, ref).items[0].id

    def toggle() -> None:
        check_item(store, ref, item, author="bench")
        uncheck_item(store, ref, item, author="bench")

    def first_look() -> None:
        fresh = declare_incident(store, "Fresh", Severity.P0, author="bench").ref
        checklist(store, fresh)

    print(f"incident with {entries} entries, {len(checklist(store, ref).items)} checklist items")
    print(
        f"response_state (panel reload): {median_ms(lambda: response_state(store, ref), 30):.1f} ms"
    )
    print(f"check + uncheck (two writes):  {median_ms(toggle, 30):.1f} ms")
    print(f"declare + first checklist look: {median_ms(first_look, 15):.1f} ms")
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
