"""Screenshots of team mode: who is on the incident and chat captured from Slack.

Run on a display or offscreen; one PNG per size::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_team.py shots/ \
        --size=1280x800 --size=1920x1080

The incident's Slack channel is served by the Slack contract server the tests use
(tests/support/contracts/slack_capture.py, on 127.0.0.1): three messages pinned or
marked 📌, one of them a thread reply with a file. The window captures them itself
through the real Slack reader. Another responder follows the incident from a terminal
(``tail --follow``), so the header lists two seats. Uses a throwaway store and keyring
file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp())  # settings, the secrets file: never the user's own
for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[variable] = str(HOME / variable.lower())

from commander.domain import EntryKind, Phase, Severity  # noqa: E402
from commander.domain.presence import SeatKind  # noqa: E402
from commander.domain.roles import Role  # noqa: E402
from commander.domain.when import utc_now  # noqa: E402
from commander.services.incidents import change_phase, declare_incident  # noqa: E402
from commander.services.presence import Seat, mark_present  # noqa: E402
from commander.services.roles import assign_role  # noqa: E402
from commander.services.targets import save_target  # noqa: E402
from commander.services.timeline import log_entry  # noqa: E402
from commander.settings import Settings  # noqa: E402
from commander.store.engine import open_store  # noqa: E402
from tests.support.contracts.slack_capture import SlackCaptureServer  # noqa: E402

TITLE = "Checkout API returning 5xx"


def _ts(moment: datetime, n: int) -> str:
    return f"{int(moment.timestamp())}.{n:06d}"


def make_team_store(path: Path, slack: SlackCaptureServer) -> None:
    store = open_store(str(path), create=True)
    now = utc_now()
    start = now - timedelta(minutes=38)

    def at(minutes: float) -> datetime:
        return start + timedelta(minutes=minutes)

    ref = declare_incident(store, TITLE, Severity.P1, author="ana", now=start).ref
    assign_role(store, ref, Role.COMMANDER, "ana", author="ana", now=at(1))
    assign_role(store, ref, Role.SCRIBE, "bo", author="ana", now=at(1))
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=at(3))
    for minutes, author, kind, text in (
        (4, "bo", EntryKind.OBSERVATION, "5xx at 31% on POST /checkout"),
        (9, "ana", EntryKind.DECISION, "Roll back checkout-api to v2.13.4"),
    ):
        log_entry(
            store, ref, text, author=author, kind=kind, occurred_at=at(minutes), now=at(minutes)
        )
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=at(10))

    priya = slack.add_user("U0PRIYA", "priya", display_name="Priya Raman")
    ali = slack.add_user("U0ALI", "ali", display_name="Ali Khan")
    channel = slack.add_channel("inc-1-checkout-api-returning-5xx")
    first = slack.post(
        channel,
        priya,
        "502s only from eu-west; see <https://grafana.example/d/checkout|the checkout board>",
        ts=_ts(at(5), 1),
    )
    slack.pin(channel, first, priya)
    slack.post(channel, ali, "looking at the pool", ts=_ts(at(6), 2))
    reply = slack.post(
        channel,
        ali,
        "pool at 20/20 on every pod since the deploy",
        thread_ts=first,
        files=[
            {"id": "F1", "name": "pool.png", "permalink": "https://files.slack.example/pool.png"}
        ],
        ts=_ts(at(7), 3),
    )
    slack.react(channel, reply, "pushpin", priya)
    rollback = slack.post(channel, priya, "rollback done, error rate falling", ts=_ts(at(21), 4))
    slack.react(channel, rollback, "pushpin", ali)
    save_target(store, "incident-slack", "slack", base_url=slack.api_url, secret=slack.token)

    # Priya follows from a terminal (tail --follow), seen just now.
    mark_present(store, Seat("0" * 31 + "2", "priya", SeatKind.TERMINAL), [1], now=now)
    store.close()


def main(folder: Path, sizes: list[tuple[int, int]]) -> int:
    from PySide6.QtCore import QTimer

    from ui.app import build_app
    from ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    slack = SlackCaptureServer()
    slack.start()
    try:
        db = HOME / "team.sqlite"
        make_team_store(db, slack)
        app = build_app()
        window = MainWindow(Settings(author="ana"), str(db))
        pending = list(sizes)

        def shoot() -> None:
            width, height = pending.pop(0)
            window.resize(width, height)
            QTimer.singleShot(800, lambda: save(width, height))

        def save(width: int, height: int) -> None:
            window.grab().save(str(folder / f"team-{width}x{height}.png"))
            if pending:
                shoot()
            else:
                app.quit()

        window.resize(*sizes[0])
        window.show()
        window.store_opened.connect(lambda: window.open_incident("INC-1"))
        # A capture round starts within two seconds of opening; its entries follow.
        window.incident_shown.connect(lambda _ref: QTimer.singleShot(5000, shoot))
        window.open_store()
        return app.exec()
    finally:
        slack.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    wanted = [arg.split("=", 1)[1] for arg in args if arg.startswith("--size=")] or ["1280x800"]
    parsed = [tuple(int(n) for n in size.split("x")) for size in wanted]
    paths = [arg for arg in args if not arg.startswith("--")]
    raise SystemExit(main(Path(paths[0] if paths else "shots"), [(w, h) for w, h in parsed]))
