"""Startup benchmark: time to first paint and to a filled incident list, against a bare window.

Run: ``.venv/bin/python bench/startup.py [--runs N]``. Everything runs offscreen in child
processes of this interpreter. Prints medians and ratios; exits 1 only if a child fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAINT_TARGET = 1.5
LIST_TARGET = 2.5
TIMEOUT_S = 30.0
ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, report)
        return False

def report():
    print(f"painted {time.time():.6f}", flush=True)
    app.quit()

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
painted = FirstPaint()
window.installEventFilter(painted)
window.show()
sys.exit(app.exec())
"""


class ChildFailedError(Exception):
    pass


def make_store(db: Path, count: int = 50) -> None:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    store = open_store(str(db), create=True)
    try:
        for n in range(1, count + 1):
            summary = f"Benchmark incident number {n}: synthetic load, nothing is on fire."
            incident = declare_incident(
                store, f"Bench incident {n}", Severity.P2, author="bench", summary=summary
            )
            log_entry(store, incident.ref, f"Paged on-call for {incident.ref}", author="bench")
            log_entry(store, incident.ref, "Mitigation under way", author="bench")
    finally:
        store.close()


def run_child(argv: list[str], wanted: tuple[str, ...], env: dict[str, str]) -> dict[str, float]:
    """Seconds from just before Popen to each milestone the child prints."""
    start = time.time()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise ChildFailedError(f"{argv[1:]} timed out after {TIMEOUT_S:.0f} s\n{err}") from None
    marks: dict[str, float] = {}
    for line in out.splitlines():
        name, _, stamp = line.partition(" ")
        if name in wanted and name not in marks:
            marks[name] = float(stamp) - start
    missing = [name for name in wanted if name not in marks]
    if proc.returncode != 0 or missing:
        raise ChildFailedError(
            f"{argv[1:]} exited {proc.returncode}, missing {missing or 'nothing'}\n"
            f"stdout:\n{out}\nstderr:\n{err}"
        )
    return marks


def describe(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{label:<22}median {statistics.median(ms):7.1f} ms"
        f"   min {min(ms):7.1f}   max {max(ms):7.1f}"
    )


def verdict(label: str, ratio: float, target: float) -> str:
    mark = "PASS" if ratio <= target else "OVER"
    return f"{label:<22}{ratio:5.2f}x   (target <= {target})   {mark}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commander-bench-") as tmp:
        home = Path(tmp)
        db = home / "bench.sqlite"
        make_store(db)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMMANDER_STARTUP_PROBE="1")
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(home / var.lower())  # keep settings and logs out of the real home
        env.pop("COMMANDER_DB", None)
        # A user's Python caches bytecode; without this both children recompile every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        bare = ([sys.executable, "-c", BARE_WINDOW], ("painted",))
        app = ([sys.executable, "-m", "ui", "--db", str(db)], ("painted", "listed"))
        bare_paint: list[float] = []
        app_paint: list[float] = []
        app_list: list[float] = []
        try:
            run_child(*app, env=env)  # warm-up: migrations, bytecode caches, disk cache
            run_child(*bare, env=env)
            for _ in range(args.runs):
                bare_paint.append(run_child(*bare, env=env)["painted"])
                marks = run_child(*app, env=env)
                app_paint.append(marks["painted"])
                app_list.append(marks["listed"])
        except ChildFailedError as exc:
            print(f"startup bench: child failed: {exc}", file=sys.stderr)
            return 1
    base = statistics.median(bare_paint)
    print(f"startup bench: {args.runs} runs each, offscreen, 50 incidents, {sys.executable}")
    print(describe("bare window painted", bare_paint))
    print(describe("app painted", app_paint))
    print(describe("app list filled", app_list))
    print(verdict("paint ratio", statistics.median(app_paint) / base, PAINT_TARGET))
    print(verdict("list ratio", statistics.median(app_list) / base, LIST_TARGET))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
