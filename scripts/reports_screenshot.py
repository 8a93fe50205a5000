"""Make README's reports screenshot from a year of realistic demo incidents.

``xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python scripts/reports_screenshot.py
docs/screenshots/reports.png``: the window at the size it opens at on a 1280×800
screen. Uses a throwaway store; the data is random but seeded, so every run draws
the same charts (relative to today's month).
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from commander.domain import EntryKind, Phase, Severity
from commander.domain.when import utc_now
from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    load_incident,
)
from commander.services.timeline import add_entry, log_entry
from commander.store.engine import Store, open_store

TITLES = [
    ("Payments API returning 5xx", "card payments fail at checkout", "payments-5xx"),
    ("Checkout latency over SLO", "p99 above 2 s on /checkout", "checkout-latency"),
    ("Redis connection pool exhausted", "sessions dropped, users logged out", "redis-pool"),
    ("Kafka consumer lag on orders", "order confirmations delayed", "kafka-lag"),
    ("Search index stale", "new products missing from search", "search-reindex"),
    ("Login errors after deploy", "SSO callback fails for some users", "rollback-deploy"),
    ("Disk full on db-3", "postgres volume at 100%", "disk-full"),
    ("CDN certificate expiring", "edge cert expires in 3 days", "cert-rotation"),
    ("Email notifications delayed", "SMTP relay queue growing", "smtp-queue"),
    ("Mobile app crash on launch", "iOS 18 users crash at start", "mobile-rollback"),
    ("Typo on pricing page", "wrong currency symbol shown", None),
]
# (weight, minutes to acknowledge, mitigate, resolve: (low, high) each)
PROFILE = {
    Severity.P0: (4, (2, 7), (15, 45), (40, 150)),
    Severity.P1: (10, (3, 12), (25, 80), (60, 300)),
    Severity.P2: (24, (8, 30), (45, 180), (120, 600)),
    Severity.P3: (20, (20, 120), (120, 600), (300, 2400)),
    Severity.P4: (6, (60, 480), (600, 2880), (1440, 7200)),
}


def make_report_demo(path: Path, now: datetime, count: int = 64, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = open_store(str(path), create=True)
    try:
        start = now - timedelta(days=360)
        moments = sorted(
            start + timedelta(minutes=rng.uniform(0, 359 * 1440)) for _ in range(count)
        )
        severities = list(PROFILE)
        weights = [PROFILE[s][0] for s in severities]
        for declared in moments:
            severity = rng.choices(severities, weights)[0]
            _one_incident(store, rng, declared, severity, now)
    finally:
        store.close()


def _one_incident(
    store: Store, rng: random.Random, declared: datetime, severity: Severity, now: datetime
) -> None:
    title, summary, runbook = rng.choice(TITLES)
    impact = declared - timedelta(minutes=rng.uniform(2, 25)) if rng.random() < 0.75 else None
    ref = declare_incident(
        store, title, severity, "ana", summary=summary, impact_started_at=impact, now=declared
    ).ref
    _, ack, mitigate, resolve = PROFILE[severity]
    times = [rng.uniform(*ack), rng.uniform(*mitigate), rng.uniform(*resolve)]
    times = [sum(times[: i + 1]) for i in range(3)]  # each step after the previous one
    if severity.rank > 0 and rng.random() < 0.12:  # some get worse before they get better
        worse = Severity(f"P{severity.rank - 1}")
        change_severity(store, ref, worse, "ana", "impact wider than thought", now=declared)
    if runbook:
        at = declared + timedelta(minutes=times[0] + 1)
        with store.write() as session:
            entry = add_entry(
                session,
                load_incident(session, ref),
                kind=EntryKind.ACTION,
                text=f"Following runbook {runbook}",
                author="bo",
                occurred_at=at,
                recorded_at=at,
            )
            entry.data = {"runbook": runbook}  # a runbook named the way other tools do
    log_entry(
        store,
        ref,
        "Rolled back and watching error rate",
        "bo",
        kind=EntryKind.ACTION,
        now=declared + timedelta(minutes=times[0] + 2),
    )
    for phase, minutes in zip((Phase.TRIAGE, Phase.MITIGATE, Phase.RESOLVE), times, strict=True):
        at = declared + timedelta(minutes=minutes)
        if at > now - timedelta(hours=2):
            return  # still going: later stamps missing
        change_phase(store, ref, phase, "ana", now=at)


def main(output: str) -> int:
    from PySide6.QtCore import QTimer

    from commander.settings import Settings
    from ui.app import build_app
    from ui.context import AppContext
    from ui.reports.reports_dialog import ReportsDialog
    from ui.workers import Worker

    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.sqlite"
    make_report_demo(db, utc_now())
    app = build_app()
    store = open_store(str(db), create=True)
    worker = Worker(on_error=lambda error: print(error, file=sys.stderr))  # noqa: T201
    context = AppContext(Settings(author="ana"), writer=worker, reader=worker)
    context.set_store(store)
    dialog = ReportsDialog(context)
    dialog.period_combo.setCurrentIndex(0)
    dialog.show()

    def save(_report: object) -> None:
        QTimer.singleShot(300, lambda: (dialog.grab().save(output), app.quit()))

    dialog.report_shown.connect(save)
    dialog.refresh()
    status = app.exec()
    worker.wait()
    store.close()
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "reports.png"))
