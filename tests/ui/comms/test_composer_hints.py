"""The composer's small promises: it says how to add a target when there is none, opens
its fields at their start, and previews text as people will read it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QPlainTextEdit

from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.targets import save_target
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import comms
from ui.comms.composer import ComposerDialog
from ui.comms.feature import CommsFeature

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

LONG_IMPACT = "Card payments fail for every customer paying by card > 20 EUR in the EU " * 3


def compose(qtbot: Any, rig: Rig) -> ComposerDialog:  # noqa: F811
    ref = declare_incident(
        rig.store, "Checkout errors for card payments", Severity.P1, "ana", summary=LONG_IMPACT
    ).ref
    rig.install(comms.install)
    feature = rig.context.findChild(CommsFeature)
    assert feature is not None
    rig.open_incident(ref)
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.headline_edit.text() != "", timeout=10_000)
    return dialog


def test_without_targets_it_says_how_to_add_one_and_keeps_saying_it(
    qtbot: Any,
    rig: Rig,  # noqa: F811
) -> None:
    dialog = compose(qtbot, rig)
    qtbot.waitUntil(lambda: rig.idle(), timeout=10_000)
    assert not dialog.problem.isHidden()  # composing the text did not clear it
    assert "add one in Comms → Targets…" in dialog.problem.text()
    assert "commander target add" in dialog.problem.text()
    assert not dialog.send_button.isEnabled()


def test_fields_open_at_their_start_and_previews_show_text(
    qtbot: Any,
    rig: Rig,  # noqa: F811
) -> None:
    save_target(rig.store, "ops", "slack-webhook", secret="https://hooks.example/x")
    dialog = compose(qtbot, rig)
    impact = dialog.field_edits["Impact"]
    assert impact.text() == LONG_IMPACT.strip()
    assert impact.cursorPosition() == 0  # the start shows, not the end
    assert dialog.headline_edit.cursorPosition() == 0
    assert dialog.body_edit.textCursor().position() == 0
    qtbot.waitUntil(lambda: dialog.previews.count() == 1, timeout=10_000)
    preview = dialog.previews.widget(0).findChild(QPlainTextEdit)
    assert preview is not None
    assert "card > 20 EUR" in preview.toPlainText() and "&gt;" not in preview.toPlainText()
