"""Both versions of a postmortem side by side, after another seat saved first.

Left, per part that differs: the person's version, editable; it is what gets saved.
Right: the saved version, read-only, with a button that takes it over. What to propose
(a part only the other seat changed already holds their text) is the core's
(commander/services/postmortem_merge.py); this dialog only shows and collects.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from commander.domain.when import format_clock
from commander.services.postmortem import PostmortemView
from commander.services.postmortem_merge import FIELDS, Difference, MergeProposal
from ui.common.named import named

_FIELD_NAMES = dict(FIELDS)


class MergeDialog(QDialog):
    def __init__(
        self,
        proposal: MergeProposal,
        titles: Mapping[str, str],
        order: Sequence[str],
        local_time: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.proposal = proposal
        saved = proposal.saved
        self.setObjectName("postmortemMerge")
        self.setWindowTitle(f"Merge the postmortem — {saved.incident_ref}")
        self.mine_edits: dict[str, QPlainTextEdit] = {}
        self.saved_edits: dict[str, QPlainTextEdit] = {}
        self.take_saved: dict[str, QRadioButton] = {}
        when = format_clock(saved.saved_at, local_time, with_date=True) if saved.saved_at else ""
        intro = named(
            QLabel(
                f"<b>{html.escape(saved.saved_by)}</b> saved revision {saved.revision}"
                f"{f' at {when}' if when else ''} while you were editing. "
                "Each part that differs is shown twice: your version on the left (edit it; "
                "it is what will be saved) and theirs on the right. A part only they changed "
                "already holds their text."
            ),
            "mergeIntro",
        )
        intro.setWordWrap(True)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.addWidget(QLabel("<b>Yours (this is saved)</b>"), 0, 1)
        grid.addWidget(
            QLabel(f"<b>Saved by {html.escape(saved.saved_by)}, revision {saved.revision}</b>"),
            0,
            2,
        )
        row = 1
        for difference in proposal.fields:
            row = self._add_field(grid, row, difference)
        rank = {key: index for index, key in enumerate(order)}
        sections = sorted(proposal.sections, key=lambda d: rank.get(d.key, len(rank)))
        for difference in sections:
            row = self._add_section(
                grid, row, titles.get(difference.key, difference.key), difference
            )
        holder = QWidget()
        holder.setLayout(grid)
        area = QScrollArea(widgetResizable=True)
        area.setWidget(holder)

        buttons = QDialogButtonBox()
        save = buttons.addButton("Save merged", QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("saveMerged")
        save.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(area, 1)
        layout.addWidget(buttons)
        self.resize(1180, 700)

    def _add_field(self, grid: QGridLayout, row: int, difference: Difference) -> int:
        mine = QRadioButton(difference.mine)
        theirs = QRadioButton(difference.saved)
        group = QButtonGroup(self)
        group.addButton(mine)
        group.addButton(theirs)
        (theirs if difference.take_saved else mine).setChecked(True)
        self.take_saved[difference.key] = theirs
        grid.addWidget(QLabel(_FIELD_NAMES[difference.key]), row, 0)
        grid.addWidget(mine, row, 1)
        grid.addWidget(theirs, row, 2)
        return row + 1

    def _add_section(self, grid: QGridLayout, row: int, title: str, difference: Difference) -> int:
        note = "only you changed it"
        if difference.both_changed:
            note = "both changed it"
        elif difference.take_saved:
            note = "only they changed it"
        grid.addWidget(QLabel(f"<b>{html.escape(title)}</b><br><i>{note}</i>"), row, 0)
        mine = QPlainTextEdit(difference.saved if difference.take_saved else difference.mine)
        mine.setObjectName(f"merge_mine_{difference.key}")
        mine.setMinimumHeight(130)
        theirs = QPlainTextEdit(difference.saved)
        theirs.setObjectName(f"merge_saved_{difference.key}")
        theirs.setReadOnly(True)
        mine.setPlaceholderText("(empty: nothing of this section is saved)")
        theirs.setPlaceholderText("(empty in their version)")
        theirs.setMinimumHeight(130)
        self.mine_edits[difference.key] = mine
        self.saved_edits[difference.key] = theirs
        grid.addWidget(mine, row, 1)
        grid.addWidget(theirs, row, 2)
        use_mine = QPushButton("Put my text back")
        use_mine.clicked.connect(lambda: mine.setPlainText(difference.mine))
        use_saved = QPushButton("← Take theirs")
        use_saved.setObjectName(f"take_saved_{difference.key}")
        use_saved.clicked.connect(lambda: mine.setPlainText(difference.saved))
        left, right = QHBoxLayout(), QHBoxLayout()
        left.addStretch(1)
        left.addWidget(use_mine)
        right.addWidget(use_saved)
        right.addStretch(1)
        grid.addLayout(left, row + 1, 1)
        grid.addLayout(right, row + 1, 2)
        return row + 2

    def merged(self) -> PostmortemView:
        """The postmortem to save: the left column as it stands now."""
        return self.proposal.merged(
            {key: edit.toPlainText() for key, edit in self.mine_edits.items()},
            {key for key, button in self.take_saved.items() if button.isChecked()},
        )
