import dataclasses
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.limits import ENTRY_TEXT_MAX
from commander.domain.quick_entry import (
    LogEntry,
    PhaseChange,
    QuickEntry,
    SeverityChange,
    parse_quick_entry,
)
from commander.domain.when import typing_zone
from commander.errors import InvalidInputError

NOW = datetime(2026, 11, 27, 10, 30, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def parse(text: str, zone: timezone = UTC) -> QuickEntry:
    return parse_quick_entry(text, now=NOW, zone=zone)


def log(text: str) -> LogEntry:
    entry = parse(text)
    assert isinstance(entry, LogEntry)
    return entry


def error(text: str) -> str:
    with pytest.raises(InvalidInputError) as caught:
        parse(text)
    message = str(caught.value)
    assert "\n" not in message  # shown inline, as one hint line
    return message


# --- time prefix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "zone", "expected"),
    [
        ("10:05", UTC, datetime(2026, 11, 27, 10, 5, tzinfo=UTC)),
        ("10:05:30", UTC, datetime(2026, 11, 27, 10, 5, 30, tzinfo=UTC)),
        ("10:05", PARIS, datetime(2026, 11, 27, 9, 5, tzinfo=UTC)),
        # A one-digit hour is a time too, not the first word of a note.
        ("9:05", UTC, datetime(2026, 11, 27, 9, 5, tzinfo=UTC)),
        ("0:05:09", UTC, datetime(2026, 11, 27, 0, 5, 9, tzinfo=UTC)),
        ("-5m", UTC, NOW - timedelta(minutes=5)),
        ("-1h30m", UTC, NOW - timedelta(hours=1, minutes=30)),
        ("-90s", UTC, NOW - timedelta(seconds=90)),
        ("2026-11-27T10:05Z", PARIS, datetime(2026, 11, 27, 10, 5, tzinfo=UTC)),
        ("2026-11-27T10:05:00+01:00", UTC, datetime(2026, 11, 27, 9, 5, tzinfo=UTC)),
    ],
)
def test_time_prefix_backdates_the_entry(prefix: str, zone: timezone, expected: datetime) -> None:
    assert parse(f"{prefix} db failover started", zone) == LogEntry(
        "db failover started", EntryKind.NOTE, False, expected
    )


def test_without_a_time_the_entry_happens_now() -> None:
    assert log("db failover started").occurred_at is None


@pytest.mark.parametrize("text", ["- lag is back", "500 errors on checkout", "2026-11-27 was calm"])
def test_first_tokens_that_are_not_time_attempts_are_text(text: str) -> None:
    assert log(text) == LogEntry(text, EntryKind.NOTE, False, None)


@pytest.mark.parametrize("text", ["10:99 x", "-5x y", "12:30pm lunch", "2026-11-27T25:00Z x"])
def test_a_failed_time_attempt_is_an_error_listing_the_forms(text: str) -> None:
    message = error(text)
    assert "HH:MM" in message and "-5m" in message and "ISO 8601" in message
    assert "/note" in message  # how to log it as text after all


def test_note_command_lets_time_like_text_through() -> None:
    assert log("/note -5 degrees in the server room").text == "-5 degrees in the server room"


def test_future_time_is_refused() -> None:
    assert "future" in error("2026-11-27T11:00Z x")


# --- kind and pin commands ------------------------------------------------------


@pytest.mark.parametrize("kind", list(EntryKind)[:5])
def test_each_kind_command(kind: EntryKind) -> None:
    assert log(f"/{kind.value} restart api") == LogEntry("restart api", kind, False, None)


@pytest.mark.parametrize(
    "text",
    [
        "/pin /decision roll back",
        "/decision /pin roll back",
        "/pin roll back /decision",
        "roll back /decision /pin",
        "/PIN roll back /Decision",
    ],
)
def test_commands_combine_leading_and_trailing(text: str) -> None:
    assert log(text) == LogEntry("roll back", EntryKind.DECISION, True, None)


def test_pin_alone_keeps_the_default_kind() -> None:
    assert log("/pin customer comms sent") == LogEntry(
        "customer comms sent", EntryKind.NOTE, True, None
    )


def test_trailing_command_after_time() -> None:
    assert parse("-2m rolled back, error rate falling /action") == LogEntry(
        "rolled back, error rate falling", EntryKind.ACTION, False, NOW - timedelta(minutes=2)
    )


def test_repeating_the_same_kind_is_harmless() -> None:
    assert log("/action restart api /action").kind is EntryKind.ACTION


# --- severity and phase ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/sev P1 checkout failing for EU",
            SeverityChange(Severity.P1, "checkout failing for EU", None),
        ),
        ("/sev p2", SeverityChange(Severity.P2, "", None)),
        ("/severity P0 total outage", SeverityChange(Severity.P0, "total outage", None)),
        (
            "/SEV P3  line one\n  line two /pin ",
            SeverityChange(Severity.P3, "line one\n  line two /pin", None),
        ),
        ("-5m /sev P1 x", SeverityChange(Severity.P1, "x", NOW - timedelta(minutes=5))),
    ],
)
def test_severity_change(text: str, expected: SeverityChange) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/phase mitigate", PhaseChange(Phase.MITIGATE, None)),
        ("/Phase RESOLVE ", PhaseChange(Phase.RESOLVE, None)),
        (
            "10:05 /phase triage",
            PhaseChange(Phase.TRIAGE, datetime(2026, 11, 27, 10, 5, tzinfo=UTC)),
        ),
    ],
)
def test_phase_change(text: str, expected: PhaseChange) -> None:
    assert parse(text) == expected


# --- malformed input ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("/sev", "/sev needs a severity: use one of P0, P1, P2, P3, P4"),
        ("/sev P9 bad", "unknown severity 'P9': use one of P0, P1, P2, P3, P4"),
        ("/phase", "use one of detect, triage, mitigate, resolve, postmortem"),
        ("/phase fixing", "unknown phase 'fixing': use one of detect, triage"),
        ("/phase triage now", "exactly one phase name"),
        ("/bogus x", "unknown command '/bogus'"),
        ("/action /decision x", "not /action and /decision"),
        ("/decision x /action", "not /action and /decision"),
        ("/pin /sev P1 x", "/sev must start the line"),
        ("", "nothing to log"),
        ("   \n ", "nothing to log"),
        ("10:05", "nothing to log"),
        ("/pin /action", "nothing to log"),
    ],
)
def test_malformed_input_explains_itself(text: str, fragment: str) -> None:
    assert fragment in error(text)


def test_unknown_command_names_the_commands_and_the_escape() -> None:
    message = error("/bogus x")
    for command in (
        "/note",
        "/action",
        "/decision",
        "/observation",
        "/hypothesis",
        "/pin",
        "/sev",
        "/phase",
    ):
        assert command in message
    assert "'//'" in message


# --- slashes that are text ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("//pay returns 500", LogEntry("/pay returns 500", EntryKind.NOTE, False, None)),
        ("//pin", LogEntry("/pin", EntryKind.NOTE, False, None)),
        ("/action //pay restarted", LogEntry("/pay restarted", EntryKind.ACTION, False, None)),
        ("//pay returns 500 /action", LogEntry("/pay returns 500", EntryKind.ACTION, False, None)),
        ("error on /pay endpoint", LogEntry("error on /pay endpoint", EntryKind.NOTE, False, None)),
        (
            "checkout broken on /pay",
            LogEntry("checkout broken on /pay", EntryKind.NOTE, False, None),
        ),
        ("/ is the root path", LogEntry("/ is the root path", EntryKind.NOTE, False, None)),
    ],
)
def test_slashes_that_are_text(text: str, expected: LogEntry) -> None:
    assert log(text) == expected


# --- verbatim text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  line one\n\n  line two\t end  ", "line one\n\n  line two\t end"),
        ("🔥 db on fire 🚒", "🔥 db on fire 🚒"),
        ("השרת נפל, الخادم متوقف", "השרת נפל, الخادم متوقف"),
        ("<script>alert('x')</script> &amp;", "<script>alert('x')</script> &amp;"),
        ("a  b   c", "a  b   c"),
    ],
)
def test_text_is_kept_verbatim(typed: str, kept: str) -> None:
    assert log(typed).text == kept


def test_a_megabyte_of_text_is_kept_and_parsed_quickly() -> None:
    words = ("lorem ipsum /dolor " * 52_000).strip()
    gap = " " * (ENTRY_TEXT_MAX - 2)  # the longest text an entry holds
    started = time.perf_counter()
    assert log(words).text == words
    assert log(f"a{gap}b /action") == LogEntry(f"a{gap}b", EntryKind.ACTION, False, None)
    assert time.perf_counter() - started < 2  # no quadratic backtracking


def test_text_over_the_entry_limit_is_refused_whole_saying_its_size() -> None:
    # Said before anything is written: the window keeps the text, never a cut copy.
    assert "the entry has 1,000,001 characters; one entry holds at most 1,000,000" in error(
        "-5m /action " + "x" * (ENTRY_TEXT_MAX + 1)
    )
    assert "1,000,001 characters" in error("/report Ana: " + "x" * (ENTRY_TEXT_MAX + 1))


def test_the_bar_reads_hh_mm_on_the_clock_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    # The machine's clock is an hour ahead of UTC; the user sees (and types) UTC unless
    # they switched local time on. The CLI's --at asks the same typing_zone.
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: PARIS)
    ten_five = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
    assert parse_quick_entry("10:05 x", now=NOW).occurred_at == ten_five
    assert parse_quick_entry("10:05 x", now=NOW, zone=typing_zone(False)).occurred_at == ten_five
    in_paris = parse_quick_entry("10:05 x", now=NOW, zone=typing_zone(True)).occurred_at
    assert in_paris == ten_five - timedelta(hours=1)


def test_results_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        log("x").text = "y"  # type: ignore[misc]
