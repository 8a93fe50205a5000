"""``commander report``, ``search`` and ``similar`` driven as a script would."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from commander.services.reports import readable_duration
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as commander


def seed(db: Path) -> None:
    """Written in-process (one subprocess per step would make these tests slow)."""
    from commander.domain import EntryKind, Phase, Severity
    from commander.domain.when import utc_now
    from commander.services.incidents import change_phase, declare_incident
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    store = open_store(str(db), create=True)
    try:
        start = utc_now() - timedelta(minutes=30)
        declare_incident(store, "Redis pool exhausted", Severity.P1, "ana", impact_started_at=start)
        log_entry(store, "INC-1", "raised redis maxclients", "bo", kind=EntryKind.ACTION)
        change_phase(store, "INC-1", Phase.RESOLVE, "ana")
        declare_incident(store, "Login page slow", Severity.P3, "ana")
        declare_incident(store, "Redis pool exhausted again", Severity.P2, "ana")
    finally:
        store.close()


def test_report_json_csv_and_text_agree(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    out = tmp_path / "report.csv"
    document = json.loads(ok("report", "--json", "--csv", str(out), db=db_path))
    assert document["incidents"] == 3
    assert document["open_action_items"] == 0
    (month,) = document["months"]
    assert (month["P1"], month["P2"], month["P3"], month["total"]) == (1, 1, 1, 3)
    mttr = next(t for t in document["times"] if (t["metric"], t["severity"]) == ("mttr", "P1"))
    assert mttr["measured"] == 1 and 30 * 60 <= mttr["mean_seconds"] < 35 * 60
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    row = next(r for r in rows if (r["measure"], r["severity"]) == ("mttr_mean", "P1"))
    assert int(row["value"]) == mttr["mean_seconds"]
    assert (mttr["mean_text"], mttr["median_text"]) == (
        readable_duration(mttr["mean_seconds"]),
        readable_duration(mttr["median_seconds"]),
    )
    text = ok("report", db=db_path)
    assert "3 incidents, all time" in text and "MTTR" in text
    # Times as a person reads them, in lines an 80-column terminal holds.
    assert f"P1   {mttr['mean_text']:<13}{mttr['median_text']:<13}1" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_report_since_a_later_month_is_empty(db_path: Path) -> None:
    seed(db_path)
    document = json.loads(ok("report", "--since", "2999-01", "--json", db=db_path))
    assert (document["since"], document["incidents"], document["months"]) == ("2999-01", 0, [])


def test_report_bad_month_is_a_usage_error(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.csv"
    result = commander("report", "--since", "2026-13", "--csv", str(out), db=db_path)
    assert result.returncode == 2 and "YYYY-MM" in result.stderr
    assert not out.exists()


def test_report_unwritable_csv_fails_in_one_line(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    result = commander("report", "--csv", str(tmp_path / "no" / "such" / "dir.csv"), db=db_path)
    assert result.returncode == 1
    assert result.stderr.startswith("commander: cannot write") and result.stderr.count("\n") == 1


def test_search_across_incidents(db_path: Path) -> None:
    seed(db_path)
    groups = json.loads(ok("search", "redis", "--json", db=db_path))
    assert [(g["ref"], g["matches"]) for g in groups] == [("INC-1", 2), ("INC-3", 1)]
    assert groups[0]["hits"][1]["snippet"] == "raised redis maxclients"
    assert "INC-1" in ok("search", "maxclients", db=db_path)
    assert ok("search", "nothing-like-this", db=db_path) == "no entry matches\n"


def test_search_shows_postmortem_matches(db_path: Path) -> None:
    from dataclasses import replace

    from commander.services.postmortem import get_postmortem, save_postmortem
    from commander.store.engine import open_store

    seed(db_path)
    store = open_store(str(db_path), create=False)
    try:
        draft = get_postmortem(store, "INC-2")
        sections = {"summary": "A cold CDN cache after the purge."}
        save_postmortem(store, replace(draft, template="sre", sections=sections), "ana")
    finally:
        store.close()
    (group,) = json.loads(ok("search", "cdn purge", "--json", db=db_path))
    assert (group["ref"], group["matches"], group["hits"]) == ("INC-2", 0, [])
    assert group["postmortem_matches"] == 1
    assert group["postmortem_hits"] == [
        {
            "section": "summary",
            "section_title": "Summary",
            "action_item_id": None,
            "snippet": "A cold CDN cache after the purge.",
        }
    ]
    text = ok("search", "cdn purge", db=db_path)
    assert "(0 matching, 1 in postmortem)" in text
    assert "    postmortem · Summary: A cold CDN cache after the purge." in text


def test_similar_suggests_the_past_incident(db_path: Path) -> None:
    seed(db_path)
    (found,) = json.loads(ok("similar", "INC-3", "--json", db=db_path))
    assert (found["ref"], found["severity"], found["postmortem"]) == ("INC-1", "P1", None)
    assert found["resolved_at"] is not None and found["runbooks"] == []
    assert "INC-1" in ok("similar", "INC-3", db=db_path)


@pytest.mark.parametrize("args", [["similar", "INC-9"], ["similar", "nonsense"]])
def test_similar_unknown_incident_exits_1(db_path: Path, args: list[str]) -> None:
    seed(db_path)
    result = commander(*args, db=db_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
