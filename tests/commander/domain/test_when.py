from datetime import UTC, datetime, timedelta, timezone

import pytest

from commander.domain.when import (
    format_backdate,
    format_clock,
    format_duration,
    parse_when,
    typing_zone,
)
from commander.errors import InvalidInputError

NOW = datetime(2026, 11, 27, 10, 30, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-5m", NOW - timedelta(minutes=5)),
        ("-1h30m", NOW - timedelta(hours=1, minutes=30)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("2026-11-27T10:05Z", datetime(2026, 11, 27, 10, 5, tzinfo=UTC)),
        ("2026-11-27T11:05+01:00", datetime(2026, 11, 27, 10, 5, tzinfo=UTC)),
        ("10:05", datetime(2026, 11, 27, 9, 5, tzinfo=UTC)),  # local (UTC+1) clock time
        ("10:05:30", datetime(2026, 11, 27, 9, 5, 30, tzinfo=UTC)),
    ],
)
def test_parse_when_reads_the_forms_a_scribe_types(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, zone=PARIS) == expected


def test_clock_time_after_now_means_yesterday() -> None:
    just_after_midnight = datetime(2026, 11, 27, 0, 5, tzinfo=UTC)
    assert parse_when("23:55", now=just_after_midnight, zone=UTC) == datetime(
        2026, 11, 26, 23, 55, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["", "soon", "25:00", "-5x", "-", "2026-13-01T00:00Z"])
def test_unreadable_times_are_explained(text: str) -> None:
    with pytest.raises(InvalidInputError, match="time"):
        parse_when(text, now=NOW, zone=UTC)


def test_future_iso_time_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="future"):
        parse_when("2026-11-27T12:00Z", now=NOW, zone=UTC)


def test_format_clock_and_duration() -> None:
    moment = datetime(2026, 11, 27, 10, 5, 12, tzinfo=UTC)
    assert format_clock(moment, local=False) == "10:05:12Z"
    assert format_duration(timedelta(minutes=47, seconds=5)) == "47m 05s"
    assert format_duration(timedelta(hours=2, minutes=3)) == "2h 03m"
    assert format_duration(timedelta(days=3, hours=4)) == "3d 04h"


@pytest.mark.parametrize(
    ("span", "header", "export"),
    [
        (timedelta(0), "0m 00s", "0m 00s"),
        (timedelta(seconds=59.9), "0m 59s", "0m 59s"),
        (timedelta(hours=1), "1h 00m", "1h 00m 00s"),
        (timedelta(hours=23, minutes=59, seconds=59), "23h 59m", "23h 59m 59s"),
        (timedelta(days=1), "1d 00h", "1d 00h 00m"),
        (timedelta(days=12, hours=3, minutes=4, seconds=5), "12d 03h", "12d 03h 04m"),
        (timedelta(seconds=-1), "0m 00s", "−0m 01s"),
        (timedelta(hours=-2, minutes=-3), "0m 00s", "−2h 03m 00s"),
        (timedelta(days=-2), "0m 00s", "−2d 00h 00m"),
    ],
)
def test_one_duration_format_for_the_header_and_the_exports(
    span: timedelta, header: str, export: str
) -> None:
    assert format_duration(span) == header
    assert format_duration(span, units=3, signed=True) == export


@pytest.mark.parametrize(
    "text",
    ["-99999999h", "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "-" + "9" * 30 + "m"],
)
def test_times_past_the_calendar_are_refused_naming_the_range(text: str) -> None:
    with pytest.raises(InvalidInputError, match="out of range: use a time between the years"):
        parse_when(text, now=datetime(2026, 11, 27, 10, 0, tzinfo=UTC), zone=UTC)


def test_hh_mm_is_read_on_the_clock_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: PARIS)
    assert typing_zone(show_local_time=False) is UTC
    assert typing_zone(show_local_time=True) is PARIS
    at_ten_five = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
    assert parse_when("10:05", now=NOW, zone=typing_zone(False)) == at_ten_five
    assert parse_when("10:05", now=NOW, zone=typing_zone(True)) == at_ten_five - timedelta(hours=1)
    # Not told which clock, the core reads UTC (the settings' default), not the machine's.
    assert parse_when("10:05", now=NOW) == at_ten_five


@pytest.mark.parametrize(
    ("moment", "local", "said"),
    [
        (datetime(2026, 11, 27, 8, 0, tzinfo=UTC), False, "backdated to 08:00Z (2h 30m ago)"),
        (
            datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
            True,
            "backdated to 09:00 local time (2h 30m ago)",
        ),
        (NOW - timedelta(seconds=90), False, "backdated to 10:28:30Z (1m 30s ago)"),
        (
            datetime(2026, 11, 26, 23, 55, tzinfo=UTC),
            False,
            "backdated to 2026-11-26 23:55Z (10h 35m ago)",
        ),
        (NOW + timedelta(minutes=2), False, "dated 10:32Z (2m 00s from now)"),
    ],
)
def test_a_backdate_is_said_on_the_chosen_clock(
    monkeypatch: pytest.MonkeyPatch, moment: datetime, local: bool, said: str
) -> None:
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: PARIS)
    assert format_backdate(moment, NOW, local) == said
