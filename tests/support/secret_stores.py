"""Secrets in tests: an in-memory keyring backend, and reading what a store keeps.

This machine has no keyring, so commander.secrets uses its file there; the
memory backend lets a test take the keyring path instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.compat import properties

from commander import secrets
from commander.secrets import SecretKey
from commander.services.store_identity import store_id
from commander.store.engine import Store


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps (service, username) -> password in a dict."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (a class property, as keyring declares it)
        # Not viable on its own: keyring must never pick it for the other tests
        # (every subclass is a candidate); only memory_keyring() installs it.
        raise RuntimeError("a test double, installed by memory_keyring()")

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """``keyring`` uses a fresh ``MemoryKeyring`` inside the block."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def stored_secret(store: Store, target: str) -> str | None:
    """What ``store`` keeps under its own key for ``target`` (never a legacy entry)."""
    return secrets.get_secret(SecretKey(store_id(store), target))
