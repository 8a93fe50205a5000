"""CLI: reports from users and customers (Detect)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import TIME_TYPE, Handler, argument_type, author_of, say
from commander.domain import user_reports as rules
from commander.domain.when import HELP as TIME_HELP

if TYPE_CHECKING:
    from commander.store.engine import Store


def register(sub: Any) -> dict[str, Handler]:
    report = sub.add_parser(
        "user-report",
        help="log a report from a user or customer (checks the Detect item "
        "“User reports collected”)",
    )
    report.add_argument("ref")
    # Each field is checked as it is read, so a bad one is a usage error (exit 2).
    report.add_argument("text", type=argument_type(rules.check_text), help="what they reported")
    report.add_argument(
        "--reporter", required=True, type=argument_type(rules.check_reporter), help="who"
    )
    report.add_argument(
        "--channel",
        type=argument_type(rules.check_channel),
        help="how it reached you: support ticket, chat, phone, …",
    )
    report.add_argument(
        "--contact",
        type=argument_type(rules.check_contact),
        help="how to reach them back (kept out of the exports: personal data)",
    )
    report.add_argument("--at", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
    report.add_argument("--author", help="who logs it (default: settings, then OS user)")

    reports = sub.add_parser("user-reports", help="an incident's user reports, contacts included")
    reports.add_argument("ref")
    reports.add_argument("--json", action="store_true")
    return {"user-report": _user_report, "user-reports": _user_reports}


def _user_report(store: Store, args: argparse.Namespace) -> int:
    from commander.services.user_reports import log_user_report

    log_user_report(
        store,
        args.ref,
        args.text,
        args.reporter,
        author=author_of(args),
        channel=args.channel,
        contact=args.contact,
        occurred_at=args.at,
    )
    return 0


def _user_reports(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.when import iso
    from commander.exports.json_doc import dumps
    from commander.services.user_reports import user_reports

    records = user_reports(store, args.ref)
    if args.json:
        document = [
            {
                "entry_id": r.entry_id,
                "occurred_at": iso(r.occurred_at),
                "reporter": r.report.reporter,
                "channel": r.report.channel,
                "contact": r.report.contact,
                "text": r.report.text,
                "logged_by": r.logged_by,
            }
            for r in records
        ]
        sys.stdout.write(dumps(document))
        return 0
    for r in records:
        via = f" via {r.report.channel}" if r.report.channel else ""
        contact = f" <{r.report.contact}>" if r.report.contact else ""
        say(f"{r.occurred_at:%Y-%m-%d %H:%MZ}  {r.report.reporter}{via}{contact}: {r.report.text}")
    return 0
