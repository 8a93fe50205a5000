"""Declaring and opening incidents in the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from commander.domain import Severity
from commander.services.incidents import declare_incident, get_incident
from commander.settings import Settings
from commander.store.engine import open_store
from tests.support.cockpit import window_header, window_timeline, window_timeline_feature
from ui.incidents.declare_dialog import DeclareDialog
from ui.main_window import MainWindow


def fill_and_accept(title: str, severity_index: int, summary: str):
    def exec_(dialog: DeclareDialog) -> int:
        dialog.title_edit.setText(title)
        dialog.severity_combo.setCurrentIndex(severity_index)
        dialog.summary_edit.setPlainText(summary)
        return QDialog.DialogCode.Accepted

    return exec_


def test_declaring_in_the_window_stores_it_and_opens_it(
    qtbot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeclareDialog, "exec", fill_and_accept("Payments 5xx", 1, "14% errors"))
    with qtbot.waitSignal(window.incident_shown, timeout=10_000) as shown:
        window.declare_action.trigger()
    assert shown.args == ["INC-1"]
    assert window.incident_model.rowCount() == 1
    header = window_header(window)
    assert header.ref_label.text() == "INC-1"
    assert header.severity_badge.text() == "P1 High"
    assert header.severity_badge.property("severity") == "P1"
    assert "since declared" in header.clock_label.text()
    store = open_store(str(db_path), create=False)
    try:
        stored = get_incident(store, "INC-1")
    finally:
        store.close()
    assert (stored.title, stored.severity, stored.summary) == (
        "Payments 5xx",
        Severity.P1,
        "14% errors",
    )
    assert stored.declared_by == "ana"


def test_cancelled_declaration_writes_nothing(qtbot, window: MainWindow, monkeypatch) -> None:
    monkeypatch.setattr(DeclareDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    window.declare_action.trigger()
    qtbot.wait(50)
    assert not window.context.writer.busy()
    assert window.incident_model.rowCount() == 0


def test_declare_dialog_needs_a_title_and_explains_severities(qtbot) -> None:
    dialog = DeclareDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.title_edit, "Checkout down")
    assert ok.isEnabled()
    dialog.severity_combo.setCurrentIndex(0)
    assert dialog.severity is Severity.P0
    assert "Complete outage, data loss" in dialog.definition_label.text()


def test_first_timeline_entry_from_the_bar(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("DNS flapping", Severity.P2, "")
    bar = window_timeline(window).entry_bar
    timeline = window_timeline_feature(window)
    timeline.focus_entry_bar()
    qtbot.keyClicks(bar, "paged on-call <script>alert(1)</script>")
    with qtbot.waitSignal(timeline.entry_logged, timeout=10_000) as logged:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert logged.args[0].text == "paged on-call <script>alert(1)</script>"
    assert bar.text() == ""
    model = window_timeline(window).timeline_model
    assert model.rowCount() == 2
    assert model.entry_at(1).text == "paged on-call <script>alert(1)</script>"
    assert model.entry_at(1).author == "ana"


def test_existing_incidents_are_listed_at_start(qtbot, db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
    for n in range(3):
        declare_incident(store, f"Incident {n}", Severity.P3, author="bo")
    store.close()
    main = MainWindow(Settings(author="ana"), str(db_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.incidents_listed, timeout=15_000):
        main.open_store()
    assert main.incident_model.rowCount() == 3
    assert main.incident_model.incident_at(0).ref == "INC-3"
    qtbot.waitUntil(lambda: main.context.store is not None, timeout=15_000)
    main.context.writer.wait()


def test_a_bad_store_is_said_plainly(qtbot, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    main = MainWindow(Settings(author="ana"), str(junk))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.store_failed, timeout=15_000) as failed:
        main.open_store()
    assert "not an Incident Commander database" in failed.args[0]
    assert "not an Incident Commander database" in main.placeholder.text()
    assert not main.declare_button.isEnabled()
    main.context.writer.wait()


def test_user_errors_are_shown_in_a_dialog(qtbot, window: MainWindow, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window.submit_declaration("   ", Severity.P2, "")
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == ["an incident needs a title"]


def test_local_time_toggle_is_remembered(qtbot, window: MainWindow) -> None:
    from commander.settings import load_settings

    window.local_time_action.setChecked(True)
    assert load_settings().show_local_time is True


def test_author_is_asked_and_remembered(qtbot, window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from commander.settings import load_settings

    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("  Bo Scribe ", True))
    window.change_author()
    assert window.settings.author_or_default() == "Bo Scribe"
    assert load_settings().author == "Bo Scribe"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_first_incident_opens_at_its_newest_rows(qtbot, db_path: Path) -> None:
    # In the window the timeline is built when the first incident opens, on a page of
    # the window shown only then, and laid out after its rows arrived: the view opened
    # at the oldest rows instead of the newest.
    from commander.services.timeline import log_entry

    store = open_store(str(db_path), create=True)
    declare_incident(store, "Thirty notes", Severity.P3, author="bo")
    for n in range(1, 31):
        log_entry(store, "INC-1", f"entry {n:02}", author="bo")
    store.close()
    window = MainWindow(Settings(author="ana"), str(db_path))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    with qtbot.waitSignal(window.store_opened, timeout=15_000):
        window.open_store()
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.open_incident("INC-1")
    bar = window_timeline(window).timeline_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    qtbot.wait(100)  # layouts settle
    assert bar.value() == bar.maximum()
    window.context.writer.wait()
    window.context.reader.wait()


def test_show_the_checklist_brings_its_tab_forward(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    from ui.response.checklist_panel import ChecklistPanel
    from ui.response.runbook_panel import RunbookPanel

    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Tabs", Severity.P3, "")
    tabs = window.frame.side_tabs
    tabs.setCurrentWidget(window.findChild(RunbookPanel))
    actions = {a.text().replace("&", ""): a for a in window.findChildren(QAction)}
    actions["Show the checklist"].trigger()
    assert tabs.currentWidget() is window.findChild(ChecklistPanel)
    actions["Runbooks…"].trigger()
    assert tabs.currentWidget() is window.findChild(RunbookPanel)


def test_header_widgets_start_at_the_left(qtbot) -> None:
    # An empty grid reports one column: counting from it left an empty stretching column
    # before the incident header, which floated to the middle of a wide window.
    from PySide6.QtWidgets import QLabel

    from ui.main_window import IncidentFrame

    frame = IncidentFrame()
    qtbot.addWidget(frame)
    first, second = QLabel("incident"), QLabel("cadence")
    frame.add_header_widget(first)
    frame.add_header_widget(second)
    layout = frame.header.layout()
    assert layout.itemAtPosition(0, 0).widget() is first
    assert layout.itemAtPosition(0, 1).widget() is second


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_header_lines_sit_under_the_header_and_take_the_whole_width(qtbot) -> None:
    # Who is here and the chat capture's state are lines: as header columns they
    # squeezed the title and widened the window past 1280 pixels.
    from PySide6.QtWidgets import QLabel

    from ui.main_window import IncidentFrame

    frame = IncidentFrame()
    qtbot.addWidget(frame)
    frame.add_header_widget(QLabel("incident"))
    here, chat = QLabel("Here now: ana (IC, this window) · priya (terminal)"), QLabel("Chat")
    frame.add_header_line(here)
    frame.add_header_line(chat)
    frame.resize(1280, 600)
    frame.show()
    qtbot.waitExposed(frame)
    assert frame.header.geometry().bottom() < here.geometry().top() < chat.geometry().top()
    assert here.width() > 1200 and chat.width() > 1200


def shown_window(qtbot, db_path: Path, settings: Settings | None = None) -> MainWindow:
    """The real window, shown at 1200×760 (unless its settings remember another size)."""
    window = MainWindow(settings or Settings(author="ana"), str(db_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_and_wait(qtbot, window: MainWindow, ref: str) -> None:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.open_incident(ref)
    qtbot.waitUntil(lambda: not window.context.writer.busy(), timeout=10_000)
    qtbot.wait(20)  # layouts settle


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_list_keeps_its_width_whatever_is_open_and_whatever_its_severity(
    qtbot, db_path: Path, sqlite_store, clock
) -> None:
    # The header's minimum width followed the severity's name, the phase bar's clocks and
    # the clock line: opening another incident, or a ticking clock, pushed the list from
    # 280 to 144 pixels, and the window grew past the screen.
    from datetime import timedelta

    from commander.domain import Phase
    from commander.services.incidents import change_phase, change_severity

    long_title = "Checkout API returning 5xx for card payments in eu-west " * 4
    declare_incident(sqlite_store, long_title, Severity.P1, author="bo")
    declare_incident(sqlite_store, "DNS", Severity.P4, author="bo")
    clock.advance(timedelta(minutes=4, seconds=7))
    change_phase(sqlite_store, "INC-1", Phase.TRIAGE, "bo")
    clock.advance(timedelta(minutes=9, seconds=13))
    change_phase(sqlite_store, "INC-1", Phase.MITIGATE, "bo")
    declare_incident(sqlite_store, long_title + "(again)", Severity.P0, author="bo")
    clock.advance(timedelta(hours=2, minutes=47, seconds=55))
    window = shown_window(qtbot, db_path)
    with qtbot.waitSignal(window.store_opened, timeout=15_000):
        window.open_store()
    widths = set()
    for ref in ("INC-1", "INC-2", "INC-3", "INC-1"):
        open_and_wait(qtbot, window, ref)
        widths.add((window.width(), window.incident_list.width()))
    for severity in (Severity.P4, Severity.P2):
        with qtbot.waitSignal(window.incident_shown, timeout=10_000):
            window.context.write(
                lambda s, level=severity: change_severity(s, "INC-1", level, "ana")
            )
        qtbot.wait(20)
        widths.add((window.width(), window.incident_list.width()))
    assert widths == {(1200, window.incident_list.width())}
    assert window.incident_list.width() > 250
    window.context.writer.wait()
    window.context.reader.wait()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_window_reopens_as_it_was_closed(qtbot, db_path: Path, sqlite_store) -> None:
    from commander.settings import load_settings

    for title in ("Checkout down", "Search slow", "Login errors"):
        declare_incident(sqlite_store, title, Severity.P2, author="bo")
    first = shown_window(qtbot, db_path, load_settings())
    first.resize(1234, 777)
    with qtbot.waitSignal(first.store_opened, timeout=15_000):
        first.open_store()
    open_and_wait(qtbot, first, "INC-2")
    first.main_splitter.setSizes([333, 1234 - 333])
    first.frame.body.setSizes([400, 500])
    splitters = (first.main_splitter.sizes(), first.frame.body.sizes())
    first.close()

    second = shown_window(qtbot, db_path, load_settings())
    with qtbot.waitSignal(second.incident_shown, timeout=15_000) as shown:
        second.open_store()
    assert shown.args == ["INC-2"]  # reopened by itself
    qtbot.wait(20)
    assert (second.width(), second.height()) == (1234, 777)
    assert (second.main_splitter.sizes(), second.frame.body.sizes()) == splitters
    second.context.writer.wait()
    second.context.reader.wait()


def test_a_broken_memory_is_ignored(qtbot, db_path: Path) -> None:
    settings = Settings(
        author="ana",
        window_geometry=[10, 20, "wide"],  # type: ignore[list-item]
        splitter_sizes={"incidents": "wide"},  # type: ignore[dict-item]
        open_incidents={"x": 3},  # type: ignore[dict-item]
    )
    window = MainWindow(settings, str(db_path))
    qtbot.addWidget(window)
    assert (window.width(), window.height()) == (1200, 760)
