"""CLI: ``commander tail REF [--follow] [--json]``, an incident's timeline in a terminal.

It prints the entries as ``show`` does (``--json``: one object per line, the
fields of ``show --json``'s timeline), then with ``--follow`` each new one as it
commits: at once on PostgreSQL (LISTEN/NOTIFY), within a quarter second on
SQLite (polled). Ctrl-C ends it as every command ends (``commander.interrupts``);
a reader that goes away (``| head``) ends it quietly, as ``show``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, author_of, entry_line, say

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.incidents import EntryView

# The longest a follow waits without a commit before going round its loop again.
IDLE_WAKE_S = 1.0


def register(sub: Any) -> dict[str, Handler]:
    tail = sub.add_parser(
        "tail", help="print an incident's timeline; with --follow, each new entry as it commits"
    )
    tail.add_argument("ref")
    tail.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new entries until Ctrl-C"
    )
    tail.add_argument(
        "--json", action="store_true", help="one JSON object per entry and line (show --json's)"
    )
    tail.add_argument(
        "--author", help="with --follow, the name this seat shows as in who (default: yours)"
    )
    return {"tail": _tail}


def _tail(store: Store, args: argparse.Namespace) -> int:
    from commander.services.incident_tail import IncidentTail

    tail = IncidentTail(store, args.ref)
    if not args.follow:
        _print(tail.timeline(), as_json=args.json)
        return 0
    from commander.services.feed import FeedWaiter
    from commander.services.presence import terminal_seat

    # Watching before the first read: a commit in between is then seen as a change
    # (SQLite's data_version is compared with its value when the watch began).
    waiter = FeedWaiter(store)
    try:
        # A follower is a seat (who lists it); it leaves on any exit, Ctrl-C included.
        with terminal_seat(store, args.ref, author_of(args), background=False) as seat:
            _print(tail.timeline(), as_json=args.json)
            while True:
                # A pass ends at least every IDLE_WAKE_S, so the seat beats whether or
                # not anyone writes (it writes only once its interval has passed).
                seat.beat()
                if waiter.wait(IDLE_WAKE_S):
                    _print(tail.new_entries(), as_json=args.json)
    finally:
        waiter.close()


def _print(entries: list[EntryView], *, as_json: bool) -> None:
    for entry in entries:
        if as_json:
            sys.stdout.write(_json_line(entry))
        else:
            say(entry_line(entry))
    sys.stdout.flush()  # a follower reads each entry as it comes, even through a pipe


def _json_line(entry: EntryView) -> str:
    from commander.exports.json_doc import entry_document

    # ensure_ascii=False as show --json; json escapes line breaks, so one entry is one line.
    document: dict[str, Any] = entry_document(entry)
    return json.dumps(document, ensure_ascii=False) + "\n"
