"""Make README's screenshots: a demo incident in the real window.

Run under a display, e.g. ``xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python
scripts/screenshot.py docs/screenshots/main-window.png`` (``QT_QPA_PLATFORM=offscreen``
renders the same pixels). ``--timeline docs/screenshots/timeline.png`` shows a busy
incident instead: many entries of every kind, pinned ones, a deleted one struck through.
``--size=1920x1080`` sets the window's size (default 1280x760).
``--scribe`` shows an incident that runs over midnight (times with dates) with a
149-line log entry selected (its whole text in the pane below the rows); ``--paste``
the same incident with a 3,000-line log pasted into the bar: the multi-line entry
editor holding all of it (the screen is grabbed, dialog included: run it under
``xvfb-run -s "-screen 0 1280x800x24"`` with ``--size=1280x800``).
Uses a throwaway store.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from commander.domain import EntryKind, Phase, Severity
from commander.domain.when import utc_now
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.timeline import delete_entry, log_entry
from commander.settings import Settings
from commander.store.engine import open_store


def make_demo_store(path: Path) -> None:
    store = open_store(str(path), create=True)
    now = utc_now()
    start = now - timedelta(minutes=47)
    declare_incident(
        store, "Search latency over SLO", Severity.P3, author="dee", now=start - timedelta(days=2)
    )
    ref = declare_incident(
        store,
        "Payments API returning 5xx",
        Severity.P2,
        author="ana",
        summary="14% of card payments fail at checkout",
        now=start,
    ).ref
    steps = [
        (2, "bo", EntryKind.OBSERVATION, "5xx rate 14% on /pay per the payments dashboard"),
        (4, "ana", EntryKind.ACTION, "Paged payments on-call (PagerDuty)"),
        (
            9,
            "cy",
            EntryKind.HYPOTHESIS,
            "Deploy v1.4.3 just before changed the connection pool size",
        ),
        (12, "ana", EntryKind.DECISION, "Roll back to v1.4.2"),
        (19, "bo", EntryKind.ACTION, "Rollback to v1.4.2 started"),
        (31, "bo", EntryKind.OBSERVATION, "Error rate falling: 3% and dropping"),
    ]
    for minutes, author, kind, text in steps:
        at = start + timedelta(minutes=minutes)
        log_entry(store, ref, text, author=author, kind=kind, occurred_at=at, now=at)
    change_severity(
        store,
        ref,
        Severity.P1,
        author="ana",
        reason="revenue impact confirmed",
        now=start + timedelta(minutes=6),
    )
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=start + timedelta(minutes=5))
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=start + timedelta(minutes=13))
    store.close()


BUSY_STEPS = [
    ("bo", EntryKind.OBSERVATION, "Checkout error rate 22% (dashboard: payments / 5xx by route)"),
    ("ana", EntryKind.ACTION, "Paged payments on-call and the database on-call"),
    ("cy", EntryKind.NOTE, "Status page: investigating, posted 'degraded checkout'"),
    ("dee", EntryKind.OBSERVATION, "p99 latency on /pay at 8.4 s; normal is 300 ms"),
    ("bo", EntryKind.HYPOTHESIS, "Connection pool exhausted since this morning's config push"),
    ("ana", EntryKind.DECISION, "Freeze all deploys to payments until resolved"),
    ("cy", EntryKind.ACTION, "Restarted payments-api pods in eu-west-1"),
    ("dee", EntryKind.OBSERVATION, "Restart did not help: errors back within 2 min"),
    ("bo", EntryKind.OBSERVATION, "pgbouncer shows 500/500 server connections in use"),
    ("ana", EntryKind.HYPOTHESIS, "Long-running refund report query holds connections"),
    ("cy", EntryKind.ACTION, "Killed the refund report job (pid 48121)"),
    ("dee", EntryKind.OBSERVATION, "Server connections down to 180/500"),
    ("bo", EntryKind.NOTE, "Customer support: 140 tickets about failed payments so far"),
    ("ana", EntryKind.DECISION, "Roll back the pool config instead of raising the limit"),
    ("cy", EntryKind.ACTION, "Rollback of payments-config to r812 started"),
    ("dee", EntryKind.OBSERVATION, "Error rate 9% and falling"),
    ("bo", EntryKind.ACTION, "Re-enabled the refund report with a 30 s statement timeout"),
    ("dee", EntryKind.OBSERVATION, "Error rate 0.4%, p99 420 ms: back to normal"),
    ("cy", EntryKind.NOTE, "Status page: monitoring"),
]


def make_busy_store(path: Path) -> None:
    """One long-running incident with many entries, some pinned, one deleted."""
    store = open_store(str(path), create=True)
    now = utc_now()
    start = now - timedelta(minutes=96)
    ref = declare_incident(
        store,
        "Checkout payments failing",
        Severity.P1,
        author="ana",
        summary="22% of card payments fail at checkout",
        now=start,
    ).ref
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=start + timedelta(minutes=3))
    pinned = {5, 13}
    for n, (author, kind, text) in enumerate(BUSY_STEPS):
        at = start + timedelta(minutes=4 + n * 5)
        log_entry(
            store, ref, text, author=author, kind=kind, occurred_at=at, now=at, pinned=n in pinned
        )
        if n == 6:  # wrong region: struck through, kept in the store and its history
            wrong = log_entry(
                store,
                ref,
                "Restarted payments-api pods in us-east-1",
                author="cy",
                kind=EntryKind.ACTION,
                occurred_at=at,
                now=at,
            )
            delete_entry(store, wrong.id, "cy", now=at + timedelta(seconds=40))
        if n == 13:
            change_phase(store, ref, Phase.MITIGATE, author="ana", now=at)
    store.close()


def pool_log(lines: int, start: datetime) -> str:
    """A log as a scribe pastes it: one line per second from ``start``."""
    return "\n".join(
        f"{(start + timedelta(seconds=n)):%Y-%m-%dT%H:%M:%S}Z ERROR payments-api"
        f" pool exhausted: 500/500 in use, waited 30000 ms (request {48_000 + n})"
        for n in range(lines)
    )


SCRIBE_STEPS = [
    (-95, "bo", EntryKind.OBSERVATION, "Checkout 5xx at 3% on the payments dashboard"),
    (-80, "ana", EntryKind.ACTION, "Paged payments on-call"),
    (-52, "cy", EntryKind.HYPOTHESIS, "Nightly refund report holds pool connections"),
    (-20, "bo", EntryKind.OBSERVATION, "Error rate 9% and climbing after midnight"),
    (10, "ana", EntryKind.DECISION, "Kill the refund report; keep the pool size"),
    (14, "cy", EntryKind.ACTION, "Killed the refund report job (pid 48121)"),
    (31, "dee", EntryKind.OBSERVATION, "Server connections down to 180/500, errors 0.4%"),
]


def make_scribe_store(path: Path) -> None:
    """An incident that runs over midnight (UTC), with a 149-line log logged whole."""
    store = open_store(str(path), create=True)
    midnight = utc_now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(minutes=110)
    ref = declare_incident(
        store,
        "Checkout payments failing overnight",
        Severity.P1,
        author="ana",
        summary="card payments fail at checkout",
        now=start,
    ).ref
    for minutes, author, kind, text in SCRIBE_STEPS:
        at = midnight + timedelta(minutes=minutes)
        log_entry(store, ref, text, author=author, kind=kind, occurred_at=at, now=at)
    at = midnight - timedelta(minutes=35)
    log = "pool log from payments-api-7f9c during the spike\n" + pool_log(148, at)
    log_entry(store, ref, log, author="bo", kind=EntryKind.OBSERVATION, occurred_at=at, now=at)
    store.close()


def main(
    output: str, busy: bool = False, size: tuple[int, int] = (1280, 760), mode: str = ""
) -> int:
    from PySide6.QtCore import QTimer

    from ui.app import build_app
    from ui.main_window import MainWindow

    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.sqlite"
    maker = make_scribe_store if mode else make_busy_store if busy else make_demo_store
    maker(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    window.resize(*size)
    window.move(0, 0)
    window.show()

    def select_newest() -> None:
        window.incident_list.setCurrentIndex(window.incident_model.index(0))

    def save() -> None:
        from ui.timeline.panel import TimelinePanel

        panel = window.findChild(TimelinePanel)
        bar = panel.entry_bar
        if mode:
            show_scribe(panel, output, mode)
            # exit, not quit: quit closes the editor, which asks before dropping the paste
            QTimer.singleShot(900, lambda: (grab_screen(window, output), app.exit(0)))
            return
        if busy:
            bar.setText("/decision keep the deploy freeze until the postmortem")
        else:
            bar.setText("Rollback complete, error rate back to baseline")
        bar.setFocus()
        QTimer.singleShot(700, lambda: (window.grab().save(output), app.quit()))

    window.incidents_listed.connect(select_newest)
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(200, save))
    window.open_store()
    return app.exec()


def show_scribe(panel: Any, output: str, mode: str) -> None:
    """Select the long entry (its pane opens), or paste a 3,000-line log into the bar."""
    from PySide6.QtGui import QGuiApplication

    from ui.timeline.model import TEXT

    model = panel.timeline_model
    rows = [r for r in range(model.rowCount()) if "\n" in model.entry_at(r).text]
    panel.timeline_view.setCurrentIndex(model.index(rows[0], TEXT))
    if mode == "paste":
        QGuiApplication.clipboard().setText(pool_log(3_000, utc_now() - timedelta(hours=1)))
        panel.entry_bar.setFocus()
        panel.entry_bar.paste_text(QGuiApplication.clipboard().text())


def grab_screen(window: Any, output: str) -> None:
    """The whole screen (a dialog is a window of its own), or the window when there is none."""
    screen = window.screen()
    shot = screen.grabWindow(0) if screen is not None else None
    if shot is None or shot.isNull():
        shot = window.grab()
    shot.save(output)


if __name__ == "__main__":
    args = sys.argv[1:]
    mode = "paste" if "--paste" in args else "scribe" if "--scribe" in args else ""
    args = [arg for arg in args if arg not in ("--paste", "--scribe")]
    timeline = "--timeline" in args
    # --size WIDTHxHEIGHT: the window's size (README's shots are 1280x760).
    sizes = [arg.split("=", 1)[1] for arg in args if arg.startswith("--size=")]
    width, height = (int(n) for n in (sizes[-1] if sizes else "1280x760").split("x"))
    paths = [arg for arg in args if arg != "--timeline" and not arg.startswith("--size=")]
    default = "timeline.png" if timeline else "main-window.png"
    raise SystemExit(
        main(paths[0] if paths else default, busy=timeline, size=(width, height), mode=mode)
    )
