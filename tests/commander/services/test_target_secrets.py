"""Secrets per store and target: two stores with a target of the same name never
share one, a target from before the upgrade takes over its name-only secret, and a
missing secret says so by name."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from commander import secrets
from commander.domain import Severity
from commander.errors import InvalidInputError
from commander.secrets import SecretKey
from commander.services import messages, outbox
from commander.services.channels import create_incident_channel
from commander.services.incidents import declare_incident
from commander.services.store_identity import store_id
from commander.services.target_secrets import capture_secret_key, has_secret
from commander.services.targets import remove_target, save_target, store_secret
from commander.store.engine import Store, open_store
from tests.support.contracts.smtp import SmtpServer
from tests.support.secret_stores import MemoryKeyring, memory_keyring, stored_secret
from tests.support.webhook import KIND, JsonWebhookConnector, WebhookServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stores"
SECRET_A = "store-a-secret-1234"
SECRET_B = "store-b-secret-5678"
LEGACY = "legacy-secret-9012"


@pytest.fixture(params=["file", "keyring"])
def backend(request: pytest.FixtureRequest) -> Iterator[MemoryKeyring | None]:
    """Secrets in the fallback file (this machine has no keyring) or in a keyring."""
    keeper: AbstractContextManager[MemoryKeyring | None] = (
        memory_keyring() if request.param == "keyring" else nullcontext()
    )
    with keeper as keyring_backend:
        assert secrets.keyring_available() == (keyring_backend is not None)
        yield keyring_backend


@pytest.fixture
def servers() -> Iterator[tuple[WebhookServer, WebhookServer]]:
    first, second = WebhookServer().start(), WebhookServer().start()
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "other" / "incidents.sqlite"), create=True)
    yield opened
    opened.close()


def _send_and_deliver(store: Store, targets: list[str] | None = None) -> Any:
    ref = declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
    sent = messages.send_message(store, messages.compose(store, ref), "ana", targets)
    outbox.deliver_due(store, message_ids=[sent.id])
    [delivery] = messages.get_message(store, sent.id).deliveries
    return delivery


def test_two_stores_with_a_target_ops_each_post_to_their_own_webhook(
    store: Store,
    other_store: Store,
    backend: MemoryKeyring | None,
    servers: tuple[WebhookServer, WebhookServer],
    connector: JsonWebhookConnector,
) -> None:
    server_a, server_b = servers
    save_target(store, "ops", KIND, base_url=server_a.url, secret=SECRET_A)
    save_target(other_store, "ops", KIND, base_url=server_b.url)
    assert has_secret(store, "ops") and not has_secret(other_store, "ops")
    save_target(other_store, "ops", KIND, base_url=server_b.url, secret=SECRET_B, replace=True)

    assert _send_and_deliver(store).state == "sent"
    assert _send_and_deliver(other_store).state == "sent"
    assert [p.path for p in server_a.posts()] == [f"/hooks/{SECRET_A}"]
    assert [p.path for p in server_b.posts()] == [f"/hooks/{SECRET_B}"]

    remove_target(other_store, "ops", author="ana")
    assert stored_secret(other_store, "ops") is None
    assert stored_secret(store, "ops") == SECRET_A
    assert _send_and_deliver(store).state == "sent"
    assert [p.path for p in server_a.posts()] == [f"/hooks/{SECRET_A}"] * 2


def _upgraded_old_store(tmp_path: Path, name: str) -> Store:
    """A store written before stores had an identity, opened (and so upgraded) today."""
    path = tmp_path / name / "incidents.sqlite"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES / "rev_0004.sqlite", path)
    return open_store(str(path), create=True)


def _store_legacy(backend: MemoryKeyring | None, target: str, secret: str) -> None:
    """A secret as the app kept it before: under the target's name alone."""
    if backend is not None:
        backend.set_password(secrets.SERVICE, target, secret)
        return
    path = secrets.fallback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({target: secret}), encoding="utf-8")
    path.chmod(0o600)


def _legacy(backend: MemoryKeyring | None, target: str) -> str | None:
    if backend is not None:
        return backend.get_password(secrets.SERVICE, target)
    found: str | None = json.loads(secrets.fallback_path().read_text(encoding="utf-8")).get(target)
    return found


def test_a_legacy_secret_is_taken_over_on_first_read_and_still_serves_a_later_store(
    tmp_path: Path,
    clock: Any,
    backend: MemoryKeyring | None,
    server: WebhookServer,
    connector: JsonWebhookConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # Two old stores that both had a target "status" using the one name-only secret.
    first = _upgraded_old_store(tmp_path, "first")
    later = _upgraded_old_store(tmp_path, "later")
    fresh = open_store(str(tmp_path / "fresh" / "incidents.sqlite"), create=True)
    try:
        _store_legacy(backend, "status", LEGACY)
        for store in (first, later):
            # Pointed at the local server; the target keeps its creation time.
            # Its old kind (statuspage) made it public; the double stands in for chat.
            save_target(
                store, "status", KIND, base_url=server.url, replace=True, audience="internal"
            )

        assert _send_and_deliver(first, ["status"]).state == "sent"
        assert stored_secret(first, "status") == LEGACY
        assert _legacy(backend, "status") == LEGACY  # not moved: `later` has not read it

        remove_target(first, "status", author="ana")
        assert stored_secret(first, "status") is None
        assert _send_and_deliver(later, ["status"]).state == "sent"
        assert stored_secret(later, "status") == LEGACY
        assert [p.path for p in server.posts()] == [f"/hooks/{LEGACY}"] * 2

        # A target added since the upgrade never picks up another store's old secret.
        save_target(fresh, "status", KIND, base_url=server.url)
        failed = _send_and_deliver(fresh, ["status"])
        assert failed.state == "failed"
        assert failed.last_error == secrets.missing_secret_message("status")
        assert len(server.posts()) == 2 and not has_secret(fresh, "status")

        # The take-over is logged by the target's name, never with a store id or secret.
        assert "status" in caplog.text
        private = [store_id(first), store_id(later), store_id(fresh), LEGACY]
        assert not [text for text in private if text in caplog.text]
    finally:
        for store in (first, later, fresh):
            store.close()


def test_a_missing_secret_fails_the_delivery_by_name_before_the_connector(
    store: Store, server: WebhookServer, connector: JsonWebhookConnector
) -> None:
    save_target(store, "ops", KIND, base_url=server.url)
    failed = _send_and_deliver(store)
    assert failed.state == "failed" and failed.attempts == 1
    assert failed.last_error == (
        "no secret stored for target ops in this store; store it with: "
        "commander target secret ops, or in the window under Comms → Targets…"
    )
    assert server.posts() == []


def test_an_email_target_may_have_no_secret(store: Store) -> None:
    # A mail server may take mail without a login: no secret is not an error there.
    server = SmtpServer().start()  # a real SMTP server that offers no AUTH
    try:
        options = {
            "host": server.host,
            "port": str(server.port),
            "starttls": "false",
            "from": "ic@example.com",
            "to": "ops@example.com",
        }
        save_target(store, "mail", "email", options=options)
        assert _send_and_deliver(store).state == "sent"
    finally:
        server.stop()
    assert len(server.received) == 1


def test_a_channel_without_a_token_says_so_by_name(store: Store, incident: str) -> None:
    save_target(store, "slack", "slack", base_url="http://127.0.0.1:9")
    with pytest.raises(secrets.MissingSecretError) as raised:
        create_incident_channel(store, incident, "slack", "ana")
    assert str(raised.value) == secrets.missing_secret_message("slack")


def test_a_mattermost_target_keeps_a_capture_token_beside_its_webhook(
    store: Store, other_store: Store, backend: MemoryKeyring | None
) -> None:
    save_target(store, "mm", "mattermost", secret="https://chat.example.com/hooks/abcdefgh")
    save_target(other_store, "mm", "mattermost", secret="https://chat.example.com/hooks/zzzzzzzz")
    with pytest.raises(secrets.MissingSecretError) as raised:
        secrets.require_secret(capture_secret_key(store, "mm"))
    assert "commander target secret mm --capture" in str(raised.value)
    store_secret(store, "mm", "bot-token-for-reading", capture=True)
    assert secrets.require_secret(capture_secret_key(store, "mm")) == "bot-token-for-reading"
    assert stored_secret(store, "mm") == "https://chat.example.com/hooks/abcdefgh"
    assert secrets.get_secret(capture_secret_key(other_store, "mm")) is None  # per store

    remove_target(store, "mm", "ana")
    assert secrets.get_secret(SecretKey(store_id(store), "mm", slot=secrets.CAPTURE_SLOT)) is None
    assert stored_secret(store, "mm") is None
    assert stored_secret(other_store, "mm") == "https://chat.example.com/hooks/zzzzzzzz"


def test_kinds_that_read_with_their_own_secret_take_no_capture_token(store: Store) -> None:
    save_target(store, "slack", "slack", secret="xoxb-own-token-1234")
    assert capture_secret_key(store, "slack") == SecretKey(store_id(store), "slack")
    with pytest.raises(InvalidInputError, match="only for mattermost targets"):
        store_secret(store, "slack", "xoxb-other-token-5678", capture=True)
    assert stored_secret(store, "slack") == "xoxb-own-token-1234"
