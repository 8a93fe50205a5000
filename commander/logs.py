"""Logging set up once per process: a rotating file in the user log dir."""

from __future__ import annotations

import logging
from pathlib import Path

from commander import paths

LOG_FILE_NAME = "commander.log"


def configure_logging(debug: bool = False) -> Path | None:
    """Return the log file's path, or None when the log folder cannot be written."""
    import logging.handlers  # not at module level: it pulls in socket, pickle, queue

    # The log is kept on a best-effort basis: a record the disk cannot take (it is full)
    # is dropped, instead of logging printing its own traceback over the app's message.
    logging.raiseExceptions = False
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_path: Path | None = paths.log_dir() / LOG_FILE_NAME
    try:
        assert log_path is not None
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
        )
    except OSError:
        log_path = None
        handler = logging.NullHandler()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    return log_path


class RepeatedFailure:
    """One log line when a job that runs again and again starts failing, one when it
    works again, none between: while the database server is away every poller fails
    at each tick, several times a second, and a line each time would bury the log."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self.failing = False

    def failed(self, error: BaseException) -> None:
        if not self.failing:
            self._log.warning("%s failed (tried again until it works): %s", self._what, error)
        self.failing = True

    def worked(self) -> None:
        if self.failing:
            self._log.info("%s works again", self._what)
        self.failing = False
