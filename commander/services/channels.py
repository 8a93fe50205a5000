"""Create an incident's Slack channel (``conversations.create``).

The Slack call runs outside any transaction. Only once Slack has made the
channel, one transaction records it: a timeline entry, the Triage item
"Create the incident channel" checked (if it is still open), and the channel
remembered in the target's connector state for this incident, so later updates
sent to that target go to the new channel instead of the configured one.
A refusal (``name_taken``, a bad token) writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commander import secrets
from commander.connectors.base import Target
from commander.domain import entry_facts
from commander.domain.auto_checks import Happening
from commander.domain.limits import AUTHOR, refuse_nul
from commander.domain.refs import channel_name
from commander.domain.when import utc_now
from commander.errors import CommanderError, InvalidInputError, NotFoundError
from commander.services.auto_checks import tick
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.target_secrets import secret_key
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm_comms import CommsTarget, ConnectorState

if TYPE_CHECKING:
    import requests

HTTP_TIMEOUT = 15.0  # seconds
SLACK = "slack"


@dataclass(frozen=True, slots=True)
class ChannelCreated:
    channel_id: str
    channel_name: str
    target: str
    # Whether this also checked the Triage item "Create the incident channel".
    checked_item: bool


def slack_targets(store: Store) -> list[str]:
    """Names of the targets a channel can be created with."""
    with store.read() as session:
        rows = session.scalars(
            select(CommsTarget.name).where(CommsTarget.kind == SLACK).order_by(CommsTarget.name)
        )
        return list(rows)


def create_incident_channel(
    store: Store,
    ref: str,
    target_name: str,
    author: str,
    session: requests.Session | None = None,
    timeout: float = HTTP_TIMEOUT,
    now: datetime | None = None,
) -> ChannelCreated:
    refuse_nul(author, AUTHOR)  # before Slack is asked: a refusal must change nothing
    target, name = _prepare(store, ref, target_name)
    secret = secrets.require_secret(secret_key(store, target.name))
    outcome_state, error = _call_slack(target, secret, name, session, timeout)
    if error is not None:
        raise CommanderError(f"Slack did not create the channel: {secrets.scrub(error, [secret])}")
    channel_id = outcome_state.get("channel", "")
    created = outcome_state.get("channel_name", name)
    return _record(store, ref, target.name, channel_id, created, author, now or utc_now())


def _prepare(store: Store, ref: str, target_name: str) -> tuple[Target, str]:
    with store.read() as db:
        incident = load_incident(db, ref)
        row = db.scalar(select(CommsTarget).where(CommsTarget.name == target_name.strip()))
        if row is None:
            raise NotFoundError(f"no target {target_name.strip()}")
        if row.kind != SLACK:
            raise InvalidInputError(
                f"target {row.name} is {row.kind}: channels are created with a slack target"
            )
        target = Target(row.name, row.kind, row.base_url, dict(row.options or {}))
        return target, channel_name(incident.ref, incident.title)


def _call_slack(
    target: Target,
    secret: str,
    name: str,
    session: requests.Session | None,
    timeout: float,
) -> tuple[dict[str, str], str | None]:
    """The new channel's state, or Slack's (or the network's) error text."""
    import requests

    from commander.connectors.slack import create_channel

    http = session or requests.Session()
    try:
        outcome = create_channel(target, secret, name, http, timeout)
    except requests.RequestException as exc:
        return {}, f"cannot reach Slack ({type(exc).__name__})"
    finally:
        if session is None:
            http.close()
    if outcome.status != "sent":
        return {}, outcome.error or outcome.status
    return dict(outcome.state or {}), None


def _record(
    store: Store,
    ref: str,
    target_name: str,
    channel_id: str,
    created: str,
    author: str,
    now: datetime,
) -> ChannelCreated:
    with store.write() as db:
        incident = locked_incident(db, ref)
        target = db.scalar(select(CommsTarget).where(CommsTarget.name == target_name))
        if target is None:  # removed while Slack was answering
            raise NotFoundError(
                f"channel #{created} was created, but target {target_name} is gone: "
                "nothing recorded"
            )
        add_entry(
            db,
            incident,
            fact=entry_facts.ChannelCreated(channel_id, created, target_name),
            text=f"Created Slack channel #{created}",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        item = tick(db, incident, Happening.CHANNEL_CREATED, f"channel:{channel_id}", now)
        # A new channel starts a new thread: the old thread_ts belongs to the old channel.
        _remember_channel(db, incident.id, target.id, channel_id, created, now)
        return ChannelCreated(channel_id, created, target_name, item is not None)


def _remember_channel(
    db: Session, incident_id: int, target_id: int, channel_id: str, name: str, now: datetime
) -> None:
    state = {"channel": channel_id, "channel_name": name}
    key = (incident_id, target_id)
    row = db.get(ConnectorState, key, with_for_update=True)
    if row is None:
        try:
            with db.begin_nested():
                db.add(
                    ConnectorState(
                        incident_id=incident_id, target_id=target_id, state=state, updated_at=now
                    )
                )
            return
        except IntegrityError:  # the outbox stored this pair's first state just now
            row = db.get_one(ConnectorState, key, with_for_update=True, populate_existing=True)
    row.state = state  # replaces any earlier channel and thread
    row.updated_at = now
