"""Tokens and webhook URLs: in the OS keyring, or a user-only file where there is none.

The service name is ``incident-commander`` and the key is the target's name.
Where ``keyring`` finds no backend (a server or container without a Secret
Service), secrets go to ``secrets.json`` in the config folder, created with
mode 0600; ``secret_storage_warning()`` says so for the settings dialog.
Nothing here logs a secret, and ``scrub()`` takes secrets out of error text.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from commander import paths
from commander.errors import CommanderError
from commander.keyring_backend import configured_keyring

log = logging.getLogger(__name__)

SERVICE = "incident-commander"
FALLBACK_FILE = "secrets.json"
MASK = "•••"


class SecretStoreError(CommanderError):
    """The keyring or the fallback file cannot be read or written."""


def fallback_path() -> Path:
    return paths.config_dir() / FALLBACK_FILE


def keyring_available() -> bool:
    """True when ``keyring`` has a real backend (not the fail or null one)."""
    try:
        from keyring.backends import fail, null
    except ImportError:
        return False
    backend = configured_keyring()  # a backend named but not to be had is explained
    return not isinstance(backend, fail.Keyring | null.Keyring)


def secret_storage_warning() -> str | None:
    """A sentence for the settings dialog when secrets are not in a keyring, else None."""
    if keyring_available():
        return None
    return (
        "No system keyring is available, so tokens and webhook URLs are kept in "
        f"{fallback_path()}, readable only by your user account. Anyone who can log in "
        "as you can read them."
    )


def set_secret(target: str, secret: str) -> None:
    if not secret:
        raise SecretStoreError(f"the secret for target {target!r} is empty")
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, target, secret)
            return
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot store the secret for {target!r} in the keyring: {type(exc).__name__}"
            ) from None
    secrets = _read_file()
    secrets[target] = secret
    _write_file(secrets)


def get_secret(target: str) -> str | None:
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            found = keyring.get_password(SERVICE, target)
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot read the secret for {target!r} from the keyring: {type(exc).__name__}"
            ) from None
        if found is not None:
            return found
    # Also read the file when a keyring exists: secrets stored before it was installed.
    return _read_file().get(target)


def delete_secret(target: str) -> None:
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, target)
        except PasswordDeleteError:
            pass  # there was none
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot delete the secret for {target!r}: {type(exc).__name__}"
            ) from None
    secrets = _read_file()
    if secrets.pop(target, None) is not None:
        _write_file(secrets)


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret (and its URL-encoded form) replaced by a mask."""
    for secret in secrets:
        if not secret or len(secret) < 4:  # masking "a" would mangle the text, not hide much
            continue
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, MASK)
    return text


def _read_file() -> dict[str, str]:
    path = fallback_path()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SecretStoreError(f"cannot read {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Someone loosened it; tighten it back rather than refuse to work.
        log.warning("%s was readable by others; making it private again", path)
        path.chmod(0o600)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not valid JSON"
        raise SecretStoreError(f"cannot read the secrets file {path}: {reason}") from None
    if not isinstance(raw, dict):
        raise SecretStoreError(f"the secrets file {path} is not a JSON object")
    return {str(k): str(v) for k, v in raw.items()}


def _write_file(secrets: dict[str, str]) -> None:
    path = fallback_path()
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create with 0600 from the start: no moment where others could read it.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(secrets, handle, indent=2)
        os.chmod(temporary, 0o600)  # O_CREAT's mode does not apply to an existing file
        temporary.replace(path)
    except OSError as exc:
        raise SecretStoreError(f"cannot write the secrets file {path}: {exc.strerror}") from None
