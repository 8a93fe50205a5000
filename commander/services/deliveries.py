"""Every change of a delivery's state, each with its timeline entry, in the caller's
transaction (except ``retry_delivery``, a person's request, which is its own).

    pending --claim--> sending --sent--> sent (final)
       ^                  |----retry---> pending again, due after a backoff
       |                  '----failed--> failed --a person retries--> pending
       '-- queued with its message;  pending/sending --target removed--> failed

A lease that runs out sends the delivery again (its worker died), except once
its post to a provider that cannot recognise a repeat may have gone out
(``start_attempt``): that one fails as "may have been posted" (``fail_unconfirmed``).

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
)
from commander.views.comms import DeliveryView


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
        fail_delivery(session, delivery, error, author, now)
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
    """Final: the provider took it. A note (mail refused for some recipients) is kept."""
    delivery.state, delivery.acknowledged_at, delivery.last_error = SENT, now, note
    delivery.provider_id = provider_id
    message = _message(session, delivery)
    tick_for_delivery(session, delivery, message, now)  # before the entry: it may lock
    text = f"Delivered “{message.headline}” to {delivery.target_name}"
    _settle(session, delivery, message, text + (f"; {note}" if note else ""), author, now)


def schedule_retry(
    session: Session,
    delivery: CommsDelivery,
    error: str,
    delay: timedelta,
    author: str,
    now: datetime,
) -> None:
    """Back to pending, due after ``delay``."""
    delivery.state, delivery.last_error = PENDING, error
    delivery.next_attempt_at = now + delay
    text = (
        f"Delivery to {delivery.target_name} failed (attempt {delivery.attempts}): {error};"
        f" retrying in {_duration(delay)}"
    )
    _settle(session, delivery, _message(session, delivery), text, author, now)


def fail_delivery(
    session: Session,
    delivery: CommsDelivery,
    error: str,
    author: str,
    now: datetime,
    text: str | None = None,
) -> None:
    """Final until a person retries it: ``error`` is kept for them, ``text`` (default:
    the error) goes on the timeline."""
    delivery.state, delivery.last_error = FAILED, error
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
    """Send a failed delivery again (a person decided the cause is fixed)."""
    now = now or utc_now()
    with store.write() as session:
        delivery = session.get(CommsDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            raise NotFoundError(f"no delivery {delivery_id}")
        if delivery.state != FAILED:
            raise InvalidInputError(
                f"the delivery to {delivery.target_name} is {delivery.state}; only failed "
                "ones can be retried"
            )
        if delivery.target_id is None:
            raise InvalidInputError(f"target {delivery.target_name} was removed; add it again")
        delivery.state, delivery.attempts = PENDING, 0
        delivery.next_attempt_at = now
        message = _message(session, delivery)
        text = f"Retrying “{message.headline}” to {delivery.target_name}"
        _settle(session, delivery, message, text, author, now)
        return DeliveryView.of(delivery)


def _settle(
    session: Session,
    delivery: CommsDelivery,
    message: CommsMessage,
    text: str,
    author: str,
    now: datetime,
) -> None:
    """The end of every change but a claim: no lease held any more, and the entry."""
    delivery.updated_at = now
    delivery.lease_owner = delivery.lease_until = delivery.attempt_started_at = None
    fact = DeliveryChanged(
        delivery.id,
        DeliveryState(delivery.state),
        message.id,
        delivery.target_name,
        delivery.attempts,
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


def _duration(delay: timedelta) -> str:
    seconds = delay.total_seconds()
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
