"""An entry's revisions (its edit history): who changed it, when, and what it said before."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from commander.domain.when import format_clock
from commander.views.incidents import RevisionView


def revisions_text(revisions: list[RevisionView], local: bool) -> str:
    if not revisions:
        return "This entry has never been changed."
    lines = []
    for revision in revisions:
        when = format_clock(revision.revised_at, local, with_date=True)
        state = " (deleted)" if revision.deleted_at else ""
        lines.append(
            f"{when} — {revision.revised_by} changed it. Before: "
            f"[{format_clock(revision.occurred_at, local)} {revision.kind}"
            f"{' ★' if revision.pinned else ''}{state}] {revision.text}"
        )
    return "\n".join(lines)


def show_revisions(parent: QWidget | None, revisions: list[RevisionView], local: bool) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("Entry history")
    box.setTextFormat(Qt.TextFormat.PlainText)  # entry text is shown, never interpreted
    box.setText(revisions_text(revisions, local))
    box.exec()
