"""Team benchmark: many seats logging at once while one `tail --follow` seat watches.

PostgreSQL (a fresh database on the server named by COMMANDER_TEST_PG_URL, dropped
afterwards): 8 writer processes log 500 entries each into one incident, all
starting together, each entry its own transaction (``services.timeline.log_entry``,
as the CLI and the window write). One ``commander tail INC-1 --follow --json``
process follows the incident; each line it prints is stamped the moment it is read.
Then the same with 4 processes on a SQLite file.

Prints the writers' throughput, whether the store holds exactly the entries written
(none lost, none doubled) and the tail saw each once, and the commit-to-seen latency
per entry: from the moment ``log_entry`` returned in its writer (the commit
acknowledged) to the moment the tail's line for it was read (p50, p99, max; target:
max ≤ 1 s). Exits 1 if an entry is missing or doubled, in the store or in the tail.

Run: ``.venv/bin/python bench/team.py [--entries N] [--only postgres|sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PG_ENV = "COMMANDER_TEST_PG_URL"
LATENCY_TARGET_S = 1.0
REF = "INC-1"


def write_entries(url: str, writer: int, count: int, ready: Any, start: Any, results: Any) -> None:
    """One seat: ``count`` entries, one transaction each; when each was acknowledged."""
    from commander.services.incidents import get_incident
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    store = open_store(url, create=False)
    get_incident(store, REF, with_timeline=False)  # connected and warm before the start
    acknowledged: dict[str, float] = {}
    ready.put(writer)
    start.wait()
    for number in range(count):
        text = f"w{writer}-{number}"
        log_entry(store, REF, text, author=f"writer{writer}")
        acknowledged[text] = time.time()
    store.close()
    results.put(acknowledged)


class TailSeat:
    """``commander tail REF --follow --json`` in a process of its own; every line it
    prints is stamped when read."""

    def __init__(self, url: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "commander", "--db", url, "tail", REF, "--follow", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # "commander: interrupted" when it is stopped
            text=True,
            bufsize=1,
            env=env,
        )
        self.seen: list[tuple[str, float]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.seen.append((json.loads(line)["text"], time.time()))

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.seen) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.seen) >= count

    def stop(self) -> None:
        self.process.send_signal(2)  # Ctrl-C, as a person ends it
        self.process.wait(timeout=30)
        self._reader.join(timeout=5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(label: str, url: str, processes: int, entries: int) -> bool:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident, get_incident
    from commander.store.engine import open_store

    store = open_store(url, create=True)
    declare_incident(store, "Team bench", Severity.P2, author="bench")
    tail = TailSeat(url)
    if not tail.wait_for(1, 60):  # it printed the declaration: it follows now
        print(f"{label}: the tail seat never started")
        return False
    context = multiprocessing.get_context("spawn")
    ready, start, results = context.Queue(), context.Event(), context.Queue()
    writers = [
        context.Process(target=write_entries, args=(url, index, entries, ready, start, results))
        for index in range(processes)
    ]
    for writer in writers:
        writer.start()
    for _ in writers:  # every writer has opened its store and waits for the start
        ready.get(timeout=120)
    began = time.time()
    start.set()
    acknowledged: dict[str, float] = {}
    for _ in writers:
        acknowledged.update(results.get(timeout=600))
    for writer in writers:
        writer.join()
    written_in = max(acknowledged.values()) - began
    expected = processes * entries
    tail.wait_for(expected + 1, 30)
    tail.stop()

    stored = Counter(e.text for e in get_incident(store, REF).timeline if e.kind == "note")
    store.close()
    doubled = sum(1 for count in stored.values() if count > 1)
    tailed = Counter(text for text, _ in tail.seen[1:])
    tail_doubled = sum(1 for count in tailed.values() if count > 1)
    latencies = [seen - acknowledged[text] for text, seen in tail.seen[1:] if text in acknowledged]

    print(f"{label}: {processes} processes × {entries} entries, each its own transaction")
    print(
        f"  writers: {expected} entries in {written_in:.2f} s "
        f"({expected / written_in:.0f} entries/s all together)"
    )
    exact = sum(stored.values()) == expected and set(stored) == set(acknowledged) and not doubled
    print(
        f"  store: {sum(stored.values())} entries, {len(stored)} distinct, {doubled} doubled: "
        f"{'PASS' if exact else 'FAIL'} (exactly {expected}, none doubled)"
    )
    complete = set(tailed) == set(acknowledged) and not tail_doubled
    print(
        f"  tail --follow: saw {sum(tailed.values())} entries, {tail_doubled} twice: "
        f"{'PASS' if complete else 'FAIL'}"
    )
    if latencies:
        worst = max(latencies)
        verdict = "PASS" if worst <= LATENCY_TARGET_S else "FAIL"
        print(
            f"  commit-to-seen: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {worst * 1000:.0f} ms "
            f"(target max ≤ {LATENCY_TARGET_S * 1000:.0f} ms) {verdict}"
        )
    return exact and complete


@contextmanager
def fresh_postgres_database(base: str) -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_team_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500, help="per writer process")
    parser.add_argument("--postgres-processes", type=int, default=8)
    parser.add_argument("--sqlite-processes", type=int, default=4)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    args = parser.parse_args()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (shared: figures are noisy)")
    sound = True
    if args.only != "sqlite":
        base = os.environ.get(PG_ENV)
        if not base:
            print(f"PostgreSQL: skipped, {PG_ENV} is not set")
        else:
            with fresh_postgres_database(base) as url:
                sound &= run("PostgreSQL", url, args.postgres_processes, args.entries)
    if args.only != "postgres":
        with tempfile.TemporaryDirectory(prefix="bench-team-") as folder:
            url = str(Path(folder) / "incidents.sqlite")
            sound &= run("SQLite", url, args.sqlite_processes, args.entries)
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
