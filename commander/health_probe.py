"""Probing a health check's target: one HTTP request or one TCP connection.

No store and no Qt here: a probe runs outside any transaction, on whatever
thread calls it (the window's probe pool, the headless runner's threads), and
gives a ``ProbeOutcome``. It reaches only the target the user listed:
redirects are not followed and nothing is retried. The latency is the time to
the answer's headers (HTTP) or to the connection (TCP); the body is never read.
An HTTP answer below 400 is up; 4xx/5xx, a refused or timed-out connection is down.
"""

from __future__ import annotations

import socket
import ssl
import time
from typing import TYPE_CHECKING

from commander import __version__
from commander.clock import now
from commander.domain.health import HealthTarget, ProbeOutcome, short_error

if TYPE_CHECKING:
    import requests

USER_AGENT = f"incident-commander-health/{__version__}"


def probe(
    target: HealthTarget, timeout: float, session: requests.Session | None = None
) -> ProbeOutcome:
    """Probe ``target`` once, waiting at most ``timeout`` seconds for each step."""
    if not target.is_tcp:
        import requests  # noqa: F401 - loaded before the clock starts, not inside the latency

    at = now()
    started = time.monotonic()
    try:
        error = _connect(target, timeout) if target.is_tcp else _request(target, timeout, session)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the target is "down"
        error = _reason(exc, timeout)
    latency_ms = round((time.monotonic() - started) * 1000)
    if error is not None:
        return ProbeOutcome(at, False, latency_ms, short_error(error))
    return ProbeOutcome(at, True, latency_ms)


def _connect(target: HealthTarget, timeout: float) -> str | None:
    with socket.create_connection((target.host, target.port), timeout=timeout):
        return None


def _request(target: HealthTarget, timeout: float, session: requests.Session | None) -> str | None:
    import requests

    http = session or requests.Session()
    try:
        # stream: return once the headers are in; the body is not the probe's business.
        with http.get(
            target.text,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
            headers={"User-Agent": USER_AGENT},
        ) as answer:
            if answer.status_code >= 400:
                reason = f" {answer.reason}" if answer.reason else ""
                return f"HTTP {answer.status_code}{reason}"
            return None
    finally:
        if session is None:
            http.close()


def _reason(exc: BaseException, timeout: float) -> str:
    """Why the target could not be reached, in a few words (no stack of wrappers)."""
    import requests

    if isinstance(exc, (requests.Timeout, socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error: " + _innermost(exc, ssl.SSLError)
    if isinstance(exc, socket.gaierror) or "NameResolutionError" in _chain_names(exc):
        return "host name not found"
    if isinstance(exc, (ConnectionRefusedError,)) or "ConnectionRefusedError" in _chain_names(exc):
        return "connection refused"
    if isinstance(exc, (requests.ConnectionError, OSError)):
        return "cannot connect: " + _innermost(exc, OSError)
    return f"{type(exc).__name__}: {exc}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, including urllib3's reasons kept in args."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                pending.append(linked)
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return seen


def _chain_names(exc: BaseException) -> set[str]:
    return {type(e).__name__ for e in _chain(exc)}


def _innermost(exc: BaseException, kind: type[BaseException]) -> str:
    """The text of the deepest ``kind`` in the chain (its strerror when it has one)."""
    found = [e for e in _chain(exc) if isinstance(e, kind)]
    if not found:
        return str(exc)
    last = found[-1]
    strerror = getattr(last, "strerror", None)
    return str(strerror) if strerror else str(last)
