"""/report in the quick-entry bar, and the rules every user report follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain.entry_facts import UserReported, user_reported
from commander.domain.quick_entry import (
    COMMANDS,
    LogEntry,
    UserReportEntry,
    parse_quick_entry,
)
from commander.domain.user_reports import (
    CONTACT_MAX,
    REPORTER_MAX,
    UserReport,
    make_report,
    parse_report,
    report_line,
)
from commander.errors import InvalidInputError

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def parse(line: str) -> object:
    return parse_quick_entry(line, NOW, UTC)


@pytest.mark.parametrize(
    ("line", "report"),
    [
        (
            "/report Ana Lima channel=support ticket contact=ana@example.com: checkout fails",
            UserReport("Ana Lima", "checkout fails", "support ticket", "ana@example.com"),
        ),
        ("/report Bo: cannot log in", UserReport("Bo", "cannot log in")),
        (
            "/REPORT Reporter=Bo  Chen   CHANNEL=phone: slow: very slow",
            UserReport("Bo Chen", "slow: very slow", "phone"),
        ),
        # A contact keeps its own colons and equals signs; only ": " starts the text.
        (
            "/report Cy contact=https://t.example/?user=cy&x=1: the page hangs",
            UserReport("Cy", "the page hangs", contact="https://t.example/?user=cy&x=1"),
        ),
        (
            "/report Cy contact=tel:+4930123:   500s  ",
            UserReport("Cy", "500s", contact="tel:+4930123"),
        ),
        ("/report channel=chat reporter=Di: down", UserReport("Di", "down", "chat")),
    ],
)
def test_a_report_line_names_reporter_channel_contact_and_text(
    line: str, report: UserReport
) -> None:
    assert parse(line) == UserReportEntry(report, None)


def test_a_time_prefix_backdates_a_report() -> None:
    parsed = parse("-5m /report Ana: checkout fails")
    assert isinstance(parsed, UserReportEntry)
    assert parsed.occurred_at == NOW - timedelta(minutes=5)


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("/report", "needs ': '"),
        ("/report Ana checkout fails", "needs ': '"),
        ("/report : checkout fails", "needs who reported it"),
        ("/report channel=chat: checkout fails", "needs who reported it"),
        ("/report Ana:", "needs its text"),
        ("/report Ana:    ", "needs its text"),
        ("/report Ana phone=123: down", "knows reporter=, channel=, contact=, not phone="),
        ("/report Ana channel=: down", "channel= needs a value"),
        ("/report Ana reporter=Bo: down", "the reporter is given twice"),
        ("/report Ana channel=a channel=b: down", "the channel is given twice"),
        (f"/report {'x' * (REPORTER_MAX + 1)}: down", "longer than 200"),
        (f"/report Ana contact={'x' * (CONTACT_MAX + 1)}: down", "longer than 320"),
        ("/action /report Ana: down", "must start the line"),
    ],
)
def test_a_malformed_report_gets_a_hint(line: str, hint: str) -> None:
    with pytest.raises(InvalidInputError, match=hint):
        parse(line)


def test_an_escaped_or_inner_report_is_text() -> None:
    assert parse("//report Ana: x") == LogEntry("/report Ana: x", "note", False, None)
    assert parse("see the /report Ana: x") == LogEntry(
        "see the /report Ana: x", "note", False, None
    )


def test_the_bar_offers_report() -> None:
    assert "/report" in COMMANDS
    with pytest.raises(InvalidInputError, match="/report"):
        parse("/bogus x")  # the hint for an unknown command lists it


@pytest.mark.parametrize(
    ("fields", "hint"),
    [
        ({"text": "down", "reporter": "  "}, "needs its reporter"),
        ({"text": " \n ", "reporter": "Ana"}, "needs its text"),
        ({"text": "do\x00wn", "reporter": "Ana"}, "the report contains a NUL"),
        ({"text": "down", "reporter": "A\x00na"}, "the reporter contains a NUL"),
        ({"text": "down", "reporter": "Ana", "contact": "a\x00"}, "the contact contains a NUL"),
        ({"text": "down", "reporter": "Ana", "channel": "c" * 201}, "channel is longer"),
    ],
)
def test_make_report_refuses_what_cannot_be_stored(fields: dict[str, str], hint: str) -> None:
    with pytest.raises(InvalidInputError, match=hint):
        make_report(**fields)


def test_make_report_folds_fields_to_one_line_and_keeps_the_text() -> None:
    report = make_report("  line one\n  line two  ", " Ana \n Lima ", "\tchat ", None)
    assert report == UserReport("Ana Lima", "line one\n  line two", "chat", "")


def test_the_entry_text_names_reporter_and_channel_but_not_the_contact() -> None:
    report = UserReport("Ana", "checkout fails", "email", "ana@example.com")
    assert report.describe() == "Reported by Ana via email: checkout fails"
    assert UserReport("Bo", "down").describe() == "Reported by Bo: down"
    fact = user_reported(report)
    assert fact == UserReported("Ana", "email", "ana@example.com")
    assert fact.report(report.describe()) == report


@pytest.mark.parametrize(
    "report",
    [
        UserReport("Ana Lima", "checkout fails", "support ticket", "ana@example.com"),
        UserReport("Bo", "x"),
        UserReport("phone=1", "a name that looks like a field"),
        UserReport("Cy", "says: it is down: badly", contact="tel:+49"),
        UserReport("Di", "/pin is text here", "chat"),
    ],
)
def test_report_line_reads_back_as_the_same_report(report: UserReport) -> None:
    line = report_line(report)
    assert line is not None
    assert parse(line) == UserReportEntry(report, None)


@pytest.mark.parametrize(
    "report",
    [
        UserReport("Ana", "two\nlines"),
        UserReport("Ana", "x", contact="tel: 123"),  # its ": " would start the text
        UserReport("Ana", "x", channel="chat channel=b"),  # would be read as a second field
    ],
)
def test_what_no_line_can_say_has_no_line(report: UserReport) -> None:
    assert report_line(report) is None


def test_parse_report_alone() -> None:
    assert parse_report("Ana: down") == UserReport("Ana", "down")
