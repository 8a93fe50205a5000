"""The core calls the health feature makes, each run as a job on a worker thread.

Services are imported on first use, on the worker: they pull in SQLAlchemy,
which stays off the UI thread until the window has painted. ``probe`` touches
the network and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commander.domain.health import ProbeOutcome
    from commander.services.health_checks import ProbeRecorded
    from commander.store.engine import Store
    from commander.views.health import HealthCheckView, HealthWatch


def read_watch(store: Store, ref: str) -> HealthWatch:
    from commander.services.health_checks import health_watch

    return health_watch(store, ref)


def add_check(
    store: Store, ref: str, target: str, author: str, every_seconds: int, slow_ms: int
) -> HealthCheckView:
    from commander.services.health_checks import add_check

    return add_check(store, ref, target, author, every_seconds, slow_ms)


def remove_check(store: Store, ref: str, check_id: int, author: str) -> HealthCheckView:
    from commander.services.health_checks import remove_check

    return remove_check(store, ref, check_id, author)


def record_probe(store: Store, check_id: int, outcome: ProbeOutcome, author: str) -> ProbeRecorded:
    from commander.services.health_checks import record_probe

    return record_probe(store, check_id, outcome, author)


def probe(target: str, slow_ms: int) -> ProbeOutcome:
    from commander.domain.health import parse_target, probe_timeout
    from commander.health_probe import probe

    return probe(parse_target(target), probe_timeout(slow_ms))
