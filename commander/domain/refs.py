"""Incident references: ``INC-7`` is incident number 7."""

from __future__ import annotations

import re

from commander.errors import InvalidInputError, NotFoundError

PREFIX = "INC-"
# Incident numbers are INTEGER columns: PostgreSQL's holds up to 2**31 - 1 (SQLite's
# more), so no incident has a larger number. Checked here, before a driver is asked
# and fails with an overflow.
LARGEST_NUMBER = 2**31 - 1
_REF = re.compile(r"^(?:INC-?)?(\d+)$", re.IGNORECASE)


def format_ref(number: int) -> str:
    return f"{PREFIX}{number}"


def parse_ref(ref: str) -> int:
    """Accept ``INC-7``, ``inc-7`` or ``7``; a number no incident can have is not found."""
    match = _REF.match(ref.strip())
    if not match:
        raise InvalidInputError(f"{ref!r} is not an incident reference (like INC-7)")
    digits = match.group(1).lstrip("0") or "0"
    # Length first: int() of thousands of digits is refused, and slow before that.
    if len(digits) > len(str(LARGEST_NUMBER)) or int(digits) > LARGEST_NUMBER:
        raise NotFoundError(f"no incident {ref.strip().upper()}")
    return int(digits)


def channel_name(ref: str, title: str) -> str:
    """The chat channel named for an incident, before a provider's rules make it valid:
    "INC-12" and "Payments 5xx" -> "INC-12 Payments 5xx" -> Slack's "inc-12-payments-5xx".
    ``commander channel`` creates it; chat capture looks for it."""
    return f"{ref} {title}"
