"""Reading the times people type: ISO 8601, ``HH:MM`` today, or ``-5m`` ago.

Everything comes back as an aware UTC datetime. Pure functions: the caller
passes ``now`` so tests and backdating stay deterministic.

One rule for every front door: ``HH:MM`` (and an ISO time without an offset) is read
on the clock the user chose to see times on, the settings' ``show_local_time``: UTC
unless local time is switched on (``typing_zone``). The window's bar and the CLI's
``--at`` both ask ``typing_zone``, so one ``HH:MM`` names one moment.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from commander import clock
from commander.errors import InvalidInputError

# A scribe may type a time a little ahead of a clock that runs slow; more than
# this is a typo, not clock skew.
FUTURE_TOLERANCE = timedelta(minutes=5)

_CLOCK = re.compile(r"^(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")
_RELATIVE = re.compile(r"^-(?=\d)(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")

HELP = (
    "ISO 8601 (2026-11-27T10:05Z), HH:MM (today, in UTC; in local time when the settings"
    " show local time) or relative like -5m, -1h30m"
)


def local_zone() -> tzinfo:
    # The local offset at the clock's moment, so a frozen clock in winter sees winter time.
    zone = clock.now().astimezone().tzinfo
    assert zone is not None
    return zone


def typing_zone(show_local_time: bool) -> tzinfo:
    """The clock a typed ``HH:MM`` is read on: the one times are shown on (module docstring)."""
    return local_zone() if show_local_time else UTC


def utc_now() -> datetime:
    """The name most code calls; reads the one injectable clock."""
    return clock.now()


def parse_when(text: str, now: datetime | None = None, zone: tzinfo | None = None) -> datetime:
    """Turn what a person typed into an aware UTC datetime, or explain why not.

    ``zone``: the clock ``HH:MM`` is read on, ``typing_zone(...)``; UTC when not given.
    """
    now = now or utc_now()
    zone = zone or UTC
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInputError(f"empty time: use {HELP}")
    try:
        result = (
            _parse_relative(cleaned, now)
            or _parse_clock(cleaned, now, zone)
            or _parse_iso(cleaned, zone)
        )
    except OverflowError:  # -99999999h, 0001-01-01T00:00+14:00, …: past datetime's range
        raise InvalidInputError(
            f"time {text!r} is out of range: use a time between the years 1 and 9999 (UTC)"
        ) from None
    if result is None:
        raise InvalidInputError(f"cannot read time {text!r}: use {HELP}")
    if result - now > FUTURE_TOLERANCE:
        raise InvalidInputError(f"time {text!r} is in the future")
    return result


def _parse_relative(text: str, now: datetime) -> datetime | None:
    match = _RELATIVE.match(text)
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return now - timedelta(hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def _parse_clock(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    local_now = now.astimezone(zone)
    candidate = local_now.replace(
        hour=int(match["h"]), minute=int(match["m"]), second=int(match["s"] or 0), microsecond=0
    )
    # Just after midnight, "23:55" means last night, not tonight.
    if candidate - local_now > FUTURE_TOLERANCE:
        candidate -= timedelta(days=1)
    return candidate.astimezone(UTC)


def _parse_iso(text: str, zone: tzinfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with an explicit offset, the one format exports and JSON use."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat()


def format_clock(moment: datetime, local: bool, with_date: bool = False) -> str:
    """``10:05:12Z`` in UTC, or ``11:05:12`` in local time."""
    if local:
        shown = moment.astimezone(local_zone())
        return shown.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")
    shown = moment.astimezone(UTC)
    return shown.strftime("%Y-%m-%d %H:%M:%SZ" if with_date else "%H:%M:%SZ")


def format_backdate(moment: datetime, now: datetime, local: bool) -> str:
    """What a time prefix does, said before it is logged: ``backdated to 18:00Z (2h 05m
    ago)`` on the clock the user chose; the date joins the time when the day is not today's
    there (``23:55`` typed just after midnight means last night)."""
    zone = local_zone() if local else UTC
    shown, today = moment.astimezone(zone), now.astimezone(zone)
    clock_format = "%H:%M" if shown.second == 0 and shown.microsecond == 0 else "%H:%M:%S"
    if shown.date() != today.date():
        clock_format = "%Y-%m-%d " + clock_format
    when = shown.strftime(clock_format) + (" local time" if local else "Z")
    span = now - moment
    if span < timedelta(0):  # within FUTURE_TOLERANCE: a clock running slow
        return f"dated {when} ({format_duration(-span)} from now)"
    return f"backdated to {when} ({format_duration(span)} ago)"


def format_duration(span: timedelta, units: int = 2, signed: bool = False) -> str:
    """``47m 05s``, ``2h 03m``, ``3d 04h``: compact enough for a header.

    ``units=3`` shows one more (``2h 03m 04s``, ``3d 04h 05m``), as the exports do;
    minutes and seconds are shown at least. A negative span reads as none, unless
    ``signed``: then it keeps a minus sign (a milestone stamped before its anchor).
    """
    seconds = int(span.total_seconds())
    sign = ""
    if seconds < 0:
        sign, seconds = ("−", -seconds) if signed else ("", 0)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    values = (days, hours, minutes, seconds)
    first = 0 if days else 1 if hours else 2
    shown = [
        f"{values[i]}{_UNITS[i]}" if i == first else f"{values[i]:02d}{_UNITS[i]}"
        for i in range(first, min(first + units, len(values)))
    ]
    return sign + " ".join(shown)


_UNITS = "dhms"
