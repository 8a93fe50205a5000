"""Ctrl-C on the command line (commander/interrupts.py): real ``commander`` processes and a
real SIGINT at many moments. Each exits 130 with one line and no traceback, or, when the
signal came after the command was done, with the command's own outcome; the store passes
SQLite's integrity check and no delivery is left in a state the outbox cannot handle."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from commander.domain import Severity
from commander.domain.entry_facts import DeliveryChanged
from commander.interrupts import caused_by_interrupt
from commander.services.incidents import declare_incident, get_incident, list_incidents
from commander.services.messages import compose, send_message
from commander.services.outbox import HTTP_TIMEOUT
from commander.services.targets import save_target
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from commander.store.orm_comms import DELIVERY_STATES, SENDING, SENT, CommsDelivery
from commander.views.comms import DeliveryView
from tests.support.cli import child_env, start_interruptible, wait_for_byte
from tests.support.webhook import KIND, Reply, WebhookServer

INTERRUPTED = "commander: interrupted\n"
RUNS = 6  # interrupted runs of `log`; each is a process start, about 0.6 s of CPU
SECRET = "s3cret-token-XYZ"


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _out, errors = process.communicate(timeout=30)
    return process.returncode, errors


def interrupt_after(process: subprocess.Popen[str], delay: float) -> tuple[int, str]:
    time.sleep(delay)
    process.send_signal(signal.SIGINT)  # nothing happens if it has already exited
    return finish(process)


def spread(duration: float, count: int) -> list[float]:
    """``count`` delays from 0 to ``duration``: start-up imports, parsing, the work, exit."""
    return [duration * index / (count - 1) for index in range(count)]


def assert_interrupted_or_done(code: int, errors: str) -> bool:
    """True when the run was interrupted; else it finished before the signal came."""
    assert (code, errors) in ((130, INTERRUPTED), (0, "")), (code, errors)
    return code == 130


def assert_sound(db_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def checked_deliveries(db_path: Path) -> list[DeliveryView]:
    """Every delivery, after checking each is in a state the outbox can carry on from:
    sending only under a lease (claimed again when it runs out), sent only with the
    provider's acknowledgement and its timeline entry written with it."""
    assert_sound(db_path)
    store = open_store(str(db_path), create=True)
    try:
        with store.read() as session:
            rows = session.scalars(select(CommsDelivery)).all()
            views = [DeliveryView.of(row) for row in rows]
            leases = {row.id: (row.lease_owner, row.lease_until) for row in rows}
        recorded = {
            (entry.fact.delivery_id, entry.fact.state.value)
            for incident in list_incidents(store)
            for entry in get_incident(store, incident.ref).timeline
            if isinstance(entry.fact, DeliveryChanged)
        }
    finally:
        store.close()
    for delivery in views:
        assert delivery.state in DELIVERY_STATES
        owner, until = leases[delivery.id]
        assert (delivery.state == SENDING) == (owner is not None) == (until is not None)
        if delivery.state == SENT:
            assert delivery.provider_id and (delivery.id, SENT) in recorded
    return views


def entry_texts(db_path: Path) -> list[str]:
    store = open_store(str(db_path), create=True)
    try:
        return [entry.text for entry in get_incident(store, "INC-1").timeline]
    finally:
        store.close()


def declared(db_path: Path, target_url: str | None = None) -> None:
    """INC-1 and, with ``target_url``, two targets of the test webhook kind there."""
    store = open_store(str(db_path), create=True)
    try:
        declare_incident(store, "Interrupted", Severity.P2, author="ana")
        if target_url is not None:
            for name in ("a", "b"):
                save_target(store, name, KIND, base_url=target_url, secret=SECRET)
    finally:
        store.close()


def queue_update(db_path: Path, new_incident: bool = False) -> None:
    """An update of INC-1 (or of a new incident) waiting in the outbox for both targets.

    A new incident's update does not queue behind one of INC-1's left under a lease:
    one incident's updates reach a target one at a time, in order."""
    store = open_store(str(db_path), create=True)
    try:
        ref = "INC-1"
        if new_incident:
            ref = declare_incident(store, "Interrupted too", Severity.P2, author="ana").ref
        send_message(store, compose(store, ref), "ana")
    finally:
        store.close()


def wait_for_post(server: WebhookServer, seen: int) -> None:
    """Until the provider has received more than ``seen`` POSTs."""
    deadline = time.monotonic() + 60
    while len(server.posts()) <= seen:
        assert time.monotonic() < deadline, "no POST reached the provider"
        time.sleep(0.005)


def test_ctrl_c_anywhere_in_log_exits_130_with_one_line(db_path: Path) -> None:
    declared(db_path)
    calibration = start_interruptible("log", "INC-1", "calibration", db=db_path)
    ready = time.monotonic()
    assert finish(calibration) == (0, "")
    duration = time.monotonic() - ready
    finished: list[str] = []
    interrupted = 0
    for index, delay in enumerate(spread(duration, RUNS)):
        text = f"run {index}"
        entry = "cli" if index % 2 else "launcher"
        process = start_interruptible("log", "INC-1", text, db=db_path, entry=entry)
        if assert_interrupted_or_done(*interrupt_after(process, delay)):
            interrupted += 1
        else:
            finished.append(text)
        if index == 0:
            assert interrupted == 1, "a Ctrl-C at once, during the imports, interrupts"
    assert interrupted >= RUNS // 2
    assert_sound(db_path)
    texts = entry_texts(db_path)
    assert all(texts.count(f"run {index}") <= 1 for index in range(RUNS))
    assert set(finished) <= set(texts)  # a command that said it was done had written


def test_ctrl_c_while_deliver_waits_on_the_network(db_path: Path) -> None:
    # A provider that takes both POSTs and never answers: the outbox's two threads wait.
    with socket.create_server(("127.0.0.1", 0)) as provider:
        declared(db_path, f"http://127.0.0.1:{provider.getsockname()[1]}")
        queue_update(db_path)
        process = start_interruptible("deliver", "--wait", db=db_path)
        provider.settimeout(60)
        held = [provider.accept()[0] for _ in range(2)]
        try:
            for connection in held:
                assert connection.recv(4096).startswith(b"POST ")
            pressed = time.monotonic()
            process.send_signal(signal.SIGINT)
            outcome = finish(process)
            took = time.monotonic() - pressed
        finally:
            for connection in held:
                connection.close()
    assert outcome == (130, INTERRUPTED)
    assert took < HTTP_TIMEOUT / 3, "Ctrl-C waited for the network"
    deliveries = checked_deliveries(db_path)
    # Both were on the wire: left under their lease for the outbox's reclaim rules.
    assert [d.state for d in deliveries] == [SENDING, SENDING]


def test_ctrl_c_at_each_step_of_deliver_leaves_each_delivery_recorded_or_leased(
    db_path: Path,
) -> None:
    reply = Reply(delay=0.2)
    server = WebhookServer(reply).start()
    outcomes = []
    try:
        declared(db_path, server.url)
        # At once (the imports), while the provider holds the POST, just after it answered
        # (the outcome being recorded, or the next pass of the wait).
        for wait in (None, 0.0, reply.delay + 0.01):
            queue_update(db_path, new_incident=True)
            seen = len(server.posts())
            process = start_interruptible("deliver", "--wait", db=db_path, entry="cli")
            if wait is not None:
                wait_for_post(server, seen)
            outcomes.append(interrupt_after(process, wait or 0))
    finally:
        server.stop()
    interrupted = [assert_interrupted_or_done(*outcome) for outcome in outcomes]
    assert interrupted[:2] == [True, True]  # the last may have finished first
    deliveries = checked_deliveries(db_path)
    assert len(deliveries) == 6
    assert {d.state for d in deliveries} <= {"pending", SENDING, SENT}


def test_ctrl_c_while_the_interpreter_shuts_down_keeps_the_outcome(db_path: Path) -> None:
    declared(db_path)
    read_end, write_end = os.pipe()
    try:
        process = start_interruptible(
            "log", "INC-1", "logged before the exit", db=db_path, exiting=write_end
        )
    finally:
        os.close(write_end)
    try:
        assert wait_for_byte(read_end), "the driver's last atexit hook never ran"
    finally:
        os.close(read_end)
    # The command is done and its entry committed: the Ctrl-C changes nothing.
    assert interrupt_after(process, 0) == (0, "")
    assert_sound(db_path)
    assert "logged before the exit" in entry_texts(db_path)


def test_a_reader_that_stops_early_still_ends_the_output_quietly(db_path: Path) -> None:
    # `commander show INC-1 | head -1`, the other signal a command line meets: Python
    # ignores SIGPIPE, the write fails with BrokenPipeError, the CLI exits 1 without a word.
    declared(db_path)
    store = open_store(str(db_path), create=True)
    try:
        for number in range(600):  # about 110 kB of output, more than a pipe holds
            log_entry(store, "INC-1", f"{number:03} " + "x" * 150, author="ana")
    finally:
        store.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "ui", "--db", str(db_path), "show", "INC-1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        assert process.stdout.read(10)
        process.stdout.close()
        errors = process.stderr.read()
    assert (process.wait(timeout=60), errors) == (1, b"")


class _Interrupting:
    def __set_name__(self, owner: type, name: str) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C landed while a dataclass was being built


def test_an_interrupt_wrapped_in_another_error_is_still_one() -> None:
    # Python 3.11 wraps it in RuntimeError ("Error calling __set_name__"); before that was
    # seen, a Ctrl-C during an import once ended the run with that traceback.
    with pytest.raises(BaseException) as built:
        type("Built", (), {"field": _Interrupting()})
    assert caused_by_interrupt(built.value)
    with pytest.raises(OSError) as cleanup:  # clean-up failing while an interrupt unwinds
        try:
            raise KeyboardInterrupt
        finally:
            raise OSError("cannot roll back")
    assert caused_by_interrupt(cleanup.value)
    assert not caused_by_interrupt(RuntimeError("a plain bug"))


def test_a_command_run_in_process_gives_ctrl_c_back(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that goes on (a test, a script) keeps its Ctrl-C, and so do the processes
    it starts later: an ignored SIGINT is inherited (before: ``health-run`` started by a
    test after an in-process command could not be stopped)."""
    from commander.cli import main
    from ui.launcher import main as launcher_main

    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)
    before = signal.getsignal(signal.SIGINT)
    assert main(["--db", str(db_path), "declare", "Checkout down", "--severity", "P2"]) == 0
    assert signal.getsignal(signal.SIGINT) is before
    assert launcher_main(["--db", str(db_path), "list"]) == 0
    assert signal.getsignal(signal.SIGINT) is before
    capsys.readouterr()
    child = subprocess.run(
        [sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "default_int_handler" in child.stdout
