"""How the alert receiver is set up for a store: its shared token and the settings the
window runs it with.

The token is a secret of the store, kept by commander/secrets.py like a target's
(the OS keyring, else the user-only file), under the app's own name
``commander:alert-receiver-token``: the ``commander:`` prefix is refused for target
names, so no target's secret can take its place. ``commander listen`` reads the
same key (``--token-from-store``, or when given no other token). Whether the
window runs the receiver, on which address and port, is in settings.json.
"""

from __future__ import annotations

import ipaddress
import secrets as random_tokens
from dataclasses import dataclass

from commander import secrets
from commander.alert_receiver import LOOPBACK, check_token
from commander.domain.limits import refuse_nul
from commander.errors import InvalidInputError
from commander.secrets import SecretKey
from commander.services.store_identity import store_id
from commander.settings import Settings
from commander.store.engine import Store

TOKEN_NAME = "alert-receiver-token"


def token_key(store: Store) -> SecretKey:
    return secrets.app_secret_key(store_id(store), TOKEN_NAME)


def stored_token(store: Store) -> str | None:
    """The receiver's token kept for ``store``, or None."""
    return secrets.get_secret(token_key(store)) or None


def save_token(store: Store, token: str) -> str:
    """Keep ``token`` (checked: ``check_token``) as the receiver's token for ``store``."""
    clean = check_token(token)
    secrets.set_secret(token_key(store), clean)
    return clean


def new_token() -> str:
    """A fresh token, as `openssl rand -hex 24` would make."""
    return random_tokens.token_hex(24)


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.1, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.strip().lower() == "localhost"


@dataclass(frozen=True, slots=True)
class ReceiverSettings:
    """The receiver as the window runs it, from settings.json (``alert_declare_at`` and
    the severity mapping: services/alert_inbox.policy_from_settings)."""

    enabled: bool
    host: str
    port: int


def check_port(port: object) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InvalidInputError(f"alert receiver port {port!r}: a number from 1 to 65535")
    return port


def check_host(host: object) -> str:
    """An IP address to listen on (or ``localhost``), as typed."""
    if not isinstance(host, str) or not host.strip():
        raise InvalidInputError("the alert receiver needs an address to listen on (127.0.0.1)")
    clean = refuse_nul(host, "the address").strip()
    if clean.lower() == "localhost":
        return LOOPBACK
    try:
        return str(ipaddress.ip_address(clean))
    except ValueError:
        raise InvalidInputError(
            f"alert receiver address {clean!r}: an IP address of this machine, "
            "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
        ) from None


def receiver_settings(settings: Settings) -> ReceiverSettings:
    """The receiver's settings, checked: a hand-edited file's mistake is one clear error."""
    return ReceiverSettings(
        enabled=settings.alert_receiver_enabled is True,
        host=check_host(settings.alert_receiver_bind),
        port=check_port(settings.alert_receiver_port),
    )
