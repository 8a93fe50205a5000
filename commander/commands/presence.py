"""CLI: who is on an incident now (presence). Reading it writes nothing."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, say

if TYPE_CHECKING:
    from commander.store.engine import Store


def register(sub: Any) -> dict[str, Handler]:
    who = sub.add_parser(
        "who",
        help="the seats (windows, `tail --follow`) seen on an incident in the last 30 seconds",
    )
    who.add_argument("ref")
    who.add_argument("--json", action="store_true")
    return {"who": _who}


def _who(store: Store, args: argparse.Namespace) -> int:
    from commander.clock import now as clock_now
    from commander.domain.presence import PRESENT_WITHIN
    from commander.domain.when import iso
    from commander.exports.json_doc import dumps
    from commander.services.presence import seats_on

    now = clock_now()
    seats = seats_on(store, args.ref, now=now)
    if args.json:
        rows = [
            {
                "name": seat.name,
                "roles": [role.value for role in seat.roles],
                "role": seat.roles_text or None,
                "kind": seat.kind.value,
                "last_seen": iso(seat.last_seen),
                "seen_seconds_ago": seat.seen_seconds_ago(now),
            }
            for seat in seats
        ]
        sys.stdout.write(dumps(rows))
        return 0
    if not seats:
        from commander.domain.refs import format_ref, parse_ref

        within = int(PRESENT_WITHIN.total_seconds())
        say(f"nobody seen on {format_ref(parse_ref(args.ref))} in the last {within} s")
        return 0
    width = max(len(seat.name) for seat in seats)
    for seat in seats:
        role = seat.roles_text or "-"
        ago = seat.seen_seconds_ago(now)
        say(f"{seat.name:<{width}}  {role:<12} {seat.kind.value:<8}  seen {ago} s ago")
    return 0
