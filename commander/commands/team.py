"""``commander connection save|show|forget`` and ``commander team-sql``: team mode's
set-up, which needs no store open.

The password of a saved connection is typed at a prompt (on a terminal) or read
from standard input, never taken from the command line, where the process list
would show it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from commander.commands.common import argument_type, say
from commander.errors import InvalidInputError

StorelessHandler = Callable[[argparse.Namespace], int]


def _url_without_password(text: str) -> object:
    from commander.store.connection import from_url

    connection, password = from_url(text)
    if password is not None:
        raise InvalidInputError(
            "the URL holds a password: leave it out, and type it at the prompt or give it "
            "on standard input (a command line is visible to every user of the machine)"
        )
    return connection


def register_storeless(sub: Any) -> dict[str, StorelessHandler]:
    from commander.store.team_sql import DEFAULT_OBSERVER, DEFAULT_SEAT, checked_role

    connection = sub.add_parser(
        "connection", help="the team's PostgreSQL server, saved in the settings"
    )
    actions = connection.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = actions.add_parser(
        "save",
        help="save a server to use when no --db is given; the password is asked for "
        "(or read from standard input) and kept in the keyring",
    )
    save.add_argument(
        "url",
        type=argument_type(_url_without_password),
        metavar="URL",
        help="postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=verify-full&sslrootcert=CA.pem]",
    )
    actions.add_parser("show", help="the saved server and whether a password is kept")
    actions.add_parser("forget", help="remove the saved server and its password")

    role_type = argument_type(checked_role)
    sql = sub.add_parser(
        "team-sql",
        help="print the SQL (for psql, run by the store's owner) that creates a seat role "
        "and a read-only observer role",
    )
    sql.add_argument("--seat", type=role_type, default=DEFAULT_SEAT, metavar="ROLE")
    sql.add_argument("--observer", type=role_type, default=DEFAULT_OBSERVER, metavar="ROLE")
    return {"connection": _connection, "team-sql": _team_sql}


def _connection(args: argparse.Namespace) -> int:
    from commander.store import connection

    if args.action == "save":
        saved = args.url
        password = _read_password(saved.described())
        connection.save(saved, password)
        say(f"saved {saved.described()}")
        say(
            "password kept with the app's secrets"
            if password
            else "no password kept: libpq's $PGPASSWORD or ~/.pgpass apply"
        )
        return 0
    if args.action == "show":
        current = connection.saved()
        if current is None:
            say("no saved connection: the store is --db, $COMMANDER_DB or the local file")
            return 0
        say(current.described())
        kept = connection.has_password(current)
        say("password kept" if kept else "no password kept (libpq's own rules apply)")
        return 0
    forgotten = connection.forget()
    say(f"forgot {forgotten.described()}" if forgotten else "no saved connection")
    return 0


def _read_password(where: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {where} (empty: keep none): ")
    # One line: a trailing line end is the pipe's, not the password's.
    return sys.stdin.readline().rstrip("\r\n")


def _team_sql(args: argparse.Namespace) -> int:
    from commander.store.team_sql import team_sql

    if args.seat == args.observer:
        print("commander: team-sql: --seat and --observer name the same role", file=sys.stderr)
        return 2
    sys.stdout.write(team_sql(args.seat, args.observer))
    return 0
