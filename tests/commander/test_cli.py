"""The public CLI contract, driven as a script would: real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as commander


def test_declare_log_show_round_trip(db_path: Path) -> None:
    ref = ok(
        "declare", "Payments API 5xx", "--severity", "P1", "--summary", "14% errors", db=db_path
    ).strip()
    assert ref == "INC-1"
    ok("log", ref, "paged on-call", "--at", "-5m", "--kind", "action", "--author", "bo", db=db_path)
    ok("log", ref, "error rate falling", "--kind", "observation", db=db_path)
    ok("severity", ref, "P0", "--reason", "data loss", db=db_path)
    ok("phase", ref, "mitigate", db=db_path)
    document = json.loads(ok("show", ref, "--json", db=db_path))
    assert (document["ref"], document["severity"], document["phase"]) == ("INC-1", "P0", "mitigate")
    timeline = document["timeline"]
    assert [e["kind"] for e in timeline] == [
        "action",
        "declared",
        "observation",
        "severity",
        "phase",
    ]
    assert set(timeline[0]) == {
        "id",
        "occurred_at",
        "recorded_at",
        "author",
        "kind",
        "text",
        "pinned",
        "version",
    }
    assert timeline[0]["author"] == "bo"
    occurred = [datetime.fromisoformat(e["occurred_at"]) for e in timeline]
    assert all(t.utcoffset() == timedelta(0) for t in occurred)
    assert occurred == sorted(occurred)


def test_export_json_holds_the_show_document(db_path: Path, tmp_path: Path) -> None:
    ref = ok("declare", "Disk full", "--severity", "P2", db=db_path).strip()
    out = tmp_path / "inc.json"
    ok("export", ref, "--format", "json", "-o", str(out), db=db_path)
    exported, shown = json.loads(out.read_text()), json.loads(ok("show", ref, "--json", db=db_path))
    # The export adds the postmortem, action items and audit; every show key stays the same.
    assert {key: exported[key] for key in shown} == shown


def test_list_json(db_path: Path) -> None:
    ok("declare", "A", "--severity", "P3", db=db_path)
    ok("declare", "B", "--severity", "P0", db=db_path)
    rows = json.loads(ok("list", "--json", db=db_path))
    assert [(r["ref"], r["severity"]) for r in rows] == [("INC-2", "P0"), ("INC-1", "P3")]
    assert set(rows[0]) >= {"ref", "title", "severity", "phase", "declared_at"}


def test_list_puts_active_incidents_first_and_marks_an_overdue_update(
    db_path: Path, sqlite_store: Any
) -> None:
    from commander.domain import Phase, Severity
    from commander.domain.when import utc_now
    from commander.services.incidents import change_phase, declare_incident

    # Times relative to the real clock: the CLI runs in its own process, on it.
    now = utc_now()
    store = sqlite_store  # the file at db_path
    declare_incident(store, "Quiet", Severity.P3, "ana", now=now - timedelta(minutes=50))
    late = declare_incident(
        store, "Late update", Severity.P1, "ana", now=now - timedelta(minutes=40)
    ).ref
    done = declare_incident(
        store,
        "Resolved",
        Severity.P0,
        "ana",
        impact_started_at=now - timedelta(minutes=35),
        now=now - timedelta(minutes=30),
    ).ref
    change_phase(store, done, Phase.RESOLVE, "ana", now=now - timedelta(minutes=10))
    rows = json.loads(ok("list", "--json", db=db_path))
    assert [r["title"] for r in rows] == ["Late update", "Quiet", "Resolved"]
    assert [r["active"] for r in rows] == [True, True, False]
    assert [r["update_overdue"] for r in rows] == [True, False, False]
    assert rows[0]["next_update_due"] == (now - timedelta(minutes=10)).isoformat()
    assert rows[1]["next_update_due"] is None  # P3: no scheduled updates
    assert rows[2]["elapsed_seconds"] == 25 * 60  # impact start → resolved, stopped
    assert rows[2]["resolved_at"] == (now - timedelta(minutes=10)).isoformat()
    text = ok("list", db=db_path).splitlines()
    assert text[0].startswith(f"{late:<8} P1  detect") and text[0].endswith("(update overdue)")
    assert "lasted 25m" in text[2]


def test_db_from_environment(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMANDER_DB", str(db_path))
    assert commander("declare", "Env", "--severity", "P4").stdout.strip() == "INC-1"
    assert db_path.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["declare", "X", "--severity", "P7"],
        ["declare", "X"],
        ["log", "INC-1", "x", "--at", "yesterday-ish"],
        # Past datetime's range: each printed a 52-line OverflowError before.
        ["log", "INC-1", "x", "--at", "-99999999h"],
        ["log", "INC-1", "x", "--at", "0001-01-01T00:00+14:00"],
        ["log", "INC-1", "x", "--at", "-" + "9" * 30 + "m"],
        ["declare", "X", "--severity", "P2", "--impact-start", "9999-12-31T23:59-12:00"],
        ["milestone", "INC-1", "mitigated", "--at", "-99999999h"],
        ["log", "INC-1", "x", "--kind", "severity"],
        ["phase", "INC-1", "fixing"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_and_change_nothing(db_path: Path, args: list[str]) -> None:
    ok("declare", "Existing", "--severity", "P2", db=db_path)
    before = ok("show", "INC-1", "--json", db=db_path)
    result = commander(*args, db=db_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ok("show", "INC-1", "--json", db=db_path) == before


def test_other_errors_exit_1_with_one_line(db_path: Path, tmp_path: Path) -> None:
    ok("declare", "Existing", "--severity", "P2", db=db_path)
    missing = commander("log", "INC-99", "hello", db=db_path)
    assert (missing.returncode, missing.stderr) == (1, "commander: no incident INC-99\n")
    huge = commander("show", "INC-99999999999999999999", db=db_path)  # an OverflowError once
    assert (huge.returncode, huge.stderr) == (
        1,
        "commander: no incident INC-99999999999999999999\n",
    )
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    bad = commander("list", db=junk)
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1 and str(junk) in bad.stderr
    assert "Traceback" not in bad.stderr
    assert junk.read_text() == "not a database"


def test_an_argument_that_is_not_valid_text_is_a_usage_error_naming_it(
    db_path: Path, tmp_path: Path
) -> None:
    # Bytes that are not UTF-8 reach Python as lone surrogates ("\udcff" is the byte 0xff);
    # each of these said "internal error: UnicodeEncodeError" before.
    ok("declare", "Existing", "--severity", "P2", db=db_path)
    before = ok("show", "INC-1", "--json", db=db_path)
    for args, named in (
        (["log", "INC-1", "\udcff"], "text"),
        (["log", "INC-1", "fine", "--author", "a\udcff"], "--author"),
        (["log", "INC-1", "fine", "--at", "\udcff"], "--at"),
    ):
        result = commander(*args, db=db_path)
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1].endswith(
            f"error: argument {named}: not valid text (it holds bytes that are not UTF-8)"
        )
    assert ok("show", "INC-1", "--json", db=db_path) == before
    # A file name is not text: such a store path keeps working.
    assert (
        ok("declare", "Elsewhere", "--severity", "P3", db=tmp_path / "\udcff.sqlite") == "INC-1\n"
    )


def test_version() -> None:
    result = commander("--version")
    assert result.returncode == 0 and result.stdout.startswith("commander ")


def test_window_without_display_says_what_to_do(db_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "ui", "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr and "Traceback" not in result.stderr


def test_hh_mm_after_at_is_read_on_the_clock_the_settings_choose(db_path: Path) -> None:
    # The machine runs five and a half hours ahead of UTC (no DST). The window reads a
    # typed "HH:MM" on the clock it shows, UTC unless local time is on; `log --at` must
    # read it the same way (it used to take the machine's local clock always).
    zone = timezone(timedelta(hours=5, minutes=30))
    env = {"TZ": "IST-5:30"}
    ref = ok("declare", "Clock test", "--severity", "P2", db=db_path, env=env).strip()
    settings = Path(os.environ["COMMANDER_SETTINGS"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    # Two hours ago, to the minute, on each clock (an HH:MM later than now means yesterday).
    earlier = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    for show_local_time, shown in ((False, earlier), (True, earlier.astimezone(zone))):
        settings.write_text(json.dumps({"show_local_time": show_local_time}))
        text = f"local={show_local_time}"
        ok("log", ref, text, "--at", f"{shown:%H:%M}", db=db_path, env=env)
    document = json.loads(ok("show", ref, "--json", db=db_path))
    logged = {e["text"]: datetime.fromisoformat(e["occurred_at"]) for e in document["timeline"]}
    assert logged["local=False"] == earlier
    assert logged["local=True"] == earlier
