"""The incident list as a commander scans it: two lines per incident.

    [P1] INC-3  Search latency over SLO
         Mitigate · 22m                      update overdue

The severity chip and the ref are always whole; the title is cut at a word,
and where two titles start alike it shows where they differ. Nothing in a row
sets the list's width: selecting an incident or changing a severity moves
nothing. Rows are painted from the model (model/view with uniform row heights),
so a long list costs only the rows on screen; a timer repaints them so ages and
overdue marks stay current.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from commander.domain import Severity
from commander.views.incidents import IncidentSummary
from ui.common.elide import elide_at_word, elide_title
from ui.common.named import named
from ui.common.severity_colors import severity_colors
from ui.incidents.list_model import (
    FirstResolvedRole,
    IncidentListModel,
    OverdueRole,
    SharedWordsRole,
    StatusRole,
    SummaryRole,
)

_Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = "update overdue"
_OVERDUE = QColor("#b71c1c")
_MUTED = QColor("#78909c")
_PAD = 6
# Ages read in minutes: a repaint every 15 s is current enough, and cheap.
REPAINT_MS = 15_000


class IncidentDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = option.fontMetrics
        # The width is the view's, never the text's.
        return QSize(1, 2 * metrics.height() + 3 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: IncidentSummary | None = index.data(SummaryRole)
        if row is None:
            return
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""
        widget = view_option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, view_option, painter, widget
            )
        rect: QRect = view_option.rect
        selected = bool(view_option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = view_option.palette
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        if not row.active and not selected:
            text_colour = _MUTED
        if index.data(FirstResolvedRole):
            painter.setPen(_MUTED)
            painter.drawLine(rect.left() + _PAD, rect.top(), rect.right() - _PAD, rect.top())
        font: QFont = view_option.font
        metrics = QFontMetrics(font)
        line_height = metrics.height()
        top = rect.top() + _PAD
        left = rect.left() + _PAD
        chip = self._chip_rect(metrics, left, top, line_height)
        self._paint_chip(painter, chip, row.severity, font, dimmed=not row.active)
        x = chip.right() + _PAD
        bold = QFont(font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(text_colour)
        ref_width = bold_metrics.horizontalAdvance(row.ref)
        painter.drawText(
            QRect(x, top, ref_width, line_height), Qt.AlignmentFlag.AlignVCenter, row.ref
        )
        x += ref_width + _PAD
        room = rect.right() - _PAD - x
        title = elide_title(row.title, metrics, room, int(index.data(SharedWordsRole) or 0))
        painter.setFont(font)
        painter.drawText(
            QRect(x, top, max(room, 0), line_height), Qt.AlignmentFlag.AlignVCenter, title
        )
        # Second line, under the ref: status, and the overdue mark on the right.
        second = top + line_height + _PAD
        status_left = chip.right() + _PAD
        right = rect.right() - _PAD
        if index.data(OverdueRole):
            overdue_width = bold_metrics.horizontalAdvance(OVERDUE_TEXT)
            painter.setFont(bold)
            painter.setPen(
                palette.color(QPalette.ColorRole.HighlightedText) if selected else _OVERDUE
            )
            painter.drawText(
                QRect(right - overdue_width, second, overdue_width, line_height),
                Qt.AlignmentFlag.AlignVCenter,
                OVERDUE_TEXT,
            )
            right -= overdue_width + 2 * _PAD
        painter.setFont(font)
        painter.setPen(text_colour if selected else _MUTED)
        status = elide_at_word(
            str(index.data(StatusRole) or ""), metrics, max(right - status_left, 0)
        )
        painter.drawText(
            QRect(status_left, second, max(right - status_left, 0), line_height),
            Qt.AlignmentFlag.AlignVCenter,
            status,
        )
        painter.restore()

    @staticmethod
    def _chip_rect(metrics: QFontMetrics, left: int, top: int, height: int) -> QRect:
        # As wide as the widest level's name, so every row's ref starts at the same x.
        width = max(metrics.horizontalAdvance(s.value) for s in Severity) + 2 * _PAD
        return QRect(left, top, width, height)

    @staticmethod
    def _paint_chip(
        painter: QPainter, chip: QRect, severity: Severity, font: QFont, dimmed: bool
    ) -> None:
        colour = QColor(severity_colors()[severity])
        if dimmed:
            colour.setAlphaF(0.45)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(chip, 3, 3)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#212121") if severity is Severity.P2 else QColor("white"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, severity.value)


class IncidentListView(QListView):
    def __init__(self, model: IncidentListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "incidentList")
        self.setModel(model)
        self.setItemDelegate(IncidentDelegate(self))
        self.setUniformItemSizes(True)
        # A long title is cut at a word (whole in the tooltip), never a sideways scroll.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self._repaint = QTimer(self, interval=REPAINT_MS)
        self._repaint.timeout.connect(self.viewport().update)
        self._repaint.start()
