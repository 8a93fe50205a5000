"""Screenshots of the cockpit at a glance: a resolved P1 → P0 → P1 incident and two active ones.

Run on a display or offscreen; one PNG per size::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_glance.py shots/ \
        --size=1280x800 --size=1920x1080 [--open=INC-2]

INC-1 and INC-2 share the start of their title ("Checkout API returning 5xx for card
payments ..."), INC-2 owes a status update (P2, none sent for 75 minutes), INC-3 is
in Mitigate. The resolved incident (INC-1) is open, with its Detect items left open.
Uses a throwaway store.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from commander.domain import EntryKind, Phase, Severity
from commander.domain.deploys import DeployKind, parse_change
from commander.domain.roles import Role
from commander.domain.when import utc_now
from commander.services.checklist import check_item, checklist
from commander.services.deploys import record_deploy
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.roles import assign_role
from commander.services.timeline import log_entry
from commander.settings import Settings
from commander.store.engine import open_store

SHARED = "Checkout API returning 5xx for card payments"


def make_glance_store(path: Path) -> None:
    store = open_store(str(path), create=True)
    now = utc_now()
    start = now - timedelta(hours=3, minutes=12)

    def at(minutes: int) -> object:
        return start + timedelta(minutes=minutes)

    ref = declare_incident(
        store,
        f"{SHARED} in eu-west after the v2.14.0 deploy",
        Severity.P1,
        author="ana",
        summary="Card payments fail at checkout for EU customers",
        impact_started_at=start - timedelta(minutes=9),
        now=start,
    ).ref
    for role, person in ((Role.COMMANDER, "Ana"), (Role.SCRIBE, "Bo"), (Role.COMMS, "Dee")):
        assign_role(store, ref, role, person, author="ana", now=at(1))
    assign_role(store, ref, Role.OPS, "Cy", author="ana", now=at(2))
    assign_role(store, ref, Role.SME, "Eve", author="ana", now=at(3))
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=at(4))
    change_severity(store, ref, Severity.P0, "ana", "checkout down in every EU region", at(7))
    steps = [
        (5, "bo", EntryKind.OBSERVATION, "5xx rate 38% on POST /checkout since 09:51"),
        (9, "cy", EntryKind.HYPOTHESIS, "v2.14.0 changed the payment client's timeout"),
        (12, "ana", EntryKind.DECISION, "Roll back checkout-api to v2.13.4"),
        (41, "bo", EntryKind.OBSERVATION, "Error rate 0.3%: back to baseline"),
    ]
    for minutes, author, kind, text in steps:
        log_entry(
            store, ref, text, author=author, kind=kind, occurred_at=at(minutes), now=at(minutes)
        )
    checklist(store, ref)
    check_item(store, ref, "Assess severity", author="bo", now=at(6))
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=at(13))
    rollback = parse_change(DeployKind.ROLLBACK, "checkout-api v2.14.0 -> v2.13.4 timeout change")
    record_deploy(store, ref, rollback, author="cy", occurred_at=at(15), now=at(15))
    change_severity(store, ref, Severity.P1, "ana", "errors falling after the rollback", at(30))
    change_phase(store, ref, Phase.RESOLVE, author="ana", now=at(72))

    ref2 = declare_incident(
        store,
        f"{SHARED} in us-east (3DS challenge)",
        Severity.P2,
        author="bo",
        summary="3DS challenges time out for some US cards",
        now=now - timedelta(minutes=75),
    ).ref
    change_phase(store, ref2, Phase.TRIAGE, author="bo", now=now - timedelta(minutes=70))
    ref3 = declare_incident(
        store,
        "Search latency over SLO",
        Severity.P1,
        author="dee",
        now=now - timedelta(minutes=22),
    ).ref
    change_phase(store, ref3, Phase.MITIGATE, author="dee", now=now - timedelta(minutes=8))
    declare_incident(
        store, "Nightly export job slow", Severity.P3, "eve", now=now - timedelta(days=9)
    )
    store.close()


def main(folder: Path, sizes: list[tuple[int, int]], ref: str = "INC-1") -> int:
    from PySide6.QtCore import QTimer

    from ui.app import build_app
    from ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    make_glance_store(db)
    app = build_app()
    window = MainWindow(Settings(author="ana"), str(db))
    pending = list(sizes)

    def shoot() -> None:
        width, height = pending.pop(0)
        window.resize(width, height)
        QTimer.singleShot(600, lambda: save(width, height))

    def save(width: int, height: int) -> None:
        window.grab().save(str(folder / f"glance-{ref}-{width}x{height}.png"))
        if pending:
            shoot()
        else:
            app.quit()

    window.resize(*sizes[0])
    window.show()
    window.store_opened.connect(lambda: window.open_incident(ref))
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(400, shoot))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    args = sys.argv[1:]
    wanted = [arg.split("=", 1)[1] for arg in args if arg.startswith("--size=")] or ["1280x800"]
    parsed = [tuple(int(n) for n in size.split("x")) for size in wanted]
    opened = [arg.split("=", 1)[1] for arg in args if arg.startswith("--open=")] or ["INC-1"]
    paths = [arg for arg in args if not arg.startswith("--")]
    out = Path(paths[0] if paths else "shots")
    raise SystemExit(main(out, [(w, h) for w, h in parsed], opened[-1]))
