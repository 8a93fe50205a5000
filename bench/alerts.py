"""Alert receiver benchmark: a burst of 1,000 notifications in 10 s while the store is busy.

A real receiver (commander/alert_receiver.py) on 127.0.0.1 over a throwaway SQLite
store. Eight client threads, each with its own keep-alive connection, send 1,000
distinct Alertmanager notifications on a fixed schedule, 100 a second, across 50
alert groups (5 of them critical, so they declare incidents and every later
notification logs on them). Meanwhile another connection keeps the store busy:
it holds the write lock 200 ms out of every 250 ms, as a long write would. Then
the first 100 notifications are sent again, as Alertmanager repeats them.

Prints how fast the answers came (p50, p99, max; target: p99 within 100 ms while
the store is busy), how fast the inbox took the notifications in, and whether
each was stored exactly once. Exits 1 if one was refused, lost or stored twice.

Run: ``.venv/bin/python bench/alerts.py [--count N] [--seconds S]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token-0123456789abcdef"
GROUPS, CRITICAL_GROUPS, CLIENTS, REPEATS = 50, 5, 8, 100
LATENCY_TARGET_MS = 100.0
HOLD_S, EVERY_S = 0.200, 0.250  # the busy writer: lock held 200 ms of every 250 ms


def notification(index: int) -> bytes:
    group = index % GROUPS
    severity = "critical" if group < CRITICAL_GROUPS else "warning"
    alert = {
        "status": "firing",
        "labels": {
            "alertname": f"Bench{group:02d}",
            "severity": severity,
            "instance": f"host-{index:04d}",
        },
        "annotations": {"summary": f"bench alert {index}"},
        "startsAt": "2026-11-27T09:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.bench:9090/graph",
        "fingerprint": f"{index:016x}",
    }
    payload = {
        "receiver": "bench",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {"alertname": f"Bench{group:02d}"},
        "commonLabels": alert["labels"],
        "commonAnnotations": alert["annotations"],
        "externalURL": "http://alertmanager.bench:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="Bench{group:02d}"}}',
        "truncatedAlerts": 0,
    }
    return json.dumps(payload).encode()


def keep_busy(db: Path, stop: threading.Event, held: list[float]) -> None:
    """Hold the store's write lock most of the time, as a long write transaction would."""
    connection = sqlite3.connect(db, isolation_level=None, timeout=30)
    while not stop.is_set():
        connection.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        stop.wait(HOLD_S)
        connection.execute("COMMIT")
        held.append(time.monotonic() - started)
        stop.wait(EVERY_S - HOLD_S)
    connection.close()


def send_all(url: str, bodies: list[bytes], seconds: float) -> tuple[list[float], list[int]]:
    """Each body at its slot of the schedule; the answer latencies (ms) and statuses."""
    import requests

    latencies: list[float] = [0.0] * len(bodies)
    statuses: list[int] = [0] * len(bodies)
    start = time.monotonic() + 0.2
    step = seconds / len(bodies)

    def client(offset: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        for index in range(offset, len(bodies), CLIENTS):
            delay = start + index * step - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent = time.monotonic()
            response = session.post(url, data=bodies[index], headers=headers, timeout=30)
            latencies[index] = (time.monotonic() - sent) * 1000
            statuses[index] = response.status_code
        session.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def stored(db: Path) -> int:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM alert_notifications").fetchone()[0])
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    from commander.alert_receiver import AlertReceiver
    from commander.domain import Severity
    from commander.domain.alerts import SeverityMapping
    from commander.services.alert_inbox import InboxPolicy
    from commander.store.engine import open_store
    from commander.views.alerts import Intake

    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    db = folder / "incidents.sqlite"
    store = open_store(str(db), create=True)
    taken: list[float] = []

    def on_event(event: Any) -> None:
        if isinstance(event, Intake):
            taken.append(time.monotonic())

    policy = InboxPolicy(SeverityMapping(), Severity.P1)
    receiver = AlertReceiver(store, TOKEN, policy, on_event=on_event).start()
    url = f"{receiver.url}/alertmanager"
    bodies = [notification(index) for index in range(args.count)]

    stop_busy, held = threading.Event(), []
    busy = threading.Thread(target=keep_busy, args=(db, stop_busy, held))
    busy.start()
    began = time.monotonic()
    latencies, statuses = send_all(url, bodies, args.seconds)
    sent_in = time.monotonic() - began
    stop_busy.set()
    busy.join()
    _, repeat_statuses = send_all(url, bodies[:REPEATS], 1.0)

    deadline = time.monotonic() + 300
    while len(taken) < args.count + REPEATS and time.monotonic() < deadline:
        time.sleep(0.1)
    drained_in = (taken[-1] if taken else time.monotonic()) - began
    receiver.stop()
    store.close()
    kept = stored(db)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (shared: figures are noisy)")
    print(
        f"store busy: write lock held {len(held)} times for {statistics.median(held) * 1000:.0f}"
        f" ms of every {EVERY_S * 1000:.0f} ms during the burst"
    )
    refused = sum(1 for s in statuses + repeat_statuses if s != 200)
    print(
        f"answers: {args.count} notifications sent in {sent_in:.1f} s "
        f"({args.count / sent_in:.0f}/s), {refused} not answered 200"
    )
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    verdict = "PASS" if p99 <= LATENCY_TARGET_MS else "FAIL"
    print(
        f"answer latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms "
        f"(target p99 ≤ {LATENCY_TARGET_MS:.0f} ms) {verdict}"
    )
    print(
        f"inbox: {len(taken)} notifications taken in (incl. {REPEATS} repeats) "
        f"{drained_in:.1f} s after the burst began ({len(taken) / drained_in:.0f}/s)"
    )
    once = kept == args.count
    print(
        f"stored: {kept} of {args.count} distinct notifications, {REPEATS} repeats kept once: "
        f"{'PASS' if once else 'FAIL'} (exactly once each)"
    )
    return 0 if once and refused == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
