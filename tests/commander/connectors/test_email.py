"""Email over SMTP against a real aiosmtpd server started in-process."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from commander.connectors.base import Delivery, Target, connector_for
from tests.commander.connectors.conftest import XSS, first_delivery, make_message
from tests.support.contracts.smtp import SmtpServer

PASSWORD = "smtp-secret-pass"


def target(server: SmtpServer, **options: str) -> Target:
    base = {
        "host": server.host,
        "port": str(server.port),
        "starttls": "false",
        "from": "Incident Bot <ic@example.com>",
        "to": "ops@example.com, exec@example.com",
    }
    return Target("mail", "email", options={**base, **options})


def test_sends_plain_and_html_with_stable_message_id(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    outcome = connector_for("email").deliver(
        make_message(), target(smtp_server), PASSWORD, Delivery(31, 1), session, 5
    )
    assert outcome.status == "sent", outcome.error
    (mail,) = smtp_server.received
    assert mail.mail_from == "ic@example.com"
    assert mail.recipients == ["ops@example.com", "exec@example.com"]
    message = mail.message
    assert message["Subject"] == "[INCIDENT] Checkout errors"
    assert message["Message-ID"] == outcome.provider_id
    assert message["Message-ID"].startswith("<commander.31.") and message["Message-ID"].endswith(
        "@example.com>"
    )
    plain = message.get_body(("plain",)).get_content()
    rich = message.get_body(("html",)).get_content()
    assert "**Status:** Investigating" in plain
    assert "<strong>Status:</strong> Investigating" in rich
    again = connector_for("email").deliver(
        make_message(), target(smtp_server), PASSWORD, Delivery(31, 2), session, 5
    )
    assert again.provider_id == outcome.provider_id  # a retry carries the same Message-ID


def test_later_updates_thread_under_the_first(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    connector = connector_for("email")
    first = connector.deliver(
        make_message(), target(smtp_server), PASSWORD, Delivery(1, 1), session, 5
    )
    second = connector.deliver(
        make_message(body="fixed"),
        target(smtp_server),
        PASSWORD,
        Delivery(2, 1, first.state),
        session,
        5,
    )
    assert second.state == first.state == {"thread_message_id": first.provider_id}
    reply = smtp_server.received[1].message
    assert reply["In-Reply-To"] == reply["References"] == first.provider_id


def test_wrong_password_is_permanent_and_not_echoed(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    outcome = connector_for("email").deliver(
        make_message(), target(smtp_server), "wrong-password-1", first_delivery(), session, 5
    )
    assert outcome.status == "failed"
    assert outcome.error is not None and outcome.error.startswith(
        "refused by the mail server (SMTP 535)"
    )
    assert "wrong-password-1" not in outcome.error


def test_refused_recipients(smtp_server: SmtpServer, session: requests.Session) -> None:
    smtp_server.refuse["ops@example.com"] = "550 5.1.1 No such user"
    partly = connector_for("email").deliver(
        make_message(), target(smtp_server), PASSWORD, first_delivery(), session, 5
    )
    assert partly.status == "sent"
    assert partly.error == "not accepted for: ops@example.com (550 5.1.1 No such user)"
    smtp_server.refuse["exec@example.com"] = "450 4.2.1 Mailbox busy"
    smtp_server.refuse["ops@example.com"] = "451 4.3.0 Try later"
    busy = connector_for("email").deliver(
        make_message(), target(smtp_server), PASSWORD, first_delivery(), session, 5
    )
    assert busy.status == "retry"


def test_unreachable_server_is_retried(session: requests.Session) -> None:
    closed = Target(
        "mail",
        "email",
        options={
            "host": "127.0.0.1",
            "port": "1",
            "starttls": "false",
            "from": "a@example.com",
            "to": "b@example.com",
        },
    )
    outcome = connector_for("email").deliver(
        make_message(), closed, "pw-never-shown", first_delivery(), session, 2
    )
    assert outcome.status == "retry" and "pw-never-shown" not in (outcome.error or "")


def test_plain_smtp_only_to_loopback(session: requests.Session) -> None:
    remote = Target(
        "mail",
        "email",
        options={
            "host": "smtp.example.com",
            "starttls": "false",
            "from": "a@example.com",
            "to": "b@example.com",
        },
    )
    outcome = connector_for("email").deliver(
        make_message(), remote, "pw", first_delivery(), session, 2
    )
    assert outcome.status == "failed" and "without TLS" in (outcome.error or "")


def test_html_part_escapes_markup_and_subject_has_no_line_breaks(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    message = make_message(headline=f"[INCIDENT] x\r\nBcc: victim@example.com {XSS}", body=XSS)
    outcome = connector_for("email").deliver(
        message, target(smtp_server), PASSWORD, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error
    (mail,) = smtp_server.received
    assert mail.message["Bcc"] is None and "victim@example.com" not in mail.recipients
    rich = mail.message.get_body(("html",)).get_content()
    assert "<script>" not in rich and "<img" not in rich and "&lt;script&gt;" in rich
    assert 'href="javascript' not in rich


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a certificate for the STARTTLS test")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


@pytest.fixture
def tls_smtp_server(certificate: Path) -> Iterator[SmtpServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = SmtpServer(password=PASSWORD, tls=context).start()
    try:
        yield server
    finally:
        server.stop()


def test_starttls_with_a_trusted_certificate(
    tls_smtp_server: SmtpServer, certificate: Path, session: requests.Session
) -> None:
    tls = target(tls_smtp_server, starttls="true", ca_file=str(certificate / "cert.pem"))
    outcome = connector_for("email").deliver(
        make_message(), tls, PASSWORD, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error
    untrusted = target(tls_smtp_server, starttls="true")
    refused = connector_for("email").deliver(
        make_message(), untrusted, PASSWORD, first_delivery(), session, 5
    )
    assert refused.status == "failed" and "not trusted" in (refused.error or "")


def _via_base_url(server: SmtpServer, scheme: str, **options: str) -> Target:
    """No host or port options: the base URL alone names the server (docs/connectors.md)."""
    base = {"from": "ic@example.com", "to": "ops@example.com", **options}
    return Target("mail", "email", f"{scheme}://{server.host}:{server.port}", base)


def test_an_smtp_base_url_names_the_server(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    outcome = connector_for("email").deliver(
        make_message(),
        _via_base_url(smtp_server, "smtp", starttls="false"),
        PASSWORD,
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "sent", outcome.error
    assert [m.recipients for m in smtp_server.received] == [["ops@example.com"]]


def test_an_smtps_base_url_speaks_tls_from_the_first_byte(
    certificate: Path, session: requests.Session
) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = SmtpServer(password=PASSWORD, implicit_tls=context).start()
    try:
        target = _via_base_url(server, "smtps", ca_file=str(certificate / "cert.pem"))
        outcome = connector_for("email").deliver(
            make_message(), target, PASSWORD, first_delivery(), session, 5
        )
    finally:
        server.stop()
    assert outcome.status == "sent", outcome.error
    assert len(server.received) == 1


def test_a_public_mail_carries_no_incident_ref_header(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    for message in (make_message(), make_message(audience="public")):
        outcome = connector_for("email").deliver(
            message, target(smtp_server), PASSWORD, Delivery(40, 1), session, 5
        )
        assert outcome.status == "sent", outcome.error
    internal, public = (mail.message for mail in smtp_server.received)
    assert internal["X-Incident"] == "INC-12" and public["X-Incident"] is None


NON_ASCII_BODY = "**Status:** Störung behoben — 障害は復旧しました 🔥\n" * 3


def test_eight_bit_bodies_declare_8bitmime_where_offered(
    smtp_server: SmtpServer, session: requests.Session
) -> None:
    outcome = connector_for("email").deliver(
        make_message(body=NON_ASCII_BODY),
        target(smtp_server),
        PASSWORD,
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "sent", outcome.error
    (mail,) = smtp_server.received
    assert "BODY=8BITMIME" in mail.mail_options
    assert "障害は復旧しました" in mail.message.get_body(("plain",)).get_content()


@pytest.fixture
def seven_bit_smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(password=PASSWORD, eight_bit_mime=False).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_server_without_8bitmime_gets_seven_bit_data(
    seven_bit_smtp_server: SmtpServer, session: requests.Session
) -> None:
    outcome = connector_for("email").deliver(
        make_message(body=NON_ASCII_BODY),
        target(seven_bit_smtp_server),
        PASSWORD,
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "sent", outcome.error
    (mail,) = seven_bit_smtp_server.received
    assert mail.raw.isascii()
    assert not any(option.startswith("BODY=") for option in mail.mail_options)
    parts = [mail.message.get_body(("plain",)), mail.message.get_body(("html",))]
    for part in parts:
        assert part is not None
        assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
        assert "障害は復旧しました 🔥" in part.get_content()
