"""Where the app keeps its files, per platformdirs conventions."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "incident-commander"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return data_dir() / "incidents.sqlite"


def journal_path() -> Path:
    """The window's journal of entries typed while the database server was away,
    beside the settings (commander/store/journal.py)."""
    return config_dir() / "journal.sqlite"
