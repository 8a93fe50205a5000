"""``commander tail``: show's lines, then with --follow each new entry as it commits."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.timeline import log_entry
from commander.store.engine import Store, open_store
from tests.support.cli import cli_ok, run_cli, start_interruptible

SEEN_WITHIN_S = 5.0  # generous for a busy CI; the bench measures the real latency


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """Where the store is, as ``--db`` takes it, on both backends, with INC-1 declared."""
    if request.param == "sqlite":
        where = str(db_path)
        store = open_store(where, create=True)
    else:
        where = request.getfixturevalue("postgres_url")
        store = open_store(where, create=False)
    try:
        declare_incident(store, "Checkout errors", Severity.P1, author="ana")
        log_entry(store, "INC-1", "two\nlines", author="bo")
    finally:
        store.close()
    yield where


@pytest.fixture
def writer(location: str) -> Iterator[Store]:
    """Another seat writing to the same store."""
    store = open_store(location, create=False)
    yield store
    store.close()


class Lines:
    """A follower's output, line by line, as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(
            target=lambda: [self._lines.put(line) for line in stdout], daemon=True
        ).start()

    def next(self) -> str:
        return self._lines.get(timeout=SEEN_WITHIN_S)

    def waiting(self) -> int:
        return self._lines.qsize()


def test_without_follow_it_prints_the_lines_show_prints(location: str) -> None:
    shown = cli_ok("show", "INC-1", db=location).splitlines()
    tailed = cli_ok("tail", "INC-1", db=location).splitlines()
    assert len(tailed) == 2 and tailed == shown[-2:]
    assert tailed[1].endswith("two\\x0alines")


def test_json_lines_carry_show_json_entry_fields(location: str) -> None:
    timeline = json.loads(cli_ok("show", "INC-1", "--json", db=location))["timeline"]
    lines = cli_ok("tail", "INC-1", "--json", db=location).splitlines()
    assert [json.loads(line) for line in lines] == timeline


def test_follow_prints_each_new_entry_once_and_ends_on_ctrl_c(location: str, writer: Store) -> None:
    process = start_interruptible(
        "tail", "INC-1", "--follow", "--json", "--author", "tailer", db=location
    )  # type: ignore[arg-type]
    lines = Lines(process)
    assert [json.loads(lines.next())["kind"] for _ in range(2)] == ["declared", "note"]
    # A follower is a seat: who lists it while it follows, and not once it has ended.
    seats = json.loads(cli_ok("who", "INC-1", "--json", db=location))
    assert [(seat["name"], seat["kind"]) for seat in seats] == [("tailer", "terminal")]
    for text in ("first", "second"):
        log_entry(writer, "INC-1", text, author="cy")
    declare_incident(writer, "Elsewhere", Severity.P3, author="cy")  # not followed
    log_entry(writer, "INC-1", "third", author="cy")
    assert [json.loads(lines.next())["text"] for _ in range(3)] == ["first", "second", "third"]
    time.sleep(0.5)  # a few polls or wake-ups: nothing more comes
    assert lines.waiting() == 0
    process.send_signal(signal.SIGINT)
    _out, errors = process.communicate(timeout=30)
    assert (process.returncode, errors) == (130, "commander: interrupted\n")
    assert json.loads(cli_ok("who", "INC-1", "--json", db=location)) == []


def test_a_reader_that_goes_away_ends_it_quietly(location: str, writer: Store) -> None:
    process = start_interruptible("tail", "INC-1", "--follow", db=location)  # type: ignore[arg-type]
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()  # following now
    process.stdout.close()  # `| head -1`
    log_entry(writer, "INC-1", "nobody reads this", author="cy")
    with process.stderr:
        errors = process.stderr.read()
    assert (process.wait(timeout=30), errors) == (1, "")


def test_an_unknown_incident_is_one_line_and_exit_1(location: str) -> None:
    result = run_cli("tail", "INC-9", "--follow", db=location)  # type: ignore[arg-type]
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "commander: no incident INC-9\n",
    )
