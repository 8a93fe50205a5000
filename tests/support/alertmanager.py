"""A real Prometheus Alertmanager on 127.0.0.1 whose webhook receiver is ours.

Debian's ``prometheus-alertmanager`` (scripts/test installs it). It gets a fresh
folder, a free port, clustering off (an empty ``--cluster.listen-address``) and a
route that notifies fast: group_wait 1 s, group_interval 2 s, repeat_interval 3 s
(so repeats come while a test watches). Without the binary the tests are
skipped with the reason; anything else that goes wrong fails them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

BINARY = "prometheus-alertmanager"
READY_TIMEOUT = 15.0

_CONFIG = """\
route:
  receiver: incident-commander
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: incident-commander
    webhook_configs:
      - url: {url}
        send_resolved: true
        http_config:
          authorization:
            credentials: {token}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_alertmanager(folder: Path, webhook_url: str, token: str) -> Iterator[str]:
    """Run Alertmanager until the generator is closed; yields its base URL."""
    binary = shutil.which(BINARY)
    if binary is None:
        pytest.skip(f"{BINARY} is not installed (apt-get install -y {BINARY})")
    config = folder / "alertmanager.yml"
    config.write_text(_CONFIG.format(url=webhook_url, token=token), encoding="utf-8")
    port = _free_port()
    log = folder / "alertmanager.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(f"{base}/-/ready", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    tail = " | ".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:])
    pytest.fail(f"Alertmanager did not become ready (exit {process.poll()}): {tail}")


def push(base: str, *alerts: dict[str, Any]) -> None:
    """Hand alerts to Alertmanager's own API, as Prometheus does."""
    response = requests.post(f"{base}/api/v2/alerts", json=list(alerts), timeout=10)
    assert response.status_code == 200, response.text


def firing(name: str, starts_at: datetime, summary: str = "", **labels: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, **labels},
        "annotations": {"summary": summary} if summary else {},
        "startsAt": starts_at.isoformat(),
        "generatorURL": "http://prometheus.test:9090/graph",
    }


def resolved(alert: dict[str, Any], ends_at: datetime) -> dict[str, Any]:
    return {**alert, "endsAt": ends_at.isoformat()}
