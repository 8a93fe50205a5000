"""User settings, a small versioned JSON file in the config dir. No secrets here."""

from __future__ import annotations

import getpass
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from commander import paths

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


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
    # The window as it was last closed (ui/window_memory.py): where and how big
    # ([x, y, width, height], unmaximised), whether maximised, each splitter's sizes by
    # name, and the incident open per store (by the store's random id, never its
    # location: a server URL may hold a password).
    window_geometry: list[int] = field(default_factory=list)
    window_maximized: bool = False
    splitter_sizes: dict[str, list[int]] = field(default_factory=dict)
    open_incidents: dict[str, str] = field(default_factory=dict)

    def author_or_default(self) -> str:
        return self.author or os.environ.get("COMMANDER_AUTHOR") or os_user_name()


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
