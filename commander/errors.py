"""Errors the user can understand and fix, as opposed to bugs.

A ``CommanderError`` carries a one-line, human message. The CLI prints it and
exits 1; the window shows it in a dialog. Anything else is a bug and goes to
the crash handler with its traceback.
"""


class CommanderError(Exception):
    """A problem in the input or the environment, explained in one line."""


class StoreError(CommanderError):
    """The database cannot be opened, read or written."""


class NotFoundError(CommanderError):
    """A named thing (an incident, an entry) does not exist."""


class InvalidInputError(CommanderError):
    """A value given by the user cannot be used; nothing was changed."""


class NoStoreError(StoreError, NotFoundError):
    """Nothing is stored at the location, and the caller may not create a store there."""

    def __init__(self, location: str, detail: str = "") -> None:
        super().__init__(f"no store at {location}{detail}")
        self.location = location


class ReadOnlyStoreError(StoreError):
    """The database refused a write: the role opening it may only read (an observer)."""


class StoreUnreachableError(StoreError):
    """The database server cannot be reached (stopped, restarting, network gone).

    Nothing of the failed call was written. The window keeps what the scribe types
    in its journal meanwhile (commander/store/journal.py)."""


class EditConflictError(InvalidInputError):
    """Someone else changed the thing after the writer read it; nothing was changed.

    ``theirs`` is the text stored now (at ``version``), ``yours`` the text the writer
    wanted to save; the writer chooses and saves again against ``version``."""

    def __init__(self, message: str, *, theirs: str, yours: str, version: int) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.yours = yours
        self.version = version
