"""Secrets: keyed per store and target, the user-only file where no keyring exists
(this machine) and a keyring where there is one, legacy name-only entries, scrubbing."""

from __future__ import annotations

import base64
import json
import logging
import stat
import subprocess
import sys
import threading
from contextlib import nullcontext
from urllib.parse import quote_plus

import pytest

from commander import secrets
from commander.secrets import SecretKey
from tests.support.cli import child_env
from tests.support.secret_forms import assert_no_form_of
from tests.support.secret_stores import memory_keyring

STORE_A = "11111111-1111-4111-8111-111111111111"
STORE_B = "22222222-2222-4222-8222-222222222222"
OPS_A = SecretKey(STORE_A, "ops")
OPS_B = SecretKey(STORE_B, "ops")


def _write_legacy_file(entries: dict[str, str]) -> None:
    """The file as the app wrote it before secrets were kept per store."""
    path = secrets.fallback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries), encoding="utf-8")
    path.chmod(0o600)


def test_no_keyring_here_means_the_file_fallback_and_a_warning() -> None:
    assert not secrets.keyring_available()
    warning = secrets.secret_storage_warning()
    assert warning is not None and str(secrets.fallback_path()) in warning


def test_fallback_file_is_readable_only_by_the_user() -> None:
    secrets.set_secret(OPS_A, "https://hooks.example/T0/B0/abcdef")
    mode = stat.S_IMODE(secrets.fallback_path().stat().st_mode)
    assert mode == 0o600
    assert secrets.get_secret(OPS_A) == "https://hooks.example/T0/B0/abcdef"


def test_a_loosened_file_is_made_private_again() -> None:
    secrets.set_secret(OPS_A, "token-1234")
    secrets.fallback_path().chmod(0o644)
    assert secrets.get_secret(OPS_A) == "token-1234"
    assert stat.S_IMODE(secrets.fallback_path().stat().st_mode) == 0o600


def test_delete_forgets_the_secret() -> None:
    secrets.set_secret(OPS_A, "token-1234")
    secrets.delete_secret(OPS_A)
    assert secrets.get_secret(OPS_A) is None


def test_damaged_file_is_a_clear_error_without_its_contents() -> None:
    path = secrets.fallback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json token-1234")
    with pytest.raises(secrets.SecretStoreError) as caught:
        secrets.get_secret(OPS_A)
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


def test_a_real_keyring_backend_is_used_when_one_exists() -> None:
    with memory_keyring() as backend:
        secrets.set_secret(OPS_A, "token-1234")
        assert backend.passwords == {(secrets.SERVICE, f"{STORE_A}/ops"): "token-1234"}
        assert not secrets.fallback_path().exists()
        assert secrets.secret_storage_warning() is None
        assert secrets.get_secret(OPS_A) == "token-1234"
        secrets.delete_secret(OPS_A)
        assert backend.passwords == {}


@pytest.mark.parametrize("backend", ["file", "keyring"])
def test_two_stores_keep_their_own_secret_for_a_target_of_the_same_name(backend: str) -> None:
    with memory_keyring() if backend == "keyring" else nullcontext():
        assert secrets.keyring_available() == (backend == "keyring")
        secrets.set_secret(OPS_A, "https://hooks.example/a-secret")
        secrets.set_secret(OPS_B, "https://hooks.example/b-secret")
        assert secrets.get_secret(OPS_A) == "https://hooks.example/a-secret"
        assert secrets.get_secret(OPS_B) == "https://hooks.example/b-secret"
        secrets.delete_secret(OPS_B)
        assert secrets.get_secret(OPS_B) is None
        assert secrets.get_secret(OPS_A) == "https://hooks.example/a-secret"


def test_a_legacy_file_entry_is_copied_on_first_read_and_kept_for_other_stores() -> None:
    _write_legacy_file({"ops": "legacy-token-1234"})
    old_a = SecretKey(STORE_A, "ops", may_adopt_legacy=True)
    old_b = SecretKey(STORE_B, "ops", may_adopt_legacy=True)

    assert secrets.get_secret(old_a) == "legacy-token-1234"
    kept = json.loads(secrets.fallback_path().read_text(encoding="utf-8"))
    assert kept == {"ops": "legacy-token-1234", f"{STORE_A}/ops": "legacy-token-1234"}

    secrets.delete_secret(old_a)  # `target remove ops` in A
    assert secrets.get_secret(old_b) == "legacy-token-1234"  # B had not read it yet
    assert secrets.get_secret(OPS_A) is None


def test_a_legacy_keyring_entry_is_copied_into_the_keyring_and_then_never_read() -> None:
    with memory_keyring() as backend:
        backend.set_password(secrets.SERVICE, "ops", "legacy-token-1234")
        old_a = SecretKey(STORE_A, "ops", may_adopt_legacy=True)
        assert secrets.get_secret(old_a) == "legacy-token-1234"
        assert backend.passwords[(secrets.SERVICE, f"{STORE_A}/ops")] == "legacy-token-1234"
        # Once the store has its own key, the legacy entry no longer matters to it.
        backend.set_password(secrets.SERVICE, "ops", "changed-elsewhere")
        assert secrets.get_secret(old_a) == "legacy-token-1234"
        assert backend.passwords[(secrets.SERVICE, "ops")] == "changed-elsewhere"


def test_a_target_made_since_the_upgrade_never_reads_a_legacy_entry() -> None:
    _write_legacy_file({"ops": "legacy-token-1234"})
    assert secrets.get_secret(OPS_A) is None
    with pytest.raises(secrets.MissingSecretError, match="no secret stored for target ops"):
        secrets.require_secret(OPS_A)
    assert secrets.require_secret(OPS_A, optional=True) == ""


def test_the_log_names_neither_the_store_nor_the_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    _write_legacy_file({"ops": "legacy-token-1234"})
    with caplog.at_level(logging.DEBUG):
        secrets.get_secret(SecretKey(STORE_A, "ops", may_adopt_legacy=True))
        secrets.set_secret(OPS_B, "token-5678")
        secrets.delete_secret(OPS_B)
    logged = caplog.text
    assert "ops" in logged  # the copy is logged, by the target's name only
    for private in (STORE_A, STORE_B, "legacy-token-1234", "token-5678"):
        assert private not in logged


def test_threads_writing_the_file_at_once_lose_nothing() -> None:
    keys = [SecretKey(STORE_A, f"t{number}") for number in range(12)]
    threads = [
        threading.Thread(target=secrets.set_secret, args=(key, f"token-{key.target}"))
        for key in keys
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [secrets.get_secret(key) for key in keys] == [f"token-{k.target}" for k in keys]


def test_processes_writing_the_file_at_once_lose_nothing() -> None:
    script = (
        "import sys\n"
        "from commander import secrets\n"
        "for n in range(25):\n"
        "    key = secrets.SecretKey(sys.argv[1], f't{n}')\n"
        "    secrets.set_secret(key, f'token-{n}')\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", script, store], env=child_env())
        for store in (STORE_A, STORE_B)
    ]
    assert [child.wait(timeout=60) for child in children] == [0, 0]
    kept = json.loads(secrets.fallback_path().read_text(encoding="utf-8"))
    assert len(kept) == 50
