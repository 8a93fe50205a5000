"""The database server restarting while a seat writes (a private server, really stopped)."""

from __future__ import annotations

import threading
import time
import uuid

from commander.domain import Severity
from commander.domain.entry_facts import SeverityChanged
from commander.errors import CommanderError, StoreUnreachableError
from commander.services.incidents import change_severity, declare_incident, get_incident
from commander.services.timeline import log_entry, read_timeline
from commander.store.engine import open_store
from tests.support.cli import run_cli
from tests.support.private_postgres import PrivateServer

AFTER_RESTART = 5  # entries the seat writes once the server is back


def test_every_acknowledged_write_is_there_once_after_a_restart(
    restartable: PrivateServer,
) -> None:
    """A seat writes with an idempotency key per entry and retries a failed write with the
    same key, as the window's journal does: afterwards each entry is stored exactly once,
    in order, whether a failed attempt had committed or not."""
    url = restartable.new_database()
    store = open_store(url, create=True)
    ref = declare_incident(store, "Failover", Severity.P1, author="ana").ref
    acknowledged: list[int] = []
    refused = 0
    restarted = threading.Event()

    def seat() -> None:
        """Writes on until a few entries went in after the restart: it is writing throughout
        the time the server is down, however fast the machine."""
        nonlocal refused
        n = after = 0
        while after < AFTER_RESTART:
            key = str(uuid.uuid4())
            while True:
                try:
                    log_entry(store, ref, f"entry {n}", "ana", idempotency_key=key)
                except StoreUnreachableError:
                    refused += 1
                    time.sleep(0.02)
                    continue
                acknowledged.append(n)
                break
            n += 1
            after += restarted.is_set()

    escalations = threading.Event()  # set: the seat's writes are over

    def commander() -> None:
        """Another seat changing the severity meanwhile: a row and its entry per change."""
        level = Severity.P2
        while not escalations.is_set():
            level = Severity.P1 if level is Severity.P2 else Severity.P2
            try:
                change_severity(store, ref, level, "bo")
            except CommanderError:  # the server is away, or the same level again after it
                time.sleep(0.02)

    writer = threading.Thread(target=seat)
    changer = threading.Thread(target=commander)
    writer.start()
    changer.start()
    try:
        deadline = time.monotonic() + 30
        while len(acknowledged) < 5 and time.monotonic() < deadline:
            time.sleep(0.005)
        restartable.stop()
        restartable.start()
        restarted.set()
    finally:
        writer.join(60)
        escalations.set()
        changer.join(60)
    try:
        assert refused > 0  # the restart fell among the writes
        assert acknowledged == list(range(len(acknowledged)))
        notes = [e.text for e in read_timeline(store, ref) if e.kind == "note"]
        assert notes == [f"entry {n}" for n in acknowledged]  # each once, in order
        # Nothing half-written: the incident's severity is the one its last entry records.
        changes = [e.fact for e in read_timeline(store, ref) if e.kind == "severity"]
        assert changes and isinstance(changes[-1], SeverityChanged)
        assert get_incident(store, ref).severity is changes[-1].to_severity
    finally:
        store.close()


def test_the_cli_without_its_server_says_so_in_one_line_and_writes_nothing(
    restartable: PrivateServer,
) -> None:
    url = restartable.new_database()
    store = open_store(url, create=True)
    try:
        ref = declare_incident(store, "Failover", Severity.P1, author="ana").ref
        restartable.stop()
        done = run_cli("--db", url, "log", ref, "written while the server was down")
        assert done.returncode == 1, done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith("commander: cannot open database postgresql+psycopg://")
        assert "127.0.0.1" in line and "Traceback" not in done.stderr
        restartable.start()
        timeline = read_timeline(store, ref)
        assert [e.kind for e in timeline] == ["declared"]
    finally:
        store.close()
