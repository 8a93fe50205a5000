"""The postmortem editor and the action items window on a real store, without the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from commander.domain import EntryKind, Severity
from commander.domain.when import utc_now
from commander.services.action_items import (
    ActionItemFields,
    ItemStatus,
    ItemType,
    add_action_item,
    list_action_items,
)
from commander.services.incidents import declare_incident
from commander.services.postmortem import PostmortemStatus, get_postmortem
from commander.services.timeline import log_entry
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import postmortem
from ui.postmortem.editor import PostmortemEditor, parse_participants
from ui.postmortem.install import PostmortemFeature
from ui.postmortem.item_dialog import ActionItemDialog
from ui.postmortem.models import ActionItemsModel, EntryPickerModel

# The editor and the action items window are real top-level windows; the offscreen
# platform warns that it cannot raise or resize them, which says nothing about the app.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def feature(rig: Rig) -> PostmortemFeature:  # noqa: F811
    rig.install(postmortem.install)
    installed = rig.context.findChild(PostmortemFeature)
    assert installed is not None
    return installed


@pytest.fixture
def editor(qtbot, rig: Rig, feature: PostmortemFeature) -> Iterator[PostmortemEditor]:  # noqa: F811
    store = rig.store
    now = utc_now()
    ref = declare_incident(
        store, "Search is slow", Severity.P2, "ana", now=now - timedelta(hours=2)
    ).ref
    log_entry(
        store,
        ref,
        "Restarted the indexer",
        "ana",
        EntryKind.ACTION,
        now=now - timedelta(hours=1),
    )
    log_entry(store, ref, "coffee", "bo", now=now - timedelta(minutes=50))
    add_action_item(
        store,
        ref,
        ActionItemFields("Add an index alert", "bo", ItemType.DETECT, due_on=date(2020, 1, 1)),
        "ana",
    )
    assert not feature.postmortem.isEnabled()  # no incident open yet
    rig.open_incident(ref)
    assert feature.postmortem.isEnabled()
    editor = feature.open_editor()
    assert editor is not None
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        pass
    yield editor
    editor.discard()  # no unsaved-changes question at teardown
    editor.exporter.wait()
    rig.writer.wait()


def test_install_adds_the_incident_menu_entries(rig: Rig, feature: PostmortemFeature) -> None:  # noqa: F811
    assert [a.text() for a in rig.shell.actions["&Incident"]] == [
        "&Postmortem…",
        "Open &action items…",
    ]
    assert rig.shell.action("Postmortem…").shortcut().toString() == "Ctrl+Shift+P"
    assert rig.shell.action("Open action items…").isEnabled()  # the store is open


def test_write_and_save(qtbot, rig: Rig, editor) -> None:  # noqa: F811
    editor.section_edits["summary"].setPlainText("The index **fell over**.")
    editor.status_box.setCurrentIndex(editor.status_box.findData(PostmortemStatus.IN_REVIEW))
    editor.authors_edit.setText("ana, bo")
    editor.participants_edit.setText("ana: commander; bo: scribe")
    assert editor.is_dirty()
    # Key entries are ticked; untick the action, tick the note.
    model = editor.entry_model
    rows = {model.data(model.index(r, 3)): r for r in range(model.rowCount())}
    assert (
        model.data(model.index(rows["Restarted the indexer"], 0), Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Checked
    )
    model.setData(
        model.index(rows["coffee"], 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    stored = get_postmortem(rig.store, editor.ref)
    assert stored.revision == 1 and not editor.is_dirty()
    assert stored.section("summary") == "The index **fell over**."
    assert stored.status is PostmortemStatus.IN_REVIEW
    assert [p.role for p in stored.participants] == ["commander", "scribe"]
    # The action (a key entry) and the note picked by hand; the declared entry is not key.
    assert stored.entry_ids is not None and len(stored.entry_ids) == 2
    # Switching template keeps text under the same section key.
    editor.template_box.setCurrentIndex(editor.template_box.findData("customer-facing"))
    assert editor.section_edits["summary"].toPlainText() == "The index **fell over**."
    assert "trigger" not in editor.section_edits


def test_action_items_and_exports(qtbot, rig: Rig, editor, tmp_path: Path) -> None:  # noqa: F811
    assert editor.items_model.rowCount() == 1
    assert "overdue" in editor.items_model.data(editor.items_model.index(0, 5))
    with qtbot.waitSignal(editor.refreshed, timeout=10_000):
        editor.submit_item(None, ActionItemFields("Runbook for reindexing", "cy", ItemType.PROCESS))
    qtbot.waitUntil(lambda: editor.items_model.rowCount() == 2, timeout=10_000)
    assert [i.description for i in list_action_items(rig.store, editor.ref)][
        1
    ] == "Runbook for reindexing"
    editor.section_edits["summary"].setPlainText("Unsaved <script>alert(1)</script> summary")
    for fmt in ("html", "pdf"):
        path = tmp_path / f"out.{fmt}"
        with qtbot.waitSignal(editor.exported, timeout=30_000):
            editor.export(fmt, path)
        assert path.exists()
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Unsaved" in page and "<script>alert" not in page and "Runbook for reindexing" in page
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert not editor.progress.isVisible()


def test_action_items_window_lists_open_items_overdue_first(
    qtbot,
    rig: Rig,  # noqa: F811
    feature: PostmortemFeature,
    editor,
    tmp_path: Path,
) -> None:
    add_action_item(
        rig.store, editor.ref, ActionItemFields("Later", due_on=date(2999, 1, 1)), "ana"
    )
    add_action_item(rig.store, editor.ref, ActionItemFields("Done", status=ItemStatus.DONE), "ana")
    items = feature.open_action_items()
    assert items is not None
    with qtbot.waitSignal(items.loaded, timeout=10_000):
        pass
    texts = [items.proxy.index(r, 2).data() for r in range(items.proxy.rowCount())]
    assert texts == ["Add an index alert", "Later"]
    assert items.summary.text() == "2 open action items, 1 overdue"
    items.overdue_only.setChecked(True)
    assert items.proxy.rowCount() == 1
    assert items.grab().save(str(tmp_path / "action-items.png"))


def test_models_pass_the_model_tester(qtmodeltester, editor) -> None:
    qtmodeltester.check(editor.entry_model)
    qtmodeltester.check(editor.items_model)
    assert isinstance(editor.entry_model, EntryPickerModel)
    assert isinstance(editor.items_model, ActionItemsModel)


def test_item_dialog_collects_fields(qtbot) -> None:
    dialog = ActionItemDialog(
        None, ActionItemFields("x", "bo", ItemType.MITIGATE, due_on=date(2026, 12, 24))
    )
    qtbot.addWidget(dialog)
    assert dialog.fields() == ActionItemFields(
        "x", "bo", ItemType.MITIGATE, due_on=date(2026, 12, 24)
    )
    dialog.has_due.setChecked(False)
    assert dialog.fields().due_on is None


def test_participants_parse() -> None:
    people = parse_participants("ana: incident commander; bo\ncy: scribe;  ")
    assert [(p.name, p.role) for p in people] == [
        ("ana", "incident commander"),
        ("bo", ""),
        ("cy", "scribe"),
    ]


def test_editor_refreshes_once_per_write_to_its_incident_only(
    qtbot,
    rig: Rig,  # noqa: F811
    editor,
) -> None:
    from commander.domain.changes import Aspect
    from commander.views.changes import Changes

    refreshes: list[None] = []
    editor.refreshed.connect(lambda: refreshes.append(None))
    other = Changes(editor.incident_id + 1, frozenset({Aspect.ENTRIES, Aspect.POSTMORTEM}))
    rig.context.changed.emit(other)
    roles_only = Changes(editor.incident_id, frozenset({Aspect.ROLES}))
    rig.context.changed.emit(roles_only)
    qtbot.wait(200)
    assert refreshes == []
    with qtbot.waitSignal(editor.item_changed, timeout=10_000):
        editor.submit_item(None, ActionItemFields("Page the search team", "cy"))
    qtbot.waitUntil(lambda: len(refreshes) == 1, timeout=10_000)
    qtbot.waitUntil(rig.idle, timeout=10_000)
    qtbot.wait(200)
    assert len(refreshes) == 1 and editor.items_model.rowCount() == 2


def test_action_items_window_follows_item_changes_and_opens_an_incident(
    qtbot,
    rig: Rig,  # noqa: F811
    feature: PostmortemFeature,
    editor,
) -> None:
    items = feature.open_action_items()
    assert items is not None
    with qtbot.waitSignal(items.loaded, timeout=10_000):
        pass
    assert items.proxy.rowCount() == 1
    with qtbot.waitSignal(items.loaded, timeout=10_000):
        editor.submit_item(None, ActionItemFields("Reindex nightly", "bo"))
    assert items.proxy.rowCount() == 2
    items.view.doubleClicked.emit(items.proxy.index(0, 0))
    assert rig.opened == [editor.ref]
