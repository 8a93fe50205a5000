"""Search all incidents, and similar past incidents after declaring, without the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

import ui.memory.suggestions
from commander.domain import EntryKind, Severity
from commander.services.incidents import declare_incident
from commander.services.memory import search_all
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.shell_double import ShellDouble
from ui import memory
from ui.memory.install import MemoryFeature
from ui.memory.models import RichTextRole, SearchResultsModel, marked
from ui.memory.search_dialog import SearchDialog
from ui.memory.suggestions import SimilarSuggestions

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)


@pytest.fixture
def seeded(db_path: Path) -> Path:
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Redis pool exhausted", Severity.P1, "ana", summary="checkout errors")
    log_entry(store, "INC-1", "raised redis maxclients", "bo", kind=EntryKind.ACTION)
    declare_incident(store, "Login page slow", Severity.P3, "ana")
    log_entry(store, "INC-2", "redis <b>not</b> involved", "bo")
    store.close()
    return db_path


class TabbedShell(ShellDouble):
    """Side panels as tabs, as the window shows them (one is in front at a time)."""

    def __init__(self) -> None:
        super().__init__()
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(QWidget(), "Timeline")
        QVBoxLayout(self.widget).addWidget(self.side_tabs)

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        self.side_tabs.addTab(panel, title)
        self.side_panels[title] = panel


@pytest.fixture
def installed(qtbot, rig: Rig) -> Rig:  # noqa: F811
    rig.shell = TabbedShell()
    qtbot.addWidget(rig.shell.widget)
    rig.install(memory.install)
    rig.shell.widget.show()  # the Similar panel loads only once someone can see it
    return rig


def show_search(rig: Rig) -> SearchDialog:  # noqa: F811
    feature = rig.context.findChild(MemoryFeature)
    assert feature is not None
    rig.shell.action("Search all incidents…").trigger()
    assert feature.dialog is not None
    return feature.dialog


def suggestions(rig: Rig) -> SimilarSuggestions:  # noqa: F811
    found = rig.context.findChild(SimilarSuggestions)
    assert found is not None
    return found


def test_search_all_lists_incidents_and_opens_the_chosen_one(
    qtbot, seeded: Path, installed: Rig
) -> None:
    action = installed.shell.action("Search all incidents…")
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    assert installed.shell.actions["&Across incidents"] == [action]
    dialog = show_search(installed)
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(dialog.query_edit, "redis")
    assert shown.args == [2]
    assert dialog.model.row_at(0).ref == "INC-1"  # two matching entries
    assert "INC-1" in dialog.model.index(0).data()
    with qtbot.waitSignal(installed.context.incident_requested, timeout=10_000) as opened:
        dialog.results.activated.emit(dialog.model.index(1))
    assert opened.args == ["INC-2"]
    assert installed.opened == ["INC-2"]  # the window opens it and selects it in its list


def test_enter_in_the_box_opens_the_top_result(qtbot, seeded: Path, installed: Rig) -> None:
    dialog = show_search(installed)
    dialog.query_edit.setText("maxclients")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)  # searches at once
    with qtbot.waitSignal(installed.context.incident_requested, timeout=10_000) as opened:
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert opened.args == ["INC-1"]
    assert show_search(installed) is dialog  # one dialog, reused


def test_no_match_and_stale_answers(qtbot, seeded: Path, installed: Rig) -> None:
    dialog = show_search(installed)
    dialog.query_edit.setText("zzzz")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.run_search()
    assert dialog.model.rowCount() == 0 and dialog.status.text() == "No entry matches."
    dialog.query_edit.setText("")
    dialog.run_search()
    assert dialog.status.text() == ""


def test_search_model_escapes_entry_text_and_bolds_matches(qtbot, seeded, qtmodeltester) -> None:
    store = open_store(str(seeded), create=False)
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
    qtbot, seeded: Path, installed: Rig
) -> None:
    from dataclasses import replace

    from commander.services.postmortem import get_postmortem, save_postmortem

    store = open_store(str(seeded), create=False)
    try:
        draft = get_postmortem(store, "INC-2")
        sections = {"root_causes": "Stale <script> cache in the login pool"}
        save_postmortem(store, replace(draft, template="sre", sections=sections), "ana")
    finally:
        store.close()
    dialog = show_search(installed)
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


def test_declaring_suggests_similar_past_incidents(qtbot, seeded: Path, installed: Rig) -> None:
    # The window declares through the context; the announcement says an incident was declared.
    with qtbot.waitSignal(installed.context.changed, timeout=10_000):
        installed.context.write(
            lambda store: declare_incident(
                store, "Redis pool exhausted again", Severity.P2, "ana", summary="checkout errors"
            )
        )
    shown = installed.shell.side_tabs
    installed.open_incident("INC-3")
    found = suggestions(installed)
    qtbot.waitUntil(
        lambda: found.panel is not None and found.panel.model.rowCount() > 0,
        timeout=10_000,
    )
    panel = found.panel
    assert panel is not None
    assert panel.model.row_at(0).ref == "INC-1"
    assert not panel.banner.isHidden() and "similar past incident" in panel.banner.text()
    assert shown.currentWidget() is panel
    assert "postmortem: none yet" in panel.model.index(0).data()
    assert installed.shell.widget.isEnabled()  # nothing modal in the way
    with qtbot.waitSignal(installed.context.incident_requested, timeout=10_000) as opened:
        panel.view.activated.emit(panel.model.index(0))
    assert opened.args == ["INC-1"]
    installed.open_incident("INC-1")  # what the window does when asked
    qtbot.waitUntil(lambda: panel.ref == "INC-1" and panel.banner.isHidden(), timeout=10_000)
    assert panel.model.rowCount() == 0 and panel.empty.isVisibleTo(panel)  # nothing before INC-1


def test_similar_incidents_are_ranked_only_when_someone_looks(
    qtbot, seeded: Path, installed: Rig
) -> None:
    calls: list[str] = []
    original = ui.memory.suggestions._similar

    def counting(store, ref):  # type: ignore[no-untyped-def]
        calls.append(ref)
        return original(store, ref)

    ui.memory.suggestions._similar = counting
    try:
        installed.open_incident("INC-2")
        tabs = installed.shell.side_tabs
        panel = suggestions(installed).panel
        assert panel is not None and tabs.currentWidget() is not panel
        qtbot.wait(200)
        assert calls == []  # opening an incident does not pay for the ranking
        tabs.setCurrentWidget(panel)
        qtbot.waitUntil(lambda: calls == ["INC-2"] and panel.ref == "INC-2", timeout=10_000)
    finally:
        ui.memory.suggestions._similar = original


def test_search_says_when_more_incidents_match_than_it_shows(
    qtbot, installed: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the 50 incidents with most matches are listed; the status line said
    # "N matching entries in 50 incidents" as if that were all of them.
    from ui.memory import search_dialog

    monkeypatch.setattr(search_dialog, "SHOWN_INCIDENTS", 2)
    for name in ("alpha", "beta", "gamma"):
        declare_incident(installed.store, f"Kafka lag {name}", Severity.P3, "ana")
    dialog = show_search(installed)
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.query_edit.setText("kafka")
    assert shown.args == [2]
    assert dialog.model.rowCount() == 2
    assert dialog.status.text().startswith("The 2 incidents with most matches are shown")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.query_edit.setText("kafka gamma")
    assert dialog.status.text().startswith("1 matching entry in 1 incident.")
