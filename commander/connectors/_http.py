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
from commander.connectors.base import Outcome, unconfirmed_post
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Statuspage answers 420 when rate limited; 408 is the server giving up on a slow request.
RETRY_STATUSES = frozenset({408, 420, 429})
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
    except requests.ReadTimeout:
        if not idempotent:
            return Outcome("failed", error=unconfirmed_post(f"no answer within {timeout:g} s"))
        return Outcome("retry", error=f"no answer within {timeout:g} s")
    except requests.Timeout:  # could not connect in time: nothing was sent
        return Outcome("retry", error=f"no answer within {timeout:g} s")
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
        text = f"network error: {type(exc).__name__}: {exc}"
        return Outcome("retry", error=short(scrub(text, secrets)))


def classify(
    response: requests.Response,
    *,
    secrets: Iterable[str],
    error_text: Callable[[requests.Response], str],
    body_retry_after: Callable[[requests.Response], float | None] | None = None,
) -> Outcome | None:
    """None for a 2xx answer (the caller reads its ids); otherwise retry or failed."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    secrets = list(secrets)
    text = short(scrub(error_text(response) or response.reason or "", secrets))
    error = f"HTTP {status}: {text}" if text else f"HTTP {status}"
    if status in RETRY_STATUSES or status >= 500:
        # A value in the body is the provider's precise one (Discord's header is rounded up).
        wait = body_retry_after(response) if body_retry_after is not None else None
        if wait is None:
            wait = parse_retry_after(response.headers.get("Retry-After"))
        return Outcome("retry", error=error, retry_after=wait)
    if 300 <= status < 400:
        return Outcome("failed", error=f"HTTP {status}: unexpected redirect (not followed)")
    return Outcome("failed", error=error)


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
    ) -> None:
        self.root = root
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
        problem = classify(answer, secrets=[self.secret], error_text=self.error_text)
        return problem or json_body(answer)
