"""HTTP plumbing every provider shares.

The HTTPS rule, one request with its network failures classified, the
classification of an answer (sent, retry, failed) and Retry-After parsing. Every
error text is scrubbed of the secret by ``commander.secrets.scrub``.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from commander import clock
from commander.connectors._wording import (
    connection_problem,
    host_of,
    nothing_was_sent,
    rate_limited,
    refused,
    server_error,
    timed_out,
)
from commander.connectors.base import Outcome, unconfirmed_failure
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Statuspage answers 420 when rate limited (408, the server giving up on a slow
# request, and every 5xx are retried too).
RATE_LIMIT_STATUSES = frozenset({420, 429})
ERROR_TEXT_LIMIT = 500


def insecure_reason(url: str) -> str | None:
    """Why this URL may not carry a secret, or None: HTTPS, or plain HTTP to loopback only."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    if parts.scheme == "http":
        return f"refused to send to http://{host}: HTTPS is required except to loopback"
    return "refused to send: the URL must start with https:// (http:// only to loopback)"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (clock.now().timestamp() if now is None else now)
    return max(0.0, seconds)


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_TEXT_LIMIT else text[: ERROR_TEXT_LIMIT - 1] + "…"


def json_body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    secrets: Iterable[str],
    timeout: float,
    idempotent: bool = True,
    **kwargs: Any,
) -> requests.Response | Outcome:
    """Send one request; a refused URL or a network failure comes back as an Outcome.

    ``idempotent=False`` for a post the provider cannot recognise when it comes again
    (webhooks without an idempotency key): if the request went out and no answer came,
    the provider may have posted it, and a blind resend would post it twice.
    """
    import requests

    refused = insecure_reason(url)
    if refused:
        return Outcome("failed", error=refused)
    try:
        # Redirects are not followed: they could carry the secret to another host.
        return session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.exceptions.InvalidHeader:
        # Its text quotes the header, which holds the secret: say what is wrong instead.
        return Outcome(
            "failed",
            error="the secret contains characters a header cannot carry "
            "(a line break, or a space at either end)",
        )
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        return Outcome("failed", error=short(scrub(f"bad address: {exc}", secrets)))
    except requests.RequestException as exc:
        return network_failure(exc, url, timeout, idempotent=idempotent)


def network_failure(
    exc: requests.RequestException, url: str | None, timeout: float, *, idempotent: bool = True
) -> Outcome:
    """What a request that got no answer means, in words (never the exception's text).

    Nothing sent (no connection, a connect timeout) is always a retry. Once the
    request may have reached the provider, a post it cannot recognise when it comes
    again (``idempotent=False``) fails as "may have been posted" for a person to check.
    """
    import requests

    host = host_of(url)
    if isinstance(exc, requests.ConnectTimeout):
        return Outcome("retry", error=timed_out(host, timeout, connecting=True))
    if isinstance(exc, requests.Timeout):
        error = timed_out(host, timeout, connecting=False)
    elif isinstance(exc, requests.ConnectionError):
        error = connection_problem(exc, host)
        if nothing_was_sent(exc):
            return Outcome("retry", error=error)
    elif isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        error = f"the answer from {host} was cut off or garbled"
    else:
        error = f"network error talking to {host} ({type(exc).__name__})"
    if not idempotent:
        return unconfirmed_failure(error)
    return Outcome("retry", error=error)


def classify(
    response: requests.Response,
    *,
    provider: str,
    secrets: Iterable[str],
    error_text: Callable[[requests.Response], str],
    body_retry_after: Callable[[requests.Response], float | None] | None = None,
) -> Outcome | None:
    """None for a 2xx answer (the caller reads its ids); otherwise retry or failed, said
    as ``provider``'s answer (refused by, rate limited by, a server error at)."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    secrets = list(secrets)
    text = short(scrub(error_text(response) or response.reason or "", secrets))
    if status in RATE_LIMIT_STATUSES or status >= 500:
        # A value in the body is the provider's precise one (Discord's header is rounded up).
        wait = body_retry_after(response) if body_retry_after is not None else None
        if wait is None:
            wait = parse_retry_after(response.headers.get("Retry-After"))
        if status in RATE_LIMIT_STATUSES:
            error = rate_limited(provider, wait, text)
        else:
            error = server_error(provider, status, text)
        return Outcome("retry", error=error, retry_after=wait)
    if status == 408:
        return Outcome("retry", error=f"timed out: {provider} gave up waiting (HTTP 408)")
    if 300 <= status < 400:
        return Outcome(
            "failed", error=f"{provider} answered with a redirect (HTTP {status}), not followed"
        )
    return Outcome("failed", error=refused(provider, status, text))


def text_of(response: requests.Response) -> str:
    return response.text or ""


def rebase(url: str, base_url: str | None) -> str:
    """A secret webhook URL sent to ``base_url`` instead of its own host (self-hosted, tests).

    The base URL's scheme, host and port replace the webhook's; a path on the base URL is
    put in front of the webhook's path.
    """
    if not base_url:
        return url
    parts = urlsplit(url)
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url.rstrip("/") + rest


class JsonApi:
    """A JSON API under one root URL whose auth headers carry the secret.

    ``call`` answers the parsed body of a 2xx, or the ``Outcome`` (retry or
    failed, secret scrubbed) for anything else.
    """

    def __init__(
        self,
        root: str,
        secret: str,
        headers: dict[str, str],
        session: requests.Session,
        timeout: float,
        error_text: Callable[[requests.Response], str],
        provider: str,
    ) -> None:
        self.root = root
        self.provider = provider
        self.secret = secret
        self.headers = headers
        self.session = session
        self.timeout = timeout
        self.error_text = error_text

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = request(
            self.session,
            method,
            self.root + path,
            secrets=[self.secret],
            timeout=self.timeout,
            json=body,
            headers=self.headers,
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(
            answer, provider=self.provider, secrets=[self.secret], error_text=self.error_text
        )
        return problem or json_body(answer)
