"""Email over SMTP (smtplib): plain text with an HTML alternative.

Options: ``host``, ``port`` (587, or 465 for implicit TLS), ``from``, ``to``
(comma-separated), ``starttls`` (default true), ``username`` (default: from),
``ca_file`` (trust a private CA). ``base_url`` may instead name the server as
``smtp://host:port`` or ``smtps://host:port``. The secret is the password, or
empty for a server that needs no login. Mail without TLS goes only to loopback.

The Message-ID derives from the delivery id; later updates carry In-Reply-To
and References to the first one so mail clients thread them.

Bodies are UTF-8. To a server that offers 8BITMIME they go as 8-bit text with
``MAIL FROM:<...> BODY=8BITMIME`` (RFC 6152); to one that does not, the email
package writes them as quoted-printable or base64 (whichever is shorter), so
only 7-bit data is sent (RFC 5321 section 2.4).
"""

from __future__ import annotations

import email.policy
import hashlib
import html
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, getaddresses
from typing import TYPE_CHECKING, ClassVar, NamedTuple
from urllib.parse import urlsplit

from commander.connectors._http import LOOPBACK_HOSTS, short
from commander.connectors._markup import markdown_to_html
from commander.connectors._text import plain_text, single_line
from commander.connectors._wording import connection_problem, timed_out
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

SUBJECT_LIMIT = 250  # folded by the email package; long subjects are cut by most clients anyway


class _Server(NamedTuple):
    host: str
    port: int
    implicit_tls: bool
    starttls: bool


def _server(target: Target) -> _Server | str:
    options = target.options
    starttls = options.get("starttls", "true").strip().lower() not in {"0", "false", "no", "off"}
    if target.base_url:
        parts = urlsplit(target.base_url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            return "the email base URL must look like smtp://host:port or smtps://host:port"
        implicit = parts.scheme == "smtps"
        port = parts.port or (465 if implicit else 587)
        return _Server(parts.hostname, port, implicit, starttls and not implicit)
    host = options.get("host", "").strip()
    if not host:
        return "the email target needs the option host (or a base URL smtp://host:port)"
    try:
        port = int(options.get("port") or (587 if starttls else 25))
    except ValueError:
        return f"the email port {options.get('port')!r} is not a number"
    implicit = port == 465
    return _Server(host, port, implicit, starttls and not implicit)


def _addresses(value: str) -> list[str]:
    return [address for _, address in getaddresses([value]) if "@" in address]


def message_id(message: Message, sender: str, delivery: Delivery) -> str:
    domain = sender.rpartition("@")[2] or "incident-commander.invalid"
    digest = hashlib.sha256(message.incident_ref.encode()).hexdigest()[:10]
    return f"<commander.{delivery.delivery_id}.{digest}@{domain}>"


def _html(message: Message) -> str:
    return (
        '<!doctype html><html><body style="font-family:sans-serif">'
        f"<h2>{html.escape(single_line(message.headline))}</h2>\n"
        f"{markdown_to_html(message.body)}</body></html>"
    )


# The email package picks 8bit for non-ASCII text under the default policy, and
# quoted-printable or base64 under a 7-bit one.
EIGHT_BIT = email.policy.default
SEVEN_BIT = email.policy.default.clone(cte_type="7bit")


def _build(message: Message, target: Target, *, eight_bit: bool = True) -> EmailMessage:
    """Raises ValueError for header values that would break the message (line breaks).

    ``eight_bit``: the body may go as 8-bit text (the server offers 8BITMIME);
    otherwise it is encoded to 7-bit (quoted-printable or base64)."""
    sender = target.options.get("from", "").strip()
    mail = EmailMessage(policy=EIGHT_BIT if eight_bit else SEVEN_BIT)
    mail["Subject"] = single_line(message.headline)[:SUBJECT_LIMIT]
    mail["From"] = sender
    mail["To"] = ", ".join(_addresses(target.options.get("to", "")))
    if message.audience != "public":  # a customer list never sees the internal ref
        mail["X-Incident"] = message.incident_ref
    mail.set_content(plain_text(message) + "\n")
    mail.add_alternative(_html(message), subtype="html")
    return mail


class EmailConnector:
    kind: ClassVar[str] = "email"
    recognises_repeats: ClassVar[bool] = True  # both copies carry the same Message-ID

    def render(self, message: Message, target: Target) -> Rendered:
        warnings = []
        if not _addresses(target.options.get("to", "")):
            warnings.append("no recipients: add the option to=ops@example.com")
        if len(single_line(message.headline)) > SUBJECT_LIMIT:
            warnings.append(f"subject cut at {SUBJECT_LIMIT} characters")
        try:
            payload = _build(message, target).as_string()
        except ValueError as exc:
            return Rendered(preview="", payload="", warnings=(f"cannot build the email: {exc}",))
        preview = (
            f"Subject: {single_line(message.headline)[:SUBJECT_LIMIT]}\n\n{plain_text(message)}"
        )
        return Rendered(preview=preview, payload=payload, warnings=tuple(warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        server = _server(target)
        if isinstance(server, str):
            return Outcome("failed", error=server)
        if not (server.implicit_tls or server.starttls) and server.host not in LOOPBACK_HOSTS:
            return Outcome(
                "failed",
                error=f"refused to send mail to {server.host} without TLS: "
                "set starttls=true or use port 465 (plain SMTP only to loopback)",
            )
        senders = _addresses(target.options.get("from", ""))
        sender = senders[0] if senders else ""
        recipients = _addresses(target.options.get("to", ""))
        if not sender or not recipients:
            return Outcome("failed", error="the email target needs the options from and to")
        date = formatdate(usegmt=True)
        identifier = message_id(message, sender, delivery)
        thread = delivery.state.get("thread_message_id")

        def mail_for(eight_bit: bool) -> EmailMessage:
            mail = _build(message, target, eight_bit=eight_bit)
            mail["Date"] = date
            mail["Message-ID"] = identifier
            if thread:
                mail["In-Reply-To"] = thread
                mail["References"] = thread
            return mail

        try:
            mail_for(True)  # a header that would break the message fails before connecting
        except ValueError as exc:
            return Outcome("failed", error=f"cannot build the email: {exc}")
        outcome = _send(server, target, secret, sender, recipients, mail_for, timeout)
        if outcome.status != "sent":
            return outcome
        state = {"thread_message_id": thread or identifier}
        return Outcome("sent", provider_id=identifier, state=state, error=outcome.error)


def _send(
    server: _Server,
    target: Target,
    secret: str,
    sender: str,
    recipients: list[str],
    mail_for: Callable[[bool], EmailMessage],
    timeout: float,
) -> Outcome:
    context = ssl.create_default_context(cafile=target.options.get("ca_file") or None)
    username = target.options.get("username") or sender
    # What smtplib sends for the password: the password (AUTH LOGIN, base64) and AUTH
    # PLAIN's blob (base64); a server may echo either in its error.
    sent = [secret, f"\0{username}\0{secret}"] if secret else []
    where = f"{server.host}:{server.port}"
    try:
        smtp: smtplib.SMTP
        if server.implicit_tls:
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with smtp:
            if server.starttls:
                smtp.starttls(context=context)
            if secret:
                smtp.login(username, secret)
            smtp.ehlo_or_helo_if_needed()
            eight_bit = smtp.has_extn("8bitmime")
            # smtplib declares BODY=8BITMIME itself (with SMTPUTF8) for non-ASCII addresses.
            declare = eight_bit and "".join([sender, *recipients]).isascii()
            options = ["BODY=8BITMIME"] if declare else []
            refused = smtp.send_message(mail_for(eight_bit), sender, recipients, options)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        status = "retry" if codes and all(400 <= c < 500 for c in codes) else "failed"
        return _outcome(status, f"every recipient refused: {_refusals(exc.recipients)}", sent)
    except smtplib.SMTPResponseException as exc:
        text = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        if 400 <= exc.smtp_code < 500:
            return _outcome(
                "retry", f"the mail server said try later (SMTP {exc.smtp_code}): {text}", sent
            )
        return _outcome(
            "failed", f"refused by the mail server (SMTP {exc.smtp_code}): {text}", sent
        )
    except smtplib.SMTPNotSupportedError as exc:
        return _outcome("failed", f"the mail server does not support this: {exc}", sent)
    except ssl.SSLCertVerificationError as exc:
        return _outcome(
            "failed", f"the mail server's certificate is not trusted: {exc.verify_message}", sent
        )
    except TimeoutError:
        return Outcome("retry", error=timed_out(where, timeout, connecting=False))
    except smtplib.SMTPException:  # the server hung up (SMTPServerDisconnected)
        return Outcome("retry", error=f"the mail server {where} closed the connection")
    except OSError as exc:
        return _outcome("retry", connection_problem(exc, where), sent)
    note = f"not accepted for: {_refusals(refused)}" if refused else None
    return Outcome("sent", error=note)


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{who} ({code} {text.decode(errors='replace')})" for who, (code, text) in refused.items()
    )


def _outcome(status: str, text: str, sent: list[str]) -> Outcome:
    error = short(scrub(text, sent))
    return Outcome("retry", error=error) if status == "retry" else Outcome("failed", error=error)
