"""``commander listen``, ``commander alerts``, ``alert-attach``, ``alert-declare``,
``alert-dismiss``: the alert receiver in the foreground and the inbox.

The receiver's token comes from standard input (``--token-stdin``), the
environment (``COMMANDER_LISTEN_TOKEN``) or the store's secrets, where the
window's receiver settings keep it (``--token-from-store``, and when no other is
given); never from the command line, where other users could read it in the
process list. Everything printed from an alert
(names, labels, reasons) has its control characters escaped: it comes from
other machines.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, argument_type, author_of, say
from commander.domain import Severity
from commander.errors import InvalidInputError

if TYPE_CHECKING:
    from commander.alert_receiver import ReceiverEvent
    from commander.store.engine import Store
    from commander.views.alerts import AlertGroupView

TOKEN_ENV = "COMMANDER_LISTEN_TOKEN"
GROUP_STATES = ("waiting", "attached", "declared", "dismissed")
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
_GROUP = re.compile(r"[0-9]+")


def _port(text: str) -> int:
    if not _GROUP.fullmatch(text.strip()) or int(text) > 65535:
        raise InvalidInputError(f"port {text!r}: a number from 1 to 65535 (0 picks a free one)")
    return int(text)


def _group(text: str) -> int:
    if not _GROUP.fullmatch(text.strip()):
        raise InvalidInputError(f"{text!r} is not an alert group number (see `commander alerts`)")
    return int(text)


class _RefuseToken(argparse.Action):
    """``--token X``: refused without echoing X (argparse would print an unknown value)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_options: Any) -> None:
        parser.error(
            "the token is never taken from the command line, where other users can read "
            f"it: use --token-stdin or ${TOKEN_ENV}"
        )


def register(sub: Any) -> dict[str, Handler]:
    severity_type = argument_type(Severity.parse)
    group_type = argument_type(_group)

    listen = sub.add_parser(
        "listen",
        help="receive Alertmanager and Grafana webhooks into the alert inbox (foreground)",
        allow_abbrev=False,
    )
    listen.add_argument("--port", required=True, type=argument_type(_port), metavar="PORT")
    listen.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDR",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    listen.add_argument(
        "--token-stdin",
        action="store_true",
        help=f"read the shared bearer token from standard input (default: ${TOKEN_ENV})",
    )
    listen.add_argument(
        "--token-from-store",
        action="store_true",
        help="use the token kept for this store (the window's Alerts → Receiver settings); "
        f"also used when neither --token-stdin nor ${TOKEN_ENV} gives one",
    )
    listen.add_argument("--token", nargs="?", action=_RefuseToken, help=argparse.SUPPRESS)
    listen.add_argument(
        "--declare-at",
        type=severity_type,
        metavar="P0..P4",
        help="a firing group at this severity or worse that matches no open incident "
        "declares one (default: the alert_declare_at setting; off)",
    )

    inbox = sub.add_parser("alerts", help="list the alert inbox, most recent first")
    inbox.add_argument("--state", action="append", choices=GROUP_STATES, help="only these")
    inbox.add_argument("--json", action="store_true")

    attach = sub.add_parser("alert-attach", help="attach a waiting alert group to an incident")
    attach.add_argument("group", type=group_type, metavar="GROUP")
    attach.add_argument("ref")
    attach.add_argument("--author")

    declare = sub.add_parser("alert-declare", help="declare a waiting alert group as an incident")
    declare.add_argument("group", type=group_type, metavar="GROUP")
    declare.add_argument(
        "--severity", type=severity_type, metavar="P0..P4", help="default: from its labels"
    )
    declare.add_argument("--author")

    dismiss = sub.add_parser("alert-dismiss", help="set a waiting alert group aside")
    dismiss.add_argument("group", type=group_type, metavar="GROUP")
    dismiss.add_argument("--author")
    return {
        "listen": _listen,
        "alerts": _alerts,
        "alert-attach": _attach,
        "alert-declare": _declare,
        "alert-dismiss": _dismiss,
    }


def _out(line: str) -> None:
    say(line)  # labels and annotations come from other machines: escaped, one line
    sys.stdout.flush()


def _usage(message: str) -> int:
    print(f"commander: listen: {message}", file=sys.stderr)
    return 2


# -- listen -------------------------------------------------------------------------------


def _listen(store: Store, args: argparse.Namespace) -> int:
    from commander.alert_receiver import AlertReceiver, check_token
    from commander.services.alert_inbox import policy_from_settings
    from commander.services.receiver_config import is_loopback
    from commander.settings import load_settings

    if args.token_stdin and args.token_from_store:
        return _usage("--token-stdin and --token-from-store: give one")
    token = "" if args.token_from_store else _read_token(args.token_stdin)
    if not token and not args.token_stdin:
        token = _stored_token(store)
    if not token:
        if args.token_from_store:
            return _usage(f"no token is kept for this store: {_HOW_TO_KEEP}")
        how = "--token-stdin" if args.token_stdin else f"--token-stdin or ${TOKEN_ENV}"
        return _usage(f"no token given: pass it with {how}, or keep one: {_HOW_TO_KEEP}")
    try:
        check_token(token)
    except InvalidInputError as error:
        return _usage(str(error))
    policy = policy_from_settings(load_settings(), args.declare_at)
    printing = threading.Lock()

    def show(event: ReceiverEvent) -> None:
        with printing:
            _out(_event_line(event))

    receiver = AlertReceiver(
        store, token, policy, host=args.bind, port=args.port, on_event=show
    ).start()
    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda _signal, _frame: stopped.set())
    if not is_loopback(receiver.host):
        print(
            f"commander: warning: {receiver.host} is reachable from other machines; "
            "this is plain HTTP and the token is its only protection",
            file=sys.stderr,
        )
    declaring = f"; declares at {policy.declare_at.value} or worse" if policy.declare_at else ""
    with printing:
        _out(f"listening on {receiver.url} (POST /alertmanager, POST /grafana){declaring}")
    code = EXIT_TERMINATED
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    finally:
        receiver.stop()
        signal.signal(signal.SIGTERM, previous)
    print("commander: stopped listening", file=sys.stderr)
    return code


_HOW_TO_KEEP = "in the window, Alerts → Receiver settings…"


def _stored_token(store: Store) -> str:
    from commander.services.receiver_config import stored_token

    return stored_token(store) or ""


def _read_token(from_stdin: bool) -> str:
    if not from_stdin:
        return os.environ.get(TOKEN_ENV, "").strip()
    if sys.stdin.isatty():
        return getpass.getpass("Token: ").strip()
    return sys.stdin.readline().strip()


def _event_line(event: ReceiverEvent) -> str:
    from commander.alert_receiver import Rejected, SetAside
    from commander.clock import now

    stamp = f"{now():%H:%M:%SZ}"
    if isinstance(event, Rejected):
        return (
            f"{stamp} refused {event.method} {event.path} from {event.peer}: "
            f"{event.status} {event.reason}"
        )
    if isinstance(event, SetAside):
        return f"{stamp} could not take in notification {event.queue_id}: {event.error}"
    severity = event.severity.value if event.severity else "--"
    names = ", ".join(event.names)
    outcome = {
        "duplicate": "a repeat, kept once",
        "waiting": "waiting in the inbox",
        "dismissed": "dismissed group",
    }.get(event.outcome, event.outcome)
    where = f" {event.incident_ref}" if event.incident_ref else ""
    return (
        f"{stamp} {event.source} {event.status} group {event.group_id} {severity} "
        f"{names}: {outcome}{where}"
    )


# -- the inbox ----------------------------------------------------------------------------


def _alerts(store: Store, args: argparse.Namespace) -> int:
    from commander.services.alert_inbox import list_inbox

    groups = list_inbox(store, args.state or ())
    if args.json:
        import json

        sys.stdout.write(json.dumps([_group_json(g) for g in groups], indent=2) + "\n")
        return 0
    for group in groups:
        severity = group.severity.value if group.severity else "--"
        _out(
            f"{group.id:<5} {group.state:<9} {group.status:<8} {severity:<3} "
            f"{group.source:<12} {group.last_received_at:%Y-%m-%d %H:%MZ}  "
            f"{group.incident_ref or '-':<7} {group.title}"
        )
    return 0


def _group_json(group: AlertGroupView) -> dict[str, Any]:
    from commander.domain.when import iso

    return {
        "id": group.id,
        "source": group.source,
        "group_key": group.group_key,
        "state": group.state,
        "status": group.status,
        "severity": group.severity.value if group.severity else None,
        "title": group.title,
        "incident": group.incident_ref,
        "group_labels": dict(group.group_labels),
        "notifications": group.notifications,
        "first_received_at": iso(group.first_received_at),
        "last_received_at": iso(group.last_received_at),
        "state_changed_at": iso(group.state_changed_at),
        "state_changed_by": group.state_changed_by,
        "alerts": [
            {
                "name": alert.name,
                "fingerprint": alert.fingerprint,
                "status": alert.status,
                "labels": dict(alert.labels),
                "annotations": dict(alert.annotations),
                "starts_at": iso(alert.starts_at),
                "ends_at": iso(alert.ends_at),
                "generator_url": alert.generator_url,
            }
            for alert in group.alerts
        ],
    }


def _attach(store: Store, args: argparse.Namespace) -> int:
    from commander.services.alert_inbox import attach_group

    group = attach_group(store, args.group, args.ref, author_of(args))
    _out(f"alert group {group.id} attached to {group.incident_ref}")
    return 0


def _declare(store: Store, args: argparse.Namespace) -> int:
    from commander.services.alert_inbox import declare_group

    group = declare_group(store, args.group, author_of(args), args.severity)
    _out(str(group.incident_ref))
    return 0


def _dismiss(store: Store, args: argparse.Namespace) -> int:
    from commander.services.alert_inbox import dismiss_group

    dismiss_group(store, args.group, author_of(args))
    return 0
