"""Secrets: the user-only file where no keyring exists (this machine), scrubbing."""

from __future__ import annotations

import base64
import stat
from urllib.parse import quote_plus

import pytest

from commander import secrets
from tests.support.secret_forms import assert_no_form_of


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
    plus = secrets.scrub(f"form: token={quote_plus('p@ss word/1')}", ["p@ss word/1"])
    assert plus == f"form: token={secrets.MASK}"


def test_scrub_removes_a_secret_urls_pieces() -> None:
    secret = "https://hooks.example.com/services/T0/B0/SuperSecretWebhookToken?sig=Signature123456"
    text = "POST /services/T0/B0/SuperSecretWebhookToken failed; sig=Signature123456"
    cleaned = secrets.scrub(text, [secret])
    assert "SuperSecretWebhookToken" not in cleaned and "Signature123456" not in cleaned
    assert secrets.scrub("token abc%2Fdef", ["abc/def"]) == f"token {secrets.MASK}"
    assert secrets.scrub("nothing here", ["", None]) == "nothing here"
    assert secrets.scrub("a short pin 123", ["123"]) == "a short pin 123"


def test_scrub_catches_escaped_and_stripped_forms() -> None:
    escaped = secrets.scrub("value: 'Bearer tok-123456789\\n'", ["tok-123456789\n"])
    assert escaped == f"value: 'Bearer {secrets.MASK}'"
    assert secrets.scrub("token=tok-123456789;", [" tok-123456789 "]) == f"token={secrets.MASK};"


PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("before", range(6))
def test_scrub_finds_the_secret_base64_encoded_inside_a_longer_blob(before: int) -> None:
    """SMTP's AUTH PLAIN blob holds the password after the user name: at any offset."""
    blob = ("\0" + "u" * before + "\0" + PASSWORD).encode()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        text = f"535 5.7.8 bad credentials: AUTH PLAIN {encode(blob).decode()} refused"
        scrubbed = secrets.scrub(text, [PASSWORD])
        assert_no_form_of(PASSWORD, scrubbed)
        assert scrubbed.startswith("535 5.7.8 bad credentials: AUTH PLAIN ")
    login = f"535 AUTH LOGIN {base64.b64encode(PASSWORD.encode()).decode()}"
    assert secrets.scrub(login, [PASSWORD]) == f"535 AUTH LOGIN {secrets.MASK}"


def test_the_check_itself_sees_an_unscrubbed_blob() -> None:
    """``assert_no_form_of`` would catch the leak the scrub prevents."""
    blob = base64.b64encode(b"\0ic@example.com\0" + PASSWORD.encode()).decode()
    with pytest.raises(AssertionError):
        assert_no_form_of(PASSWORD, f"535 {blob}")


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
