"""``commander action-item`` and ``action-items`` through a real subprocess."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from tests.support.cli import cli_ok, run_cli

# The core's own entry point, not the launcher's.
_AS_ANA: dict[str, Any] = {"entry": ("-m", "commander"), "env": {"COMMANDER_AUTHOR": "ana"}}
commander = partial(run_cli, **_AS_ANA)
ok = partial(cli_ok, **_AS_ANA)


def test_add_and_list(db_path: Path) -> None:
    ref = ok("declare", "Disk full", "--severity", "P2", db=db_path).strip()
    late = ok(
        "action-item", ref, "Alert on disk usage", "--owner", "bo", "--type", "detect",
        "--priority", "high", "--due", "2020-01-01", "--tracker", "https://t.example/1", db=db_path,
    ).strip()  # fmt: skip
    ok("action-item", ref, "Write a runbook", db=db_path)
    rows = json.loads(ok("action-items", "--json", db=db_path))
    assert [(r["id"], r["overdue"], r["type"]) for r in rows] == [
        (int(late), True, "detect"),
        (int(late) + 1, False, "prevent"),
    ]
    assert "OVERDUE" in ok("action-items", "--overdue", db=db_path)
    assert len(ok("action-items", "--overdue", db=db_path).splitlines()) == 1
    shown = json.loads(ok("show", ref, "--json", db=db_path))
    assert shown["timeline"][-2]["text"].startswith(f"Action item #{late} added (detect, owner bo")


def test_bad_values(db_path: Path) -> None:
    ref = ok("declare", "Disk full", "--severity", "P2", db=db_path).strip()
    bad_type = commander("action-item", ref, "x", "--type", "fix", db=db_path)
    assert bad_type.returncode == 2 and "unknown action item type 'fix'" in bad_type.stderr
    assert commander("action-item", ref, "x", "--due", "tomorrow", db=db_path).returncode == 2
    bad_link = commander("action-item", ref, "x", "--tracker", "javascript:alert(1)", db=db_path)
    assert bad_link.returncode == 1 and "must start with https://" in bad_link.stderr
    assert json.loads(ok("action-items", "--json", db=db_path)) == []
