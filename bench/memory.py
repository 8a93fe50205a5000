"""Reports and memory across incidents on a large SQLite store: how long each call takes.

Run: ``.venv/bin/python bench/memory.py [--incidents N] [--entries M] [--runs R]``.
Builds a throwaway store (bulk inserts, the FTS triggers fill the index), then
prints the median of R runs for the report, a search for a common and a rare
word across every timeline, and the similar-incidents ranking.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from commander.services.memory import search_all, similar_incidents
from commander.services.reports import build_report
from commander.store.engine import Store, open_store
from commander.store.orm import Incident, TimelineEntry

_VOCABULARY = (
    "redis payments checkout latency deploy rollback kafka lag disk full postgres replica "
    "certificate dns timeout 5xx queue worker cache eviction login sso search index mobile "
    "crash memory leak cpu throttling network partition failover canary"
)
WORDS = _VOCABULARY.split()
START = datetime(2025, 1, 1, tzinfo=UTC)


def build(store: Store, incidents: int, entries: int, rng: random.Random) -> None:
    incident_rows = []
    entry_rows = []
    version = 0
    for number in range(1, incidents + 1):
        declared = START + timedelta(hours=number * 4)
        title = " ".join(rng.sample(WORDS, 4))
        incident_rows.append(
            {
                "id": number,
                "title": title,
                "summary": " ".join(rng.sample(WORDS, 6)),
                "severity": f"P{rng.randint(0, 4)}",
                "phase": "resolve",
                "declared_at": declared,
                "severity_since": declared,
                "phase_since": declared,
                "impact_started_at": declared - timedelta(minutes=rng.uniform(1, 30)),
                "detected_at": declared,
                "acknowledged_at": declared + timedelta(minutes=rng.uniform(1, 30)),
                "mitigated_at": declared + timedelta(minutes=rng.uniform(30, 120)),
                "resolved_at": declared + timedelta(minutes=rng.uniform(120, 600)),
                "declared_by": "ana",
            }
        )
        for n in range(entries):
            version += 1
            at = declared + timedelta(minutes=n)
            entry_rows.append(
                {
                    "incident_id": number,
                    "occurred_at": at,
                    "recorded_at": at,
                    "author": "bo",
                    "kind": rng.choice(("note", "action", "observation", "decision")),
                    "text": " ".join(rng.choices(WORDS, k=10)),
                    "pinned": n % 10 == 0,
                    "data": None,
                    "version": version,
                }
            )
    with store.write() as session:
        session.execute(insert(Incident), incident_rows)
        session.execute(insert(TimelineEntry), entry_rows)


def median_ms(call: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    store = open_store(str(folder / "bench.sqlite"), create=True)
    try:
        began = time.perf_counter()
        build(store, args.incidents, args.entries, random.Random(1))
        total = args.incidents * args.entries
        print(
            f"store: {args.incidents} incidents, {total} entries, built in "
            f"{time.perf_counter() - began:.1f} s"
        )
        last = f"INC-{args.incidents}"
        cases: list[tuple[str, Callable[[], object]]] = [
            ("report (all time)", lambda: build_report(store)),
            ("search 'redis' (common word)", lambda: search_all(store, "redis")),
            ("search 'redis failover' (two words)", lambda: search_all(store, "redis failover")),
            ("search 'zzz' (no match)", lambda: search_all(store, "zzz")),
            (f"similar {last}", lambda: similar_incidents(store, last)),
        ]
        for name, call in cases:
            print(f"{name:<40} median {median_ms(call, args.runs):8.1f} ms")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
