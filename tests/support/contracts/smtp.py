"""A real SMTP server (aiosmtpd) on 127.0.0.1, optionally with AUTH and STARTTLS."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage  # parsed with email.policy.default: headers decoded
    mail_options: list[str]  # the MAIL FROM parameters (BODY=8BITMIME, ...)
    raw: bytes  # the data as it arrived


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 No such user"

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                parsed,
                list(envelope.mail_options),
                raw,
            )
        )
        return "250 Message accepted for delivery"


@dataclass
class _EchoingHandler(_Handler):
    """A careless server: its AUTH refusal quotes what the client sent."""

    async def handle_AUTH(
        self, server: Any, session: Session, envelope: Envelope, args: Any
    ) -> str:
        return "535 5.7.8 Authentication failed for " + " ".join(args)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """``received``: accepted mail; ``refuse``: recipients to refuse with a given reply;
    ``password``: when set, AUTH is offered and checked; ``tls``: an SSLContext enables STARTTLS
    (required when given); ``implicit_tls``: the whole connection is TLS (smtps, port 465
    style); ``echo_auth``: AUTH is refused quoting the client's AUTH line, and only PLAIN is
    offered, so that refusal is the one the client reports; ``eight_bit_mime=False``: a
    7-bit server that does not offer 8BITMIME, refuses ``BODY=`` and refuses data with a
    byte above 127 (aiosmtpd's strict ASCII mode)."""

    def __init__(
        self,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
        *,
        implicit_tls: ssl.SSLContext | None = None,
        echo_auth: bool = False,
        eight_bit_mime: bool = True,
    ) -> None:
        self.password = password
        self.handler = _EchoingHandler() if echo_auth else _Handler()
        self.host = "127.0.0.1"
        self.port = _free_port()
        kwargs: dict[str, Any] = {}
        if password is not None:
            # AUTH offered, not required: requiring it without TLS makes aiosmtpd warn
            # (an error under this suite's warning filter); a wrong password still gets 535.
            kwargs.update(authenticator=self._authenticate, auth_require_tls=tls is not None)
        if tls is not None:
            kwargs.update(tls_context=tls, require_starttls=True)
        if echo_auth:
            kwargs.update(auth_exclude_mechanism=["LOGIN"])
        if implicit_tls is not None:
            kwargs.update(ssl_context=implicit_tls)
        if not eight_bit_mime:
            kwargs.update(decode_data=True)
        self._controller = Controller(self.handler, hostname=self.host, port=self.port, **kwargs)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def refuse(self) -> dict[str, str]:
        return self.handler.refuse

    def _authenticate(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        password = getattr(auth_data, "password", b"")
        ok = password == (self.password or "").encode()
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
