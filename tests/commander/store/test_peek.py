"""The start-up peek agrees with the real store, and steps aside when unsure."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from commander.domain import Phase, Severity
from commander.services.incidents import change_phase, declare_incident, list_incidents
from commander.store.engine import open_store
from commander.store.peek import peek_incidents


def test_peek_lists_what_the_store_lists(db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
    declare_incident(store, "First", Severity.P3, author="ana")
    second = declare_incident(store, "Second 🔥", Severity.P0, author="ana")
    change_phase(store, second.ref, Phase.MITIGATE, author="ana")
    expected = list_incidents(store)
    store.close()
    assert peek_incidents(str(db_path)) == expected
    assert peek_incidents(f"sqlite:///{db_path}") == expected


def test_peek_steps_aside_for_missing_foreign_or_other_versions(
    db_path: Path, tmp_path: Path
) -> None:
    assert peek_incidents(str(tmp_path / "missing.sqlite")) is None
    assert peek_incidents("postgresql+psycopg://u@127.0.0.1/db") is None
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    assert peek_incidents(str(junk)) is None
    open_store(str(db_path), create=True).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    assert peek_incidents(str(db_path)) is None


def test_peek_reads_without_loading_sqlalchemy(db_path: Path) -> None:
    """The peek shares store/raw_sql.py with paths that need SQLAlchemy; it must not load it."""
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Peeked", Severity.P2, author="ana")
    store.close()
    code = (
        "import sys\n"
        "from commander.store.peek import peek_incidents\n"
        "assert [i.title for i in peek_incidents(sys.argv[1])] == ['Peeked']\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    ran = subprocess.run(
        [sys.executable, "-c", code, str(db_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
    )
    assert ran.stdout.strip() == "[]"
