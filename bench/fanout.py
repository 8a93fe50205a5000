"""Fan-out benchmark: one update to nine targets, one of them stalled for 10 s.

Nine HTTP servers on 127.0.0.1 answer after a fixed latency (one stalls 10 s).
The update goes through the real outbox runner (ui/comms/outbox_runner.py) in a
real Qt event loop, on its own thread pool. Meanwhile a QTimer heartbeat
measures the event loop's longest stall, and a scribe logs a timeline entry
every 200 ms through a separate one-thread store worker, as the window does.

Prints each target's finish time (from the start of the runner) next to its
own latency, the largest event-loop stall and the slowest log write.

The providers here are a generic JSON webhook connector standing in for the
real ones (registered with ``override_connector``): the bench measures the
outbox and the UI, not a provider.

Run: ``.venv/bin/python bench/fanout.py``. Exits 1 if a delivery did not succeed.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

LATENCIES_MS = (20, 40, 60, 80, 100, 120, 150, 200, 10_000)  # the last one stalls
HEARTBEAT_MS = 5
STALL_TARGET_MS = 50
LOG_EVERY_MS = 200
KIND = "mattermost"  # any known kind: the bench connector stands in for it


def serve(latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(latency)
            body = json.dumps({"id": f"post-{latency}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class WebhookConnector:
    kind: ClassVar[str] = KIND

    def render(self, message: Any, target: Any) -> Any:
        from commander.connectors.base import Rendered

        return Rendered(preview=message.body, payload={"text": message.body})

    def deliver(
        self, message: Any, target: Any, secret: str, delivery: Any, session: Any, timeout: float
    ) -> Any:
        from commander.connectors.base import Outcome

        response = session.post(
            f"{target.base_url}/hooks/{secret}", json={"text": message.body}, timeout=timeout
        )
        if response.ok:
            return Outcome("sent", provider_id=str(response.json()["id"]))
        return Outcome("failed", error=f"HTTP {response.status_code}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="fanout-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")  # the secrets file goes here
    os.environ["XDG_DATA_HOME"] = str(home / "data")

    # A window has loaded these by the time anyone sends; the bench measures delivery.
    import requests  # noqa: F401
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    import commander.services.outbox  # noqa: F401
    from commander.connectors.base import override_connector
    from commander.domain import Severity
    from commander.services.incidents import declare_incident
    from commander.services.messages import compose, send_message
    from commander.services.targets import save_target
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store
    from ui.comms.outbox_runner import OutboxRunner
    from ui.gc_settle import settle_after_startup
    from ui.workers import Worker

    app = QApplication(sys.argv[:1])
    override_connector(KIND, WebhookConnector())
    store = open_store(str(home / "bench.sqlite"), create=True)
    servers = [serve(ms / 1000) for ms in LATENCIES_MS]
    names = {}
    for number, (ms, server) in enumerate(zip(LATENCIES_MS, servers, strict=True), start=1):
        name = f"target-{number}-{ms}ms"
        host, port = server.server_address[:2]
        save_target(store, name, KIND, base_url=f"http://{host}:{port}", secret=f"tok-{number}")
        names[name] = ms
    ref = declare_incident(store, "Fan-out bench", Severity.P1, author="bench").ref
    send_message(store, compose(store, ref), "bench")

    runner = OutboxRunner(parallel=len(LATENCIES_MS))
    clock = QElapsedTimer()
    finished: dict[str, tuple[float, str]] = {}
    gaps: list[float] = []
    stall_at: list[float] = []  # when each gap ended, ms since start
    last_beat = [0.0]
    log_latencies: list[float] = []
    writes = Worker(on_error=lambda error: print(f"log failed: {error}"), max_threads=1)

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last_beat[0]:
            gaps.append(now - last_beat[0] - HEARTBEAT_MS)
            stall_at.append(now)
        last_beat[0] = now

    def scribe() -> None:
        asked = clock.nsecsElapsed() / 1e6
        writes.submit(
            lambda: log_entry(store, ref, "still watching the dashboards", author="scribe"),
            lambda _entry: log_latencies.append(clock.nsecsElapsed() / 1e6 - asked),
        )

    def on_finished(delivery: Any) -> None:
        finished[delivery.target_name] = (clock.nsecsElapsed() / 1e6, delivery.state)
        if len(finished) == len(LATENCIES_MS):
            QTimer.singleShot(100, app.quit)

    runner.delivery_finished.connect(on_finished)
    heartbeat = QTimer(interval=HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)
    logger = QTimer(interval=LOG_EVERY_MS)
    logger.timeout.connect(scribe)
    QTimer.singleShot(30_000, app.quit)  # a safety net, never reached when all goes well

    settle_after_startup()  # as the window does once its store is open
    collections: list[tuple[int, float, float]] = []  # (generation, start ms, duration ms)
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        now = clock.nsecsElapsed() / 1e6
        if phase == "start":
            gc_started[0] = now
        elif info["generation"] == 2:
            collections.append((info["generation"], gc_started[0], now - gc_started[0]))

    gc.callbacks.append(on_gc)
    clock.start()
    heartbeat.start()
    logger.start()
    runner.start(store)
    app.exec()
    heartbeat.stop()
    logger.stop()
    runner.stop()
    runner.wait(20_000)
    writes.wait(10_000)

    print(f"{'target':<22}{'latency':>10}{'finished at':>14}  state")
    for name, ms in names.items():
        at, state = finished.get(name, (float("nan"), "not finished"))
        print(f"{name:<22}{ms:>8} ms{at:>11.0f} ms  {state}")
    fast = [finished[n][0] - ms for n, ms in names.items() if ms < 10_000 and n in finished]
    print(
        f"fast targets: finish minus own latency, worst {max(fast):.0f} ms, "
        f"median {sorted(fast)[len(fast) // 2]:.0f} ms"
    )
    worst_gap = max(gaps) if gaps else float("nan")
    print(
        f"event loop: {len(gaps)} heartbeats every {HEARTBEAT_MS} ms, longest stall "
        f"{worst_gap:.1f} ms (target: under {STALL_TARGET_MS} ms) "
        f"{'PASS' if worst_gap < STALL_TARGET_MS else 'FAIL'}"
    )
    worst = sorted(range(len(gaps)), key=gaps.__getitem__, reverse=True)[:3]
    print(
        "longest stalls: "
        + ", ".join(f"{gaps[i]:.0f} ms ending at {stall_at[i]:.0f} ms" for i in worst)
    )
    for _generation, start, took in collections:
        print(f"full garbage collection at {start:.0f} ms took {took:.0f} ms")
    if not collections:
        print("no full garbage collection during the fan-out")
    if log_latencies:
        print(
            f"timeline writes during the fan-out: {len(log_latencies)}, slowest "
            f"{max(log_latencies):.0f} ms, median "
            f"{sorted(log_latencies)[len(log_latencies) // 2]:.0f} ms"
        )
    override_connector(KIND, None)
    store.close()
    for server in servers:
        server.shutdown()
    ok = len(finished) == len(LATENCIES_MS) and all(s == "sent" for _t, s in finished.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
