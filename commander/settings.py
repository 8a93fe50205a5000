"""User settings, a small versioned JSON file in the config dir. No secrets here."""

from __future__ import annotations

import getpass
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from commander import paths
from commander.domain.alerts import DEFAULT_SEVERITY_LABEL, DEFAULT_SEVERITY_LEVELS
from commander.domain.limits import refuse_nul

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
AUTHOR_VARIABLE = "COMMANDER_AUTHOR"


def default_alert_severities() -> dict[str, str]:
    """The ``severity`` label's usual values and the level each one means, as text."""
    return {value: level.value for value, level in DEFAULT_SEVERITY_LEVELS.items()}


def os_user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    author: str = ""
    show_local_time: bool = False
    # The alert inbox (commander/services/alert_inbox.py): which label holds an alert's
    # severity, what its values mean, and from which level a firing alert group declares
    # an incident by itself ("" is never; ``listen --declare-at`` overrides it).
    alert_severity_label: str = DEFAULT_SEVERITY_LABEL
    alert_severities: dict[str, str] = field(default_factory=default_alert_severities)
    alert_declare_at: str = ""
    # The window as it was last closed (ui/window_memory.py): where and how big
    # ([x, y, width, height], unmaximised), whether maximised, each splitter's sizes by
    # name, and the incident open per store (by the store's random id, never its
    # location: a server URL may hold a password).
    window_geometry: list[int] = field(default_factory=list)
    window_maximized: bool = False
    splitter_sizes: dict[str, list[int]] = field(default_factory=dict)
    open_incidents: dict[str, str] = field(default_factory=dict)
    # The window runs the alert receiver when enabled (services/receiver_config.py);
    # its token is kept with the store's secrets, never here.
    alert_receiver_enabled: bool = False
    alert_receiver_port: int = 9095
    alert_receiver_bind: str = "127.0.0.1"
    # The team's PostgreSQL server (store/connection.py): host, port, database, user,
    # sslmode, sslrootcert. Its password is kept with the secrets, never here.
    connection: dict[str, Any] = field(default_factory=dict)

    def author_or_default(self) -> str:
        """The name that signs changes: the one given in the window's "Who is logging?"
        (kept here), else $COMMANDER_AUTHOR, else the OS user (the CLI's ``--author``
        comes first). One holding a NUL (a hand-edited file) is refused here, naming the
        file, rather than by the store; $COMMANDER_AUTHOR cannot hold one (the OS
        refuses it in the environment)."""
        if self.author:
            return refuse_nul(self.author, f"the author in {settings_path()}")
        return environment_author() or os_user_name()

    def needs_author(self) -> bool:
        """True when nothing names who is logging, so the window asks once at start:
        a name given before, or $COMMANDER_AUTHOR, is an answer already."""
        return not self.author and not environment_author()


def environment_author() -> str:
    """$COMMANDER_AUTHOR, trimmed; "" when unset or blank."""
    return os.environ.get(AUTHOR_VARIABLE, "").strip()


def checked_author(name: str) -> str:
    """A name typed to sign changes, as it will be remembered; refused (``InvalidInputError``)
    when the store could not keep it."""
    return refuse_nul(name.strip(), "the name")


def settings_path() -> Path:
    override = os.environ.get("COMMANDER_SETTINGS")
    return Path(override) if override else paths.config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """A missing or unreadable file gives the defaults (logged), never a crash."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        log.warning("ignoring settings file %s: not a JSON object", path)
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known and k != "version"}
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    temporary.replace(path)
