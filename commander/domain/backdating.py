"""When a change given a time of its own (the CLI's ``--at``) may be dated.

A scribe backfilling an incident after the fact dates each change when it
happened. A severity or phase change moves the incident's state and starts the
clock of the new level or phase, so a dated one must keep the history in order:
it is refused when dated before the incident was declared, or before the last
change of the same kind (the current severity's or phase's start), since the
history would then hold a level that began before the one it replaced. A role
handover or release is refused before the spell it ends began. Everything else
(entries, checks, rollbacks) may be dated freely: it starts no clock.

The quick-entry bar keeps refusing a time prefix on ``/sev`` and ``/phase``
(``quick_entry.refuse_backdated_change``): there a time at the start of a line
is as likely a pasted log stamp as a choice, and the change takes effect on the
cockpit at once; backfilling is the CLI's ``--at``, typed on purpose.
"""

from __future__ import annotations

from datetime import datetime

from commander.domain.when import format_clock
from commander.errors import InvalidInputError


def refuse_out_of_order(
    at: datetime, *, declared_at: datetime, since: datetime, state: str, change: str
) -> None:
    """Refuse ``at`` for ``change`` ("a severity change") when it is before the
    declaration or before ``since``, when ``state`` ("INC-3 has been P0") began."""
    if at < declared_at:
        raise InvalidInputError(
            f"{change} cannot be dated {_stamp(at)}: before the incident was declared "
            f"({_stamp(declared_at)})"
        )
    refuse_before_start(at, since=since, state=state, change=change)


def refuse_before_start(at: datetime, *, since: datetime, state: str, change: str) -> None:
    """Refuse ``at`` for ``change`` when it is before ``since``, when ``state`` began."""
    if at < since:
        raise InvalidInputError(
            f"{change} cannot be dated {_stamp(at)}: {state} since {_stamp(since)}"
        )


def _stamp(moment: datetime) -> str:
    return format_clock(moment, local=False, with_date=True)
