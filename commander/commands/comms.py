"""``commander target ...``, ``commander send``, ``commander deliver``, ``commander cadence``,
``commander channel``.

Secrets are read from standard input only (``--secret-stdin``), never from the
command line, where other users could see them in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, argument_type, author_of, say
from commander.connectors.base import KINDS
from commander.domain.audiences import Audience
from commander.domain.key_values import parse_pair
from commander.errors import CommanderError, InvalidInputError

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.comms import DeliveryView

DEFAULT_WAIT = 300.0  # seconds --wait keeps trying before giving up on retries


def _kind(text: str) -> str:
    from commander.services.targets import check_kind

    return check_kind(text)


def _base_url(text: str) -> str | None:
    from commander.services.targets import check_base_url

    return check_base_url(text)


def _minutes(text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInputError(f"cadence {text!r}: whole minutes, 0 for no scheduled updates")
    return int(text)


def register(sub: Any) -> dict[str, Handler]:
    target = sub.add_parser("target", help="configure where messages go")
    target_sub = target.add_subparsers(dest="target_command", metavar="ACTION", required=True)
    add = target_sub.add_parser("add", help="add a target")
    add.add_argument("name")
    add.add_argument("kind", type=argument_type(_kind), metavar="KIND", help=", ".join(KINDS))
    add.add_argument(
        "--base-url",
        type=argument_type(_base_url),
        metavar="URL",
        help="server URL (self-hosted or test servers); https except to loopback",
    )
    add.add_argument(
        "--option",
        type=argument_type(parse_pair),
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="provider setting (page_id, channel, to, ...)",
    )
    add.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the token or webhook URL from standard input",
    )
    add.add_argument(
        "--audience",
        type=argument_type(Audience.parse),
        metavar="AUDIENCE",
        help="who reads it: public (customers), internal (responders) or executive; "
        "default: public for statuspage and cachet, internal for the other kinds",
    )
    audience = target_sub.add_parser(
        "audience", help="change who reads a target: public, internal or executive"
    )
    audience.add_argument("name")
    audience.add_argument(
        "audience",
        type=argument_type(Audience.parse),
        metavar="AUDIENCE",
        help="public, internal or executive",
    )
    audience.add_argument("--author")
    secret = target_sub.add_parser(
        "secret", help="store a new token or webhook URL for a target, from standard input"
    )
    secret.add_argument("name")
    secret.add_argument(
        "--capture",
        action="store_true",
        help="store the capture token instead: the bot token chat capture reads the "
        "channel with (mattermost targets, whose own secret is a webhook URL)",
    )
    list_cmd = target_sub.add_parser("list", help="list targets (secrets are never shown)")
    list_cmd.add_argument("--json", action="store_true")
    remove = target_sub.add_parser("remove", help="remove a target and its secret")
    remove.add_argument("name")
    remove.add_argument("--author")

    send = sub.add_parser("send", help="send an update about an incident to its targets")
    send.add_argument("ref")
    send.add_argument(
        "--template",
        default=None,
        help="one text for every target: update, customer, resolved, executive, or your own; "
        "refused (exit 2, nothing sent) for a target whose readers may not see it "
        "(default: each target its audience's own: update, customer, executive)",
    )
    send.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="send to this target only (repeatable; default: every target)",
    )
    send.add_argument(
        "--wait",
        action="store_true",
        help="return once every delivery has succeeded or failed for good",
    )
    send.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"with --wait, stop waiting after this long (default {DEFAULT_WAIT:.0f})",
    )
    send.add_argument("--author")

    deliver = sub.add_parser("deliver", help="deliver every message still waiting in the outbox")
    deliver.add_argument("--wait", action="store_true", help="keep going until none is pending")
    deliver.add_argument("--timeout", type=float, default=DEFAULT_WAIT, metavar="SECONDS")

    cadence = sub.add_parser("cadence", help="show or set how often updates are due")
    cadence.add_argument("ref")
    cadence.add_argument(
        "minutes",
        nargs="?",
        type=argument_type(_minutes),
        metavar="MINUTES",
        help="minutes between updates, 0 for none",
    )
    cadence.add_argument("--default", action="store_true", help="back to the severity default")
    cadence.add_argument("--author")
    channel = sub.add_parser("channel", help="create the incident's Slack channel")
    channel.add_argument("ref")
    channel.add_argument("--target", required=True, metavar="NAME", help="a slack target")
    channel.add_argument("--author")
    return {
        "target": _target,
        "send": _send,
        "deliver": _deliver,
        "cadence": _show_cadence,
        "channel": _channel,
    }


def _target(store: Store, args: argparse.Namespace) -> int:
    from commander.services import targets

    if args.target_command == "add":
        secret = _read_secret() if args.secret_stdin else None
        targets.save_target(
            store,
            args.name,
            args.kind,
            args.base_url,
            dict(args.option),
            secret,
            audience=args.audience,
        )
        return 0
    if args.target_command == "audience":
        targets.set_audience(store, args.name, args.audience, author=author_of(args))
        return 0
    if args.target_command == "secret":
        from commander.services.target_secrets import secret_key

        secret_key(store, args.name)  # an unknown target is named before the secret is asked for
        if args.capture:
            targets.check_capture_slot(store, args.name)  # likewise a kind without one
        targets.store_secret(store, args.name, _read_secret(), capture=args.capture)
        return 0
    if args.target_command == "remove":
        targets.remove_target(store, args.name, author=author_of(args))
        return 0
    rows = targets.list_targets(store)
    if args.json:
        import json

        data = [
            {
                "name": t.name,
                "kind": t.kind,
                "base_url": t.base_url,
                "options": t.options,
                "audience": t.audience,
            }
            for t in rows
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    for t in rows:
        options = " ".join(f"{k}={v}" for k, v in sorted(t.options.items()))
        # The audience comes last so the columns scripts read stay where they were.
        say(
            f"{t.name:<20} {t.kind:<14} {t.base_url or '-'}  {options}".rstrip()
            + f"  [{t.audience}]"
        )
    return 0


def _read_secret() -> str:
    secret = getpass.getpass("Secret: ") if sys.stdin.isatty() else sys.stdin.read()
    secret = secret.strip()
    if not secret:
        raise InvalidInputError("no secret: nothing on standard input")
    return secret


def _send(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.audiences import AudienceMismatchError
    from commander.services.messages import compose, compose_for_targets, send_update

    chosen = args.target or None
    if args.template:
        texts = [compose(store, args.ref, args.template)]
    else:  # each target its audience's own text
        texts = compose_for_targets(store, args.ref, chosen)
    try:
        sent = send_update(store, texts, author_of(args), chosen)
    except AudienceMismatchError as error:
        # A usage error: the template named does not fit the targets; nothing was sent.
        sys.stderr.write(f"commander: {error}; leave out --template to give each target its own\n")
        return 2
    for view in sent:
        say(f"message {view.id}: {view.headline}")
    ids = [view.id for view in sent]
    if not args.wait:
        from commander.services.outbox import deliver_due

        # One attempt now; retries happen in an open window or `commander deliver`.
        deliver_due(store, message_ids=ids)
        return _report(store, ids, final=False)
    from commander.services.outbox import drain

    drain(store, time.monotonic() + args.timeout, ids)
    return _report(store, ids, final=True)


def _deliver(store: Store, args: argparse.Namespace) -> int:
    from commander.services.outbox import deliver_due, drain

    if args.wait:
        left = drain(store, time.monotonic() + args.timeout)
    else:
        deliver_due(store)
        from commander.services.outbox import outstanding

        left = outstanding(store)
    for delivery in left:
        say(_line(delivery))
    return 0


def _report(store: Store, message_ids: list[int], final: bool) -> int:
    from commander.services.messages import get_message

    deliveries = [d for m in message_ids for d in get_message(store, m).deliveries]
    for delivery in deliveries:
        say(_line(delivery))
    failed = [d for d in deliveries if d.state == "failed"]
    unfinished = [d for d in deliveries if not d.final]
    if failed:
        names = "; ".join(f"{d.target_name} ({d.last_error})" for d in failed)
        raise CommanderError(f"not delivered to {names}")
    if final and unfinished:
        names = ", ".join(d.target_name for d in unfinished)
        raise CommanderError(f"still not delivered after waiting: {names} (will keep retrying)")
    return 0


def _line(delivery: DeliveryView) -> str:
    text = f"  {delivery.target_name:<20} {delivery.state}"
    if delivery.state == "sent" and delivery.provider_id:
        text += f" ({delivery.provider_id})"
    if delivery.last_error:  # on a sent delivery, a note (mail refused for some recipients)
        text += f": {delivery.last_error}"
    if delivery.state == "pending" and delivery.attempts:
        text += f"; next try {delivery.next_attempt_at:%H:%M:%SZ}"
    return text


def _channel(store: Store, args: argparse.Namespace) -> int:
    from commander.services.channels import create_incident_channel

    created = create_incident_channel(store, args.ref, args.target, author_of(args))
    say(f"#{created.channel_name}")
    return 0


def _show_cadence(store: Store, args: argparse.Namespace) -> int:
    from commander.services.cadence import cadence_status, describe, set_cadence

    if args.default or args.minutes is not None:
        minutes = None if args.default else args.minutes
        status = set_cadence(store, args.ref, minutes, author=author_of(args))
    else:
        status = cadence_status(store, args.ref)
    due = f"; next update due {status.due_at:%H:%M:%SZ}" if status.due_at else ""
    say(describe(status.minutes, status.is_default) + due)
    return 0
