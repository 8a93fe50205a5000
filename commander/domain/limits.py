"""Size limits and text rules the store, the dialogs and the CLI agree on."""

from collections.abc import Mapping

from commander.errors import InvalidInputError

TITLE_MAX = 300
AUTHOR = "the author's name"  # what a refusal calls the name that signs a change
NUL = "\x00"
# What a NUL from outside (a provider's answer) becomes: Unicode's sign for a
# character that could not be kept.
NUL_STAND_IN = "\ufffd"
ENTRY_TEXT_MAX = 1_000_000
"""The most characters one timeline entry holds (some 10,000 lines of log). Longer text
is refused whole, saying its size, never cut: the person splits it."""


def refuse_nul(text: str, what: str) -> str:
    """``text`` unchanged, or a plain error: PostgreSQL cannot store NUL and SQLite would.

    Refusing it here keeps a command working (or failing) the same on both backends.
    """
    if NUL in text:
        raise InvalidInputError(f"{what} contains a NUL character; remove it and try again")
    return text


def refuse_nul_within(value: object, what: str) -> None:
    """``refuse_nul`` for every text in a JSON-like value (mappings, lists, their keys)."""
    if isinstance(value, str):
        refuse_nul(value, what)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            refuse_nul_within(key, what)
            refuse_nul_within(item, what)
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_nul_within(item, what)


def without_nul(text: str) -> str:
    """A text the app did not choose (a provider's error or id) made storable: it is
    kept, each NUL shown by a stand-in, rather than refused and lost."""
    return text.replace(NUL, NUL_STAND_IN) if NUL in text else text


def refuse_long_entry(text: str) -> str:
    """``text`` unchanged, or a plain error naming its size: an entry is stored whole or not
    at all. The window asks before logging, so a paste too long stays in its editor."""
    if len(text) > ENTRY_TEXT_MAX:
        raise InvalidInputError(
            f"the entry has {len(text):,} characters; one entry holds at most "
            f"{ENTRY_TEXT_MAX:,}: split it into several entries"
        )
    return text
