"""Several processes writing one SQLite file at once lose nothing."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import subprocess
import sys
from pathlib import Path

from commander.domain import Severity
from commander.services.incidents import declare_incident, get_incident
from commander.store.engine import open_store

WRITERS = 4
ENTRIES_EACH = 40


def _write_entries(path: str, ref: str, writer: int) -> int:
    from commander.services.timeline import log_entry

    store = open_store(path, create=True)
    try:
        for n in range(ENTRIES_EACH):
            log_entry(store, ref, f"writer {writer} entry {n}", author=f"w{writer}")
    finally:
        store.close()
    return ENTRIES_EACH


def test_concurrent_writers_and_a_cli_lose_no_entry(db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
    ref = declare_incident(store, "Busy", Severity.P1, author="ana").ref
    store.close()
    cli = subprocess.Popen(
        [sys.executable, "-m", "ui", "--db", str(db_path), "log", ref, "from the CLI"],
        stderr=subprocess.PIPE,
        text=True,
    )
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(WRITERS, mp_context=context) as pool:
        written = sum(
            pool.map(_write_entries, [str(db_path)] * WRITERS, [ref] * WRITERS, range(WRITERS))
        )
    _out, cli_errors = cli.communicate(timeout=60)
    assert cli.returncode == 0, cli_errors
    store = open_store(str(db_path), create=True)
    try:
        texts = [e.text for e in get_incident(store, ref).timeline]
    finally:
        store.close()
    assert written == WRITERS * ENTRIES_EACH
    assert len(texts) == 1 + written + 1
    assert len(set(texts)) == len(texts)
    assert "from the CLI" in texts
