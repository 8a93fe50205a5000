"""The alert receiver's setup: its token kept per store among the store's secrets (never
where a target's could be), and its settings checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from commander import secrets
from commander.errors import InvalidInputError
from commander.services.receiver_config import (
    check_host,
    check_port,
    is_loopback,
    new_token,
    receiver_settings,
    save_token,
    stored_token,
    token_key,
)
from commander.services.targets import save_target
from commander.settings import Settings
from commander.store.engine import Store, open_store
from tests.support.secret_stores import memory_keyring, stored_secret

TOKEN = "receiver-token-0123456789"


def test_the_token_is_kept_per_store(sqlite_store: Store, tmp_path: Path) -> None:
    other = open_store(str(tmp_path / "other.sqlite"), create=True)
    try:
        assert stored_token(sqlite_store) is None
        assert save_token(sqlite_store, f"  {TOKEN}\n") == TOKEN
        assert stored_token(sqlite_store) == TOKEN
        assert stored_token(other) is None
        save_token(other, "another-token-0123456789")
        assert stored_token(sqlite_store) == TOKEN
    finally:
        other.close()


def test_the_token_goes_to_the_keyring_when_there_is_one(sqlite_store: Store) -> None:
    with memory_keyring() as keyring:
        save_token(sqlite_store, TOKEN)
        assert list(keyring.passwords.values()) == [TOKEN]
        [(service, username)] = keyring.passwords
        assert service == secrets.SERVICE
        assert username.endswith("/commander:alert-receiver-token")
        assert stored_token(sqlite_store) == TOKEN
    assert not secrets.fallback_path().exists()


@pytest.mark.parametrize(
    ("token", "complaint"),
    [("short", "use at least 16"), ("with a space 0123456789", "printable ASCII, without spaces")],
)
def test_a_bad_token_is_refused_and_not_kept(
    sqlite_store: Store, token: str, complaint: str
) -> None:
    with pytest.raises(InvalidInputError, match=complaint):
        save_token(sqlite_store, token)
    assert stored_token(sqlite_store) is None


def test_a_new_token_is_long_and_fresh() -> None:
    first, second = new_token(), new_token()
    assert len(first) == 48 and first != second
    assert all(ch in "0123456789abcdef" for ch in first)


@pytest.mark.parametrize(
    "name", ["commander:alert-receiver-token", "Commander:alert-receiver-token", "COMMANDER:x"]
)
def test_no_target_can_take_the_name_of_an_app_secret(sqlite_store: Store, name: str) -> None:
    save_token(sqlite_store, TOKEN)
    with pytest.raises(InvalidInputError, match="kept for the app's own secrets"):
        save_target(sqlite_store, name, "slack_webhook", secret="https://hooks.example/x/y/z")
    assert stored_token(sqlite_store) == TOKEN
    assert token_key(sqlite_store).target == "commander:alert-receiver-token"
    assert stored_secret(sqlite_store, "commander:alert-receiver-token") == TOKEN


def test_receiver_settings_default_to_off_on_this_machine() -> None:
    setup = receiver_settings(Settings())
    assert (setup.enabled, setup.host, setup.port) == (False, "127.0.0.1", 9095)
    chosen = Settings(alert_receiver_enabled=True, alert_receiver_bind="::1")
    assert receiver_settings(chosen).host == "::1" and receiver_settings(chosen).enabled


@pytest.mark.parametrize(
    ("port", "complaint"),
    [(0, "from 1 to 65535"), (70000, "from 1 to 65535"), ("9095", "'9095'"), (True, "True")],
)
def test_a_bad_port_in_the_settings_is_one_clear_error(port: object, complaint: str) -> None:
    with pytest.raises(InvalidInputError, match=complaint):
        check_port(port)


@pytest.mark.parametrize(
    ("host", "kept"),
    [("localhost", "127.0.0.1"), (" 10.0.0.5 ", "10.0.0.5"), ("0.0.0.0", "0.0.0.0")],
)
def test_addresses_to_listen_on(host: str, kept: str) -> None:
    assert check_host(host) == kept


@pytest.mark.parametrize("host", ["", "example.com", "10.0.0.300", 5])
def test_a_bad_address_is_refused(host: object) -> None:
    with pytest.raises(InvalidInputError):
        check_host(host)


def test_which_addresses_only_this_machine_reaches() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")
