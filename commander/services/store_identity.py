"""The store's own random id (made by migration 0006), read once per store.

Secrets are kept per store and target (commander/secrets.py): two stores with a
target of the same name must never share one webhook or token.
"""

from __future__ import annotations

from sqlalchemy import select

from commander.errors import StoreError
from commander.store.engine import Store
from commander.store.orm import StoreIdentity


def store_id(store: Store) -> str:
    """The id of ``store``; read from the database the first time, then remembered."""
    if store.cached_identity is not None:
        return store.cached_identity
    with store.read() as session:
        ids = list(session.scalars(select(StoreIdentity.id)))
    if len(ids) != 1:
        # Written once by the migration and never changed: anything else means
        # the table was edited by hand, and secrets would go to the wrong store.
        raise StoreError(
            f"database {store.location}: its identity is damaged "
            f"({len(ids)} rows in store_identity, expected 1)"
        )
    store.cached_identity = ids[0]
    return ids[0]
