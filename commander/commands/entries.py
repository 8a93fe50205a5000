"""CLI: correcting a timeline entry (``commander edit``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import TIME_TYPE, Handler, argument_type, author_of, say, valid_text
from commander.domain import USER_KINDS, EntryKind
from commander.domain.when import HELP as TIME_HELP

if TYPE_CHECKING:
    from commander.store.engine import Store


def _entry_id(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not an entry id: {text!r}")
    return int(text)


def _version(text: str) -> int:
    if not text.isdecimal():
        raise argparse.ArgumentTypeError(f"not a version: {text!r}")
    return int(text)


def register(sub: Any) -> dict[str, Handler]:
    edit = sub.add_parser(
        "edit",
        help="correct a timeline entry (the old one is kept as a revision); prints its new version",
    )
    edit.add_argument("entry_id", type=_entry_id, metavar="ENTRY_ID")
    edit.add_argument("--text", type=valid_text, help="what the entry says instead")
    edit.add_argument("--at", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
    edit.add_argument(
        "--kind",
        type=argument_type(EntryKind.parse_user_kind),
        help="one of " + ", ".join(k.value for k in USER_KINDS),
    )
    edit.add_argument(
        "--expected-version",
        type=_version,
        metavar="N",
        help="the entry's version you read; refused (exit 1, nothing changed) if it moved on",
    )
    edit.add_argument("--author")
    return {"edit": _edit}


def _edit(store: Store, args: argparse.Namespace) -> int:
    from commander.services.timeline import edit_entry

    if args.text is None and args.at is None and args.kind is None:
        print("commander: edit: give --text, --at or --kind", file=sys.stderr)
        return 2
    entry = edit_entry(
        store,
        args.entry_id,
        author_of(args),
        text=args.text,
        occurred_at=args.at,
        kind=args.kind,
        expected_version=args.expected_version,
    )
    say(str(entry.version))
    return 0
