"""A PostgreSQL server of the test run's own, which tests may stop and start.

The shared server (``COMMANDER_TEST_PG_URL``) must stay up for every other test, so
the restart tests get a private one: ``initdb`` into a temporary folder and
``pg_ctl`` as the ``postgres`` user, as scripts/test starts the shared one. One
server per run (session scope), one new database per test. Skipped where it cannot
run: not root, or no PostgreSQL server binaries.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

_USER = "postgres"


class PrivateServer:
    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.port = _free_port()
        self.running = False

    @property
    def admin_url(self) -> str:
        return f"postgresql://{_USER}@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self._as_postgres(
            "initdb", "-D", str(self.folder / "data"), "-U", _USER, "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        self.running = True

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended (as a restart or failover does)."""
        self._as_postgres("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        self.running = False

    def new_database(self) -> str:
        """A new empty database on this server: its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{_USER}@127.0.0.1:{self.port}/{name}"

    def _as_postgres(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", _USER, "--", str(self.binaries / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivateServer]:
    """A running private server for this run (stopped and removed at its end)."""
    binaries = _server_binaries()
    if os.geteuid() != 0 or binaries is None or shutil.which("runuser") is None:
        pytest.skip("a private PostgreSQL server needs root and the postgresql package")
    try:
        owner = pwd.getpwnam(_USER)
    except KeyError:
        pytest.skip(f"no {_USER} user to run a private PostgreSQL server as")
    folder = Path(tempfile.mkdtemp(prefix="commander-pg-"))
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    server = PrivateServer(binaries, folder)
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def restartable(private_postgres: PrivateServer) -> Iterator[PrivateServer]:
    """The private server, running again after the test whatever the test did."""
    yield private_postgres
    if not private_postgres.running:
        private_postgres.start()
