"""Incident references: ``INC-7`` is incident number 7."""

from __future__ import annotations

import re

from commander.errors import InvalidInputError

PREFIX = "INC-"
_REF = re.compile(r"^(?:INC-?)?(\d+)$", re.IGNORECASE)


def format_ref(number: int) -> str:
    return f"{PREFIX}{number}"


def parse_ref(ref: str) -> int:
    """Accept ``INC-7``, ``inc-7`` or ``7``."""
    match = _REF.match(ref.strip())
    if not match:
        raise InvalidInputError(f"{ref!r} is not an incident reference (like INC-7)")
    return int(match.group(1))
