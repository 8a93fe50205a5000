"""How long the window's response panels take to reload, on a busy incident.

Prints medians (no pass/fail): each panel's own read (the checklist on a
checklist change, the roles on a role change, the time per phase on a header
change: a panel reads only for the aspects it shows), a checklist check (one
write with its timeline entry), and the first look at a fresh incident (fills it
from the template). Usage: ``.venv/bin/python bench/response_state.py [ENTRIES]``.
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
from commander.services.phase_times import phase_times
from commander.services.roles import current_roles
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
    store = open_store(str(Path(tempfile.mkdtemp()) / "bench.sqlite"), create=True)
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
    reads: list[tuple[str, Callable[[], object]]] = [
        ("checklist panel (checklist)", lambda: checklist(store, ref)),
        ("roles (header)", lambda: current_roles(store, ref)),
        ("time per phase (phase bar)", lambda: phase_times(store, ref)),
    ]
    for name, read in reads:
        print(f"{name + ':':32}{median_ms(read, 30):.1f} ms")
    print(f"check + uncheck (two writes):  {median_ms(toggle, 30):.1f} ms")
    print(f"declare + first checklist look: {median_ms(first_look, 15):.1f} ms")
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
