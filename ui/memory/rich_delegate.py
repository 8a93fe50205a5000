"""Paints a list row's rich text (bold matched words) instead of its plain text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

_Index = QModelIndex | QPersistentModelIndex


# Secondary text (times, counts) is marked class='dim' by the models.
_DIM = "#607d8b"


class RichTextDelegate(QStyledItemDelegate):
    def __init__(self, role: int, parent: QObject | None = None, wrap: bool = False) -> None:
        super().__init__(parent)
        self._role = role
        self._wrap = wrap  # wrap to the view's width (a narrow side panel) instead of clipping

    def _document(self, option: QStyleOptionViewItem, index: _Index) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        dim = option.palette.color(QPalette.ColorRole.HighlightedText).name() if selected else _DIM
        document.setDefaultStyleSheet(f".dim {{ color: {dim}; }}")
        document.setTextWidth(self._text_width(option))
        document.setHtml(str(index.data(self._role) or ""))
        document.setDocumentMargin(4)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        style = option.widget.style() if option.widget else None
        text = option.text
        option.text = ""
        if style is not None:  # background, selection and the severity swatch
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = text
        area = (
            style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget)
            if style is not None
            else option.rect
        )
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            colour = option.palette.color(QPalette.ColorRole.HighlightedText)
            context.palette.setColor(QPalette.ColorRole.Text, colour)
        painter.save()
        painter.translate(area.topLeft())
        painter.setClipRect(area.translated(-area.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def _text_width(self, option: QStyleOptionViewItem) -> float:
        view = option.widget
        if not self._wrap or not isinstance(view, QAbstractScrollArea):
            return -1
        swatch = option.decorationSize.width() + 16
        return max(120.0, float(view.viewport().width() - swatch - 8))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        swatch = option.decorationSize.width() + 12
        width = document.textWidth() if self._wrap else document.idealWidth()
        return QSize(int(width) + swatch, int(document.size().height()))
