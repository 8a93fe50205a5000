"""The durable outbox: deliver pending messages, safely from any number of workers.

A delivery is *claimed* by one conditional UPDATE (pending and due, or sending
with an expired lease -> sending, with a lease owned by this worker), so two
workers, processes or seats never send the same delivery at once. The network
call runs outside any transaction. Its ``Outcome`` is then recorded together
with a timeline entry in one transaction (services/deliveries.py writes every
state change; this module decides which):

- sent: final, never sent again (a late duplicate outcome is ignored);
- retry: back to pending after an exponential, jittered backoff, or after the
  provider's Retry-After; permanent after ``MAX_ATTEMPTS``;
- failed: final, with the provider's error text; a person may retry it.

A delivery left ``sending`` by a process that died is claimed again once its
lease runs out, so nothing is lost when the app closes mid-send; connectors
derive idempotency keys from the stable delivery id so a resend after such a
crash does not post twice where the provider supports it. Where it does not
(a connector's ``recognises_repeats`` is False: Slack, Discord, Teams,
Mattermost), the worker writes down that the attempt started just before the
request goes out; a lease that runs out after that is not claimed again but
failed as "may have been posted", as after a timeout, for a person to check.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from commander import secrets
from commander.connectors.base import (
    SECRET_OPTIONAL_KINDS,
    Connector,
    Delivery,
    Message,
    Outcome,
    Target,
    connector_for,
)
from commander.domain.audiences import (
    Audience,
    AudienceMismatchError,
    audience_of_target,
    may_receive,
    mismatch,
)
from commander.domain.when import utc_now
from commander.errors import CommanderError
from commander.interrupts import caused_by_interrupt
from commander.services.deliveries import (
    claimable,
    fail_attempt,
    fail_unconfirmed,
    mark_sent,
    schedule_retry,
    start_attempt,
    take_leases,
)
from commander.services.lease_owner import worker_id
from commander.services.messages import message_of
from commander.services.store_identity import store_id
from commander.services.target_secrets import identity_made_at, key_of
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_comms import (
    PENDING,
    SENDING,
    SENT,
    CommsDelivery,
    CommsMessage,
    CommsTarget,
    ConnectorState,
)
from commander.views.comms import DeliveryView

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
# urllib3 logs each request line at DEBUG, and a webhook URL's path is its secret:
# keep it quiet even when the app runs with --debug.
logging.getLogger("urllib3").setLevel(logging.INFO)

HTTP_TIMEOUT = 15.0  # seconds, per request
# A claim outlives the longest send; after that another worker may take it.
LEASE = timedelta(seconds=HTTP_TIMEOUT * 4 + 30)
BACKOFF_BASE = 5.0  # seconds before the second attempt
BACKOFF_CAP = 15 * 60.0
RETRY_AFTER_CAP = 60 * 60.0
MAX_ATTEMPTS = 10
CLAIM_BATCH = 20
AUTHOR = "outbox"
# Outbox threads of one process take turns to write. SQLite would serialise them
# anyway, but by sleeping in its busy handler (up to 100 ms a turn); a lock hands
# over at once. Other processes and seats still rely on the database's locking.
_WRITE_TURN = threading.Lock()


@dataclass(frozen=True)
class Claim:
    """A delivery this worker holds the lease on, with everything needed to send it."""

    delivery_id: int
    owner: str
    attempt: int
    message: Message
    target: Target
    incident_id: int
    target_id: int
    state: dict[str, str]
    secret_key: secrets.SecretKey
    store_id: str  # the store's random id: providers' idempotency keys include it


def claim_due(
    store: Store,
    now: datetime | None = None,
    *,
    owner: str | None = None,
    limit: int = CLAIM_BATCH,
    lease: timedelta = LEASE,
    message_ids: Sequence[int] | None = None,
) -> list[Claim]:
    """Take the lease on up to ``limit`` due deliveries, oldest due first."""
    now = now or utc_now()
    owner = owner or worker_id()
    # One incident's updates reach a target in order, one at a time: the first
    # status page update creates the incident the next one updates, the first
    # Slack message starts the thread the next one joins.
    earlier, earlier_message = aliased(CommsDelivery), aliased(CommsMessage)
    waits_for_earlier = (
        select(earlier.id)
        .join(earlier_message, earlier_message.id == earlier.message_id)
        .where(
            earlier.target_id == CommsDelivery.target_id,
            earlier.id < CommsDelivery.id,
            earlier.state.in_((PENDING, SENDING)),
            earlier_message.incident_id == CommsMessage.incident_id,
        )
        .exists()
    )
    candidates = (
        select(CommsDelivery.id)
        .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
        .where(claimable(now), CommsDelivery.target_id.is_not(None), ~waits_for_earlier)
        .order_by(CommsDelivery.next_attempt_at, CommsDelivery.id)
        .limit(limit)
    )
    if message_ids is not None:
        candidates = candidates.where(CommsDelivery.message_id.in_(message_ids))
    # Most passes find nothing: ask in a read first, so idle windows on every seat
    # do not take the write lock every few seconds.
    with store.read() as session:
        if session.scalars(candidates.limit(1)).first() is None:
            return []
    identity = store_id(store)
    with _WRITE_TURN, store.write() as session:
        if not store.is_sqlite:
            # Another seat claiming right now skips these rows instead of waiting.
            candidates = candidates.with_for_update(skip_locked=True, of=CommsDelivery)
        ids = fail_unconfirmed(session, list(session.scalars(candidates)), AUTHOR, now)
        if not ids:
            return []
        return _claims(session, take_leases(session, ids, owner, now, lease), owner, identity)


def _claims(session: Session, delivery_ids: list[int], owner: str, identity: str) -> list[Claim]:
    """Everything needed to send these deliveries, read in three queries."""
    rows = session.execute(
        select(CommsDelivery, CommsMessage, Incident, CommsTarget)
        .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
        .join(Incident, Incident.id == CommsMessage.incident_id)
        .join(CommsTarget, CommsTarget.id == CommsDelivery.target_id)
        .where(CommsDelivery.id.in_(delivery_ids))
        .order_by(CommsDelivery.next_attempt_at, CommsDelivery.id)
        .execution_options(populate_existing=True)
    ).all()
    pairs = {(incident.id, target.id) for _d, _m, incident, target in rows}
    states = {
        (row.incident_id, row.target_id): row.state
        for row in session.scalars(
            select(ConnectorState).where(
                ConnectorState.incident_id.in_({i for i, _t in pairs}),
                ConnectorState.target_id.in_({t for _i, t in pairs}),
            )
        )
    }
    made_at = identity_made_at(session)
    claims = []
    for delivery, message, incident, target in rows:
        state = states.get((incident.id, target.id)) or {}
        claims.append(
            Claim(
                delivery_id=delivery.id,
                owner=owner,
                attempt=delivery.attempts,
                message=message_of(message, incident.ref),
                target=Target(
                    target.name,
                    target.kind,
                    target.base_url,
                    dict(target.options or {}),
                    target.audience,
                ),
                incident_id=incident.id,
                target_id=target.id,
                state={str(k): str(v) for k, v in state.items()},
                secret_key=key_of(identity, made_at, target),
                store_id=identity,
            )
        )
    return claims


def deliver_claimed(
    store: Store,
    claim: Claim,
    *,
    http: requests.Session | None = None,
    timeout: float = HTTP_TIMEOUT,
    now: Callable[[], datetime] = utc_now,
) -> DeliveryView:
    """Send one claimed delivery and record what happened."""
    outcome = attempt_delivery(
        claim, http=http, timeout=timeout, start=lambda: _start(store, claim, now())
    )
    if outcome is None:
        log.info("delivery %s: the lease ran out before sending; not sent", claim.delivery_id)
        with store.read() as session:
            return DeliveryView.of(session.get_one(CommsDelivery, claim.delivery_id))
    return record_outcome(store, claim, outcome, now())


def _start(store: Store, claim: Claim, now: datetime) -> bool:
    with _WRITE_TURN, store.write() as session:
        return start_attempt(session, claim.delivery_id, claim.owner, claim.attempt, now)


def attempt_delivery(
    claim: Claim,
    *,
    http: requests.Session | None = None,
    timeout: float = HTTP_TIMEOUT,
    start: Callable[[], bool] | None = None,
) -> Outcome | None:
    """Call the connector; network trouble is a retry, anything else unexpected a failure.

    ``start`` is called just before the request goes out to a provider that cannot
    recognise a repeat (it writes that down); when it answers False (the lease was
    lost) nothing is sent and the answer is None.
    """
    secret: str | None = None
    try:
        _check_readable(claim)
        connector = connector_for(claim.target.kind)
        # A target without its secret fails here, by name, not in the connector with
        # whatever an empty token or URL makes it say.
        optional = claim.target.kind in SECRET_OPTIONAL_KINDS
        secret = secrets.require_secret(claim.secret_key, optional=optional)
    except Exception as exc:
        outcome = _failure(claim, exc, secret, timeout)
    else:
        if start is not None and not connector.recognises_repeats and not start():
            return None
        outcome = _call_connector(claim, connector, secret, http, timeout)
    if outcome.error:
        # The provider's text may quote the URL we called, which can hold the secret.
        outcome = replace(outcome, error=secrets.scrub(outcome.error, [secret]))
    return outcome


def _check_readable(claim: Claim) -> None:
    """The last guard: a target never gets a text its readers may not see (the send
    and an audience change already see to it; this holds whatever wrote the row)."""
    target = audience_of_target(claim.target.kind, claim.target.audience)
    text = Audience.parse(claim.message.audience)
    if not may_receive(target, text):
        refused = [(claim.target.name, claim.target.kind, target)]
        raise AudienceMismatchError(mismatch([(claim.message.template, text)], refused))


def _call_connector(
    claim: Claim,
    connector: Connector,
    secret: str,
    http: requests.Session | None,
    timeout: float,
) -> Outcome:
    import requests

    own_session = http is None
    session = http or requests.Session()
    try:
        delivery = Delivery(
            claim.delivery_id, claim.attempt, dict(claim.state), store_id=claim.store_id
        )
        return connector.deliver(claim.message, claim.target, secret, delivery, session, timeout)
    except Exception as exc:
        return _failure(claim, exc, secret, timeout)
    finally:
        if own_session:
            session.close()


def _failure(claim: Claim, exc: Exception, secret: str | None, timeout: float) -> Outcome:
    """What an exception on the way to the provider means for the delivery."""
    import requests

    if isinstance(exc, requests.RequestException):
        # Network trouble a connector did not classify itself: said in words, retried.
        from commander.connectors._http import network_failure

        url = exc.request.url if exc.request is not None else claim.target.base_url
        described = network_failure(exc, url, timeout)
        return Outcome("retry", error=described.error)
    if isinstance(exc, ImportError):
        log.warning("no connector for %s: %s", claim.target.kind, exc)
        return Outcome("failed", error=f"no {claim.target.kind} connector in this build")
    if isinstance(exc, CommanderError):
        return Outcome("failed", error=str(exc))
    if caused_by_interrupt(exc):
        raise exc  # Ctrl-C arriving as another error: no reason to fail the delivery
    # No traceback in the log: its frames' text could quote the secret.
    log.error(
        "connector %s raised %s for delivery %s: %s",
        claim.target.kind,
        type(exc).__name__,
        claim.delivery_id,
        secrets.scrub(str(exc), [secret]),
    )
    return Outcome("failed", error=f"connector error: {type(exc).__name__}: {exc}")


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt``: exponential, full jitter
    over its upper half so retries from many deliveries do not arrive together."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** max(0, attempt - 1))
    draw: float = (rng or random).random()
    return ceiling * (0.5 + 0.5 * draw)


def record_outcome(store: Store, claim: Claim, outcome: Outcome, now: datetime) -> DeliveryView:
    """The delivery's new state, its attempt and (when it starts failing or ends) its
    timeline entry, in one transaction."""
    with _WRITE_TURN, store.write() as session:
        row = session.get_one(CommsDelivery, claim.delivery_id, with_for_update=True)
        # Sent is final. Otherwise only the lease holder decides, except that a
        # provider's acknowledgement always counts (it was delivered, whoever holds it).
        if row.state == SENT or (row.lease_owner != claim.owner and outcome.status != "sent"):
            log.info("delivery %s is %s elsewhere; ignoring a late outcome", row.id, row.state)
            return DeliveryView.of(row)
        if outcome.status == "sent":
            mark_sent(session, row, outcome.provider_id, outcome.error, AUTHOR, now)
        elif outcome.status == "retry" and row.attempts < MAX_ATTEMPTS:
            delay = (
                min(outcome.retry_after, RETRY_AFTER_CAP)
                if outcome.retry_after is not None and outcome.retry_after >= 0
                else backoff(row.attempts)
            )
            error = outcome.error or "temporary failure"
            schedule_retry(session, row, error, timedelta(seconds=delay), AUTHOR, now)
        elif outcome.status == "retry":
            error = f"gave up after {row.attempts} attempts: {outcome.error or 'failed'}"
            fail_attempt(session, row, error, AUTHOR, now)
        else:
            error = outcome.error or "failed"
            fail_attempt(session, row, error, AUTHOR, now, unconfirmed=outcome.unconfirmed)
        if outcome.state:
            _remember(session, claim, outcome.state, now)
        return DeliveryView.of(row)


def _remember(session: Session, claim: Claim, state: dict[str, str], now: datetime) -> None:
    key = (claim.incident_id, claim.target_id)
    row = session.get(ConnectorState, key, with_for_update=True)
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    ConnectorState(
                        incident_id=claim.incident_id,
                        target_id=claim.target_id,
                        state=dict(state),
                        updated_at=now,
                    )
                )
            return
        except IntegrityError:  # another seat stored this pair's first state just now
            row = session.get_one(ConnectorState, key, with_for_update=True, populate_existing=True)
    row.state = {**(row.state or {}), **state}  # a new dict, so the JSON change is seen
    row.updated_at = now


def deliver_due(
    store: Store,
    now: datetime | None = None,
    *,
    parallel: int = 4,
    timeout: float = HTTP_TIMEOUT,
    limit: int = CLAIM_BATCH,
    message_ids: Sequence[int] | None = None,
) -> list[DeliveryView]:
    """One pass: claim what is due and send it, ``parallel`` at a time."""
    claims = claim_due(store, now, limit=limit, message_ids=message_ids)
    if not claims:
        return []
    if parallel <= 1 or len(claims) == 1:
        return [deliver_claimed(store, claim, timeout=timeout) for claim in claims]
    pool = ThreadPoolExecutor(min(parallel, len(claims)))
    interrupted = False
    try:
        return list(pool.map(lambda c: deliver_claimed(store, c, timeout=timeout), claims))
    except KeyboardInterrupt:
        # Ctrl-C: neither wait for the sends still on the network nor start the others.
        # Their deliveries keep the lease and are claimed again when it runs out, as
        # after a crash (commander/interrupts.py ends the process without waiting).
        interrupted = True
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=interrupted)


def outstanding(store: Store, message_ids: Sequence[int] | None = None) -> list[DeliveryView]:
    """Deliveries (of these messages, or all) that are not final yet."""
    with store.read() as session:
        statement = select(CommsDelivery).where(
            CommsDelivery.state.in_((PENDING, SENDING)), CommsDelivery.target_id.is_not(None)
        )
        if message_ids is not None:
            statement = statement.where(CommsDelivery.message_id.in_(message_ids))
        return [DeliveryView.of(row) for row in session.scalars(statement)]


def drain(
    store: Store,
    deadline: float,
    message_ids: Sequence[int] | None = None,
    *,
    parallel: int = 4,
    timeout: float = HTTP_TIMEOUT,
    poll: float = 0.25,
) -> list[DeliveryView]:
    """Deliver until every delivery of ``message_ids`` (None: every message) is sent or
    failed for good, or until ``deadline`` (a ``time.monotonic()`` value). Returns
    those still unfinished."""
    while True:
        # Everything due, not only these messages: an older update to the same target
        # goes first and would otherwise hold them up.
        deliver_due(store, parallel=parallel, timeout=timeout)
        left = outstanding(store, message_ids)
        if not left:
            return []
        # How long to keep trying is a duration, so it stays on time.monotonic; when a
        # retry falls due is a time of day, so that reads the app clock (commander.clock).
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return left
        soonest = min(d.next_attempt_at for d in left)
        wait = (soonest - utc_now()).total_seconds()
        time.sleep(min(max(wait, poll), remaining))
