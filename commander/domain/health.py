"""Health checks while an incident is open: what may be probed, and what a probe means.

A check names an ``http://`` or ``https://`` URL, or ``tcp://HOST:PORT``; anything
else is refused in one line. A probe's outcome gives a state (down when it
failed, slow when it answered later than the check's threshold, up otherwise);
only a state different from the stored one is a change worth logging, so a
check that stays up writes nothing however often it is probed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit, urlunsplit

from commander.domain.when import format_duration
from commander.errors import InvalidInputError

DEFAULT_EVERY_SECONDS = 30
EVERY_SECONDS_RANGE = (1, 3600)
DEFAULT_SLOW_MS = 2000
SLOW_MS_RANGE = (1, 600_000)
TARGET_MAX = 2000
# What a probe's error may hold: enough for "HTTP 503" or a refused connection's reason.
ERROR_MAX = 300
# Probes wait at least this long, and at most MAX; a slow threshold near or above it
# would never be seen as slow, only as down, so the timeout grows with it.
PROBE_TIMEOUT_MIN = 2.0
PROBE_TIMEOUT_MAX = 10.0

_FORM = "give an http:// or https:// URL, or tcp://HOST:PORT"
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")  # "_": compose service names


class HealthState(StrEnum):
    UP = "up"
    DOWN = "down"
    SLOW = "slow"
    UNKNOWN = "unknown"  # added, not probed yet


@dataclass(frozen=True, slots=True)
class HealthTarget:
    """A parsed target: ``text`` is its normalised form, stored and shown."""

    scheme: str  # http, https or tcp
    host: str
    port: int
    text: str
    label: str  # short name for the header strip: host[:port][/path]

    @property
    def is_tcp(self) -> bool:
        return self.scheme == "tcp"


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What one probe saw, at ``at`` (the app clock). ``latency_ms`` is the time to the
    answer (HTTP headers, or the TCP connection); ``error`` says why it failed."""

    at: datetime
    ok: bool
    latency_ms: int | None = None
    error: str | None = None


def parse_target(text: str) -> HealthTarget:
    """The target ``text`` names, or InvalidInputError saying what is wrong with it."""
    given = text.strip()
    # Echoed in errors, so never with what looks like a user and password in it.
    shown = _USERINFO.sub("***@", given)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if not given:
        raise InvalidInputError(f"no health target: {_FORM}")
    if len(given) > TARGET_MAX:
        raise InvalidInputError(f"health target {shown!r} is over {TARGET_MAX} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in given):
        raise InvalidInputError(f"health target {shown!r} contains spaces or control characters")
    parts = urlsplit(given)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "tcp") or not parts.netloc:
        raise InvalidInputError(f"health target {shown!r}: {_FORM}")
    if "@" in parts.netloc:
        # The target is stored and logged; a password in it would be too.
        raise InvalidInputError(
            f"health target {shown!r}: no user or password in the URL (they would be stored)"
        )
    host = _host(parts, shown)
    try:
        port = parts.port
    except ValueError:
        raise InvalidInputError(f"health target {shown!r}: the port must be 1 to 65535") from None
    if port == 0:
        raise InvalidInputError(f"health target {shown!r}: the port must be 1 to 65535")
    netloc_host = f"[{host}]" if ":" in host else host
    if scheme == "tcp":
        if port is None:
            raise InvalidInputError(
                f"health target {shown!r}: tcp:// needs a port (tcp://HOST:PORT)"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise InvalidInputError(f"health target {shown!r}: tcp:// takes HOST:PORT only")
        address = f"{netloc_host}:{port}"
        return HealthTarget("tcp", host, port, f"tcp://{address}", address)
    netloc = netloc_host if port is None else f"{netloc_host}:{port}"
    # The fragment never leaves the client; dropped so one URL is stored one way.
    normalised = urlunsplit((scheme, netloc, parts.path, parts.query, ""))
    path = "" if parts.path in ("", "/") else parts.path
    default_port = 443 if scheme == "https" else 80
    return HealthTarget(scheme, host, port or default_port, normalised, netloc + path)


def label_of(target: str) -> str:
    """The short name of a stored target (the target itself if it no longer parses)."""
    try:
        return parse_target(target).label
    except InvalidInputError:
        return target


def _host(parts: SplitResult, shown: str) -> str:
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidInputError(f"health target {shown!r} names no host")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInputError(f"health target {shown!r}: {host!r} is not a host name") from None
    if not ascii_host or not all(_LABEL.match(label) for label in ascii_host.split(".")):
        raise InvalidInputError(f"health target {shown!r}: {host!r} is not a host name")
    return host


def check_every(seconds: int) -> int:
    low, high = EVERY_SECONDS_RANGE
    if not low <= seconds <= high:
        raise InvalidInputError(f"a probe interval is {low} to {high} seconds, not {seconds}")
    return seconds


def check_slow_ms(ms: int) -> int:
    low, high = SLOW_MS_RANGE
    if not low <= ms <= high:
        raise InvalidInputError(f"a slow threshold is {low} to {high} ms, not {ms}")
    return ms


def parse_every(text: str) -> int:
    return check_every(_whole_number(text, "--every", "seconds"))


def parse_slow_ms(text: str) -> int:
    return check_slow_ms(_whole_number(text, "--slow-ms", "milliseconds"))


def _whole_number(text: str, option: str, unit: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()):
        raise InvalidInputError(f"{option} {text!r}: whole {unit}")
    return int(text.strip())


def probe_timeout(slow_ms: int) -> float:
    """Seconds a probe waits for an answer: three times the slow threshold, within limits."""
    return min(PROBE_TIMEOUT_MAX, max(PROBE_TIMEOUT_MIN, 3 * slow_ms / 1000))


def state_of(outcome: ProbeOutcome, slow_ms: int) -> HealthState:
    """Down when the probe failed, slow when it answered over ``slow_ms``, else up."""
    if not outcome.ok:
        return HealthState.DOWN
    if outcome.latency_ms is not None and outcome.latency_ms > slow_ms:
        return HealthState.SLOW
    return HealthState.UP


def next_state(current: HealthState, outcome: ProbeOutcome, slow_ms: int) -> HealthState | None:
    """The state ``outcome`` moves a check to from ``current``; None when it stays.

    up → down, down → up, up → slow (over the threshold), slow → up, and any of
    them from unknown (the first probe); each is one change, logged once.
    """
    new = state_of(outcome, slow_ms)
    return None if new == current else new


def change_text(
    label: str, old: HealthState, new: HealthState, outcome: ProbeOutcome, slow_ms: int
) -> str:
    """The timeline's line for a change."""
    latency = f"{outcome.latency_ms} ms" if outcome.latency_ms is not None else ""
    if new is HealthState.DOWN:
        return f"{label} is down: {outcome.error or 'no answer'}"
    if new is HealthState.SLOW:
        return f"{label} is slow: {latency} (threshold {slow_ms} ms)"
    again = " again" if old in (HealthState.DOWN, HealthState.SLOW) else ""
    return f"{label} is up{again} ({latency})" if latency else f"{label} is up{again}"


def all_green_since(states: Iterable[tuple[HealthState, datetime]]) -> datetime | None:
    """Since when every check has been up: the latest of their ``since`` times; None when
    there is no check or one is not up (down, slow, or not probed yet)."""
    latest: datetime | None = None
    for state, since in states:
        if state is not HealthState.UP:
            return None
        latest = since if latest is None or since > latest else latest
    return latest


def green_for(span: timedelta) -> str:
    """``12m``, ``2h 05m``: how long everything has been green, for the header."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return format_duration(timedelta(seconds=seconds))


def short_error(text: str) -> str:
    """A probe's error on one line, cut to ``ERROR_MAX`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= ERROR_MAX else line[: ERROR_MAX - 1] + "…"


class ProbeSchedule:
    """Which checks are due, by a monotonic clock (seconds, ``time.monotonic``).

    A check is due as soon as it is watched, then ``every`` seconds after each
    probe started; one still being probed is never started again.
    """

    def __init__(self) -> None:
        self._every: dict[int, int] = {}
        self._next: dict[int, float] = {}
        self._busy: set[int] = set()

    def watch(self, checks: Iterable[tuple[int, int]], now: float) -> None:
        """Probe exactly these (check id, every seconds) from now on."""
        self._every = dict(checks)
        self._next = {cid: self._next.get(cid, now) for cid in self._every}
        self._busy &= set(self._every)

    def watched(self) -> list[int]:
        return list(self._every)

    def due(self, now: float) -> list[int]:
        return [cid for cid, at in self._next.items() if at <= now and cid not in self._busy]

    def started(self, check_id: int, now: float) -> None:
        self._busy.add(check_id)
        if check_id in self._every:
            self._next[check_id] = now + self._every[check_id]

    def finished(self, check_id: int) -> None:
        self._busy.discard(check_id)

    def busy(self) -> bool:
        return bool(self._busy)

    def seconds_to_next(self, now: float) -> float | None:
        """How long until the next probe is due (0 if one is); None if nothing is watched."""
        waiting = [at for cid, at in self._next.items() if cid not in self._busy]
        return max(0.0, min(waiting) - now) if waiting else None
