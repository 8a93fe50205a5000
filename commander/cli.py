"""The scriptable front door: ``commander [--db URL] SUBCOMMAND``.

Every subcommand calls the same services as the window. Exit codes: 0 success,
2 usage error, 1 anything else, with one line on stderr (``--debug`` adds the
traceback). Heavy modules are imported inside the handlers so that opening the
window does not pay for them before the first paint.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from commander import __version__
from commander.commands.common import (
    TIME_TYPE,
    CommandParser,
    Handler,
    add_at_option,
    argument_type,
    author_of,
    entry_line,
    say,
    say_block,
    warn,
)
from commander.domain import USER_KINDS, EntryKind, Phase, Severity
from commander.domain.when import HELP as TIME_HELP
from commander.errors import CommanderError
from commander.interrupts import caused_by_interrupt, run_command
from commander.terminal_text import one_line

if TYPE_CHECKING:
    from commander.store.engine import Store

log = logging.getLogger(__name__)
PROG = "commander"


# Modules that add subcommand groups (see commander.commands); imported when
# the parser is built, which the window path never does.
FEATURE_COMMANDS: tuple[str, ...] = (
    "commander.commands.response",
    "commander.commands.postmortem",
    "commander.commands.comms",
    "commander.commands.deliveries",
    "commander.commands.reports",
    "commander.commands.user_reports",
    "commander.commands.health",
    "commander.commands.alerts",
    "commander.commands.capture",
    "commander.commands.presence",
    "commander.commands.entries",
    "commander.commands.tail",
)
# Modules adding subcommands that open no store (``register_storeless(sub)``).
STORELESS_COMMANDS: tuple[str, ...] = ("commander.commands.team",)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=PROG,
        description="Incident Commander. With no subcommand, opens the window.",
    )
    parser.add_argument(
        "--db",
        type=str,  # a file name may hold bytes that are not UTF-8, as files may
        metavar="URL",
        help="SQLite file path or SQLAlchemy URL (default: $COMMANDER_DB, "
        "else incidents.sqlite in the user data folder)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks, log more")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    severity_help = "; ".join(f"{s.value} {s.label}: {s.definition}" for s in Severity)
    severity_type = argument_type(Severity.parse)

    declare = sub.add_parser("declare", help="declare a new incident; prints its ref")
    declare.add_argument("title")
    declare.add_argument("--severity", required=True, type=severity_type, help=severity_help)
    declare.add_argument("--summary", default="")
    declare.add_argument("--impact-start", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
    add_at_option(declare, "it was declared; reports count it in that month")
    declare.add_argument("--author", help="who is declaring (default: settings, then OS user)")

    log_cmd = sub.add_parser("log", help="add a timeline entry")
    log_cmd.add_argument("ref")
    log_cmd.add_argument("text")
    log_cmd.add_argument("--at", type=TIME_TYPE, metavar="TIME", help=TIME_HELP)
    log_cmd.add_argument(
        "--kind",
        type=argument_type(EntryKind.parse_user_kind),
        default=EntryKind.NOTE,
        help="one of " + ", ".join(k.value for k in USER_KINDS),
    )
    log_cmd.add_argument("--author")
    log_cmd.add_argument("--pin", action="store_true", help="pin the entry as a key event")

    severity = sub.add_parser("severity", help="change an incident's severity")
    severity.add_argument("ref")
    severity.add_argument("level", type=severity_type, metavar="P0..P4", help=severity_help)
    severity.add_argument("--reason", default="")
    add_at_option(severity, "it changed, not before the last severity change")
    severity.add_argument("--author")

    phase = sub.add_parser("phase", help="move an incident to another phase")
    phase.add_argument("ref")
    phase.add_argument("phase", type=argument_type(Phase.parse), metavar="|".join(Phase))
    add_at_option(phase, "it moved, not before the last phase change")
    phase.add_argument("--author")

    list_cmd = sub.add_parser(
        "list", help="list incidents: active ones first (most severe first), then resolved"
    )
    list_cmd.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="show an incident and its timeline")
    show.add_argument("ref")
    show.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="export an incident and its postmortem")
    export.add_argument("ref")
    export.add_argument("--format", choices=["md", "html", "pdf", "json"], default="json")
    export.add_argument("-o", "--output", type=Path, metavar="FILE")
    export.add_argument(
        "--generated-at",
        type=TIME_TYPE,
        metavar="TIME",
        help="the time the document says it was made (default now); fix it for identical files",
    )
    for name in FEATURE_COMMANDS:
        _FEATURE_HANDLERS.update(importlib.import_module(name).register(sub))
    for name in STORELESS_COMMANDS:
        _STORELESS_HANDLERS.update(importlib.import_module(name).register_storeless(sub))
    return parser


_TIME_OPTIONS = ("--at", "--impact-start")


def glue_relative_times(argv: Sequence[str]) -> list[str]:
    """Let ``--at -5m`` work: argparse would take ``-5m`` for an option."""
    glued: list[str] = []
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else ""
        if item in _TIME_OPTIONS and following[:2].startswith("-") and following[1:2].isdigit():
            glued.append(f"{item}={following}")
            index += 2
            continue
        glued.append(item)
        index += 1
    return glued


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(glue_relative_times(sys.argv[1:] if argv is None else argv))


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry without the window (``python -m commander``); Ctrl-C as interrupts.py says."""
    return run_command(PROG, lambda: _main(argv), process_ends=argv is None)


def _main(argv: Sequence[str] | None) -> int:
    args = parse_args(argv)
    if args.command is None:
        build_parser().error("no subcommand given (run `commander` without one to open the window)")
    return run(args)


def run(args: argparse.Namespace) -> int:
    from commander.logs import configure_logging

    configure_logging(args.debug)
    try:
        return _dispatch(args)
    except CommanderError as exc:
        if caused_by_interrupt(exc):
            raise  # Ctrl-C, surfacing as another error: commander/interrupts.py ends the run
        log.info("%s failed: %s", args.command, exc)
        _fail(str(exc), args.debug)
    except BrokenPipeError:
        _drop_stdout()
        return 1
    except Exception as exc:
        if caused_by_interrupt(exc):
            raise
        log.exception("unexpected error in %s", args.command)
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", args.debug)
    return 1


def _drop_stdout() -> None:
    """The reader went away (``| head``): what is still buffered can never be written,
    and Python's own flush at exit would print "Exception ignored … Broken pipe" and
    exit 120. Point stdout at the null device instead (the Python docs' way)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture)
        pass


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)  # it may quote stored text


# The one subcommand that may create a store; every other one needs a store that
# exists, so a mistyped --db says "no store at PATH" instead of making one.
CREATES_STORE = frozenset({"declare"})


def _dispatch(args: argparse.Namespace) -> int:
    from commander.store.engine import open_store

    if args.command in _STORELESS_HANDLERS:
        return _STORELESS_HANDLERS[args.command](args)
    store = open_store(args.db, create=args.command in CREATES_STORE)
    try:
        handler = _HANDLERS.get(args.command) or _FEATURE_HANDLERS[args.command]
        return handler(store, args)
    finally:
        store.close()


def _declare(store: Store, args: argparse.Namespace) -> int:
    from commander.services.incidents import declare_incident

    incident = declare_incident(
        store,
        args.title,
        args.severity,
        author=author_of(args),
        summary=args.summary,
        impact_started_at=args.impact_start,
        occurred_at=args.at,
    )
    print(incident.ref)
    return 0


def _log(store: Store, args: argparse.Namespace) -> int:
    from commander.services.timeline import log_entry

    log_entry(
        store,
        args.ref,
        args.text,
        author=author_of(args),
        kind=args.kind,
        occurred_at=args.at,
        pinned=args.pin,
    )
    return 0


def _severity(store: Store, args: argparse.Namespace) -> int:
    from commander.services.incidents import change_severity

    change_severity(
        store,
        args.ref,
        args.level,
        author=author_of(args),
        reason=args.reason,
        occurred_at=args.at,
    )
    return 0


def _phase(store: Store, args: argparse.Namespace) -> int:
    from commander.services.phase_moves import move_to_phase

    move = move_to_phase(store, args.ref, args.phase, author=author_of(args), occurred_at=args.at)
    if move.warning is not None:  # open items are warned about, never a reason to stay
        warn(move.warning.message)
    return 0


def _list(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.durations import human_duration
    from commander.domain.when import iso, utc_now
    from commander.exports.json_doc import dumps
    from commander.services.incidents import list_incidents

    now = utc_now()
    incidents = list_incidents(store)
    if args.json:
        rows = [
            {
                "ref": i.ref,
                "title": i.title,
                "severity": i.severity.value,
                "phase": i.phase.value,
                "declared_at": iso(i.declared_at),
                "impact_started_at": iso(i.impact_started_at),
                "resolved_at": iso(i.resolved_at),
                "active": i.active,
                # Age while active, start → resolved once resolved (from the impact start
                # when one is recorded).
                "elapsed_seconds": int(i.running_time(now).total_seconds()),
                "next_update_due": iso(i.update_due_at),
                "update_overdue": i.update_overdue(now),
            }
            for i in incidents
        ]
        sys.stdout.write(dumps(rows))
        return 0
    for i in incidents:
        spent = human_duration(i.running_time(now))
        state = f"open {spent}" if i.active else f"lasted {spent}"
        overdue = "  (update overdue)" if i.update_overdue(now) else ""
        say(
            f"{i.ref:<8} {i.severity.value}  {i.phase.value:<10} {_short(i.declared_at)}  "
            f"{state:<15} {i.title}{overdue}"
        )
    return 0


def _short(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%MZ") if moment else "-"


def _show(store: Store, args: argparse.Namespace) -> int:
    from commander.exports.json_doc import dumps, incident_document
    from commander.services.incidents import get_incident

    incident = get_incident(store, args.ref)
    if args.json:
        sys.stdout.write(dumps(incident_document(incident)))
        return 0
    say(f"{incident.ref}  {incident.title}")
    severity, phase = incident.severity, incident.phase
    say(f"  severity {severity.value} ({severity.label}), phase {phase.label}")
    say(f"  declared {_short(incident.declared_at)} by {incident.declared_by}")
    if incident.labels:  # from its alerts' labels
        from commander.domain.labels import labels_text

        say(f"  labels {labels_text(incident.labels)}")
    if incident.summary:
        say_block(incident.summary, indent="  ")
    for entry in incident.timeline:  # one row each: a line break in the text shows as \x0a
        say(entry_line(entry))
    return 0


def _export(store: Store, args: argparse.Namespace) -> int:
    from commander.exports.render import export_incident
    from commander.output_files import refuse_database_target, write_output

    if args.output is not None:  # refused before the work, not after
        refuse_database_target(args.output.expanduser(), store.sqlite_file)
    data = export_incident(store, args.ref, args.format, args.generated_at)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_output(args.output, data, store.sqlite_file)
    return 0


_HANDLERS: dict[str, Handler] = {
    "declare": _declare,
    "log": _log,
    "severity": _severity,
    "phase": _phase,
    "list": _list,
    "show": _show,
    "export": _export,
}

# Filled by build_parser from FEATURE_COMMANDS and STORELESS_COMMANDS.
_FEATURE_HANDLERS: dict[str, Handler] = {}
_STORELESS_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {}
