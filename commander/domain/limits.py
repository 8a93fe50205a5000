"""Size limits and text rules the store, the dialogs and the CLI agree on."""

from commander.errors import InvalidInputError

TITLE_MAX = 300
ENTRY_TEXT_MAX = 1_000_000
"""The most characters one timeline entry holds (some 10,000 lines of log). Longer text
is refused whole, saying its size, never cut: the person splits it."""


def refuse_nul(text: str, what: str) -> str:
    """``text`` unchanged, or a plain error: PostgreSQL cannot store NUL and SQLite would.

    Refusing it here keeps a command working (or failing) the same on both backends.
    """
    if "\x00" in text:
        raise InvalidInputError(f"{what} contains a NUL character; remove it and try again")
    return text


def refuse_long_entry(text: str) -> str:
    """``text`` unchanged, or a plain error naming its size: an entry is stored whole or not
    at all. The window asks before logging, so a paste too long stays in its editor."""
    if len(text) > ENTRY_TEXT_MAX:
        raise InvalidInputError(
            f"the entry has {len(text):,} characters; one entry holds at most "
            f"{ENTRY_TEXT_MAX:,}: split it into several entries"
        )
    return text
