"""The checklist panel shows what the app ticked, and what an escalation replaced."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from commander.domain import Phase, Severity
from tests.support.cockpit import Cockpit
from ui.response.severity_dialog import SeverityDialog

ROLLBACK = "Roll back to the last known good version"


def rows(cockpit: Cockpit) -> list[str]:
    model = cockpit.response.checklist_panel.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def test_a_rollback_typed_in_the_bar_ticks_its_item_with_the_auto_marker(
    qtbot, cockpit: Cockpit
) -> None:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P1)
    panel = cockpit.response.checklist_panel
    panel.phase_combo.setCurrentIndex(Phase.MITIGATE.order)
    bar = cockpit.panel.entry_bar
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, "/rollback api v1.4.3 -> v1.4.2 pool size")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(
            r.startswith(f"{ROLLBACK}  ✓ (auto: rollback recorded) ") for r in rows(cockpit)
        ),
        timeout=10_000,
    )
    row = next(i for i, r in enumerate(rows(cockpit)) if r.startswith(ROLLBACK))
    tooltip = panel.model.data(panel.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "Ticked by the app at" in tooltip and "rollback recorded" in tooltip

    # Undone as a person's tick is: Space on the item.
    panel.list.setFocus()
    panel.list.setCurrentIndex(panel.model.index(row))
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.model.item_at(row).checked, timeout=10_000)
    assert rows(cockpit)[row] == ROLLBACK


def test_raising_p1_to_p0_shows_one_status_update_item_naming_the_one_it_replaced(
    qtbot, cockpit: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P1)
    panel = cockpit.response.checklist_panel
    panel.phase_combo.setCurrentIndex(Phase.MITIGATE.order)
    assert [r for r in rows(cockpit) if "status update" in r] == [
        "Post a status update at least every 30 minutes"
    ]

    def choose_p0(self: SeverityDialog) -> int:
        self.choose(Severity.P0, "card data lost")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SeverityDialog, "exec", choose_p0)
    cockpit.header.severity_badge.click()
    qtbot.waitUntil(
        lambda: (
            [r for r in rows(cockpit) if "status update" in r]
            == ["Post a status update at least every 15 minutes"]
        ),
        timeout=10_000,
    )
    row = rows(cockpit).index("Post a status update at least every 15 minutes")
    tooltip = panel.model.data(panel.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "Replaces “Post a status update at least every 30 minutes”" in tooltip
