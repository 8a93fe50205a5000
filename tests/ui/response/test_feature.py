"""The response tools: severity, phase bar, checklist, roles (the feature on a real store)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog

from commander.domain import Phase, Severity
from tests.support.cockpit import Cockpit
from ui.response import phase_warning
from ui.response.roles_dialog import RolesDialog
from ui.response.severity_dialog import SeverityDialog


@pytest.fixture
def shown(qtbot, cockpit: Cockpit) -> Cockpit:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    panel = cockpit.response.checklist_panel
    qtbot.waitUntil(lambda: panel is not None and panel.model.rowCount() > 0, timeout=10_000)
    return cockpit


def entry_texts(window: Cockpit) -> list[str]:
    model = window.panel.timeline_model
    return [model.entry_at(row).text for row in range(model.rowCount())]


def wait_for_entry(qtbot, window: Cockpit, text: str) -> None:
    qtbot.waitUntil(lambda: text in entry_texts(window), timeout=10_000)


def test_severity_dialog_shows_each_definition_and_logs_the_reason(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = SeverityDialog(Severity.P2)
    qtbot.addWidget(dialog)
    for severity, radio in dialog.radios.items():
        assert severity.definition in radio.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()

    def choose_p0(self: SeverityDialog) -> int:
        self.choose(Severity.P0, "card data lost")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SeverityDialog, "exec", choose_p0)
    shown.header.severity_badge.click()
    header = shown.header
    qtbot.waitUntil(lambda: header.severity_badge.text() == "P0 Critical", timeout=10_000)
    assert header.severity_badge.property("severity") == "P0"
    assert "in P0" in header.clock_detail.toolTip()  # the whole line, however narrow
    wait_for_entry(qtbot, shown, "Raised severity P2 → P0 (Critical): card data lost")


def test_phase_bar_highlights_the_current_phase_and_times_each(qtbot, shown: Cockpit) -> None:
    bar = shown.header.phase_bar
    assert bar.current_phase() is Phase.DETECT
    assert bar.buttons[Phase.DETECT].property("state") == "current"
    assert bar.buttons[Phase.MITIGATE].property("state") == "future"
    qtbot.waitUntil(lambda: bar.elapsed(Phase.DETECT) is not None, timeout=10_000)
    assert bar.buttons[Phase.DETECT].text().startswith("Detect\n")
    assert bar.buttons[Phase.RESOLVE].text() == "Resolve\n–"


def test_leaving_a_phase_with_open_items_warns_and_can_stay(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[Phase, Phase, list[str]]] = []

    def stay(_parent, leaving: Phase, going: Phase, items: list[str]) -> bool:
        asked.append((leaving, going, items))
        return False

    monkeypatch.setattr(phase_warning, "confirm_leaving", stay)
    shown.header.phase_bar.buttons[Phase.MITIGATE].click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    assert asked[0][:2] == (Phase.DETECT, Phase.MITIGATE)
    assert asked[0][2] == [
        "Monitoring alerts reviewed",
        "User reports collected",
        "Automated checks run",
    ]
    shown.context.writer.wait()
    assert shown.incident.phase is Phase.DETECT


def test_moving_on_anyway_and_back(qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phase_warning, "confirm_leaving", lambda *_args: True)
    bar = shown.header.phase_bar
    bar.buttons[Phase.MITIGATE].click()
    qtbot.waitUntil(lambda: bar.current_phase() is Phase.MITIGATE, timeout=10_000)
    assert bar.buttons[Phase.DETECT].property("state") == "past"
    assert bar.buttons[Phase.MITIGATE].property("state") == "current"
    panel = shown.response.checklist_panel
    qtbot.waitUntil(lambda: panel.shown_phase() is Phase.MITIGATE, timeout=10_000)
    bar.buttons[Phase.TRIAGE].click()
    qtbot.waitUntil(lambda: bar.current_phase() is Phase.TRIAGE, timeout=10_000)
    wait_for_entry(qtbot, shown, "Moved back from Mitigate to Triage")


def test_space_checks_the_selected_item(qtbot, shown: Cockpit) -> None:
    panel = shown.response.checklist_panel
    panel.list.setFocus()
    panel.list.setCurrentIndex(panel.model.index(1))
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.model.item_at(1).checked, timeout=10_000)
    assert panel.model.item_at(1).checked_by == "ana"
    assert panel.progress.text() == "1/3 done"
    wait_for_entry(qtbot, shown, "Checked “User reports collected” (Detect)")
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.model.item_at(1).checked, timeout=10_000)


def test_add_item_and_not_applicable_with_reason(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = shown.response.checklist_panel
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args: ("Ask the CDN vendor", True))
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=10_000)
    assert panel.model.item_at(3).text == "Ask the CDN vendor"
    panel.list.setCurrentIndex(panel.model.index(2))
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args: ("no such checks", True))
    panel.na_button.click()
    qtbot.waitUntil(lambda: panel.model.item_at(2).not_applicable, timeout=10_000)
    index = panel.model.index(2)
    assert "n/a: no such checks" in index.data()
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None
    assert panel.na_button.text() == "Applicable again"


def test_roles_dialog_assigns_and_hands_over(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = iter([{"ic": "Ana", "sme": "Cy, Di"}, {"ic": "Bo"}])

    def fill(self: RolesDialog) -> int:
        for role, text in next(names).items():
            self.edits[next(r for r in self.edits if r.value == role)].setText(text)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RolesDialog, "exec", fill)
    header = shown.header
    qtbot.waitUntil(lambda: shown.response.roles is not None, timeout=10_000)
    header.roles_button.click()
    qtbot.waitUntil(
        lambda: header.roles_button.text() == "Roles: IC: Ana · SME: Cy, Di", timeout=10_000
    )
    header.roles_button.click()
    qtbot.waitUntil(
        lambda: header.roles_button.text() == "Roles: IC: Bo · SME: Cy, Di", timeout=10_000
    )
    wait_for_entry(qtbot, shown, "IC handed from Ana to Bo")


def test_rollback_typed_in_the_quick_entry_bar_is_a_structured_entry(qtbot, shown: Cockpit) -> None:
    bar = shown.panel.entry_bar
    shown.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, "-2m /rollback api v1.4.3 -> v1.4.2 pool size")
    with qtbot.waitSignal(shown.timeline.entry_logged, timeout=10_000) as logged:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    entry = logged.args[0]
    assert (entry.kind, entry.text) == (
        "rollback",
        "Rolled back api from v1.4.3 to v1.4.2: pool size",
    )
    assert entry.data["from"] == "v1.4.3" and entry.data["to"] == "v1.4.2"
    assert bar.text() == ""


def test_correcting_the_mitigated_time_is_logged(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.response.milestone_dialog import MilestoneDialog

    def correct(self: MilestoneDialog) -> int:
        assert self.milestone == "mitigated" and self.current_label.text() == "unset"
        self.time_edit.setText("not a time")
        self._check_and_accept()
        assert self.problem.isVisibleTo(self)  # explained, dialog stays open
        self.time_edit.setText("-1m")
        self.reason_edit.setText("rollback landed")
        self._check_and_accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MilestoneDialog, "exec", correct)
    shown.response.ask_milestone()
    qtbot.waitUntil(lambda: shown.context.incident.mitigated_at is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: any(
            t.startswith("Mitigated time changed from unset to") for t in entry_texts(shown)
        ),
        timeout=10_000,
    )


def test_a_broken_user_checklist_file_is_named_in_the_panel(qtbot, cockpit: Cockpit) -> None:
    from commander.services.checklist_templates import user_template_file

    path = user_template_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"phases": {"detect": ["a",]}}', encoding="utf-8")
    cockpit.declare(qtbot, "Broken template", Severity.P3)
    panel = cockpit.response.checklist_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)  # the shipped items
    assert panel.problem.isVisibleTo(panel)
    assert "not valid JSON (line 1" in panel.problem.text() and str(path) in panel.problem.text()


def test_the_panel_follows_the_phase_but_keeps_a_phase_picked_by_hand(
    qtbot, shown: Cockpit
) -> None:
    panel = shown.response.checklist_panel
    panel.phase_combo.setCurrentIndex(Phase.POSTMORTEM.order)
    assert panel.model.item_at(0).text == "Write the timeline of events"
    shown.response.checklist_read.request()
    qtbot.waitUntil(lambda: not shown.response.checklist_read.loading, timeout=10_000)
    assert panel.shown_phase() is Phase.POSTMORTEM


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_a_long_item_wraps_instead_of_being_cut_off(qtbot) -> None:
    # Runbook steps become items ("Investigation: Follow the application log for
    # errors or retry storms ..."): in the side panel they were cut at its edge.
    from commander.services.checklist import ChecklistItemView, ChecklistView
    from ui.response.checklist_panel import ChecklistPanel

    long_text = "Investigation: follow the application log for errors or retry storms " * 3
    item = ChecklistItemView(
        1, Phase.DETECT, 1, long_text.strip(), "runbook", None, None, None, None, None
    )
    view = ChecklistView("INC-1", Phase.DETECT, Severity.P2, (item,))
    panel = ChecklistPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 400)
    panel.show()
    panel.show_checklist(view)
    qtbot.waitExposed(panel)
    line = panel.list.fontMetrics().height()
    qtbot.waitUntil(lambda: panel.list.visualRect(panel.model.index(0)).height() >= 3 * line)
    assert panel.list.horizontalScrollBar().maximum() == 0


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_the_roles_dialog_shows_its_whole_explanation(qtbot) -> None:
    # The wrapped explanation above the form had its first line cut off.
    from PySide6.QtWidgets import QLabel

    from commander.services.roles import RolesView

    dialog = RolesDialog(RolesView(()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    label = next(w for w in dialog.findChildren(QLabel) if w.wordWrap())
    assert label.geometry().top() >= 0
    assert label.height() >= label.heightForWidth(label.width())
    assert dialog.layout().geometry().bottom() <= dialog.height()


def test_pressing_space_twice_quickly_checks_once_without_an_error(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second press still saw the item unchecked, asked to check it again and
    # got "already checked" in an error dialog while the first write was in flight.
    from PySide6.QtWidgets import QMessageBox

    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: errors.append(text))
    panel = shown.response.checklist_panel
    panel.list.setFocus()
    panel.list.setCurrentIndex(panel.model.index(0))
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.model.item_at(0).checked, timeout=10_000)
    wait_for_entry(qtbot, shown, "Checked “Monitoring alerts reviewed” (Detect)")
    qtbot.waitUntil(shown.idle, timeout=10_000)
    assert errors == []
    assert entry_texts(shown).count("Checked “Monitoring alerts reviewed” (Detect)") == 1


def test_the_roles_dialog_waits_for_the_open_incidents_roles(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Right after switching incidents the controller still held the previous
    # incident's roles: the dialog showed (and diffed against) the wrong people.
    opened: list[RolesDialog] = []
    monkeypatch.setattr(RolesDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.waitUntil(lambda: shown.response.roles is not None, timeout=10_000)
    assert shown.response.roles is not None
    shown.response.roles = ("INC-99", shown.response.roles[1])
    shown.response.ask_roles()
    assert opened == []


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_ok_with_no_time_typed_does_not_clear_the_milestone(qtbot, shown: Cockpit) -> None:
    # "empty to unset" sat at the end of a placeholder cut off by the field's
    # width: pressing Enter on the dialog quietly erased the mitigated time.
    from dataclasses import replace

    from commander.domain.when import utc_now
    from ui.response.milestone_dialog import MilestoneDialog

    incident = replace(shown.incident, mitigated_at=utc_now())
    dialog = MilestoneDialog(incident, False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog._check_and_accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.text() == "Type the new time, or tick “Unset this time”."
    qtbot.waitUntil(
        lambda: dialog.problem.height() >= dialog.problem.heightForWidth(dialog.problem.width())
    )
    dialog.unset_box.setChecked(True)
    assert not dialog.time_edit.isEnabled()
    dialog._check_and_accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.moment is None


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_many_experts_do_not_widen_the_window_past_the_screen(qtbot) -> None:
    # The roles line set the header's minimum width: a dozen experts made it
    # 2,500 px, wider than a laptop screen. Now it is cut short, whole in the tooltip.
    from ui.response.header import IncidentHeader

    header = IncidentHeader()
    qtbot.addWidget(header)
    narrow = header.minimumSizeHint().width()
    experts = ", ".join(f"Expert Number {i} Longname" for i in range(12))
    header.show_roles(f"IC: Ana · SME: {experts}")
    assert header.minimumSizeHint().width() <= narrow
    header.resize(900, 200)
    header.show()
    qtbot.waitExposed(header)
    qtbot.waitUntil(lambda: header.roles_button.text().endswith("…"))
    assert header.roles_button.width() <= header.width()
    assert experts in header.roles_button.toolTip()
    header.show_roles("IC: Ana")
    assert header.roles_button.text() == "Roles: IC: Ana"


def test_a_failed_load_still_runs_the_reload_queued_behind_it(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A change that arrived while a load was failing (the store busy, say) was
    # dropped with it: the panels stayed stale until the next change.
    from PySide6.QtWidgets import QMessageBox

    import commander.services.checklist
    from commander.errors import CommanderError
    from commander.services.checklist import checklist

    monkeypatch.setattr(QMessageBox, "warning", lambda *_args: None)
    calls: list[str] = []

    def flaky(store, ref):
        calls.append(ref)
        if len(calls) == 1:
            raise CommanderError("database is locked")
        return checklist(store, ref)

    monkeypatch.setattr(commander.services.checklist, "checklist", flaky)
    controller = shown.response.checklist_read
    qtbot.waitUntil(lambda: not controller.loading, timeout=10_000)
    controller.request()
    controller.request()  # queued behind the first
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: not controller.loading, timeout=10_000)


def test_an_item_undone_by_another_seat_right_after_can_be_checked_again(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard against double presses waited to see the item checked; when
    # another seat unchecked it first, the item stayed "on its way" for good.
    import commander.services.checklist

    writes: list[int] = []

    def check_then_undone(store, ref, item, author):
        writes.append(item)  # written, and at once undone by another seat

    monkeypatch.setattr(commander.services.checklist, "check_item", check_then_undone)
    controller = shown.response
    item = shown.response.checklist_panel.model.item_at(0)
    controller.toggle_item(item, True)
    qtbot.waitUntil(lambda: writes == [item.id], timeout=10_000)
    qtbot.waitUntil(lambda: shown.idle() and not controller.checklist_read.loading, timeout=10_000)
    controller.toggle_item(item, True)
    qtbot.waitUntil(lambda: writes == [item.id, item.id], timeout=10_000)


def test_open_items_of_earlier_phases_stay_in_sight_and_can_be_checked(
    qtbot, shown: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phase_warning, "confirm_leaving", lambda *_args: True)
    panel = shown.response.checklist_panel
    model = panel.model
    shown.header.phase_bar.buttons[Phase.TRIAGE].click()
    qtbot.waitUntil(lambda: panel.shown_phase() is Phase.TRIAGE, timeout=10_000)

    def texts() -> list[str]:
        return [model.index(row).data() for row in range(model.rowCount())]

    qtbot.waitUntil(lambda: "Carried over from Detect: 3 open" in texts(), timeout=10_000)
    assert texts()[3:] == [
        "Carried over from Detect: 3 open",
        "Monitoring alerts reviewed",
        "User reports collected",
        "Automated checks run",
    ]
    assert panel.progress.text() == "0/3 done"  # Triage's own
    assert panel.phase_combo.itemText(Phase.DETECT.order) == "Detect (3 open)"
    assert not model.flags(model.index(3)) & Qt.ItemFlag.ItemIsSelectable
    panel.list.setFocus()
    panel.list.setCurrentIndex(model.index(4))
    qtbot.keyClick(panel.list, Qt.Key.Key_Space)  # checked where it stands
    qtbot.waitUntil(lambda: "Carried over from Detect: 2 open" in texts(), timeout=10_000)
    assert "Monitoring alerts reviewed" not in texts()
    assert panel.phase_combo.itemText(Phase.DETECT.order) == "Detect (2 open)"
    wait_for_entry(qtbot, shown, "Checked “Monitoring alerts reviewed” (Detect)")
    # Looking back at Detect by hand shows it as it is, with nothing carried into it.
    panel.phase_combo.setCurrentIndex(Phase.DETECT.order)
    assert not any(text.startswith("Carried over") for text in texts())
