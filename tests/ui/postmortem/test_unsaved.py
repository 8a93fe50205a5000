"""Nothing typed in the postmortem editor is lost: unsaved edits show, closing asks,
a stale save is merged, a new postmortem starts with the incident's people."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton

from commander.domain import Severity
from commander.domain.roles import Role
from commander.services.incidents import declare_incident
from commander.services.postmortem import PostmortemStatus, get_postmortem, save_postmortem
from commander.services.roles import assign_role
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import postmortem
from ui.postmortem.editor import PostmortemEditor
from ui.postmortem.install import PostmortemFeature
from ui.postmortem.merge_dialog import MergeDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

Answer = QMessageBox.StandardButton


@pytest.fixture
def feature(rig: Rig) -> PostmortemFeature:  # noqa: F811
    rig.install(postmortem.install)
    installed = rig.context.findChild(PostmortemFeature)
    assert installed is not None
    return installed


@pytest.fixture
def editor(qtbot, rig: Rig, feature: PostmortemFeature) -> Iterator[PostmortemEditor]:  # noqa: F811
    ref = declare_incident(rig.store, "Search is slow", Severity.P2, "ana").ref
    assign_role(rig.store, ref, Role.COMMANDER, "ana", "ana")
    assign_role(rig.store, ref, Role.SME, "cy", "ana")
    rig.open_incident(ref)
    opened = feature.open_editor()
    assert opened is not None
    with qtbot.waitSignal(opened.loaded, timeout=10_000):
        pass
    yield opened
    opened.discard()
    rig.writer.wait()
    rig.reader.wait()


class Asked:
    """Stands in for the Save / Discard / Cancel question, answering ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Answer) -> None:
        self.answer = answer
        self.questions: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._ask)

    def _ask(self, _parent: object, _title: str, text: str, *_rest: object) -> Answer:
        self.questions.append(text)
        return self.answer


def _type(editor: PostmortemEditor, text: str, section: str = "summary") -> None:
    edit = editor.section_edits[section]
    edit.setFocus()
    QTest.keyClicks(edit, text)


def test_edits_show_as_unsaved_until_saved(qtbot, rig: Rig, editor: PostmortemEditor) -> None:  # noqa: F811
    assert not editor.is_dirty()
    assert not editor.isWindowModified() and editor.unsaved_label.isHidden()
    assert not editor.save_button.isEnabled()  # nothing to save
    _type(editor, "The index fell over.")
    assert editor.isWindowModified()  # the title's [*] shows as "*"
    assert not editor.unsaved_label.isHidden()
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    assert not editor.is_dirty() and not editor.isWindowModified()
    assert editor.unsaved_label.isHidden() and not editor.save_button.isEnabled()
    assert get_postmortem(rig.store, editor.ref).section("summary") == "The index fell over."


def test_typing_while_a_save_is_on_its_way_stays_unsaved(
    qtbot,
    rig: Rig,  # noqa: F811
    editor: PostmortemEditor,
) -> None:
    _type(editor, "First")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
        _type(editor, " and more")  # before the save's answer is back
    assert editor.is_dirty() and editor.save_button.isEnabled()
    assert get_postmortem(rig.store, editor.ref).section("summary") == "First"


@pytest.mark.parametrize("how", ["escape", "close"])
def test_cancel_keeps_the_editor_and_the_text(
    qtbot, monkeypatch, editor: PostmortemEditor, how: str
) -> None:
    asked = Asked(monkeypatch, Answer.Cancel)
    _type(editor, "Half a thought")
    if how == "escape":
        QTest.keyClick(editor, Qt.Key.Key_Escape)
    else:
        assert not editor.close()
    assert len(asked.questions) == 1 and editor.ref in asked.questions[0]
    assert editor.isVisible() and editor.is_dirty()
    assert editor.section_edits["summary"].toPlainText() == "Half a thought"


@pytest.mark.parametrize("how", ["escape", "close"])
def test_discard_drops_the_edits_and_closes(
    qtbot,
    monkeypatch,
    rig: Rig,  # noqa: F811
    feature: PostmortemFeature,
    editor: PostmortemEditor,
    how: str,
) -> None:
    asked = Asked(monkeypatch, Answer.Discard)
    _type(editor, "Not wanted")
    if how == "escape":
        QTest.keyClick(editor, Qt.Key.Key_Escape)
    else:
        assert editor.close()
    assert len(asked.questions) == 1
    assert not editor.isVisible() and not editor.is_dirty()
    assert feature.open_editor() is editor  # opened again: the stored text, nothing typed
    assert editor.section_edits["summary"].toPlainText() == ""
    assert get_postmortem(rig.store, editor.ref).revision == 0


@pytest.mark.parametrize("how", ["escape", "close"])
def test_save_stores_the_edits_then_closes(
    qtbot,
    monkeypatch,
    rig: Rig,  # noqa: F811
    editor: PostmortemEditor,
    how: str,
) -> None:
    asked = Asked(monkeypatch, Answer.Save)
    _type(editor, "Keep this")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        if how == "escape":
            QTest.keyClick(editor, Qt.Key.Key_Escape)
        else:
            editor.close()
        assert editor.isVisible()  # open until the save has landed
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5_000)
    assert len(asked.questions) == 1
    assert get_postmortem(rig.store, editor.ref).section("summary") == "Keep this"


def test_closing_without_edits_asks_nothing(qtbot, monkeypatch, editor: PostmortemEditor) -> None:
    asked = Asked(monkeypatch, Answer.Cancel)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert asked.questions == [] and not editor.isVisible()


def test_a_new_postmortem_shows_the_role_holders(editor: PostmortemEditor) -> None:
    assert editor.authors_edit.text() == "ana"
    assert editor.participants_edit.text() == ("ana: Incident Commander; cy: Subject Matter Expert")
    assert not editor.is_dirty()  # shown, not typed: closing loses nothing


def test_a_stale_save_shows_both_versions_and_saves_the_merge(
    qtbot,
    rig: Rig,  # noqa: F811
    editor: PostmortemEditor,
) -> None:
    # Another seat saves first: its own summary and impact, and In review.
    theirs = replace(
        get_postmortem(rig.store, editor.ref),
        sections={"summary": "Their summary", "impact": "Their impact"},
        status=PostmortemStatus.IN_REVIEW,
    )
    save_postmortem(rig.store, theirs, "bo")
    _type(editor, "My summary")
    _type(editor, "My trigger", "trigger")
    with qtbot.waitSignal(editor.merge_offered, timeout=10_000) as offered:
        editor.save()
    dialog = offered.args[0]
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    # Side by side, per section: mine (editable) and theirs (read-only).
    assert dialog.mine_edits["summary"].toPlainText() == "My summary"
    assert dialog.saved_edits["summary"].toPlainText() == "Their summary"
    assert dialog.saved_edits["summary"].isReadOnly()
    # Only they wrote the impact, only I the trigger: each side's text is proposed.
    assert dialog.mine_edits["impact"].toPlainText() == "Their impact"
    assert dialog.mine_edits["trigger"].toPlainText() == "My trigger"
    assert dialog.take_saved["status"].isChecked()  # only they changed the status
    assert editor.is_dirty()  # nothing lost while the person decides
    dialog.mine_edits["summary"].setPlainText("My summary. Their summary")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        dialog.findChild(QPushButton, "saveMerged").click()
    stored = get_postmortem(rig.store, editor.ref)
    assert stored.revision == 2 and stored.saved_by == "ana"
    assert stored.sections == {
        "summary": "My summary. Their summary",
        "impact": "Their impact",
        "trigger": "My trigger",
    }
    assert stored.status is PostmortemStatus.IN_REVIEW
    assert not editor.is_dirty()
    assert editor.section_edits["impact"].toPlainText() == "Their impact"  # shows what it saved


def test_declining_the_merge_keeps_the_text_unsaved(
    qtbot,
    rig: Rig,  # noqa: F811
    editor: PostmortemEditor,
) -> None:
    theirs = replace(get_postmortem(rig.store, editor.ref), sections={"summary": "Theirs"})
    save_postmortem(rig.store, theirs, "bo")
    _type(editor, "Mine")
    with qtbot.waitSignal(editor.merge_offered, timeout=10_000) as offered:
        editor.save()
    offered.args[0].reject()
    assert editor.is_dirty()
    assert editor.section_edits["summary"].toPlainText() == "Mine"
    assert "Save again" in editor.status_label.text()
    assert get_postmortem(rig.store, editor.ref).section("summary") == "Theirs"


def test_the_window_closing_asks_about_an_editor_with_unsaved_edits(
    qtbot,
    monkeypatch,
    rig: Rig,  # noqa: F811
    editor: PostmortemEditor,
) -> None:
    asked = Asked(monkeypatch, Answer.Cancel)
    _type(editor, "Unsaved")
    assert not rig.shell.close_window()
    assert len(asked.questions) == 1 and editor.isVisible() and editor.is_dirty()
    asked.answer = Answer.Discard
    assert rig.shell.close_window()
    assert not editor.is_dirty() and len(asked.questions) == 2
