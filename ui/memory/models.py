"""List models over search results and similar incidents (frozen core views)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from commander.services.memory import IncidentHits, SimilarIncident
from ui.common.severity_colors import severity_colors

RefRole = Qt.ItemDataRole.UserRole + 1
# The snippet lines with matched words in <b>, for the highlighting delegate.
RichTextRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row", IncidentHits, SimilarIncident)


class _RowsModel(QAbstractListModel, Generic[Row]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RefRole:
            return row.ref
        if role == Qt.ItemDataRole.DecorationRole:
            return severity_colors()[row.severity]  # a swatch in the severity's colour
        return self._data(row, role)

    def _data(self, row: Row, role: int) -> Any:
        raise NotImplementedError


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def marked(snippet: str, marks: tuple[tuple[int, int], ...]) -> str:
    """The snippet as rich text with each matched word in bold."""
    parts: list[str] = []
    last = 0
    for start, end in marks:
        if start < last:
            continue  # overlapping words: the first one wins
        parts += [_escape(snippet[last:start]), "<b>", _escape(snippet[start:end]), "</b>"]
        last = end
    parts.append(_escape(snippet[last:]))
    return "".join(parts)


class SearchResultsModel(_RowsModel[IncidentHits]):
    """One row per incident: its heading, then its first matching entries."""

    def _data(self, row: IncidentHits, role: int) -> Any:
        heading = f"{row.ref}  {row.severity.value}  {row.title}"
        count = f"{row.matches} matching entr{'y' if row.matches == 1 else 'ies'}"
        if row.postmortem_matches:
            count += f", {row.postmortem_matches} in the postmortem"
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [f"{hit.occurred_at:%Y-%m-%d %H:%MZ}  {hit.snippet}" for hit in row.hits]
            lines += [
                f"Postmortem · {hit.section_title}  {hit.snippet}" for hit in row.postmortem_hits
            ]
            return "\n".join([f"{heading}  ({count})", *lines])
        if role == RichTextRole:
            lines = [
                f"<span class='dim'>{hit.occurred_at:%Y-%m-%d %H:%MZ}</span>"
                f"&nbsp;&nbsp;{marked(hit.snippet, hit.marks)}"
                for hit in row.hits
            ]
            lines += [
                f"<span class='dim'>Postmortem · {_escape(hit.section_title)}</span>"
                f"&nbsp;&nbsp;{marked(hit.snippet, hit.marks)}"
                for hit in row.postmortem_hits
            ]
            head = f"<b>{_escape(heading)}</b> <span class='dim'>({count})</span>"
            return "<br>".join([head, *lines])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.ref} · {row.severity.label} · {row.phase.label} · Enter opens it"
        return None


class SimilarIncidentsModel(_RowsModel[SimilarIncident]):
    def _data(self, row: SimilarIncident, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return "\n".join(similar_lines(row))
        if role == RichTextRole:
            head, *rest = similar_lines(row)
            details = "<br>".join(f"<span class='dim'>{_escape(line)}</span>" for line in rest)
            return f"<b>{_escape(head)}</b><br>{details}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Shared words: {', '.join(row.shared_terms)} · double-click opens it"
        return None


def similar_lines(row: SimilarIncident) -> list[str]:
    when = (
        f"resolved {row.resolved_at:%Y-%m-%d}"
        if row.resolved_at
        else f"not resolved, in {row.phase.label}"
    )
    lines = [f"{row.ref}  {row.severity.value}  {row.title}", when]
    if row.runbooks:
        lines.append("runbooks: " + ", ".join(row.runbooks))
    lines.append("postmortem: available" if row.postmortem_link else "postmortem: none yet")
    return lines
