"""Health checks of an incident: add, remove, list, and record what a probe found.

Probing (``commander.health_probe``) happens outside any transaction; only a
change of state is written: the state row and a ``health`` entry in one
transaction. A probe that finds the stored state writes nothing. Adding the
incident's first check ticks the Detect item "Automated checks run".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from commander.domain import Phase
from commander.domain.auto_checks import Happening
from commander.domain.entry_facts import HealthChanged, HealthCheckAction, HealthCheckChanged
from commander.domain.health import (
    DEFAULT_EVERY_SECONDS,
    DEFAULT_SLOW_MS,
    HealthState,
    ProbeOutcome,
    all_green_since,
    change_text,
    check_every,
    check_slow_ms,
    label_of,
    next_state,
    parse_target,
    short_error,
)
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.auto_checks import tick
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_health import HealthCheck, HealthCheckState
from commander.views.health import HealthCheckView, HealthWatch

# Ids are 32-bit integers on PostgreSQL: a bigger number names no check.
_CHECK_ID_MAX = 2**31 - 1


@dataclass(frozen=True, slots=True)
class ProbeRecorded:
    """The check after a probe was recorded; ``changed_from`` is the state it left, or
    None when the probe found the stored state (nothing was written)."""

    check: HealthCheckView
    changed_from: HealthState | None


def add_check(
    store: Store,
    ref: str,
    target: str,
    author: str,
    every_seconds: int = DEFAULT_EVERY_SECONDS,
    slow_ms: int = DEFAULT_SLOW_MS,
    now: datetime | None = None,
) -> HealthCheckView:
    """Watch ``target`` while the incident is open; refused for a closed incident or a
    target it already watches."""
    parsed = parse_target(target)
    check_every(every_seconds)
    check_slow_ms(slow_ms)
    now = now or utc_now()
    with store.write() as session:
        incident = locked_incident(session, ref)
        if incident.closed_at is not None:
            raise InvalidInputError(f"{incident.ref} is closed: health checks watch open incidents")
        live = _live_checks(session, incident.id)
        same = next((c for c in live if c.target == parsed.text), None)
        if same is not None:
            raise InvalidInputError(
                f"{incident.ref} already watches {parsed.text} (check {same.id})"
            )
        first = not session.scalar(select(exists().where(HealthCheck.incident_id == incident.id)))
        check = HealthCheck(
            incident_id=incident.id,
            target=parsed.text,
            every_seconds=every_seconds,
            slow_ms=slow_ms,
            created_at=now,
            created_by=author,
        )
        session.add(check)
        session.flush()
        state = HealthCheckState(check_id=check.id, state=HealthState.UNKNOWN.value, since=now)
        session.add(state)
        add_entry(
            session,
            incident,
            fact=HealthCheckChanged(
                check.id, HealthCheckAction.ADDED, parsed.text, every_seconds, slow_ms
            ),
            text=f"Health check added: {parsed.text} (every {every_seconds} s, "
            f"slow over {slow_ms} ms)",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        if first:
            tick(session, incident, Happening.HEALTH_CHECK_ADDED, f"health-check:{check.id}", now)
        return _view(check, state)


def remove_check(
    store: Store, ref: str, check: str | int, author: str, now: datetime | None = None
) -> HealthCheckView:
    """Stop watching a check, named by its number or its target."""
    now = now or utc_now()
    with store.write() as session:
        incident = locked_incident(session, ref)
        row = _named_check(session, incident, check)
        row.removed_at, row.removed_by = now, author
        add_entry(
            session,
            incident,
            fact=HealthCheckChanged(row.id, HealthCheckAction.REMOVED, row.target),
            text=f"Health check removed: {row.target}",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        return _view(row, session.get_one(HealthCheckState, row.id))


def health_watch(store: Store, ref: str) -> HealthWatch:
    """The incident's live checks with their states, and since when all are up."""
    with store.read() as session:
        incident = load_incident(session, ref)
        rows = session.execute(
            select(HealthCheck, HealthCheckState)
            .join(HealthCheckState, HealthCheckState.check_id == HealthCheck.id)
            .where(HealthCheck.incident_id == incident.id, HealthCheck.removed_at.is_(None))
            .order_by(HealthCheck.id)
        ).all()
        checks = tuple(_view(check, state) for check, state in rows)
        return HealthWatch(
            incident_id=incident.id,
            ref=incident.ref,
            phase=Phase(incident.phase),
            closed=incident.closed_at is not None,
            checks=checks,
            all_green_since=all_green_since((c.state, c.since) for c in checks) if checks else None,
        )


def record_probe(
    store: Store,
    check_id: int,
    outcome: ProbeOutcome,
    author: str,
    now: datetime | None = None,
) -> ProbeRecorded:
    """Record a probe's outcome: a state change writes the state and its entry; the
    stored state again writes nothing. The state row is locked, so two seats probing
    the same check log one change, not two."""
    now = now or utc_now()
    if outcome.error is not None:
        outcome = ProbeOutcome(
            outcome.at, outcome.ok, outcome.latency_ms, short_error(outcome.error)
        )
    with store.write() as session:
        state = session.get(HealthCheckState, check_id, with_for_update=True)
        check = session.get(HealthCheck, check_id)
        if state is None or check is None:
            raise NotFoundError(f"no health check {check_id}")
        old = HealthState(state.state)
        new = None if check.removed_at is not None else next_state(old, outcome, check.slow_ms)
        if new is None:
            return ProbeRecorded(_view(check, state), None)
        state.state, state.since = new.value, outcome.at
        state.probed_at, state.latency_ms = outcome.at, outcome.latency_ms
        state.error = outcome.error if new is HealthState.DOWN else None
        label = label_of(check.target)
        add_entry(
            session,
            session.get_one(Incident, check.incident_id),
            fact=HealthChanged(check.id, check.target, old, new, outcome.latency_ms, state.error),
            text=change_text(label, old, new, outcome, check.slow_ms),
            author=author,
            occurred_at=outcome.at,
            recorded_at=now,
        )
        return ProbeRecorded(_view(check, state), old)


def _live_checks(session: Session, incident_id: int) -> list[HealthCheck]:
    return list(
        session.scalars(
            select(HealthCheck)
            .where(HealthCheck.incident_id == incident_id, HealthCheck.removed_at.is_(None))
            .order_by(HealthCheck.id)
        )
    )


def _named_check(session: Session, incident: Incident, named: str | int) -> HealthCheck:
    live = _live_checks(session, incident.id)
    text = str(named).strip()
    if re.fullmatch(r"[0-9]{1,10}", text):
        number = int(text)
        found = next((c for c in live if c.id == number), None) if number <= _CHECK_ID_MAX else None
    else:
        try:
            wanted = parse_target(text).text
        except InvalidInputError:
            wanted = text
        found = next((c for c in live if c.target == wanted), None)
    if found is None:
        raise NotFoundError(
            f"{incident.ref} has no health check {text!r} (see `commander health {incident.ref}`)"
        )
    return found


def _view(check: HealthCheck, state: HealthCheckState) -> HealthCheckView:
    return HealthCheckView(
        id=check.id,
        incident_id=check.incident_id,
        target=check.target,
        label=label_of(check.target),
        every_seconds=check.every_seconds,
        slow_ms=check.slow_ms,
        state=HealthState(state.state),
        since=state.since,
        probed_at=state.probed_at,
        latency_ms=state.latency_ms,
        error=state.error,
        created_at=check.created_at,
        created_by=check.created_by,
    )
