"""Migration 0012: the items of the replaceable duties an older version filled get their
slot, so today's checklist sheds what those versions stacked."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from commander.services.checklist import checklist
from commander.store.engine import open_store

FIXTURES = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "fixtures"


def _slots(path: Path) -> dict[str, str | None]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT text, slot FROM checklist_items WHERE incident_id = 1"
        ).fetchall()
    connection.close()
    return dict(rows)


def test_older_items_of_replaceable_duties_get_their_slot(tmp_path: Path) -> None:
    path = tmp_path / "incidents.sqlite"
    shutil.copyfile(FIXTURES / "stores" / "rev_0009.sqlite", path)
    open_store(str(path), create=False).close()
    slots = _slots(path)
    # INC-1 was a P1 with its cadence set to 15 minutes when 0009 wrote it.
    assert slots["Assign an Incident Commander"] == "incident-commander"
    assert slots["Post a status update at least every hour"] == "status-updates"
    assert slots["Schedule the postmortem review within a week"] == "postmortem-review"
    assert slots["Scale resources"] is None

    store = open_store(str(path), create=False)
    try:
        view = checklist(store, "INC-1")
    finally:
        store.close()
    cadence = [item.text for item in view.items if item.slot == "status-updates"]
    assert cadence == ["Post a status update at least every 15 minutes"]
    assert [item.text for item in view.superseded] == ["Post a status update at least every hour"]
