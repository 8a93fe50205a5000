"""Which store to open, worked out without loading SQLAlchemy."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

from commander import paths

ENV = "COMMANDER_DB"


def raw_location(arg: str | None) -> str:
    """``--db`` wins, then ``COMMANDER_DB``, then the connection saved in the settings
    (a PostgreSQL URL without its password), then the file in the user data dir."""
    return arg or os.environ.get(ENV) or _saved_url() or str(paths.default_database_path())


def _saved_url() -> str | None:
    from commander.settings import load_settings

    raw = load_settings().connection
    if not raw:  # the usual case: no team server, nothing more to load
        return None
    from commander.store.connection import from_settings

    connection = from_settings(raw)
    return connection.url_text() if connection is not None else None


def sqlite_file(raw: str) -> Path | None:
    """The SQLite file a location names, or None for a server URL or memory."""
    if "://" not in raw:
        return Path(raw).expanduser().resolve()
    scheme, _, rest = raw.partition("://")
    if scheme.split("+")[0] != "sqlite" or not rest.startswith("/") or "?" in rest:
        return None
    database = unquote(rest[1:])
    return Path(database).expanduser().resolve() if database else None


def names_explicit_store(arg: str | None) -> bool:
    """True when ``--db``, ``COMMANDER_DB`` or the saved connection chose the store,
    not the default location."""
    return bool(arg or os.environ.get(ENV) or _saved_url())
