"""Which secret belongs to a target of this store (commander/secrets.py keeps them).

A secret is keyed by the store's identity and the target's name. A target made
before its store had an identity (a store upgraded past migration 0006) may
still have its secret under its name alone, so it may take that entry over; a
target made since never does, so it cannot pick up another store's secret.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander import secrets
from commander.connectors.base import CAPTURE_TOKEN_KINDS
from commander.errors import NotFoundError
from commander.secrets import CAPTURE_SLOT, SecretKey
from commander.services.store_identity import store_id
from commander.store.engine import Store
from commander.store.orm import StoreIdentity
from commander.store.orm_comms import CommsTarget


def identity_made_at(session: Session) -> datetime | None:
    """When the store got its identity (the upgrade past 0006, or the store's creation)."""
    return session.scalar(select(StoreIdentity.created_at))


def key_of(identity: str, identity_made: datetime | None, target: CommsTarget) -> SecretKey:
    """``target``'s key in the store whose id is ``identity``, made at ``identity_made``."""
    older = identity_made is not None and target.created_at < identity_made
    return SecretKey(identity, target.name, may_adopt_legacy=older)


def secret_key(store: Store, name: str) -> SecretKey:
    """The key of ``store``'s target ``name``."""
    identity = store_id(store)
    with store.read() as session:
        row = session.scalar(select(CommsTarget).where(CommsTarget.name == name.strip()))
        if row is None:
            raise NotFoundError(f"no target {name.strip()}")
        return key_of(identity, identity_made_at(session), row)


def capture_secret_key(store: Store, name: str) -> SecretKey:
    """The key of the secret chat capture reads ``store``'s target ``name`` with: the
    capture token for a kind whose own secret cannot read (``CAPTURE_TOKEN_KINDS``:
    a Mattermost webhook URL), else the target's own secret (a Slack bot token, a
    Matrix access token)."""
    identity = store_id(store)
    with store.read() as session:
        row = session.scalar(select(CommsTarget).where(CommsTarget.name == name.strip()))
        if row is None:
            raise NotFoundError(f"no target {name.strip()}")
        return capture_key_of(key_of(identity, identity_made_at(session), row), row.kind)


def capture_key_of(key: SecretKey, kind: str) -> SecretKey:
    """The capture slot of a target's ``key`` for a kind that reads with its own token."""
    return key.in_slot(CAPTURE_SLOT) if kind in CAPTURE_TOKEN_KINDS else key


def has_secret(store: Store, name: str) -> bool:
    return secrets.get_secret(secret_key(store, name)) is not None
