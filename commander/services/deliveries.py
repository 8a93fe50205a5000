"""Every change of a delivery's state, in the caller's transaction (except
``retry_delivery`` and ``mark_sent_by_person``, a person's requests, which are
their own).

    pending --claim--> sending --sent--> sent (final)
       ^                  |----retry---> pending again, due after a backoff
       |                  '----failed--> failed --a person retries--> pending
       |                                   '----a person says it was posted--> sent
       '-- queued with its message;  pending/sending --target removed--> failed

The timeline hears when a delivery starts failing (its first failed attempt) and
how it ends (sent, failed, given up), not every retry in between: each attempt's
outcome is kept in ``delivery_attempts`` instead, and ``failing_since`` says when
the run of failures began. A person's retry starts a new run.

A lease that runs out sends the delivery again (its worker died), except once
its post to a provider that cannot recognise a repeat may have gone out
(``start_attempt``): that one fails as "may have been posted" (``fail_unconfirmed``),
``unconfirmed``, as a timeout after sending does, for a person to check.

The outbox (services/outbox.py) decides which change an attempt's outcome
makes and when; the message (services/messages.py) queues them; removing a
target (services/targets.py) fails what was still to send. A change and its
entry go through here, so each is written one way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from commander.connectors.base import unconfirmed_post
from commander.domain.entry_facts import DeliveryChanged, DeliveryState
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.auto_checks import tick_for_delivery
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_comms import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    CommsDelivery,
    CommsMessage,
    CommsTarget,
    DeliveryAttempt,
)
from commander.views.comms import AttemptView, DeliveryView, span


def queue(
    session: Session, message: CommsMessage, targets: Sequence[CommsTarget], now: datetime
) -> list[CommsDelivery]:
    """One pending delivery of ``message`` per target, due now (the message's own entry
    says where it goes)."""
    rows = [
        CommsDelivery(
            message_id=message.id,
            target_id=target.id,
            target_name=target.name,
            target_kind=target.kind,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
            updated_at=now,
        )
        for target in targets
    ]
    session.add_all(rows)
    session.flush()
    return rows


def claimable(now: datetime) -> ColumnElement[bool]:
    """Deliveries a worker may take: pending and due, or sending under an expired lease
    (its worker died mid-send)."""
    return or_(
        and_(CommsDelivery.state == PENDING, CommsDelivery.next_attempt_at <= now),
        and_(CommsDelivery.state == SENDING, CommsDelivery.lease_until < now),
    )


def take_leases(
    session: Session, delivery_ids: Sequence[int], owner: str, now: datetime, lease: timedelta
) -> list[int]:
    """Move these deliveries to sending under ``owner``'s lease, as one conditional
    UPDATE: the condition in the UPDATE itself is what makes a claim safe when
    workers race. Returns the ids this worker got. No entry: nothing happened yet."""
    claimed = session.scalars(
        update(CommsDelivery)
        .where(
            CommsDelivery.id.in_(delivery_ids),
            claimable(now),
            # A post that may have gone out is never taken again (fail_unconfirmed).
            CommsDelivery.attempt_started_at.is_(None),
        )
        .values(
            state=SENDING,
            lease_owner=owner,
            lease_until=now + lease,
            attempts=CommsDelivery.attempts + 1,
            updated_at=now,
        )
        .returning(CommsDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    return list(claimed)


def start_attempt(
    session: Session, delivery_id: int, owner: str, attempt: int, now: datetime
) -> bool:
    """Write down that this attempt's request is about to go out to a provider that
    cannot recognise a repeat, so that if this worker dies before the answer, whoever
    takes the lease next knows it may have been posted. False when the lease is no
    longer this claim's (it ran out and was taken again): then nothing may be sent.
    No entry, as for a claim: the outcome's entry follows."""
    started = session.scalars(
        update(CommsDelivery)
        .where(
            CommsDelivery.id == delivery_id,
            CommsDelivery.state == SENDING,
            CommsDelivery.lease_owner == owner,
            CommsDelivery.attempts == attempt,
        )
        .values(attempt_started_at=now, updated_at=now)
        .returning(CommsDelivery.id)
        .execution_options(synchronize_session=False)
    ).first()
    return started is not None


def fail_unconfirmed(
    session: Session, delivery_ids: Sequence[int], author: str, now: datetime
) -> list[int]:
    """Of these claimable deliveries, fail those whose worker died after its post to a
    provider that cannot recognise a repeat went out: it may have been posted, so, as
    after a timeout, a person checks and retries instead of the outbox posting it twice.
    Returns the ids left to claim."""
    unconfirmed = session.scalars(
        select(CommsDelivery).where(
            CommsDelivery.id.in_(delivery_ids),
            CommsDelivery.state == SENDING,
            CommsDelivery.attempt_started_at.is_not(None),
        )
    ).all()
    for delivery in unconfirmed:
        error = unconfirmed_post("no answer (the sender stopped while posting)")
        fail_attempt(session, delivery, error, author, now, unconfirmed=True)
    failed = {delivery.id for delivery in unconfirmed}
    return [delivery_id for delivery_id in delivery_ids if delivery_id not in failed]


def mark_sent(
    session: Session,
    delivery: CommsDelivery,
    provider_id: str | None,
    note: str | None,
    author: str,
    now: datetime,
) -> None:
    """Final: the provider took it. A note (mail refused for some recipients) is kept.
    After failed attempts the entry says how long it was failing: this ends that run."""
    _record_attempt(session, delivery, SENT, note, None, now)
    message = _message(session, delivery)
    tick_for_delivery(session, delivery, message, now)  # before the entry: it may lock
    text = f"Delivered “{message.headline}” to {delivery.target_name}"
    if delivery.failing_since is not None:
        failed_for = span((now - delivery.failing_since).total_seconds())
        text += f" after {delivery.attempts} attempts (failing for {failed_for})"
    delivery.state, delivery.acknowledged_at, delivery.last_error = SENT, now, note
    delivery.provider_id = provider_id
    delivery.failing_since, delivery.unconfirmed = None, False
    _settle(session, delivery, message, text + (f"; {note}" if note else ""), author, now)


def schedule_retry(
    session: Session,
    delivery: CommsDelivery,
    error: str,
    delay: timedelta,
    author: str,
    now: datetime,
) -> None:
    """Back to pending, due after ``delay``. Only the first failure of a run writes an
    entry ("failing"); the retries after it are kept as attempts, with no entry."""
    delivery.state, delivery.last_error = PENDING, error
    delivery.next_attempt_at = now + delay
    _record_attempt(session, delivery, "retry", error, delivery.next_attempt_at, now)
    if delivery.failing_since is not None:
        _release(delivery, now)
        return
    delivery.failing_since = now
    text = (
        f"Delivery to {delivery.target_name} failing: {error}; retrying in "
        f"{span(delay.total_seconds())} and on until it is sent or given up"
        " (each attempt in the Comms tab)"
    )
    _settle(session, delivery, _message(session, delivery), text, author, now)


def fail_attempt(
    session: Session,
    delivery: CommsDelivery,
    error: str,
    author: str,
    now: datetime,
    *,
    unconfirmed: bool = False,
) -> None:
    """An attempt that ends the delivery (refused, given up, may have been posted):
    kept as an attempt, and the delivery fails with its entry."""
    _record_attempt(session, delivery, FAILED, error, None, now)
    fail_delivery(session, delivery, error, author, now, unconfirmed=unconfirmed)


def fail_delivery(
    session: Session,
    delivery: CommsDelivery,
    error: str,
    author: str,
    now: datetime,
    text: str | None = None,
    *,
    unconfirmed: bool = False,
) -> None:
    """Final until a person retries it or says it was posted: ``error`` is kept for
    them, ``text`` (default: the error) goes on the timeline."""
    delivery.state, delivery.last_error = FAILED, error
    delivery.unconfirmed = unconfirmed
    delivery.failing_since = delivery.failing_since or now
    text = text or f"Delivery to {delivery.target_name} failed: {error}"
    _settle(session, delivery, _message(session, delivery), text, author, now)


def fail_unsent_to(session: Session, target: CommsTarget, author: str, now: datetime) -> None:
    """Fail every delivery to ``target`` not sent yet (the target is being removed)."""
    unsent = session.scalars(
        select(CommsDelivery).where(
            CommsDelivery.target_id == target.id, CommsDelivery.state.in_((PENDING, SENDING))
        )
    ).all()
    for delivery in unsent:
        text = f"Not delivered to {target.name}: the target was removed"
        fail_delivery(session, delivery, "target removed before delivery", author, now, text)


def retry_delivery(
    store: Store, delivery_id: int, author: str, now: datetime | None = None
) -> DeliveryView:
    """Send a failed delivery again (a person decided the cause is fixed, or checked
    that a post that may have gone out did not)."""
    now = now or utc_now()
    with store.write() as session:
        delivery = _failed(session, delivery_id, "retried")
        if delivery.target_id is None:
            raise InvalidInputError(f"target {delivery.target_name} was removed; add it again")
        delivery.state, delivery.attempts = PENDING, 0
        delivery.next_attempt_at = now
        # A new run: if it fails again, that is a new "failing" entry and clock.
        delivery.failing_since, delivery.unconfirmed = None, False
        message = _message(session, delivery)
        text = f"Retrying “{message.headline}” to {delivery.target_name}"
        _settle(session, delivery, message, text, author, now)
        return DeliveryView.of(delivery)


def mark_sent_by_person(
    store: Store, delivery_id: int, author: str, now: datetime | None = None
) -> DeliveryView:
    """A person checked that a failed delivery did reach its target (a post that may
    have gone out did, or they posted it by hand): sent, on their word, with its entry.
    Nothing is sent."""
    now = now or utc_now()
    with store.write() as session:
        delivery = _failed(session, delivery_id, "marked sent")
        delivery.state, delivery.acknowledged_at, delivery.last_error = SENT, now, None
        delivery.failing_since, delivery.unconfirmed = None, False
        message = _message(session, delivery)
        text = (
            f"{author} checked that “{message.headline}” reached {delivery.target_name}:"
            " marked sent"
        )
        # Delivered is delivered, whoever confirmed it: the checklist follows as for a send.
        tick_for_delivery(session, delivery, message, now)  # before the entry: it may lock
        _settle(session, delivery, message, text, author, now, by_person=True)
        return DeliveryView.of(delivery)


def attempts_of(session: Session, delivery_ids: Sequence[int]) -> dict[int, list[AttemptView]]:
    """Each delivery's attempts, oldest first."""
    found: dict[int, list[AttemptView]] = {}
    if not delivery_ids:
        return found
    for row in session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.id)
    ):
        found.setdefault(row.delivery_id, []).append(AttemptView.of(row))
    return found


def _failed(session: Session, delivery_id: int, verb: str) -> CommsDelivery:
    delivery = session.get(CommsDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise NotFoundError(f"no delivery {delivery_id}")
    if delivery.state != FAILED:
        raise InvalidInputError(
            f"the delivery to {delivery.target_name} is {delivery.state}; only failed "
            f"ones can be {verb}"
        )
    return delivery


def _record_attempt(
    session: Session,
    delivery: CommsDelivery,
    outcome: str,
    error: str | None,
    next_attempt_at: datetime | None,
    now: datetime,
) -> None:
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempt=delivery.attempts,
            finished_at=now,
            outcome=outcome,
            error=error,
            next_attempt_at=next_attempt_at,
        )
    )


def _release(delivery: CommsDelivery, now: datetime) -> None:
    """No lease held any more: the end of every change but a claim."""
    delivery.updated_at = now
    delivery.lease_owner = delivery.lease_until = delivery.attempt_started_at = None


def _settle(
    session: Session,
    delivery: CommsDelivery,
    message: CommsMessage,
    text: str,
    author: str,
    now: datetime,
    *,
    by_person: bool = False,
) -> None:
    """The end of a change that the timeline hears of: the lease released, the entry."""
    _release(delivery, now)
    fact = DeliveryChanged(
        delivery.id,
        DeliveryState(delivery.state),
        message.id,
        delivery.target_name,
        delivery.attempts,
        by_person,
    )
    add_entry(
        session,
        session.get_one(Incident, message.incident_id),
        fact=fact,
        text=text,
        author=author,
        occurred_at=now,
        recorded_at=now,
    )


def _message(session: Session, delivery: CommsDelivery) -> CommsMessage:
    return session.get_one(CommsMessage, delivery.message_id)
