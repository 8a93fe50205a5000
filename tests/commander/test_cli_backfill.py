"""``--at TIME`` on every command that writes a change's entry: a scribe backfills an
incident after the fact, and the history stays in order (``domain.backdating``).

Run in this process with the ``clock`` fixture (one subprocess per case would cost
seconds); tests/commander/commands/ drive the same commands as real subprocesses.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commander import cli
from commander.domain import Phase, Severity
from commander.domain.auto_checks import APP as APP_AUTHOR
from commander.domain.roles import Role
from commander.services.checklist import check_item, checklist, mark_not_applicable
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.reports import build_report
from commander.services.roles import assign_role
from commander.store.engine import Store, open_store
from commander.store.orm import Incident, TimelineEntry
from commander.store.orm_response import ChecklistItem, RoleAssignment
from tests.conftest import FROZEN_AT

DECLARED = FROZEN_AT - timedelta(hours=3)
AT = FROZEN_AT - timedelta(hours=2)  # when the backfilled change happened
AT_TEXT = AT.strftime("%Y-%m-%dT%H:%MZ")


@pytest.fixture(autouse=True)
def _no_log_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` adds a log file handler per call: fine in a process, not in the test's."""
    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INC-1, P1, declared three hours before FROZEN_AT with Ana as IC, its checklist
    filled. Made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("backfill") / "incidents.sqlite"
    store = open_store(str(path), create=True)
    try:
        declare_incident(store, "Checkout errors", Severity.P1, "ana", now=DECLARED)
        assign_role(store, "INC-1", Role.COMMANDER, "Ana", "ana", now=DECLARED)
        checklist(store, "INC-1")  # the template's items, as a person would see them first
    finally:
        store.close()
    assert not path.with_name(path.name + "-wal").exists()  # one file to copy
    return path


@pytest.fixture
def backfilled(template: Path, db_path: Path, clock) -> Iterator[Store]:
    """A copy of the template, open, with the clock stopped at FROZEN_AT."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, db_path)
    store = open_store(str(db_path), create=False)
    yield store
    store.close()


def commander(*argv: str, db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and stderr of ``commander --db DB ARGV`` run here (stdout: ``printed``)."""
    capsys.readouterr()
    code = cli.run(cli.parse_args(["--db", str(db), *argv]))
    captured = capsys.readouterr()
    printed.append(captured.out)
    return code, captured.err


printed: list[str] = []


def newest_entry(store: Store) -> TimelineEntry:
    """The newest entry a person's command wrote: the app's own bookkeeping that follows
    (an item ticked or replaced, by ``app``) is written when it happens, not backdated."""
    with store.read() as session:
        query = select(TimelineEntry).where(TimelineEntry.author != APP_AUTHOR)
        entry = session.scalars(query.order_by(TimelineEntry.id.desc())).first()
        assert entry is not None
        return entry


def incident_row(store: Store, number: int = 1) -> Incident:
    with store.read() as session:
        row = session.get(Incident, number)
        assert row is not None
        return row


def item_row(store: Store, text: str) -> ChecklistItem:
    with store.read() as session:
        return session.scalars(select(ChecklistItem).where(ChecklistItem.text == text)).one()


def role_row(store: Store, person: str) -> RoleAssignment:
    with store.read() as session:
        return session.scalars(select(RoleAssignment).where(RoleAssignment.person == person)).one()


def _nothing(store: Store) -> None:
    return None


def _checked(store: Store) -> None:
    check_item(store, "INC-1", "user reports", "ana", now=DECLARED)


def _set_aside(store: Store) -> None:
    mark_not_applicable(store, "INC-1", "automated", "none here", "ana", now=DECLARED)


Stamp = Callable[[Store], datetime | None]
CASES: list[tuple[list[str], Callable[[Store], None], Stamp]] = [
    (
        ["declare", "Search is stale", "--severity", "P3"],
        _nothing,
        lambda store: incident_row(store, 2).declared_at,
    ),
    (["severity", "INC-1", "P0"], _nothing, lambda store: incident_row(store).severity_since),
    (["phase", "INC-1", "triage"], _nothing, lambda store: incident_row(store).acknowledged_at),
    (["role", "INC-1", "ic", "Bo"], _nothing, lambda store: role_row(store, "Bo").assigned_at),
    (["unassign", "INC-1", "ic"], _nothing, lambda store: role_row(store, "Ana").ended_at),
    (
        ["check", "INC-1", "user reports"],
        _nothing,
        lambda store: item_row(store, "User reports collected").checked_at,
    ),
    (["uncheck", "INC-1", "user reports"], _checked, lambda store: newest_entry(store).occurred_at),
    (
        ["not-applicable", "INC-1", "automated", "--reason", "none here"],
        _nothing,
        lambda store: item_row(store, "Automated checks run").not_applicable_at,
    ),
    (
        ["applicable", "INC-1", "automated"],
        _set_aside,
        lambda store: newest_entry(store).occurred_at,
    ),
    (
        ["checklist-add", "INC-1", "Call the CDN vendor"],
        _nothing,
        lambda store: item_row(store, "Call the CDN vendor").added_at,
    ),
    (
        ["rollback", "INC-1", "--to", "v1.4.2"],
        _nothing,
        lambda store: newest_entry(store).occurred_at,
    ),
    (
        ["hotfix", "INC-1", "--to", "v1.4.3"],
        _nothing,
        lambda store: newest_entry(store).occurred_at,
    ),
]


@pytest.mark.parametrize(("argv", "before", "stamp"), CASES, ids=[c[0][0] for c in CASES])
def test_at_dates_the_change_and_its_entry(
    backfilled: Store, db_path: Path, capsys, argv: list[str], before, stamp: Stamp
) -> None:
    before(backfilled)
    code, error = commander(*argv, "--at", AT_TEXT, db=db_path, capsys=capsys)
    assert code == 0
    assert all(line.startswith("commander: warning:") for line in error.splitlines())
    entry = newest_entry(backfilled)
    assert (entry.occurred_at, entry.recorded_at) == (AT, FROZEN_AT)  # typed later
    assert stamp(backfilled) == AT


@pytest.mark.parametrize("argv", [case[0] for case in CASES], ids=[c[0][0] for c in CASES])
def test_a_time_out_of_range_is_a_usage_error(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.parse_args([*argv, "--at", "-99999999h"])
    assert exited.value.code == 2
    assert "out of range" in capsys.readouterr().err


def test_a_backfilled_declaration_counts_in_its_own_month(db_path: Path, clock, capsys) -> None:
    # FROZEN_AT is in November; declared on the evening of 31 October, UTC.
    argv = ["declare", "Old outage", "--severity", "P2", "--at", "2026-10-31T23:30Z"]
    assert commander(*argv, db=db_path, capsys=capsys) == (0, "")
    assert commander("report", "--json", db=db_path, capsys=capsys) == (0, "")
    months = json.loads(printed[-1])["months"]
    assert [(m["month"], m["P2"]) for m in months] == [("2026-10", 1), ("2026-11", 0)]


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        (
            ["severity", "INC-1", "P2", "--at", "-4h"],
            "a severity change cannot be dated 2026-11-27 06:00:00Z: before the incident was "
            "declared (2026-11-27 07:00:00Z)",
        ),
        (
            ["severity", "INC-1", "P2", "--at", "-150m"],
            "a severity change cannot be dated 2026-11-27 07:30:00Z: INC-1 has been P0 since "
            "2026-11-27 08:00:00Z",
        ),
        (
            ["phase", "INC-1", "resolve", "--at", "-150m"],
            "a phase change cannot be dated 2026-11-27 07:30:00Z: INC-1 has been in Mitigate "
            "since 2026-11-27 08:00:00Z",
        ),
        (
            ["role", "INC-1", "ic", "Bo", "--at", "-4h"],
            "the handover cannot be dated 2026-11-27 06:00:00Z: Ana has been IC since "
            "2026-11-27 07:00:00Z",
        ),
        (
            ["unassign", "INC-1", "ic", "--at", "-4h"],
            "the release cannot be dated 2026-11-27 06:00:00Z: Ana has been IC since "
            "2026-11-27 07:00:00Z",
        ),
    ],
    ids=["before-declared", "before-last-severity", "before-last-phase", "handover", "release"],
)
def test_a_change_dated_out_of_order_is_refused_and_changes_nothing(
    backfilled: Store, db_path: Path, capsys, argv: list[str], refusal: str
) -> None:
    change_severity(backfilled, "INC-1", Severity.P0, "ana", now=AT)
    change_phase(backfilled, "INC-1", Phase.MITIGATE, "ana", now=AT)
    before = newest_entry(backfilled).id
    code, error = commander(*argv, db=db_path, capsys=capsys)
    assert (code, error) == (1, f"commander: {refusal}\n")
    assert newest_entry(backfilled).id == before
    row = incident_row(backfilled)
    assert (row.severity, row.phase) == ("P0", "mitigate")


def test_the_dated_change_reads_in_order_in_the_history(
    backfilled: Store, db_path: Path, capsys
) -> None:
    for argv in (
        ["severity", "INC-1", "P0", "--at", "-150m"],
        ["severity", "INC-1", "P2", "--at", "-1h"],
    ):
        assert commander(*argv, db=db_path, capsys=capsys) == (0, "")
    assert commander("history", "INC-1", "--json", db=db_path, capsys=capsys) == (0, "")
    periods = json.loads(printed[-1])["severity"]
    assert [(p["severity"], p["since"], p["until"]) for p in periods] == [
        ("P1", "2026-11-27T07:00:00+00:00", "2026-11-27T07:30:00+00:00"),
        ("P0", "2026-11-27T07:30:00+00:00", "2026-11-27T09:00:00+00:00"),
        ("P2", "2026-11-27T09:00:00+00:00", None),
    ]
    (counted,) = build_report(backfilled).incidents
    assert counted.peak_severity is Severity.P0  # the dated P0 counts, as if logged live
