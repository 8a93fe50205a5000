"""The postmortem editor and the action items window on a real store."""

from __future__ import annotations

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
from ui.postmortem.editor import parse_participants
from ui.postmortem.item_dialog import ActionItemDialog
from ui.postmortem.models import ActionItemsModel, EntryPickerModel

# The editor and the action items window are real top-level windows; the offscreen
# platform warns that it cannot raise or resize them, which says nothing about the app.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def editor(qtbot, window):
    now = utc_now()
    ref = declare_incident(
        window.store, "Search is slow", Severity.P2, "ana", now=now - timedelta(hours=2)
    ).ref
    log_entry(
        window.store,
        ref,
        "Restarted the indexer",
        "ana",
        EntryKind.ACTION,
        now=now - timedelta(hours=1),
    )
    log_entry(window.store, ref, "coffee", "bo", now=now - timedelta(minutes=50))
    add_action_item(
        window.store,
        ref,
        ActionItemFields("Add an index alert", "bo", ItemType.DETECT, due_on=date(2020, 1, 1)),
        "ana",
    )
    window.reload_incidents(select_ref=ref)
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.open_incident(ref)
    editor = window.postmortem_actions.open_editor()
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        pass
    yield editor
    editor._dirty = False
    editor.exporter.wait()
    window.worker.wait()


def test_write_and_save(qtbot, window, editor) -> None:
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
    stored = get_postmortem(window.store, editor.ref)
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


def test_action_items_and_exports(qtbot, window, editor, tmp_path: Path) -> None:
    assert editor.items_model.rowCount() == 1
    assert "overdue" in editor.items_model.data(editor.items_model.index(0, 5))
    with qtbot.waitSignal(editor.refreshed, timeout=10_000):
        editor.submit_item(None, ActionItemFields("Runbook for reindexing", "cy", ItemType.PROCESS))
    qtbot.waitUntil(lambda: editor.items_model.rowCount() == 2, timeout=10_000)
    assert [i.description for i in list_action_items(window.store, editor.ref)][
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
    qtbot, window, editor, tmp_path: Path
) -> None:
    add_action_item(
        window.store, editor.ref, ActionItemFields("Later", due_on=date(2999, 1, 1)), "ana"
    )
    add_action_item(
        window.store, editor.ref, ActionItemFields("Done", status=ItemStatus.DONE), "ana"
    )
    items = window.postmortem_actions.open_action_items()
    with qtbot.waitSignal(items.loaded, timeout=10_000):
        pass
    texts = [items.proxy.index(r, 2).data() for r in range(items.proxy.rowCount())]
    assert texts == ["Add an index alert", "Later"]
    assert items.summary.text() == "2 open action items, 1 overdue"
    items.overdue_only.setChecked(True)
    assert items.proxy.rowCount() == 1
    assert items.grab().save(str(tmp_path / "action-items.png"))


def test_models_pass_the_model_tester(qtmodeltester, window, editor) -> None:
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
