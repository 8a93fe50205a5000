"""The runbook panel: render, search, copy a command, attach, watch the folder, write."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QInputDialog

from commander.domain import Severity
from commander.services.runbooks import user_folder
from tests.support.cockpit import Cockpit
from ui.response.runbook_editor import RunbookEditor
from ui.response.runbook_panel import render_runbook


@pytest.fixture
def panel(qtbot, cockpit: Cockpit):
    cockpit.declare(qtbot, "CPU pegged", Severity.P2)
    runbooks = cockpit.response.runbook_panel
    qtbot.waitUntil(lambda: runbooks.model.rowCount() >= 6, timeout=10_000)
    checklist = cockpit.response.checklist_panel
    qtbot.waitUntil(lambda: checklist.model.rowCount() == 3, timeout=10_000)
    return runbooks


def test_render_turns_inline_code_into_copy_links_but_not_code_blocks() -> None:
    body, commands = render_runbook("1. Check `top -o %CPU` and `a<b`\n\n```\nnot <linked>\n```\n")
    assert commands == ["top -o %CPU", "a<b"]
    assert '<a href="copy:0" title="Copy"><code>top -o %CPU</code></a>' in body
    assert "<pre><code>not &lt;linked&gt;" in body


def test_search_filters_and_the_viewer_renders_markdown(qtbot, panel) -> None:
    panel.search.setText("certificate expired")
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 1)
    assert panel.selected_runbook().name == "expired-tls-certificate"
    html = panel.viewer.toHtml()
    assert "Investigation" in html and "openssl" in html
    panel.search.setText("zebra quokka")
    assert panel.model.rowCount() == 0


def test_clicking_a_command_copies_it(qtbot, panel) -> None:
    panel.select("high-cpu-usage")
    panel.viewer.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "top -o %CPU"
    assert panel.status.text() == "Copied: top -o %CPU"


def test_attach_adds_the_steps_to_the_current_phase_checklist(
    qtbot, cockpit: Cockpit, panel
) -> None:
    panel.select("disk-full")
    steps = len(panel.selected_runbook().steps)
    checklist = cockpit.response.checklist_panel
    before = checklist.model.rowCount()
    panel.attach_button.click()
    qtbot.waitUntil(lambda: checklist.model.rowCount() == before + steps, timeout=10_000)
    assert (
        checklist.model.item_at(before).text
        == "Investigation: See which filesystem is full: `df -h`"
    )
    assert panel.status.text() == f"Attached “Disk Full”: {steps} steps added to Detect"


def test_a_runbook_dropped_in_the_user_folder_appears(qtbot, panel) -> None:
    count = panel.model.rowCount()
    (user_folder() / "kafka-lag.md").write_text("# Kafka lag\n## Mitigation\n1. Add consumers\n")
    qtbot.waitUntil(lambda: panel.model.rowCount() == count + 1, timeout=10_000)
    assert panel.model.row_of("kafka-lag") >= 0


def test_new_runbook_is_saved_from_the_template(
    qtbot, panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args: ("Redis evictions", True))
    texts: list[str] = []

    def save(self: RunbookEditor) -> int:
        texts.append(self.editor.toPlainText())
        self.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RunbookEditor, "exec", save)
    panel.new_button.click()
    assert texts[0].startswith("# Redis evictions\n\n## Symptoms")
    assert (user_folder() / "redis-evictions.md").exists()
    qtbot.waitUntil(lambda: panel.model.row_of("redis-evictions") >= 0, timeout=10_000)


def test_draft_from_incident_opens_the_editor_with_its_actions(
    qtbot, cockpit: Cockpit, panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commander.domain import EntryKind
    from commander.services.timeline import log_entry

    log_entry(
        cockpit.context.require_store(),
        "INC-1",
        "Restarted the API pods",
        author="bo",
        kind=EntryKind.ACTION,
    )
    drafts: list[str] = []

    def capture(self: RunbookEditor) -> int:
        drafts.append(self.editor.toPlainText())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(RunbookEditor, "exec", capture)
    panel.draft_button.click()
    qtbot.waitUntil(lambda: bool(drafts), timeout=10_000)
    assert "## Mitigation\n1. Restarted the API pods" in drafts[0]


HOSTILE = (
    "# Hostile\n\n<script>alert(1)</script>\n\n"
    'Raw <a href="copy:0">ls</a> <img src="x" onerror="alert(1)"> <b>bold</b>\n\n'
    "[js](javascript:alert(1)) [forged](copy:0) [file](file:///etc/passwd) "
    "[web](https://example.com/status) `rm -rf /tmp/cache`\n"
)


def test_raw_html_and_unsafe_links_in_a_runbook_are_inert() -> None:
    # A runbook is a file anyone can drop in the user folder: its HTML is shown as
    # text, and only our own code-span links may copy (a forged copy: link could
    # put a different command on the clipboard than the one shown).
    body, commands = render_runbook(HOSTILE)
    assert commands == ["rm -rf /tmp/cache"]
    assert "<script" not in body and "&lt;script&gt;" in body
    assert "<img" not in body and "<b>" not in body
    assert 'href="javascript:' not in body and 'href="file:' not in body
    assert body.count('<a href="copy:') == 1
    assert '<a href="https://example.com/status">web</a>' in body


def test_only_web_links_open_and_bad_copy_links_do_nothing(
    qtbot, panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    panel.select("high-cpu-usage")
    QGuiApplication.clipboard().setText("unchanged")
    for link in ("javascript:alert(1)", "file:///etc/passwd", "copy:99", "copy:x", "copy:-1"):
        panel.viewer.anchorClicked.emit(QUrl(link))
    assert opened == []
    assert QGuiApplication.clipboard().text() == "unchanged"
    panel.viewer.anchorClicked.emit(QUrl("https://example.com/status"))
    assert opened == ["https://example.com/status"]
