"""Size limits and text rules the store, the dialogs and the CLI agree on."""

from commander.errors import InvalidInputError

TITLE_MAX = 300


def refuse_nul(text: str, what: str) -> str:
    """``text`` unchanged, or a plain error: PostgreSQL cannot store NUL and SQLite would.

    Refusing it here keeps a command working (or failing) the same on both backends.
    """
    if "\x00" in text:
        raise InvalidInputError(f"{what} contains a NUL character; remove it and try again")
    return text
