"""The team's PostgreSQL server: a saved connection, and where its password comes from.

The connection (host, port, database, user, TLS mode, CA file) is kept in
``settings.json``; its password never is. The password is kept with the app's
secrets (``commander.secrets``: the OS keyring, else the user-only file) under
``database:USER@HOST:PORT/DATABASE``. Opening a PostgreSQL URL that carries no
password (``--db``, ``$COMMANDER_DB`` or the saved connection) and names the
saved connection's user, host, port and database takes that password; otherwise
no password is passed and libpq's own rules apply (``$PGPASSWORD``, then
``~/.pgpass``), so a team that already uses ``.pgpass`` needs nothing else, and
that is the way to keep passwords for several servers.

Nothing here imports SQLAlchemy: the launcher works out the store's location
before the first paint (store/location.py).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from commander.errors import InvalidInputError

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"
SCHEMES = frozenset({"postgresql", "postgres", "postgresql+psycopg"})
# libpq's modes, weakest first; verify-full checks the CA and the host name.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_SSL_MODE = "prefer"
PASSWORD_KEPT = "password_kept"


@dataclass(frozen=True, slots=True)
class SavedConnection:
    """A PostgreSQL server as settings keep it: everything but the password."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = DEFAULT_SSL_MODE
    sslrootcert: str = ""  # the CA file for verify-ca / verify-full

    def url_text(self) -> str:
        """The SQLAlchemy URL, without a password."""
        text = (
            f"{DRIVER}://{quote(self.user, safe='')}@{_host_part(self.host)}:{self.port}/"
            f"{quote(self.database, safe='')}"
        )
        query = [f"sslmode={self.sslmode}"]
        if self.sslrootcert:
            query.append(f"sslrootcert={quote(self.sslrootcert, safe='/')}")
        return f"{text}?{'&'.join(query)}"

    @property
    def password_username(self) -> str:
        from commander import secrets

        return secrets.database_password_username(self.user, self.host, self.port, self.database)

    def described(self) -> str:
        """For a person: user@host:port/database (TLS mode), never a password."""
        ca = f", CA {self.sslrootcert}" if self.sslrootcert else ""
        return f"{self.user}@{self.host}:{self.port}/{self.database} (sslmode {self.sslmode}{ca})"


def checked(
    host: str,
    database: str,
    user: str,
    port: int = DEFAULT_PORT,
    sslmode: str = DEFAULT_SSL_MODE,
    sslrootcert: str = "",
) -> SavedConnection:
    """A connection from what a person typed, or ``InvalidInputError`` saying what is wrong."""
    host, database, user, sslmode = host.strip(), database.strip(), user.strip(), sslmode.strip()
    for name, value in (("host", host), ("database", database), ("user", user)):
        if not value:
            raise InvalidInputError(f"the connection needs a {name}")
        if "\x00" in value:
            raise InvalidInputError(f"the {name} holds a NUL character")
    if not 0 < port < 65536:
        raise InvalidInputError(f"port {port} is not a TCP port (1-65535)")
    if sslmode not in SSL_MODES:
        raise InvalidInputError(f"sslmode {sslmode!r} is not one of {', '.join(SSL_MODES)}")
    ca = sslrootcert.strip()
    if ca:
        path = Path(ca).expanduser()
        if not path.is_file():
            raise InvalidInputError(f"the CA file {path} does not exist")
        ca = str(path.resolve())
    elif sslmode in ("verify-ca", "verify-full"):
        # libpq would look for ~/.postgresql/root.crt; naming the file is clearer.
        raise InvalidInputError(f"sslmode {sslmode} needs the CA file (sslrootcert)")
    return SavedConnection(host, database, user, port, sslmode, ca)


def from_url(text: str) -> tuple[SavedConnection, str | None]:
    """A connection and the password the URL carries (None without one).

    ``postgresql://user@host:port/database?sslmode=...&sslrootcert=...``; the caller
    refuses a URL with a password where one has no place (the command line).
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in SCHEMES:
        raise InvalidInputError(
            f"not a PostgreSQL URL: {parts.scheme or 'no scheme'} "
            "(write postgresql://USER@HOST[:PORT]/DATABASE)"
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise InvalidInputError("the URL's port is not a number from 1 to 65535") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"sslmode", "sslrootcert"})
    if unknown:
        raise InvalidInputError(f"the URL has options this app does not keep: {', '.join(unknown)}")
    connection = checked(
        host=unquote(parts.hostname or ""),
        database=unquote(parts.path.lstrip("/")),
        user=unquote(parts.username or ""),
        port=port,
        sslmode=query.get("sslmode", DEFAULT_SSL_MODE),
        sslrootcert=query.get("sslrootcert", ""),
    )
    password = unquote(parts.password) if parts.password is not None else None
    return connection, password


def from_settings(raw: dict[str, Any]) -> SavedConnection | None:
    """The saved connection in ``settings.connection``; None when there is none or it
    is unusable (logged: a hand-edited file must not stop the app)."""
    if not raw:
        return None
    if not isinstance(raw, dict):
        log.warning("ignoring the saved connection in the settings: not a JSON object")
        return None
    try:
        return SavedConnection(
            host=str(raw["host"]),
            database=str(raw["database"]),
            user=str(raw["user"]),
            port=int(raw.get("port", DEFAULT_PORT)),
            sslmode=str(raw.get("sslmode", DEFAULT_SSL_MODE)),
            sslrootcert=str(raw.get("sslrootcert", "")),
        )
    except (KeyError, TypeError, ValueError):
        log.warning("ignoring the saved connection in the settings: it is incomplete")
        return None


def to_settings(connection: SavedConnection, password_kept: bool) -> dict[str, Any]:
    """What ``settings.connection`` holds. ``password_kept`` (no secret, only whether
    there is one) spares every other start the keyring's ~0.7 s first look-up."""
    return {**asdict(connection), PASSWORD_KEPT: password_kept}


def saved() -> SavedConnection | None:
    """The connection saved in the settings, if any."""
    from commander.settings import load_settings

    return from_settings(load_settings().connection)


def save(connection: SavedConnection, password: str | None) -> None:
    """Keep ``connection`` in the settings file and its password (``keep_password``)."""
    from commander.settings import load_settings, save_settings

    keep_password(connection, password)
    settings = load_settings()
    settings.connection = to_settings(connection, has_password(connection))
    save_settings(settings)


def keep_password(connection: SavedConnection, password: str | None) -> None:
    """Keep ``password`` for the connection's server and user; "" forgets the kept one
    (libpq's own rules apply then), None leaves it as it is."""
    from commander import secrets

    if password:
        secrets.set_database_password(connection.password_username, password)
    elif password is not None:
        secrets.delete_database_password(connection.password_username)


def has_password(connection: SavedConnection) -> bool:
    from commander import secrets

    return secrets.get_database_password(connection.password_username) is not None


def forget() -> SavedConnection | None:
    """Remove the saved connection and its password; the one removed, or None."""
    from commander.settings import load_settings, save_settings

    settings = load_settings()
    connection = from_settings(settings.connection)
    if connection is not None:
        keep_password(connection, "")
    settings.connection = {}
    save_settings(settings)
    return connection


def kept_password(
    user: str | None, host: str | None, port: int | None, database: str | None
) -> str | None:
    """The password kept for the saved connection when it is this server, user and
    database (None otherwise: libpq decides then). The keyring is asked only when the
    settings say a password was kept."""
    from commander.settings import load_settings

    raw = load_settings().connection
    connection = from_settings(raw)
    if connection is None or not raw.get(PASSWORD_KEPT):
        return None
    wanted = (user, host, port or DEFAULT_PORT, database)
    if (connection.user, connection.host, connection.port, connection.database) != wanted:
        return None
    from commander import secrets

    return secrets.get_database_password(connection.password_username)


def _host_part(host: str) -> str:
    return f"[{host}]" if ":" in host else quote(host, safe=".-")
