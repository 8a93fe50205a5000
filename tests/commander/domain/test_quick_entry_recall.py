"""The text ``Up`` recalls is the parser run backwards: it parses into the same entry."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from commander.domain import EntryKind
from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.entry_facts import decode, encode, user_reported
from commander.domain.kinds import USER_KINDS
from commander.domain.quick_entry import (
    DeployEntry,
    LogEntry,
    QuickEntry,
    UserReportEntry,
    parse_quick_entry,
    recall_text,
)
from commander.errors import InvalidInputError

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)

# Words that each meet one rule of the grammar: flags, commands, escapes, times and
# things that only look like them, arrows, case, and plain words.
TOKENS = [
    "db", "failover", "Started", "x", "/", "//", "/pin", "/PIN", "/note", "/action", "/Decision",
    "/observation", "/hypothesis", "/sev", "/phase", "/rollback", "/hotfix", "/bogus", "//pin",
    "///x", "10:05", "9:05", "-5m", "-", "500", "-5", "2026-11-27T10:05Z", "->", "→", "to",
    "v1.4.2", "a->b", "P1", "triage", "é", "10:99",
    "/report", "/Report", "Ana", "Ana:", ":", "x:y", "reporter=Bo", "channel=chat",
    "Contact=a@b.io", "contact=tel:+49:", "channel=", "phone=1", "https://t.io/?a=b",
]  # fmt: skip


def parse(line: str) -> QuickEntry:
    return parse_quick_entry(line, now=NOW, zone=UTC)


Recallable = LogEntry | DeployEntry | UserReportEntry


def recall_of(parsed: Recallable) -> str | None:
    """Recall the entry the parsed line would store (its time is not recalled)."""
    if isinstance(parsed, LogEntry):
        return recall_text(parsed.kind, parsed.text, parsed.pinned, None)
    if isinstance(parsed, UserReportEntry):  # stored as the service stores it
        kind = EntryKind.USER_REPORT
        fact = decode(kind, encode(user_reported(parsed.report)))
        return recall_text(kind, parsed.report.describe(), False, fact)
    data = {
        "what": parsed.change.what,
        "from": parsed.change.from_version,
        "to": parsed.change.to_version,
        "note": parsed.change.note,
    }
    return recall_text(parsed.change.kind.value, "", False, decode(parsed.change.kind.value, data))


def random_lines(count: int) -> list[str]:
    rng = random.Random(20261127)  # fixed: a failure names a line that fails again
    return [" ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def test_every_line_the_bar_logs_is_recalled_as_a_line_that_logs_the_same() -> None:
    checked = reports = 0
    for line in random_lines(5000):
        try:
            parsed = parse(line)
        except InvalidInputError:
            continue
        if not isinstance(parsed, Recallable):
            continue
        timeless = type(parsed)(**{**_fields(parsed), "occurred_at": None})
        recalled = recall_of(parsed)
        if isinstance(parsed, DeployEntry) and recalled is None:
            # The deploy grammar reads "WHAT FROM -> TO" but some lines it accepts leave
            # no line that says the same record; the log-entry side has no such gap.
            continue
        assert recalled is not None, line
        assert parse(recalled) == timeless, (line, recalled)
        checked += 1
        reports += isinstance(parsed, UserReportEntry)
    assert checked > 1000  # the generator really reached the grammar
    assert reports > 10  # /report lines too (each one is recalled: none is skipped)


def test_every_report_line_the_bar_logs_is_recalled_as_a_line_that_logs_the_same() -> None:
    rng = random.Random(20261128)
    checked = 0
    for _ in range(3000):
        words = [rng.choice(TOKENS) for _ in range(rng.randint(1, 8))]
        line = " ".join(["/report", *words])
        try:
            parsed = parse(line)
        except InvalidInputError:
            continue
        assert isinstance(parsed, UserReportEntry), line
        recalled = recall_of(parsed)
        assert recalled is not None, line
        assert parse(recalled) == parsed, (line, recalled)
        checked += 1
    assert checked > 300


def _fields(parsed: Recallable) -> dict[str, object]:
    if isinstance(parsed, LogEntry):
        return asdict(parsed)
    if isinstance(parsed, UserReportEntry):
        return {"report": parsed.report, "occurred_at": parsed.occurred_at}
    return {"change": parsed.change, "occurred_at": parsed.occurred_at}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("pinned", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "db failover started",
        "/etc/hosts was edited",
        "//double slash",
        "/",
        "/pin",
        "/sev P1 is text here",
        "10:05 was when it began",
        "9:05 too",
        "-5 degrees in the server room",
        "2026-11-27T10:05Z the deploy",
        "check /pin in the middle",
        "an /unknown at the end",
    ],
)
def test_each_kind_and_pin_round_trips(kind: EntryKind, pinned: bool, text: str) -> None:
    recalled = recall_text(kind, text, pinned, None)
    assert recalled is not None
    assert parse(recalled) == LogEntry(text, kind, pinned, None)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (EntryKind.NOTE, "two\nlines"),
        (EntryKind.NOTE, " padded"),
        (EntryKind.NOTE, ""),
        (EntryKind.ACTION, "restart the pods /pin"),
        (EntryKind.NOTE, "looks like a /decision"),
        (EntryKind.SEVERITY, "Severity P2 to P1"),
        (EntryKind.PHASE, "Moved on from Detect to Triage"),
    ],
)
def test_what_no_line_can_say_is_not_recalled(kind: str, text: str) -> None:
    assert recall_text(kind, text, False, None) is None


@pytest.mark.parametrize(
    "change",
    [
        DeployChange(DeployKind.ROLLBACK, "v1.4.2", "v1.4.3", "payments-api", "5xx after deploy"),
        DeployChange(DeployKind.ROLLBACK, "v1.4.2"),
        DeployChange(DeployKind.HOTFIX, "v2.0.1", "v2.0.0", "checkout web", "fix the -> arrow"),
        DeployChange(DeployKind.HOTFIX, "to", note="the version is called to"),
    ],
)
def test_rollback_and_hotfix_records_round_trip(change: DeployChange) -> None:
    data = {"what": change.what, "from": change.from_version, "to": change.to_version}
    fact = decode(change.kind.value, data | {"note": change.note})
    recalled = recall_text(change.kind.value, change.describe(), False, fact)
    assert recalled is not None
    assert parse(recalled) == DeployEntry(change, None)


@pytest.mark.parametrize(
    ("data", "pinned"),
    [
        (
            {"what": "api", "from": "", "to": "v2", "note": ""},
            False,
        ),  # "api -> v2" reads api as FROM
        ({"what": "", "from": "v1", "to": "v2", "note": "a  b"}, False),  # the blanks would fold
        ({"what": "", "from": "v1", "to": "v2", "note": ""}, True),  # the bar cannot pin one
        ({}, False),  # a row without its record
    ],
)
def test_records_no_line_can_say_are_not_recalled(data: dict[str, str], pinned: bool) -> None:
    fact = decode(EntryKind.ROLLBACK, data)
    assert recall_text("rollback", "Rolled back", pinned, fact) is None
