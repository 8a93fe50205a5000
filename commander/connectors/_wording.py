"""A failed delivery in words a commander acts on.

"cannot connect to status.example.com: connection refused", "timed out: ... did not
answer within 15 s", "refused by Statuspage (HTTP 401): their text", "rate limited
by Slack until 12:05Z": what went wrong, and whose side it is on. Never an
exception's repr (urllib3's runs to three lines and may quote the URL, which can
hold the secret); the caller scrubs the provider's own text.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

from commander import clock

# Pieces of a chained exception that say nothing was sent: the connection was never made.
_BEFORE_SENDING = ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError")


def host_of(url: str | None) -> str:
    """``host`` or ``host:port`` of a URL: never its user, path or query (they can hold
    the secret)."""
    if not url:
        return "the provider"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "the provider"
    if not host:
        return "the provider"
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything chained under it (urllib3 wraps the socket's
    error two or three levels deep, in ``reason`` and ``args`` as well as
    ``__cause__``)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        nested += [arg for arg in current.args if isinstance(arg, BaseException)]
        todo += [n for n in nested if isinstance(n, BaseException)]


def connection_problem(exc: BaseException, host: str) -> str:
    """Why a connection to ``host`` could not be made or broke, from the socket's error."""
    for cause in causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return f"cannot connect to {host}: connection refused"
        if isinstance(cause, socket.gaierror):
            return f"cannot connect to {host}: the name does not resolve"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                f"cannot connect to {host} securely: its certificate is not trusted"
                f" ({cause.verify_message})"
            )
        if isinstance(cause, ssl.SSLError):
            return f"cannot connect to {host} securely: the TLS handshake failed"
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return f"the connection to {host} was cut off"
        if type(cause).__name__ == "RemoteDisconnected":
            return f"{host} closed the connection without answering"
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect to {host}: {cause.strerror.lower()}"
    return f"cannot connect to {host}"


def nothing_was_sent(exc: BaseException) -> bool:
    """True when the request never left: the connection itself failed (refused, no such
    host, TLS, a connect timeout). False when it may have reached the provider."""
    for cause in causes(exc):
        if type(cause).__name__ in _BEFORE_SENDING:
            return True
        if isinstance(cause, ConnectionRefusedError | socket.gaierror | ssl.SSLError):
            return True
    return False


def timed_out(host: str, timeout: float, *, connecting: bool) -> str:
    if connecting:
        return f"timed out connecting to {host} (no answer within {timeout:g} s)"
    return f"timed out: {host} did not answer within {timeout:g} s"


def refused(provider: str, status: int, text: str) -> str:
    """A provider said no (4xx): their words are what the commander fixes."""
    head = f"refused by {provider} (HTTP {status})"
    return f"{head}: {text}" if text else head


def server_error(provider: str, status: int, text: str) -> str:
    head = f"{provider} had a server error (HTTP {status})"
    return f"{head}: {text}" if text else head


def rate_limited(provider: str, wait: float | None, text: str = "") -> str:
    """``rate limited by Slack until 12:05Z``: the minute it may be tried again, in UTC,
    rounded up so it is never too early."""
    if wait is None:
        head = f"rate limited by {provider}"
        return f"{head}: {text}" if text else head
    until = clock.now() + timedelta(seconds=wait)
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"rate limited by {provider} until {until:%H:%M}Z"
