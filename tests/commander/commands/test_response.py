"""The response subcommands, driven as a script would: real subprocesses."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as commander

MINUTE = timedelta(minutes=1)


def test_check_uncheck_and_list_the_checklist(db_path: Path, cli_incident: str) -> None:
    ok("check", cli_incident, "user reports", "--author", "bo", db=db_path)
    ok("not-applicable", cli_incident, "automated", "--reason", "none here", db=db_path)
    items = json.loads(ok("checklist", cli_incident, "--phase", "detect", "--json", db=db_path))[
        "items"
    ]
    by_text = {item["text"]: item for item in items}
    assert by_text["User reports collected"]["checked_by"] == "bo"
    assert by_text["Automated checks run"]["not_applicable_reason"] == "none here"
    ok("uncheck", cli_incident, str(by_text["User reports collected"]["id"]), db=db_path)
    text = ok("checklist", cli_incident, db=db_path)
    assert "Detect  (current)" in text and "[ ]" in text and "[-]" in text
    kinds = [
        e["kind"] for e in json.loads(ok("show", cli_incident, "--json", db=db_path))["timeline"]
    ]
    assert kinds.count("checklist") == 3


def test_the_checklist_marks_what_the_app_ticked_and_what_an_item_replaced(
    db_path: Path, cli_incident: str
) -> None:
    ok("rollback", cli_incident, "--to", "v1.4.2", db=db_path)
    ok("severity", cli_incident, "P0", "--reason", "card data exposed", db=db_path)
    mitigate = ok("checklist", cli_incident, "--phase", "mitigate", db=db_path).splitlines()
    [rollback] = [line for line in mitigate if "Roll back" in line]
    assert rollback.startswith("  [x]")
    assert rollback.endswith(
        "Roll back to the last known good version  ✓ (auto: rollback recorded)"
    )
    [cadence] = [line for line in mitigate if line.startswith("  [") and "status update" in line]
    assert cadence.endswith("  Post a status update at least every 15 minutes")
    replaced = mitigate[mitigate.index(cadence) + 1].strip()
    assert replaced.startswith("replaces ")
    assert replaced.endswith("“Post a status update at least every 30 minutes”")
    shown = json.loads(ok("checklist", cli_incident, "--json", db=db_path))
    [item] = [i for i in shown["items"] if i["text"].startswith("Roll back")]
    assert (item["checked_by"], item["auto_reason"]) == ("app", "rollback recorded")
    [old] = [i for i in shown["superseded"] if i["phase"] == "mitigate"]
    assert old["text"] == "Post a status update at least every 30 minutes"
    assert old["superseded_by"] == next(
        i["id"] for i in shown["items"] if "15 minutes" in i["text"]
    )
    ok("uncheck", cli_incident, str(item["id"]), db=db_path)
    assert "[ ]" in next(
        line
        for line in ok("checklist", cli_incident, "--phase", "mitigate", db=db_path).splitlines()
        if "Roll back" in line
    )


def test_leaving_a_phase_with_open_items_warns_but_moves(db_path: Path, cli_incident: str) -> None:
    result = commander("phase", cli_incident, "triage", db=db_path)
    assert result.returncode == 0
    assert "warning: leaving Detect with 3 open checklist item(s)" in result.stderr
    assert json.loads(ok("show", cli_incident, "--json", db=db_path))["phase"] == "triage"


def test_checklist_add_prints_the_new_item_number(db_path: Path, cli_incident: str) -> None:
    number = ok(
        "checklist-add", cli_incident, "Call the CDN vendor", "--phase", "mitigate", db=db_path
    ).strip()
    ok("check", cli_incident, number, db=db_path)
    assert "[x]" in ok("checklist", cli_incident, "--phase", "mitigate", db=db_path)


def test_roles_and_handover(db_path: Path, cli_incident: str) -> None:
    ok("role", cli_incident, "ic", "Ana", db=db_path)
    ok("role", cli_incident, "IC", "Bo", db=db_path)
    ok("role", cli_incident, "sme", "Cy", db=db_path)
    roles = json.loads(ok("roles", cli_incident, "--json", db=db_path))
    assert [(r["role"], r["person"]) for r in roles] == [("ic", "Bo"), ("sme", "Cy")]
    timeline = json.loads(ok("show", cli_incident, "--json", db=db_path))["timeline"]
    assert "IC handed from Ana to Bo" in [e["text"] for e in timeline]
    ok("unassign", cli_incident, "sme", "Cy", db=db_path)
    assert "Cy" not in ok("roles", cli_incident, db=db_path)


def test_rollback_and_hotfix_are_listed(db_path: Path, cli_incident: str) -> None:
    ok(
        "rollback",
        cli_incident,
        "--from",
        "v1.4.3",
        "--to",
        "v1.4.2",
        "--what",
        "api",
        "--at",
        "-5m",
        db=db_path,
    )
    ok(
        "hotfix",
        cli_incident,
        "--to",
        "v1.4.4",
        "--reason",
        "null check",
        "--author",
        "cy",
        db=db_path,
    )
    records = json.loads(ok("deploys", cli_incident, "--json", db=db_path))
    assert [(r["kind"], r["what"], r["from"], r["to"]) for r in records] == [
        ("rollback", "api", "v1.4.3", "v1.4.2"),
        ("hotfix", "", "", "v1.4.4"),
    ]
    assert records[1]["by"] == "cy"


def test_milestone_correction_and_history(db_path: Path, cli_incident: str) -> None:
    ok("phase", cli_incident, "mitigate", db=db_path)
    ok("milestone", cli_incident, "mitigated", "--at", "-1m", "--reason", "earlier", db=db_path)
    ok("severity", cli_incident, "P0", db=db_path)
    history = json.loads(ok("history", cli_incident, "--json", db=db_path))
    assert [p["severity"] for p in history["severity"]] == ["P1", "P0"]
    assert set(history["phase_seconds"]) == {
        "detect",
        "triage",
        "mitigate",
        "resolve",
        "postmortem",
    }
    kinds = [
        e["kind"] for e in json.loads(ok("show", cli_incident, "--json", db=db_path))["timeline"]
    ]
    assert "milestone" in kinds


@pytest.mark.parametrize(
    "args",
    [
        ["role", "INC-1", "captain", "Ana"],
        ["rollback", "INC-1"],
        ["checklist", "INC-1", "--phase", "fixing"],
        ["milestone", "INC-1", "mitigated"],
    ],
)
def test_usage_errors_exit_2(db_path: Path, cli_incident: str, args: list[str]) -> None:
    result = commander(*args, db=db_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_ambiguous_item_exits_1_with_one_line(db_path: Path, cli_incident: str) -> None:
    before = ok("show", cli_incident, "--json", db=db_path)
    result = commander("check", cli_incident, "monitor", db=db_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "matches 2 items" in result.stderr
    assert ok("show", cli_incident, "--json", db=db_path) == before


def test_history_of_a_resolved_incident_stops_at_its_resolution(
    db_path: Path, sqlite_store: Any
) -> None:
    from commander.domain import Phase, Severity
    from commander.domain.when import utc_now
    from commander.services.incidents import change_phase, change_severity, declare_incident

    # Times relative to the real clock: the CLI runs in its own process, on it.
    now = utc_now()
    store = sqlite_store  # the file at db_path
    ref = declare_incident(store, "Done", Severity.P1, "ana", now=now - 40 * MINUTE).ref
    change_severity(store, ref, Severity.P0, "ana", now=now - 35 * MINUTE)
    change_phase(store, ref, Phase.RESOLVE, "ana", now=now - 10 * MINUTE)
    history = json.loads(ok("history", ref, "--json", db=db_path))
    assert [p["seconds"] for p in history["severity"]] == [5 * 60, 25 * 60]
    assert history["phase_seconds"]["detect"] == 30 * 60
    assert history["phase_seconds"]["resolve"] == 0
