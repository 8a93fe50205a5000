"""Which base URL each kind of target takes (docs/connectors.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from commander.errors import InvalidInputError
from commander.services.targets import check_base_url, list_targets, save_target


@pytest.mark.parametrize(
    ("url", "kind", "kept"),
    [
        ("smtp://mail.example.com:587", "email", "smtp://mail.example.com:587"),
        ("smtps://mail.example.com:465/", "email", "smtps://mail.example.com:465"),
        ("smtp://127.0.0.1", "email", "smtp://127.0.0.1"),  # the connector picks 587
        ("smtp://mail.example.com:587", None, "smtp://mail.example.com:587"),
        ("https://status.example.com/", "cachet", "https://status.example.com"),
        ("http://127.0.0.1:8080", None, "http://127.0.0.1:8080"),
        ("  ", "email", None),
    ],
)
def test_accepted_base_urls(url: str, kind: str | None, kept: str | None) -> None:
    assert check_base_url(url, kind) == kept


@pytest.mark.parametrize(
    ("url", "kind", "complaint"),
    [
        ("https://mail.example.com", "email", "use smtp://host:port or smtps://host:port"),
        ("smtp://mail.example.com:587/x", "email", "nothing after"),
        ("smtp://mail.example.com:99999", "email", "the port must be 1 to 65535"),
        ("smtp://mail.example.com:0", None, "the port must be 1 to 65535"),
        ("smtp://:25", "email", "use smtp://host:port"),
        ("smtp://ic:pw@mail.example.com:587", "email", "put credentials in the secret"),
        ("smtp://mail.example.com:587", "slack", "smtp:// and smtps:// are for email targets"),
        ("ftp://files.example.com", None, "is not an http(s) URL"),
        ("http://chat.example.com", "slack", "must use https"),
    ],
)
def test_refused_base_urls(url: str, kind: str | None, complaint: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(complaint)):
        check_base_url(url, kind)


def test_save_target_checks_the_base_url_against_the_kind(sqlite_store: Any) -> None:
    with pytest.raises(InvalidInputError, match="are for email targets"):
        save_target(sqlite_store, "chat", "slack-webhook", "smtp://127.0.0.1:25")
    saved = save_target(sqlite_store, "mail", "email", "smtps://mail.example.com:465")
    assert saved.base_url == "smtps://mail.example.com:465"
    assert [t.name for t in list_targets(sqlite_store)] == ["mail"]
