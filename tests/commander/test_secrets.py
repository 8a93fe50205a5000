"""Secrets: the user-only file where no keyring exists (this machine), scrubbing."""

from __future__ import annotations

import stat

import pytest

from commander import secrets


def test_no_keyring_here_means_the_file_fallback_and_a_warning() -> None:
    assert not secrets.keyring_available()
    warning = secrets.secret_storage_warning()
    assert warning is not None and str(secrets.fallback_path()) in warning


def test_fallback_file_is_readable_only_by_the_user() -> None:
    secrets.set_secret("ops", "https://hooks.example/T0/B0/abcdef")
    mode = stat.S_IMODE(secrets.fallback_path().stat().st_mode)
    assert mode == 0o600
    assert secrets.get_secret("ops") == "https://hooks.example/T0/B0/abcdef"


def test_a_loosened_file_is_made_private_again() -> None:
    secrets.set_secret("ops", "token-1234")
    secrets.fallback_path().chmod(0o644)
    assert secrets.get_secret("ops") == "token-1234"
    assert stat.S_IMODE(secrets.fallback_path().stat().st_mode) == 0o600


def test_delete_forgets_the_secret() -> None:
    secrets.set_secret("ops", "token-1234")
    secrets.delete_secret("ops")
    assert secrets.get_secret("ops") is None


def test_damaged_file_is_a_clear_error_without_its_contents() -> None:
    path = secrets.fallback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json token-1234")
    with pytest.raises(secrets.SecretStoreError) as caught:
        secrets.get_secret("ops")
    assert "token-1234" not in str(caught.value)


def test_scrub_hides_plain_and_url_encoded_forms() -> None:
    secret = "https://hooks.example/T0/B0/abc def"
    text = "POST https://hooks.example/T0/B0/abc def failed; url=https%3A%2F%2Fhooks.example%2FT0%2FB0%2Fabc%20def"
    scrubbed = secrets.scrub(text, [secret])
    assert "abc def" not in scrubbed and "abc%20def" not in scrubbed
    assert scrubbed.count(secrets.MASK) == 2


def test_a_real_keyring_backend_is_used_when_one_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        secrets.set_secret("ops", "token-1234")
        assert MemoryKeyring.store[(secrets.SERVICE, "ops")] == "token-1234"
        assert not secrets.fallback_path().exists()
        assert secrets.secret_storage_warning() is None
        assert secrets.get_secret("ops") == "token-1234"
    finally:
        keyring.set_keyring(previous)
