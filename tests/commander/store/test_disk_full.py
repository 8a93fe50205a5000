"""A full disk is reported as one ("disk full at PATH"), not as a damaged database
(commander/store/disk_full.py). On a real full file system (a small tmpfs, where this
machine lets the test mount one) through the CLI, and always through SQLite's own
SQLITE_FULL, which is what it returns when a write finds no space."""

from __future__ import annotations

import contextlib
import errno
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from commander.domain import Severity
from commander.errors import StoreError
from commander.services.incidents import change_severity, declare_incident, get_incident
from commander.services.timeline import log_entry
from commander.store.disk_full import disk_full_message, is_disk_full
from commander.store.engine import open_store
from tests.support.cli import cli_ok, run_cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stores"
BIG_TEXT = "x" * 100_000  # more than a full disk has left; less than one argument may hold


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until its file system has no space left."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
        with contextlib.suppress(OSError):  # the last few bytes a chunk did not fit in
            while True:
                out.write(b"\0" * 512)
    return filler


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A mounted 1 MiB tmpfs; skipped where mounting is not allowed (not root, a container)."""
    point = tmp_path / "small-disk"
    point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here: cannot make a real full file system")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()})")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_a_full_disk_says_so_through_the_cli(full_disk: Path, tmp_path: Path) -> None:
    db = full_disk / "incidents.sqlite"
    store = open_store(str(db), create=True)
    declare_incident(store, "Disk", Severity.P2, author="ana")
    store.close()
    # The log folder is on the full disk too: its errors must not reach the terminal.
    logs = {"XDG_STATE_HOME": str(full_disk / "state")}
    filler = fill(full_disk)
    expected = f"commander: {disk_full_message(str(db))}\n"
    # Nothing holds the store open: even reading it needs room for its -shm file,
    # and SQLite says "disk I/O error" (this said "damaged or not a database").
    assert one_line(run_cli("log", "INC-1", "hello", db=db, env=logs)) == expected
    filler.unlink()
    with contextlib.closing(sqlite3.connect(db)) as holder:
        holder.execute("SELECT count(*) FROM incidents").fetchall()  # -shm and -wal exist now
        filler = fill(full_disk)
        # The write itself finds no space: SQLITE_FULL, on both write paths.
        assert one_line(run_cli("log", "INC-1", BIG_TEXT, db=db, env=logs)) == expected
        assert one_line(run_cli("severity", "INC-1", "P0", db=db, env=logs)) == expected
        filler.unlink()
    cli_ok("log", "INC-1", "space again", db=db, env=logs)
    with contextlib.closing(sqlite3.connect(db)) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = open_store(str(db), create=True)
    try:
        incident = get_incident(store, "INC-1")
    finally:
        store.close()
    assert [e.text for e in incident.timeline][-1] == "space again"  # and nothing else new
    assert len(incident.timeline) == 2 and incident.severity == Severity.P2


def test_no_space_for_the_backup_before_a_migration(full_disk: Path) -> None:
    db = full_disk / "incidents.sqlite"
    shutil.copyfile(FIXTURES / "rev_0005.sqlite", db)
    with contextlib.closing(sqlite3.connect(db)) as holder:
        holder.execute("SELECT count(*) FROM incidents").fetchall()  # its -shm exists
        fill(full_disk)
        result = run_cli("list", db=db)
    assert one_line(result) == f"commander: {disk_full_message(str(db))}\n"
    assert not list(full_disk.glob("*.bak"))  # a backup cut short is not left behind


@pytest.fixture
def capped_store(db_path: Path) -> Iterator[object]:
    """A store whose file SQLite may not grow: every new page is refused with SQLITE_FULL,
    the code SQLite gives a write that finds the disk full."""
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Capped", Severity.P2, author="ana")

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()  # the connections opened so far have no cap
    yield store
    store.close()


def test_sqlite_full_is_disk_full_on_both_write_paths(capped_store, db_path: Path) -> None:
    expected = f"^{disk_full_message(str(db_path))}$"
    with pytest.raises(StoreError, match=expected):
        log_entry(capped_store, "INC-1", BIG_TEXT, author="ana")  # the raw INSERT
    with pytest.raises(StoreError, match=expected):
        change_severity(capped_store, "INC-1", Severity.P0, author="ana", reason=BIG_TEXT)
    assert len(get_incident(capped_store, "INC-1").timeline) == 1  # nothing was written


def test_what_counts_as_a_full_disk(tmp_path: Path) -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(sqlite3.DatabaseError) as damaged:
        sqlite3.connect(junk).execute("SELECT * FROM sqlite_master").fetchall()
    assert not is_disk_full(damaged.value, junk)  # damaged is damaged, on any disk
