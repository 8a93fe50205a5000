"""Configured destinations for messages. The secret goes to commander.secrets,
keyed by the store's identity and the target's name, never to the database.

Each target has an audience (domain/audiences.py): who reads it. A new target
gets its kind's default unless one is given; changing it fails the target's
unsent deliveries whose text its new readers may not see, each logged."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander import secrets
from commander.connectors.base import CAPTURE_TOKEN_KINDS, KINDS, Target
from commander.domain.audiences import Audience, audience_of_target, default_audience, may_receive
from commander.domain.limits import refuse_nul
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.secrets import SecretKey
from commander.services.deliveries import fail_delivery, fail_unsent_to
from commander.services.store_identity import store_id
from commander.services.target_secrets import capture_secret_key, secret_key
from commander.store.engine import Store
from commander.store.orm_comms import (
    PENDING,
    SENDING,
    CommsDelivery,
    CommsMessage,
    CommsTarget,
)
from commander.views.comms import TargetView

NAME_MAX = 100


def check_name(name: str) -> str:
    clean = refuse_nul(name, "the target name").strip()  # PostgreSQL cannot even look it up
    if not clean or len(clean) > NAME_MAX or any(c.isspace() for c in clean):
        raise InvalidInputError(f"target name {name!r}: 1 to {NAME_MAX} characters, no spaces")
    if secrets.is_app_secret_name(clean):
        raise InvalidInputError(
            f"target name {clean!r}: names starting with {secrets.APP_SECRET_PREFIX!r} "
            "are kept for the app's own secrets"
        )
    return clean


def check_kind(kind: str) -> str:
    clean = kind.strip().lower()
    if clean not in KINDS:
        raise InvalidInputError(f"unknown target kind {kind!r}; one of {', '.join(KINDS)}")
    return clean


MAIL_SCHEMES = ("smtp", "smtps")
MAIL_URL_FORM = "smtp://host:port or smtps://host:port"


def check_base_url(url: str | None, kind: str | None = None) -> str | None:
    """An email target's ``smtp://host:port`` or ``smtps://host:port`` (docs/connectors.md);
    for every other kind HTTPS, except to this machine (self-hosted test servers, local
    relays). Without a kind (the CLI checks ``--base-url`` before it has the kind) either
    form passes; ``save_target`` checks again with the kind."""
    if url is None or not url.strip():
        return None
    clean = url.strip().rstrip("/")
    parts = urlsplit(clean)
    if parts.username or parts.password:
        raise InvalidInputError("put credentials in the secret, not in the base URL")
    is_mail = parts.scheme in MAIL_SCHEMES
    if kind == "email" or (kind is None and is_mail):
        return _check_mail_url(url, clean)
    if is_mail:
        raise InvalidInputError(f"base URL {url!r}: smtp:// and smtps:// are for email targets")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInputError(f"base URL {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise InvalidInputError(f"base URL {url!r} must use https (http only to this machine)")
    return clean


def _check_mail_url(url: str, clean: str) -> str:
    parts = urlsplit(clean)
    if parts.scheme not in MAIL_SCHEMES or not parts.hostname:
        raise InvalidInputError(f"email base URL {url!r}: use {MAIL_URL_FORM}")
    if parts.path or parts.query or parts.fragment:
        raise InvalidInputError(f"email base URL {url!r}: only {MAIL_URL_FORM}, nothing after")
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        port = 0
    if port == 0:
        raise InvalidInputError(f"email base URL {url!r}: the port must be 1 to 65535")
    return clean


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret(secret: str) -> str:
    """A webhook URL given as the secret follows the base URL rule; the error never quotes it."""
    clean = refuse_nul(secret, "the secret").strip()  # stored text like any other
    parts = urlsplit(clean)
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise InvalidInputError("the webhook URL must use https (http only to this machine)")
    return clean


def check_options(options: Mapping[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for key, value in options.items():
        if not key.strip():
            raise InvalidInputError("an option needs a name: use KEY=VALUE")
        clean[key.strip()] = value.strip()
    return clean


def save_target(
    store: Store,
    name: str,
    kind: str,
    base_url: str | None = None,
    options: Mapping[str, str] | None = None,
    secret: str | None = None,
    *,
    replace: bool = False,
    audience: Audience | str | None = None,
    author: str = "commander",
    now: datetime | None = None,
) -> TargetView:
    """Add a target (or change one with ``replace``); a given secret is stored with it.

    ``audience``: who reads it; None keeps a changed target's and gives a new one its
    kind's default. ``author`` signs the entries of deliveries an audience change fails.
    """
    name, kind = check_name(name), check_kind(kind)
    wanted = Audience.parse(audience) if audience is not None else None
    base_url, clean_options = check_base_url(base_url, kind), check_options(options or {})
    if secret is not None:
        secret = check_secret(secret)
    now = now or utc_now()
    identity = store_id(store)
    with store.write() as session:
        row = session.scalar(select(CommsTarget).where(CommsTarget.name == name).with_for_update())
        if row is not None and not replace:
            raise InvalidInputError(f"a target named {name} exists; remove it first or edit it")
        if row is None:
            row = CommsTarget(
                name=name,
                kind=kind,
                base_url=base_url,
                options=clean_options,
                created_at=now,
                audience=(wanted or default_audience(kind)).value,
            )
            session.add(row)
        else:
            row.kind, row.base_url, row.options = kind, base_url, clean_options
            row.audience = (wanted or audience_of_target(row.kind, row.audience)).value
            session.flush()
            _fail_unreadable(session, row, author, now)
        session.flush()
        # Inside the transaction: if the secret cannot be stored, no target is added.
        if secret:
            secrets.set_secret(SecretKey(identity, name), secret)
        return TargetView.of(row)


def set_audience(
    store: Store, name: str, audience: Audience | str, author: str, now: datetime | None = None
) -> TargetView:
    """Change who reads a target. Its deliveries not sent yet whose text the new readers
    may not see (an internal update queued before it became public) fail, each logged."""
    wanted = Audience.parse(audience)
    now = now or utc_now()
    with store.write() as session:
        row = session.scalar(
            select(CommsTarget).where(CommsTarget.name == name.strip()).with_for_update()
        )
        if row is None:
            raise NotFoundError(f"no target {name.strip()}")
        row.audience = wanted.value
        session.flush()
        _fail_unreadable(session, row, author, now)
        return TargetView.of(row)


def _fail_unreadable(session: Session, target: CommsTarget, author: str, now: datetime) -> None:
    audience = audience_of_target(target.kind, target.audience)
    unsent = session.execute(
        select(CommsDelivery, CommsMessage)
        .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
        .where(CommsDelivery.target_id == target.id, CommsDelivery.state.in_((PENDING, SENDING)))
    ).all()
    for delivery, message in unsent:
        written_for = Audience(message.audience or Audience.INTERNAL)
        if may_receive(audience, written_for):
            continue
        error = (
            f"not sent: {target.name} is now a target for {audience.readers} "
            f"({audience.value}) and this text was written for {written_for.readers}"
        )
        text = f"Not delivered to {target.name}: {error.removeprefix('not sent: ')}"
        fail_delivery(session, delivery, error, author, now, text)


def store_secret(store: Store, name: str, secret: str, *, capture: bool = False) -> None:
    """Store a new secret for the existing target ``name`` (replacing this store's one).

    ``capture``: the capture token instead, the second secret chat capture reads a
    channel with, for kinds whose own secret cannot read (``CAPTURE_TOKEN_KINDS``)."""
    key = check_capture_slot(store, name) if capture else secret_key(store, name)
    clean = check_secret(secret)
    if not clean:
        raise InvalidInputError(f"the secret for target {key.target} is empty")
    secrets.set_secret(key, clean)


def check_capture_slot(store: Store, name: str) -> SecretKey:
    """The key of target ``name``'s capture token; refused for a kind that reads its
    channel with its own secret."""
    key = capture_secret_key(store, name)
    if key.slot != secrets.CAPTURE_SLOT:
        kinds = ", ".join(sorted(CAPTURE_TOKEN_KINDS))
        raise InvalidInputError(
            f"target {key.target} reads its channel with its own secret; "
            f"a capture token is only for {kinds} targets"
        )
    return key


def list_targets(store: Store) -> list[TargetView]:
    with store.read() as session:
        rows = session.scalars(select(CommsTarget).order_by(CommsTarget.name))
        return [TargetView.of(row) for row in rows]


def target_of(view: TargetView) -> Target:
    return Target(
        name=view.name,
        kind=view.kind,
        base_url=view.base_url,
        options=dict(view.options),
        audience=view.audience,
    )


def remove_target(store: Store, name: str, author: str, now: datetime | None = None) -> None:
    """Forget a target and its secret in this store. Its unsent deliveries fail, each with an
    entry on its incident's timeline."""
    now = now or utc_now()
    identity = store_id(store)
    with store.write() as session:
        row = session.scalar(select(CommsTarget).where(CommsTarget.name == name.strip()))
        if row is None:
            raise NotFoundError(f"no target {name.strip()}")
        fail_unsent_to(session, row, author, now)
        session.delete(row)
        session.flush()
        # Only this store's keys: another store's target of this name keeps its secrets.
        secrets.delete_secret(SecretKey(identity, row.name))
        secrets.delete_secret(SecretKey(identity, row.name, slot=secrets.CAPTURE_SLOT))
