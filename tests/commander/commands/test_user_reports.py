"""`commander user-report` and `user-reports`, driven as a script would: real subprocesses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as commander


def test_a_report_is_logged_listed_and_checks_the_detect_item(
    db_path: Path, cli_incident: str
) -> None:
    ok(
        "user-report",
        cli_incident,
        "checkout fails with 500",
        "--reporter",
        "Ana Lima",
        "--channel",
        "support ticket",
        "--contact",
        "ana@example.com",
        "--at",
        "-5m",
        "--author",
        "bo",
        db=db_path,
    )
    ok("user-report", cli_incident, "cannot pay", "--reporter", "Cy", db=db_path)
    timeline = json.loads(ok("show", cli_incident, "--json", db=db_path))["timeline"]
    reports = [e for e in timeline if e["kind"] == "user-report"]
    assert [e["text"] for e in reports] == [
        "Reported by Ana Lima via support ticket: checkout fails with 500",
        "Reported by Cy: cannot pay",
    ]
    first = datetime.fromisoformat(reports[0]["occurred_at"])
    assert datetime.fromisoformat(reports[0]["recorded_at"]) - first >= timedelta(minutes=4)
    assert reports[0]["author"] == "bo" and reports[1]["author"] == "tester"
    checks = [e["text"] for e in timeline if e["kind"] == "checklist"]
    # Once, by the first report, as the app.
    assert checks == ["Checked “User reports collected” (Detect), auto: user report logged"]

    listed = json.loads(ok("user-reports", cli_incident, "--json", db=db_path))
    assert [(r["reporter"], r["channel"], r["contact"], r["text"]) for r in listed] == [
        ("Ana Lima", "support ticket", "ana@example.com", "checkout fails with 500"),
        ("Cy", "", "", "cannot pay"),
    ]
    text = ok("user-reports", cli_incident, db=db_path)
    assert "Ana Lima via support ticket <ana@example.com>: checkout fails with 500" in text


BAD_INPUT = [
    (["x"], "the following arguments are required: --reporter"),
    (["x", "--reporter", " "], "argument --reporter: a user report needs its reporter"),
    (["  ", "--reporter", "Ana"], "a user report needs its text"),
    (["x", "--reporter", "Ana", "--contact", "c" * 321], "contact is longer than 320"),
    (["x", "--reporter", "Ana", "--at", "tomorrow"], "cannot read time"),
]


def test_bad_input_is_a_usage_error_that_changes_nothing(db_path: Path, cli_incident: str) -> None:
    before = ok("show", cli_incident, "--json", db=db_path)
    for args, message in BAD_INPUT:  # one incident for all: each run is a process start
        result = commander("user-report", cli_incident, *args, db=db_path)
        assert result.returncode == 2, args
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert ok("show", cli_incident, "--json", db=db_path) == before


def test_an_unknown_incident_is_one_line_and_exit_1(db_path: Path, cli_incident: str) -> None:
    result = commander("user-report", "INC-99", "x", "--reporter", "Ana", db=db_path)
    assert (result.returncode, result.stderr) == (1, "commander: no incident INC-99\n")
