"""CLI for action items: ``action-items`` lists open ones, ``action-item`` adds one."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from commander.commands.common import Handler, argument_type, author_of, say
from commander.errors import InvalidInputError

if TYPE_CHECKING:
    from commander.store.engine import Store


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"cannot read date {text!r}: use YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> dict[str, Handler]:
    from commander.domain.action_item_choices import ItemStatus, ItemType, Priority

    listing = sub.add_parser("action-items", help="open action items of every incident")
    listing.add_argument("--overdue", action="store_true", help="only the overdue ones")
    listing.add_argument("--json", action="store_true")

    add = sub.add_parser("action-item", help="add an action item to an incident")
    add.add_argument("ref")
    add.add_argument("description")
    add.add_argument("--owner", default="")
    add.add_argument(
        "--type", type=argument_type(ItemType.parse), default=ItemType.PREVENT,
        help="|".join(ItemType),
    )  # fmt: skip
    add.add_argument(
        "--priority", type=argument_type(Priority.parse), default=Priority.MEDIUM,
        help="|".join(Priority),
    )  # fmt: skip
    add.add_argument(
        "--status", type=argument_type(ItemStatus.parse), default=ItemStatus.OPEN,
        help="|".join(ItemStatus),
    )  # fmt: skip
    add.add_argument("--due", type=argument_type(parse_day), metavar="YYYY-MM-DD")
    add.add_argument("--tracker", default="", metavar="URL", help="http(s) link to the ticket")
    add.add_argument("--author")
    return {"action-items": _list, "action-item": _add}


def _list(store: Store, args: argparse.Namespace) -> int:
    from commander.exports.json_doc import dumps
    from commander.services.action_items import open_action_items

    items = [item for item in open_action_items(store) if item.overdue or not args.overdue]
    if args.json:
        rows = [
            {
                "incident": item.incident_ref,
                "id": item.id,
                "description": item.description,
                "owner": item.owner,
                "type": item.type.value,
                "priority": item.priority.value,
                "due_on": item.due_on.isoformat() if item.due_on else None,
                "status": item.status.value,
                "overdue": item.overdue,
                "tracker_url": item.tracker_url,
            }
            for item in items
        ]
        sys.stdout.write(dumps(rows))
        return 0
    for item in items:
        due = item.due_on.isoformat() if item.due_on else "-"
        late = " OVERDUE" if item.overdue else ""
        say(
            f"{item.incident_ref:<8} #{item.id:<4} {item.priority.value:<6} {due}{late}  "
            f"{item.owner or '-'}: {item.description}"
        )
    return 0


def _add(store: Store, args: argparse.Namespace) -> int:
    from commander.services.action_items import ActionItemFields, add_action_item

    fields = ActionItemFields(
        args.description,
        args.owner,
        args.type,
        args.priority,
        args.due,
        args.status,
        args.tracker,
    )
    item = add_action_item(store, args.ref, fields, author_of(args))
    sys.stdout.write(f"{item.id}\n")
    return 0
