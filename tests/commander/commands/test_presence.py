"""``commander who``: the seats on an incident; reading commands write nothing.

In-process (``commander.cli.main``: the same parser and handlers, the test's clock),
on both backends.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commander.cli import main
from commander.clock import FrozenClock
from commander.domain.presence import SeatKind
from commander.domain.roles import Role
from commander.services.presence import mark_present, new_seat, terminal_seat
from commander.services.roles import assign_role
from commander.store import raw_sql
from commander.store.engine import Store
from commander.store.orm import TimelineEntry
from commander.store.orm_presence import SeatRow

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store: Store) -> Cli:
    """``cli(*args)`` -> (exit code, stdout, stderr) of ``commander --db STORE *args``."""
    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)
    url = store.url.render_as_string(hide_password=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(["--db", url, *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _id(ref: str) -> int:
    return int(ref.split("-")[1])


def test_who_lists_the_seats_seen_in_the_last_30_seconds(
    cli: Cli, store: Store, incident: str, clock: FrozenClock
) -> None:
    assign_role(store, incident, Role.COMMANDER, "ana", "ana")
    mark_present(store, new_seat("old", SeatKind.WINDOW), [_id(incident)])
    clock.advance(timedelta(seconds=31))
    mark_present(store, new_seat("ana", SeatKind.WINDOW), [_id(incident)])
    clock.advance(timedelta(seconds=5))
    with terminal_seat(store, incident, "bo", background=False):
        clock.advance(timedelta(seconds=2))
        code, out, err = cli("who", incident)
        assert (code, err) == (0, "")
        assert out.splitlines() == [
            "ana  IC           window    seen 7 s ago",
            "bo   -            terminal  seen 2 s ago",
        ]
        code, out, _ = cli("who", incident.lower(), "--json")
        assert code == 0
        assert json.loads(out) == [
            {
                "name": "ana",
                "roles": ["ic"],
                "role": "IC",
                "kind": "window",
                "last_seen": "2026-11-27T10:00:31+00:00",
                "seen_seconds_ago": 7,
            },
            {
                "name": "bo",
                "roles": [],
                "role": None,
                "kind": "terminal",
                "last_seen": "2026-11-27T10:00:36+00:00",
                "seen_seconds_ago": 2,
            },
        ]
    # The terminal left on its way out.
    assert [line.split()[0] for line in cli("who", incident)[1].splitlines()] == ["ana"]
    clock.advance(timedelta(seconds=30))
    number = incident.split("-")[1]
    assert cli("who", number) == (0, f"nobody seen on {incident} in the last 30 s\n", "")
    assert cli("who", incident, "--json") == (0, "[]\n", "")


def test_who_on_an_unknown_incident_fails_in_one_line(cli: Cli, store: Store) -> None:
    assert cli("who", "INC-404") == (1, "", "commander: no incident INC-404\n")
    code, out, err = cli("who")
    assert code == 2 and out == "" and "the following arguments are required: ref" in err


def _seats(store: Store) -> list[tuple[str, int, str, str, object]]:
    with store.read() as session:
        rows = session.scalars(select(SeatRow).order_by(SeatRow.seat_id)).all()
        return [(r.seat_id, r.incident_id, r.name, r.kind, r.last_seen) for r in rows]


def _entries(store: Store) -> list[tuple[int, int]]:
    with store.read() as session:
        rows = session.execute(select(TimelineEntry.id, TimelineEntry.version))
        return [(entry_id, version) for entry_id, version in rows]


@pytest.mark.parametrize(
    "command",
    [
        ["show", "{ref}"],
        ["show", "{ref}", "--json"],
        ["list"],
        ["list", "--json"],
        ["who", "{ref}"],
    ],
    ids=["show", "show-json", "list", "list-json", "who"],
)
def test_reading_commands_write_nothing_presence_included(
    cli: Cli, store: Store, incident: str, clock: FrozenClock, command: list[str]
) -> None:
    mark_present(store, new_seat("ana", SeatKind.WINDOW), [_id(incident)])
    seats, entries = _seats(store), _entries(store)
    watch: sqlite3.Connection | None = None
    if store.sqlite_file is not None:
        # SQLite's data_version moves whenever another connection commits anything.
        watch = raw_sql.watch_data_version(Path(store.sqlite_file))
    try:
        before = raw_sql.data_version(watch) if watch else None
        clock.advance(timedelta(seconds=12))  # a seat would have beaten by now
        code, _out, err = cli(*(part.format(ref=incident) for part in command))
        assert (code, err) == (0, "")
        if watch is not None:
            assert raw_sql.data_version(watch) == before, "the command committed something"
    finally:
        if watch is not None:
            watch.close()
    assert _seats(store) == seats and _entries(store) == entries
