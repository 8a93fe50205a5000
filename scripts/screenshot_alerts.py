"""Screenshots of the alert inbox: the window with an incident that kept its alerts' labels,
two alert groups waiting, the inbox and the receiver settings, with the receiver running.

Runs on a throwaway store and throwaway settings and secrets folders::

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_alerts.py \
        shots/ --size=1280x800

writes ``alerts-window-WxH.png``, ``alerts-inbox-WxH.png`` and
``alerts-settings-WxH.png`` into the folder given.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TOKEN = "3f1c9a0e6b7d42c58e1f0a9b7c6d5e4f3a2b1c0d9e8f7a6b"


def _alert(name: str, minutes_ago: int, summary: str, **labels: str) -> dict[str, object]:
    from commander.domain.when import utc_now

    started = (utc_now() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    all_labels = {"alertname": name, **labels}
    return {
        "status": "firing",
        "labels": all_labels,
        "annotations": {"summary": summary},
        "startsAt": started,
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph",
        "fingerprint": f"{abs(hash(json.dumps(all_labels, sort_keys=True))):016x}"[:16],
    }


def _payload(group_key: str, *alerts: dict[str, object]) -> dict[str, object]:
    first = alerts[0]["labels"]
    assert isinstance(first, dict)
    return {
        "receiver": "incident-commander",
        "status": "firing",
        "alerts": list(alerts),
        "groupLabels": {"alertname": first["alertname"]},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    }


def add_alerts(path: Path) -> None:
    """INC-2 attached to its alerts (labels kept); two more groups waiting."""
    from commander.domain.alerts import AlertSource, parse_notification
    from commander.domain.when import utc_now
    from commander.services.alert_inbox import InboxPolicy, attach_group, take_in
    from commander.services.receiver_config import save_token
    from commander.store.engine import open_store

    store = open_store(str(path), create=False)

    def take(payload: dict[str, object]) -> int:
        notification = parse_notification(AlertSource.ALERTMANAGER, payload)
        return take_in(store, notification, json.dumps(payload), InboxPolicy(), utc_now()).group_id

    labels = {"service": "payments", "team": "payments-core", "cluster": "eu-west-1"}
    attached = take(
        _payload(
            '{}:{alertname="HighErrorRate"}',
            _alert("HighErrorRate", 49, "5xx above 5% on /pay", severity="critical", **labels),
        )
    )
    attach_group(store, attached, "INC-2", "ana")
    take(
        _payload(
            '{}:{alertname="DiskFilling"}',
            _alert(
                "DiskFilling",
                12,
                "/var/lib/postgresql 91% full",
                severity="warning",
                service="orders-db",
                instance="db-3",
            ),
        )
    )
    take(
        _payload(
            '{}:{alertname="CheckoutLatencyHigh"}',
            *(
                _alert(
                    "CheckoutLatencyHigh",
                    4 - n,
                    "p99 over 2 s",
                    severity="critical",
                    service="checkout",
                    instance=f"checkout-{n}",
                )
                for n in range(3)
            ),
        )
    )
    save_token(store, TOKEN)
    store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QTimer
    from screenshot import make_demo_store

    from commander.settings import Settings
    from ui.alerts.feature import AlertsFeature
    from ui.app import build_app
    from ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    make_demo_store(db)
    add_alerts(db)
    app = build_app()
    settings = Settings(author="ana", alert_receiver_enabled=True, alert_receiver_port=free_port())
    window = MainWindow(settings, str(db))
    window.resize(*size)
    window.show()
    tag = f"{size[0]}x{size[1]}"

    def select_newest() -> None:
        window.incident_list.setCurrentIndex(window.incident_model.index(0))

    def shoot() -> None:
        feature = window.findChild(AlertsFeature)
        assert feature is not None and feature.panel is not None
        window.bring_forward(feature.panel)
        window.grab().save(str(folder / f"alerts-window-{tag}.png"))
        inbox = feature.show_inbox()
        assert inbox is not None

        def inbox_shot() -> None:
            inbox.table.selectRow(0)
            inbox.grab().save(str(folder / f"alerts-inbox-{tag}.png"))
            dialog = feature.edit_receiver()
            assert dialog is not None
            QTimer.singleShot(
                600,
                lambda: (
                    dialog.grab().save(str(folder / f"alerts-settings-{tag}.png")),
                    app.quit(),
                ),
            )

        QTimer.singleShot(800, inbox_shot)

    window.incidents_listed.connect(select_newest)
    window.incident_shown.connect(lambda _ref: QTimer.singleShot(1200, shoot))
    window.open_store()
    return app.exec()


if __name__ == "__main__":
    # Secrets and settings of this run stay in a throwaway folder.
    home = Path(tempfile.mkdtemp())
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["COMMANDER_SETTINGS"] = str(home / "config" / "settings.json")
    args = sys.argv[1:]
    sizes = [arg.split("=", 1)[1] for arg in args if arg.startswith("--size=")]
    width, height = (int(n) for n in (sizes[-1] if sizes else "1280x800").split("x"))
    folders = [arg for arg in args if not arg.startswith("--size=")]
    raise SystemExit(main(Path(folders[0] if folders else "shots"), (width, height)))
