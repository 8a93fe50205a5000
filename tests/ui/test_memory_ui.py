"""Search all incidents from the window, and similar past incidents after declaring."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import ui.memory.actions
from commander.domain import EntryKind, Severity
from commander.services.incidents import declare_incident
from commander.services.memory import search_all
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from ui.dialogs.declare_dialog import DeclareDialog
from ui.main_window import MainWindow
from ui.memory.actions import show_search
from ui.memory.models import RichTextRole, SearchResultsModel, marked

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)


@pytest.fixture
def seeded(db_path: Path) -> Path:
    store = open_store(str(db_path))
    declare_incident(store, "Redis pool exhausted", Severity.P1, "ana", summary="checkout errors")
    log_entry(store, "INC-1", "raised redis maxclients", "bo", kind=EntryKind.ACTION)
    declare_incident(store, "Login page slow", Severity.P3, "ana")
    log_entry(store, "INC-2", "redis <b>not</b> involved", "bo")
    store.close()
    return db_path


def test_search_all_lists_incidents_and_opens_the_chosen_one(
    qtbot, seeded: Path, window: MainWindow
) -> None:
    assert window.search_all_action.shortcut().toString() == "Ctrl+Shift+F"
    dialog = show_search(window)
    assert dialog is not None
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(dialog.query_edit, "redis")
    assert shown.args == [2]
    assert dialog.model.row_at(0).ref == "INC-1"  # two matching entries
    assert "INC-1" in dialog.model.index(0).data()
    with qtbot.waitSignal(window.incident_shown, timeout=10_000) as opened:
        dialog.results.activated.emit(dialog.model.index(1))
    assert opened.args == ["INC-2"]
    assert window.incident_list.currentIndex().data().startswith("INC-2")


def test_enter_in_the_box_opens_the_top_result(qtbot, seeded: Path, window: MainWindow) -> None:
    dialog = show_search(window)
    dialog.query_edit.setText("maxclients")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)  # searches at once
    with qtbot.waitSignal(window.incident_shown, timeout=10_000) as opened:
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert opened.args == ["INC-1"]
    assert show_search(window) is dialog  # one dialog, reused


def test_no_match_and_stale_answers(qtbot, seeded: Path, window: MainWindow) -> None:
    dialog = show_search(window)
    dialog.query_edit.setText("zzzz")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.run_search()
    assert dialog.model.rowCount() == 0 and dialog.status.text() == "No entry matches."
    dialog.query_edit.setText("")
    dialog.run_search()
    assert dialog.status.text() == ""


def test_search_model_escapes_entry_text_and_bolds_matches(qtbot, seeded, qtmodeltester) -> None:
    store = open_store(str(seeded))
    try:
        groups = search_all(store, "involved")
    finally:
        store.close()
    model = SearchResultsModel()
    model.set_rows(groups)
    qtmodeltester.check(model)
    rich = model.index(0).data(RichTextRole)
    assert "&lt;b&gt;not&lt;/b&gt; <b>involved</b>" in rich
    assert marked("a<b", ((2, 3),)) == "a&lt;<b>b</b>"


def test_search_shows_postmortem_matches_marked_as_such(
    qtbot, seeded: Path, window: MainWindow
) -> None:
    from dataclasses import replace

    from commander.services.postmortem import get_postmortem, save_postmortem

    store = open_store(str(seeded))
    try:
        draft = get_postmortem(store, "INC-2")
        sections = {"root_causes": "Stale <script> cache in the login pool"}
        save_postmortem(store, replace(draft, template="sre", sections=sections), "ana")
    finally:
        store.close()
    dialog = show_search(window)
    dialog.query_edit.setText("pool")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.run_search()
    assert shown.args == [2]
    refs = [dialog.model.row_at(n).ref for n in range(2)]
    assert refs == ["INC-2", "INC-1"]  # equal counts: the newer first
    rich = dialog.model.index(0).data(RichTextRole)
    assert "Postmortem · Root cause(s) and contributing factors" in rich
    assert "Stale &lt;script&gt; cache in the login <b>pool</b>" in rich
    assert "(0 matching entries, 1 in the postmortem)" in dialog.model.index(0).data()
    assert dialog.status.text().startswith(
        "1 matching entry and 1 postmortem match in 2 incidents."
    )


def test_declaring_suggests_similar_past_incidents(
    qtbot, seeded: Path, window: MainWindow, monkeypatch
) -> None:
    def fill(dialog: DeclareDialog) -> int:
        dialog.title_edit.setText("Redis pool exhausted again")
        dialog.summary_edit.setPlainText("checkout errors")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DeclareDialog, "exec", fill)
    window.declare_action.trigger()
    suggestions = window.similar_suggestions
    qtbot.waitUntil(
        lambda: suggestions.panel is not None and suggestions.panel.model.rowCount() > 0,
        timeout=10_000,
    )
    panel = suggestions.panel
    assert panel.model.row_at(0).ref == "INC-1"
    assert not panel.banner.isHidden() and "similar past incident" in panel.banner.text()
    assert window.page.side_tabs.currentWidget() is panel
    assert "postmortem: none yet" in panel.model.index(0).data()
    assert window.page.entry_bar.isEnabled()  # nothing modal in the way
    with qtbot.waitSignal(window.incident_shown, timeout=10_000) as opened:
        panel.view.activated.emit(panel.model.index(0))
    assert opened.args == ["INC-1"]
    qtbot.waitUntil(lambda: panel.ref == "INC-1" and panel.banner.isHidden(), timeout=10_000)
    assert panel.model.rowCount() == 0 and panel.empty.isVisibleTo(panel)  # nothing before INC-1


def test_similar_incidents_are_ranked_only_when_someone_looks(
    qtbot, seeded: Path, window: MainWindow
) -> None:
    calls: list[str] = []
    original = ui.memory.actions._similar

    def counting(store, ref):  # type: ignore[no-untyped-def]
        calls.append(ref)
        return original(store, ref)

    ui.memory.actions._similar = counting
    try:
        with qtbot.waitSignal(window.incident_shown, timeout=10_000):
            window.open_incident("INC-2")
        tabs = window.page.side_tabs
        panel = window.similar_suggestions.panel
        assert panel is not None and tabs.currentWidget() is not panel
        qtbot.wait(200)
        assert calls == []  # opening an incident does not pay for the ranking
        tabs.setCurrentWidget(panel)
        qtbot.waitUntil(lambda: calls == ["INC-2"] and panel.ref == "INC-2", timeout=10_000)
    finally:
        ui.memory.actions._similar = original


def test_search_says_when_more_incidents_match_than_it_shows(
    qtbot, db_path: Path, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the 50 incidents with most matches are listed; the status line said
    # "N matching entries in 50 incidents" as if that were all of them.
    from ui.memory import search_dialog

    monkeypatch.setattr(search_dialog, "SHOWN_INCIDENTS", 2)
    for name in ("alpha", "beta", "gamma"):
        declare_incident(window.store, f"Kafka lag {name}", Severity.P3, "ana")
    dialog = show_search(window)
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.query_edit.setText("kafka")
    assert shown.args == [2]
    assert dialog.model.rowCount() == 2
    assert dialog.status.text().startswith("The 2 incidents with most matches are shown")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.query_edit.setText("kafka gamma")
    assert dialog.status.text().startswith("1 matching entry in 1 incident.")
