"""Tokens and webhook URLs: in the OS keyring, or a user-only file where there is none.

Each secret belongs to one store and one of its targets: the keyring service is
``incident-commander`` and the username ``<store id>/<target name>`` (the store's
random id, services/store_identity.py), the same key in the fallback file. Two
stores with a target ``ops`` therefore never share a webhook or a token, and
removing ``ops`` from one leaves the other's.

Before that, a secret was keyed by the target's name alone (a *legacy* entry).
A target that existed before its store got its identity (``SecretKey.
may_adopt_legacy``, decided by services/target_secrets.py) takes over the legacy
entry of its name the first time it reads its secret: the value is copied to its
own key and from then on only its own key is read. A legacy entry is never
deleted by the app: several old stores may each have a target of that name, and
one that has not read it yet still needs it; ``target remove`` deletes only the
store's own key. A target added after the upgrade never reads a legacy entry, so
it cannot pick up another store's secret. A legacy entry nobody needs any more
stays in the keyring (or file) until the user deletes it there. Nothing tells
whose a legacy entry was: old stores that shared one each take it over, as they
used it before; ``commander target secret NAME`` gives a store its own.

A target may carry a second secret for another job (``SecretKey.slot``): a
``mattermost`` target posts through its webhook URL but reads its channel for
chat capture with a bot token, the *capture token*, kept under
``<store id>/<target name> capture`` (a space: no target name has one, so no
target's key can meet another's slot). ``commander target secret NAME --capture``
stores it; removing the target deletes both. A slot never adopts a legacy entry.

Where ``keyring`` finds no backend (a server or container without a Secret
Service), secrets go to ``secrets.json`` in the config folder, created with
mode 0600; ``secret_storage_warning()`` says so for the settings dialog.
Nothing here logs a secret or a store id, and ``scrub()`` takes secrets out of
error text.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from commander import paths
from commander.errors import CommanderError
from commander.keyring_backend import configured_keyring

log = logging.getLogger(__name__)

SERVICE = "incident-commander"
FALLBACK_FILE = "secrets.json"
MASK = "[secret]"
MIN_SECRET = 4
# Pieces of a secret URL shorter than this are ordinary words ("services", "api"), not secret.
MIN_URL_PIECE = 8
# The app's own secrets (the alert receiver's token) are keyed like a target's, under
# a name with this prefix; services/targets.py refuses target names that start with
# it (in any case: some keyrings ignore case), so a target can never meet one.
APP_SECRET_PREFIX = "commander:"
# The slot of a target's second secret: the token chat capture reads its channel with.
CAPTURE_SLOT = "capture"

# A team database's password (store/connection.py) is kept under this prefix and the
# server's user@host:port/database; it belongs to no store, so it has no store id.
DATABASE_PREFIX = "database:"
# Threads of one process take turns with the fallback file (another process is
# kept out by a lock on the file beside it): a read-modify-write must not lose
# another's change, and a first read may now write (the legacy copy).
_FILE_TURN = threading.Lock()


class SecretStoreError(CommanderError):
    """The keyring or the fallback file cannot be read or written."""


class MissingSecretError(CommanderError):
    """A target that needs a token or webhook URL has none stored for this store."""


@dataclass(frozen=True, slots=True)
class SecretKey:
    """Where the secret of target ``target`` of the store ``store_id`` is kept."""

    store_id: str
    target: str
    # The target predates its store's identity, so its secret may still sit under
    # the target's name alone (see the module docstring).
    may_adopt_legacy: bool = False
    # "" for the target's own secret; CAPTURE_SLOT for the token chat capture reads with.
    slot: str = ""

    @property
    def username(self) -> str:
        # A store id is a UUID (no "/"), so no target name can make two keys meet; target
        # names hold no space, so neither can a name and a slot.
        own = f"{self.store_id}/{self.target}"
        return f"{own} {self.slot}" if self.slot else own

    def in_slot(self, slot: str) -> SecretKey:
        """The key of this target's secret kept for ``slot`` (never a legacy entry)."""
        return SecretKey(self.store_id, self.target, may_adopt_legacy=False, slot=slot)


def app_secret_key(store_id: str, name: str) -> SecretKey:
    """Where the app keeps its own secret ``name`` for the store ``store_id``."""
    return SecretKey(store_id, APP_SECRET_PREFIX + name)


def is_app_secret_name(name: str) -> bool:
    return name.strip().lower().startswith(APP_SECRET_PREFIX)


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


def missing_secret_message(target: str, slot: str = "") -> str:
    if slot == CAPTURE_SLOT:
        return (
            f"no capture token stored for target {target} in this store; store the bot "
            f"token chat capture reads with: commander target secret {target} --capture"
        )
    return (
        f"no secret stored for target {target} in this store; store it with: "
        f"commander target secret {target}, or in the window under Comms → Targets…"
    )


def set_secret(key: SecretKey, secret: str) -> None:
    if not secret:
        raise SecretStoreError(f"the secret for target {key.target!r} is empty")
    _put(repr(key.target), key.username, secret)


def _put(what: str, username: str, secret: str) -> None:
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, username, secret)
            return
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot store the secret for {what} in the keyring: {type(exc).__name__}"
            ) from None
    with _file_turn():
        secrets = _read_file()
        secrets[username] = secret
        _write_file(secrets)


def get_secret(key: SecretKey) -> str | None:
    """The target's secret in this store, or None; takes over a legacy entry when allowed."""
    found = _lookup(key.target, key.username)
    if found is not None or not key.may_adopt_legacy:
        return found
    legacy = _lookup(key.target, key.target)
    if legacy:
        # Copied, not moved: another old store with a target of this name may need it too.
        set_secret(key, legacy)
        log.info("the secret of target %s is now kept for its store alone", key.target)
    return legacy


def require_secret(key: SecretKey, *, optional: bool = False) -> str:
    """The target's secret; "" when there is none and the target can do without
    (``optional``), else a ``MissingSecretError`` naming the target."""
    found = get_secret(key)
    if found:
        return found
    if optional:
        return ""
    raise MissingSecretError(missing_secret_message(key.target, key.slot))


def delete_secret(key: SecretKey) -> None:
    """Forget this store's secret for the target (a legacy entry stays: module docstring)."""
    _delete(repr(key.target), key.username)


def _delete(what: str, username: str) -> None:
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, username)
        except PasswordDeleteError:
            pass  # there was none
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot delete the secret for {what}: {type(exc).__name__}"
            ) from None
    if not fallback_path().exists():
        return
    with _file_turn():
        secrets = _read_file()
        if secrets.pop(username, None) is not None:
            _write_file(secrets)


def database_password_username(user: str, host: str, port: int, database: str) -> str:
    """The keyring username of a database server's password for ``user``. The prefix
    and the "@" keep it apart from ``<store id>/<target>`` keys (a store id is a UUID)."""
    return f"{DATABASE_PREFIX}{user}@{host}:{port}/{database}"


def set_database_password(username: str, password: str) -> None:
    if not password:
        raise SecretStoreError("the database password is empty")
    _put("the database connection", username, password)


def get_database_password(username: str) -> str | None:
    return _lookup("the database connection", username)


def delete_database_password(username: str) -> None:
    _delete("the database connection", username)


def _lookup(target: str, username: str) -> str | None:
    """The secret under ``username``: in the keyring, else in the file."""
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            found = keyring.get_password(SERVICE, username)
        except KeyringError as exc:
            raise SecretStoreError(
                f"cannot read the secret for {target!r} from the keyring: {type(exc).__name__}"
            ) from None
        if found is not None:
            return found
    # Also read the file when a keyring exists: secrets stored before it was installed.
    # No turn needed to read: the file is only ever replaced whole, by a rename.
    return _read_file().get(username)


@contextmanager
def _file_turn() -> Iterator[None]:
    """Hold the fallback file for a read-modify-write, against threads and processes."""
    with _FILE_TURN:
        if sys.platform == "win32":  # Windows always has a keyring; no flock there
            yield
            return
        import fcntl

        path = fallback_path()
        lock_path = path.with_name(path.name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise SecretStoreError(f"cannot lock {lock_path}: {exc.strerror}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock


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
