"""Tokens and webhook URLs: in the OS keyring, or a user-only file where there is none.

The service name is ``incident-commander`` and the key is the target's name.
Where ``keyring`` finds no backend (a server or container without a Secret
Service), secrets go to ``secrets.json`` in the config folder, created with
mode 0600; ``secret_storage_warning()`` says so for the settings dialog.
Nothing here logs a secret, and ``scrub()`` takes secrets out of error text.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from commander import paths
from commander.errors import CommanderError

log = logging.getLogger(__name__)

SERVICE = "incident-commander"
FALLBACK_FILE = "secrets.json"
MASK = "[secret]"
MIN_SECRET = 4
# Pieces of a secret URL shorter than this are ordinary words ("services", "api"), not secret.
MIN_URL_PIECE = 8


class SecretStoreError(CommanderError):
    """The keyring or the fallback file cannot be read or written."""


def fallback_path() -> Path:
    return paths.config_dir() / FALLBACK_FILE


def keyring_available() -> bool:
    """True when ``keyring`` has a real backend (not the fail or null one)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return False
    backend = keyring.get_keyring()
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
    """``text`` with every form of every secret replaced by ``MASK``.

    The one scrub for every error text that is kept (a delivery's last error, the
    timeline, exports, logs): a provider may echo what it was sent in any encoding.
    See ``secret_forms`` for the forms.
    """
    forms = {form for secret in secrets if secret for form in secret_forms(secret)}
    for form in sorted(forms, key=len, reverse=True):  # longest first: no half-masked forms
        text = text.replace(form, MASK)
    return text


def secret_forms(secret: str) -> set[str]:
    """The secret as an error text may show it.

    As given, stripped, escaped as in a repr; URL-encoded (``quote``, ``quote_plus``);
    base64 (standard and URL-safe) of the secret, and of the secret at each of the three
    byte alignments of a longer blob (SMTP's AUTH PLAIN sends base64 of
    ``\\0user\\0password``: the password's bytes start anywhere in a 3-byte group, and
    only the whole groups are its own); for a secret URL (a webhook) its path, query
    and their parts, where long enough to be secret on their own. Secrets shorter than
    ``MIN_SECRET`` are left alone: masking "ab" would mangle the text, not hide much.
    """
    if len(secret) < MIN_SECRET:
        return set()
    whole = {
        secret,
        secret.strip(),
        secret.encode("unicode_escape").decode(),
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        quote_plus(secret, safe="/"),
    }
    forms = {form for form in whole if len(form) >= MIN_SECRET}
    raw = secret.encode()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        forms.add(encode(raw).decode())
        for start in range(3):
            aligned = raw[start:]
            aligned = aligned[: len(aligned) - len(aligned) % 3]
            if aligned:
                forms.add(encode(aligned).decode())
    forms.update(piece for piece in _url_pieces(secret) if len(piece) >= MIN_URL_PIECE)
    return forms


def _url_pieces(secret: str) -> set[str]:
    parts = urlsplit(secret)
    if not (parts.scheme and parts.netloc):
        return set()
    pieces = {parts.path, parts.query, *parts.path.split("/")}
    for key, value in parse_qsl(parts.query):
        pieces.update((value, f"{key}={value}"))
    return pieces


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
