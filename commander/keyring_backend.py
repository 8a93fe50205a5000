"""The keyring backend ``keyring`` picks, or a one-line refusal naming the one asked for.

A backend is named by ``PYTHON_KEYRING_BACKEND`` or by ``default-keyring`` in keyring's
own ``keyringrc.cfg``. A name that does not load (``nope.Nothing``) made keyring raise
ModuleNotFoundError or AttributeError from deep inside, which read as a bug in the app.
"""

from __future__ import annotations

import configparser
import contextlib
import os
from typing import TYPE_CHECKING

from commander.errors import CommanderError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

ENVIRONMENT = "PYTHON_KEYRING_BACKEND"


class KeyringBackendError(CommanderError):
    """The keyring backend the user named cannot be loaded or used here."""


def configured_keyring() -> KeyringBackend:
    """``keyring.get_keyring()``, with a backend that cannot be had explained."""
    import keyring

    try:
        return keyring.get_keyring()
    except RuntimeError as exc:  # the class exists; its check says it cannot work here
        name, where = _named_backend()
        raise KeyringBackendError(
            f"keyring backend {name} ({where}) cannot be used here: {exc}; "
            f"choices: {', '.join(backend_choices())}"
        ) from None
    except (ImportError, AttributeError, ValueError, TypeError):  # no such module or class
        name, where = _named_backend()
        raise KeyringBackendError(
            f"no keyring backend {name} ({where}); choices: {', '.join(backend_choices())}"
        ) from None


def backend_choices() -> list[str]:
    """The backends keyring can use on this machine, by the names it accepts, best first
    (what ``keyring --list-backends`` shows)."""
    from keyring.backend import get_all_keyring

    ranked = sorted((-backend.priority, _name(backend)) for backend in get_all_keyring())
    return [name for _rank, name in ranked]


def _name(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _named_backend() -> tuple[str, str]:
    """The backend name keyring was asked to load, and where it was named."""
    if ENVIRONMENT in os.environ:
        return os.environ[ENVIRONMENT] or "''", f"from {ENVIRONMENT}"
    from keyring.util.platform_ import config_root

    path = config_root() / "keyringrc.cfg"
    config = configparser.RawConfigParser()
    with contextlib.suppress(OSError, configparser.Error):
        config.read(path, encoding="utf-8")
    return config.get("backend", "default-keyring", fallback="?").strip(), f"from {path}"
