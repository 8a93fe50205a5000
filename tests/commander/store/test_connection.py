"""The saved team connection: what settings keep, where its password goes, which store
the app opens, and the CLI that saves it (the server itself: test_connection_tls.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commander import cli
from commander.errors import InvalidInputError
from commander.settings import load_settings, settings_path
from commander.store import connection
from commander.store.engine import describe, resolve_url
from tests.support.secret_stores import memory_keyring

URL = "postgresql://scribe@db.example.net:6432/incidents?sslmode=require"


def test_a_url_gives_the_connection_and_its_password_apart() -> None:
    saved, password = connection.from_url("postgresql://scribe:pa%40ss@db.example.net/incidents")
    assert password == "pa@ss"
    assert (saved.host, saved.port, saved.database, saved.user) == (
        "db.example.net",
        5432,
        "incidents",
        "scribe",
    )
    assert saved.sslmode == "prefer" and "pa" not in saved.url_text()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u@h/db", "not a PostgreSQL URL"),
        ("postgresql://h/db", "needs a user"),
        ("postgresql://u@h/", "needs a database"),
        ("postgresql://u@h/db?sslmode=maybe", "sslmode 'maybe' is not one of"),
        ("postgresql://u@h/db?sslmode=verify-full", "needs the CA file"),
        ("postgresql://u@h/db?sslmode=verify-full&sslrootcert=/no/such.pem", "does not exist"),
        ("postgresql://u@h/db?application_name=x", "options this app does not keep"),
        ("postgresql://u@h:99999/db", "port"),
    ],
)
def test_a_bad_url_is_refused_saying_why(url: str, says: str) -> None:
    with pytest.raises(InvalidInputError, match=says):
        connection.from_url(url)


def test_the_saved_connection_is_the_store_unless_db_or_the_environment_names_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read here")
    with memory_keyring() as keyring:
        saved, _ = connection.from_url(f"{URL}&sslrootcert={ca}".replace("require", "verify-full"))
        connection.save(saved, "Team-Password-1")
        kept = settings_path().read_text()
        assert "Team-Password-1" not in kept and '"sslmode": "verify-full"' in kept
        assert keyring.passwords == {
            ("incident-commander", "database:scribe@db.example.net:6432/incidents"): (
                "Team-Password-1"
            )
        }
        url = resolve_url(None)
        assert (url.drivername, url.host, url.port, url.password) == (
            "postgresql+psycopg",
            "db.example.net",
            6432,
            None,
        )
        assert url.query == {"sslmode": "verify-full", "sslrootcert": str(ca)}
        assert "Team-Password-1" not in describe(url)
        # The kept password is found for the same server named by --db, and only for it.
        assert connection.kept_password("scribe", "db.example.net", 6432, "incidents") == (
            "Team-Password-1"
        )
        assert connection.kept_password("scribe", "db.example.net", 5432, "incidents") is None
        assert load_settings().connection["password_kept"] is True
        connection.save(saved, "")  # none kept: the keyring is not even asked
        assert keyring.passwords == {} and load_settings().connection["password_kept"] is False
        assert connection.kept_password("scribe", "db.example.net", 6432, "incidents") is None
        assert resolve_url(str(tmp_path / "x.sqlite")).get_backend_name() == "sqlite"
        monkeypatch.setenv("COMMANDER_DB", str(tmp_path / "y.sqlite"))
        assert resolve_url(None).database == str(tmp_path / "y.sqlite")
        monkeypatch.delenv("COMMANDER_DB")
        connection.forget()
        assert resolve_url(None).get_backend_name() == "sqlite"


def test_an_unusable_saved_connection_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"connection": {"host": "h"}}')
    assert connection.saved() is None
    assert resolve_url(None).get_backend_name() == "sqlite"
    assert "incomplete" in caplog.text


def test_the_cli_refuses_a_password_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["connection", "save", "postgresql://scribe:Hunter2-Secret@h/db"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "the URL holds a password" in err and "Hunter2-Secret" not in err
    assert not settings_path().exists()


def test_the_cli_saves_shows_and_forgets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    with memory_keyring() as keyring:
        monkeypatch.setattr("sys.stdin", io.StringIO("Piped-Password-9\n"))
        assert cli.main(["connection", "save", URL]) == 0
        assert list(keyring.passwords.values()) == ["Piped-Password-9"]
        assert cli.main(["connection", "show"]) == 0
        shown = capsys.readouterr().out
        assert "scribe@db.example.net:6432/incidents (sslmode require)" in shown
        assert "password kept" in shown and "Piped-Password-9" not in shown
        assert cli.main(["connection", "forget"]) == 0
        assert keyring.passwords == {} and connection.saved() is None


def test_team_sql_refuses_a_role_name_it_would_have_to_quote(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["team-sql", "--seat", 'x"; DROP TABLE incidents; --'])
    assert exited.value.code == 2
    assert cli.main(["team-sql", "--seat", "same", "--observer", "same"]) == 2
    assert cli.main(["team-sql"]) == 0
    printed = capsys.readouterr().out
    assert "CREATE ROLE commander_seat LOGIN" in printed
    assert "\\password commander_observer" in printed
