"""Team mode over TLS: ``sslmode=verify-full`` with a CA file, the password from the
keyring, against a throwaway PostgreSQL server that speaks only TLS (made here)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from commander import secrets
from commander.errors import StoreError
from commander.settings import settings_path
from commander.store import connection, schema
from commander.store.engine import describe, open_store, resolve_url
from tests.support.cli import run_cli
from tests.support.secret_stores import memory_keyring
from tests.support.tls_postgres import PASSWORD, TlsServer, server_binaries, tls_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(server_binaries() is None, reason="no PostgreSQL server binaries"),
    pytest.mark.skipif(
        not os.environ.get("COMMANDER_TEST_PG_URL"), reason="team-mode tests not asked for"
    ),
]


@pytest.fixture(scope="module")
def server() -> Iterator[TlsServer]:
    with tls_postgres() as running:
        yield running


def _uses_tls(store: object) -> bool:
    with store.engine.connect() as session:  # type: ignore[attr-defined]
        query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        return bool(session.execute(text(query)).scalar())


def test_a_saved_connection_opens_over_verified_tls_with_the_kept_password(
    server: TlsServer,
) -> None:
    with memory_keyring() as keyring:
        saved, password = connection.from_url(server.url())
        assert password is None
        connection.save(saved, PASSWORD)
        # Nothing but the keyring holds the password: not the settings, not the URL.
        assert PASSWORD not in settings_path().read_text()
        assert list(keyring.passwords.values()) == [PASSWORD]
        url = resolve_url(None)  # no --db, no $COMMANDER_DB: the saved connection
        assert url.password is None and PASSWORD not in describe(url)
        store = open_store(url, create=True)  # a new database is brought to the schema
        try:
            assert _uses_tls(store)
            with store.engine.connect() as session:
                revision = session.execute(text("SELECT version_num FROM alembic_version"))
                assert revision.scalar() == schema.HEAD
        finally:
            store.close()


def test_a_server_certificate_from_another_ca_is_refused_in_one_line(
    server: TlsServer,
) -> None:
    with memory_keyring():
        saved, _ = connection.from_url(server.url(server.other_ca_file))
        connection.save(saved, PASSWORD)
        with pytest.raises(StoreError) as caught:
            open_store(None, create=True)
    message = str(caught.value)
    assert "certificate verify failed" in message and "\n" not in message
    assert PASSWORD not in message


def test_a_wrong_password_is_refused_without_showing_it(server: TlsServer) -> None:
    wrong = "Wrong-Password-0815"
    with memory_keyring():
        saved, _ = connection.from_url(server.url())
        connection.save(saved, wrong)
        with pytest.raises(StoreError) as caught:
            open_store(None, create=True)
    assert "password authentication failed" in str(caught.value)
    assert wrong not in str(caught.value)


def test_the_cli_saves_the_password_from_stdin_and_uses_it(server: TlsServer) -> None:
    """A real process: the password is read from standard input (never argv), kept in
    the secrets file (no keyring on this machine), and used by the next command."""
    saved = run_cli("connection", "save", server.url(), stdin=PASSWORD + "\n")
    assert saved.returncode == 0, saved.stderr
    assert PASSWORD not in saved.stdout + saved.stderr
    assert PASSWORD not in settings_path().read_text()
    declared = run_cli("declare", "Over TLS", "--severity", "P2")
    assert declared.returncode == 0, declared.stderr
    kept = secrets.fallback_path()
    assert PASSWORD in kept.read_text()  # where it is kept without a keyring (0600)
    forgotten = connection.forget()
    assert forgotten is not None and forgotten.port == server.port
    assert PASSWORD not in kept.read_text() and connection.saved() is None
