"""CLI: ``health-add``, ``health``, ``health-remove`` and ``health-run`` (probes headless).

``health-run`` probes on each check's interval, each probe on its own thread
(network only); the main thread writes what changed, one transaction per
change, and prints one line for it, as the window logs it. Ctrl-C stops it
cleanly (exit 130).
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, argument_type, author_of, say
from commander.domain.health import (
    DEFAULT_EVERY_SECONDS,
    DEFAULT_SLOW_MS,
    HealthState,
    ProbeOutcome,
    ProbeSchedule,
    change_text,
    green_for,
    next_state,
    parse_every,
    parse_slow_ms,
    parse_target,
    probe_timeout,
)
from commander.errors import CommanderError

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.health import HealthCheckView, HealthWatch

# The headless runner reads the checks again this often (added or removed elsewhere).
RELOAD_SECONDS = 2.0
INTERRUPTED = 130


def _target(text: str) -> str:
    return parse_target(text).text


def register(sub: Any) -> dict[str, Handler]:
    add = sub.add_parser("health-add", help="watch a health URL or TCP port while REF is open")
    add.add_argument("ref")
    add.add_argument(
        "target",
        type=argument_type(_target),
        metavar="URL|tcp://HOST:PORT",
        help="an http:// or https:// URL, or tcp://HOST:PORT",
    )
    add.add_argument(
        "--every",
        type=argument_type(parse_every),
        default=DEFAULT_EVERY_SECONDS,
        metavar="SECONDS",
        help=f"probe interval (default {DEFAULT_EVERY_SECONDS})",
    )
    add.add_argument(
        "--slow-ms",
        type=argument_type(parse_slow_ms),
        default=DEFAULT_SLOW_MS,
        metavar="MS",
        help=f"slower answers count as slow (default {DEFAULT_SLOW_MS})",
    )
    add.add_argument("--author")

    show = sub.add_parser("health", help="each health check's state and since when")
    show.add_argument("ref")
    show.add_argument("--json", action="store_true")

    remove = sub.add_parser("health-remove", help="stop watching a health check")
    remove.add_argument("ref")
    remove.add_argument("check", help="the check's number (see `health REF`) or its target")
    remove.add_argument("--author")

    run = sub.add_parser("health-run", help="probe REF's health checks, logging state changes")
    run.add_argument("ref")
    run.add_argument("--once", action="store_true", help="probe each check once, then exit")
    run.add_argument("--author")
    return {
        "health-add": _add,
        "health": _show,
        "health-remove": _remove,
        "health-run": _run,
    }


def _add(store: Store, args: argparse.Namespace) -> int:
    from commander.services.health_checks import add_check

    check = add_check(
        store,
        args.ref,
        args.target,
        author_of(args),
        every_seconds=args.every,
        slow_ms=args.slow_ms,
    )
    print(check.id)
    return 0


def _remove(store: Store, args: argparse.Namespace) -> int:
    from commander.services.health_checks import remove_check

    remove_check(store, args.ref, args.check, author_of(args))
    return 0


def _show(store: Store, args: argparse.Namespace) -> int:
    from commander.clock import now
    from commander.services.health_checks import health_watch

    watch = health_watch(store, args.ref)
    moment = now()
    if args.json:
        from commander.exports.json_doc import dumps

        sys.stdout.write(dumps(watch_document(watch, moment)))
        return 0
    say(f"{watch.ref}  {_summary(watch, moment)}")
    for check in watch.checks:
        say(
            f"{check.id:>4}  {check.state.value:<7}  since {check.since:%Y-%m-%d %H:%M:%SZ}  "
            f"{check.label}  {_detail(check)}".rstrip()
        )
    return 0


def _summary(watch: HealthWatch, moment: datetime) -> str:
    if not watch.checks:
        return "no health checks"
    if watch.all_green_since is not None:
        return f"all green for {green_for(moment - watch.all_green_since)}"
    counts = {state: sum(c.state is state for c in watch.checks) for state in HealthState}
    return ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)


def _detail(check: HealthCheckView) -> str:
    if check.state is HealthState.UNKNOWN:
        return "not probed yet"
    if check.state is HealthState.DOWN:
        return check.error or ""
    return f"{check.latency_ms} ms" if check.latency_ms is not None else ""


def watch_document(watch: HealthWatch, moment: datetime) -> dict[str, Any]:
    from commander.domain.when import iso

    green = watch.all_green_since
    return {
        "ref": watch.ref,
        "phase": watch.phase.value,
        "all_green_since": iso(green),
        "all_green_seconds": int((moment - green).total_seconds()) if green else None,
        "checks": [
            {
                "id": c.id,
                "target": c.target,
                "name": c.label,
                "every_seconds": c.every_seconds,
                "slow_ms": c.slow_ms,
                "state": c.state.value,
                "since": iso(c.since),
                "probed_at": iso(c.probed_at),
                "latency_ms": c.latency_ms,
                "error": c.error,
                "created_at": iso(c.created_at),
                "created_by": c.created_by,
            }
            for c in watch.checks
        ],
    }


# -- health-run ------------------------------------------------------------------------
def _run(store: Store, args: argparse.Namespace) -> int:
    from commander.services.health_checks import health_watch

    watch = health_watch(store, args.ref)
    if watch.closed:
        raise CommanderError(f"{watch.ref} is closed: its health checks are not probed")
    if not watch.checks:
        raise CommanderError(
            f"{watch.ref} has no health checks: add one with `commander health-add {watch.ref} URL`"
        )
    runner = _Runner(store, watch, author_of(args))
    try:
        if args.once:
            runner.once()
        else:
            runner.forever()
    except KeyboardInterrupt:
        # Probes still waiting for an answer are daemon threads: they end with the process.
        print(f"commander: health-run {watch.ref} stopped", file=sys.stderr)
        return INTERRUPTED
    return 0


class _Runner:
    """Probes on threads; records and prints on the calling thread."""

    def __init__(self, store: Store, watch: HealthWatch, author: str) -> None:
        self.store = store
        self.ref = watch.ref
        self.author = author
        self.checks = {c.id: c for c in watch.checks}
        self.results: queue.Queue[tuple[int, ProbeOutcome]] = queue.Queue()

    def once(self) -> None:
        for check in self.checks.values():
            self._start(check)
        for _ in range(len(self.checks)):
            self._take(*self.results.get())
        counts = {
            state: sum(c.state is state for c in self.checks.values()) for state in HealthState
        }
        print(", ".join(f"{n} {state.value}" for state, n in counts.items() if n), flush=True)

    def forever(self) -> None:
        from commander.services.health_checks import health_watch

        schedule = ProbeSchedule()
        reload_at = 0.0
        while True:
            mono = time.monotonic()
            if mono >= reload_at:
                watch = health_watch(self.store, self.ref)
                if watch.closed:
                    print(f"{self.ref} is closed: stopping", flush=True)
                    return
                self.checks = {c.id: c for c in watch.checks}
                schedule.watch(((c.id, c.every_seconds) for c in watch.checks), mono)
                reload_at = mono + RELOAD_SECONDS
            for check_id in schedule.due(mono):
                schedule.started(check_id, mono)
                self._start(self.checks[check_id])
            next_due = schedule.seconds_to_next(mono)
            wait = reload_at - mono if next_due is None else min(next_due, reload_at - mono)
            try:
                check_id, outcome = self.results.get(timeout=max(0.01, wait))
            except queue.Empty:
                continue
            schedule.finished(check_id)
            self._take(check_id, outcome)

    def _start(self, check: HealthCheckView) -> None:
        target, timeout = parse_target(check.target), probe_timeout(check.slow_ms)

        def probe_it() -> None:
            from commander.health_probe import probe

            self.results.put((check.id, probe(target, timeout)))

        threading.Thread(target=probe_it, name=f"probe-{check.id}", daemon=True).start()

    def _take(self, check_id: int, outcome: ProbeOutcome) -> None:
        from commander.services.health_checks import record_probe

        check = self.checks.get(check_id)
        if check is None:
            return  # removed while it was probed
        if next_state(check.state, outcome, check.slow_ms) is None:
            return  # the state it had: nothing to write
        recorded = record_probe(self.store, check_id, outcome, self.author)
        self.checks[check_id] = recorded.check
        if recorded.changed_from is not None:
            text = change_text(
                check.label, recorded.changed_from, recorded.check.state, outcome, check.slow_ms
            )
            say(f"{outcome.at:%H:%M:%SZ}  {text}")  # a probe's error comes from the network
            sys.stdout.flush()
