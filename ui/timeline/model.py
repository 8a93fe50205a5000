"""The timeline table: one row per entry, in the order things happened.

For a long incident the model holds a window of the newest entries and grows
upwards as older pages arrive (``prepend_older``); the core pages with keyset
queries, so opening costs the same for 1,000 or 100,000 entries. Rows are
found by id through an id -> (time, id) map and a binary search, never a scan.
An entry older than the oldest row held belongs to the part not fetched yet:
it is left for the page that will bring it.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtGui import Qt as GuiQt  # the rich text helpers live in QtGui's Qt namespace

from commander.domain.when import format_clock, local_zone
from commander.views.incidents import EntryView

if TYPE_CHECKING:
    from commander.services.timeline_pages import TimelinePage

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Time", "Author", "Kind", "Entry")
TIME, AUTHOR, KIND, TEXT = range(len(COLUMNS))
EntryRole = Qt.ItemDataRole.UserRole + 1
# Long pastes stay whole in the store; a table cell shows the first line (and the count).
_CELL_LIMIT = 500
# A tooltip shows this many lines of a long entry; the detail pane below shows it all.
TOOLTIP_LINES = 30
_TOOLTIP_CHARS = 2_000


_Key = tuple[datetime, int]
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ROLES_ANSWERED = frozenset({_DISPLAY, _FONT, _FOREGROUND, _TOOLTIP, _DECORATION, int(EntryRole)})
# A colour swatch beside each kind, so kinds can be told apart at a glance.
KIND_COLOURS = {
    "note": "#9e9e9e",
    "action": "#1e88e5",
    "decision": "#8e24aa",
    "observation": "#43a047",
    "hypothesis": "#fb8c00",
    "declared": "#e53935",
    "severity": "#e53935",
    "phase": "#546e7a",
    "user-report": "#00897b",
    "chat": "#5e35b1",
}


def waiting(entry: EntryView) -> bool:
    """An entry the window's journal holds until the server is back (ui/offline): shown
    with the negative of its journal id, which no stored entry has."""
    return entry.id < 0


WAITING_TIP = "Waiting for the database server: kept on this computer, written when it is back"


def _key(entry: EntryView) -> _Key:
    return (entry.occurred_at, entry.id)


def line_count(text: str) -> int:
    """Lines as the person sees them (a final line break adds none)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _cell_text(entry: EntryView, lines: int) -> str:
    """The first line, and for a longer entry how much more there is: ``… (149 lines)``."""
    # Slice before splitting: a 1 MB paste is not copied on every repaint.
    head = entry.text[:_CELL_LIMIT]
    first = head.split("\n", 1)[0].rstrip("\r")
    if lines > 1:
        return f"{first} … ({lines:,} lines)"
    return f"{first} …" if len(entry.text) > _CELL_LIMIT else first


def _tooltip(entry: EntryView, lines: int) -> str:
    """The entry's text (its first lines when long: the detail pane shows the rest); for a
    user report, the reporter's contact too (this window is the commander's own: the
    exports leave the contact out); for a captured chat message, where it was said."""
    text = entry.text[:_TOOLTIP_CHARS]
    whole = "select the entry to read it whole below"
    if lines > TOOLTIP_LINES:
        shown = "\n".join(text.split("\n", TOOLTIP_LINES)[:TOOLTIP_LINES])
        text = f"{shown}\n… {lines:,} lines in all: {whole}"
    elif len(entry.text) > _TOOLTIP_CHARS:
        text = f"{text}…\n({len(entry.text):,} characters in all: {whole})"
    if entry.kind == "user-report":
        text = _report_tooltip(entry, text)
    elif entry.kind == "chat":
        text = _chat_tooltip(entry, text)
    if GuiQt.mightBeRichText(text):
        # A tooltip that looks like HTML is shown as HTML: an entry (a captured chat
        # message above all) reading "<b>…" or "<img src=…>" is shown as the text it is.
        return GuiQt.convertFromPlainText(text)
    return text


def _report_tooltip(entry: EntryView, text: str) -> str:
    from commander.domain.entry_facts import UserReported

    fact = entry.fact
    if isinstance(fact, UserReported) and fact.contact:
        return f"{text}\n\nContact: {fact.contact}"
    return text


def _chat_tooltip(entry: EntryView, text: str) -> str:
    """Where a captured message was said and its files, below its text."""
    from ui.timeline.chat_link import chat_fact

    fact = chat_fact(entry)
    if fact is None:
        return text
    lines = [text, "", f"Captured from {fact.provider} {fact.channel_name}: {fact.permalink}"]
    lines += [f"File: {file.name} {file.url}" for file in fact.files]
    return "\n".join(lines)


class TimelineModel(QAbstractTableModel):
    # True when the rows held span more than one day (on the clock shown): times show dates.
    dates_shown_changed = Signal(bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._struck = QFont()
        self._struck.setStrikeOut(True)  # deleted entries stay visible, struck through
        self._greyed = QColor("#9e9e9e")
        self._kind_colours = {kind: QColor(value) for kind, value in KIND_COLOURS.items()}
        self._rows: list[EntryView] = []  # sorted by (occurred_at, id)
        # id -> when it happened, as held: with the id, where to binary-search for it.
        # (No parallel list of keys: at 100,000 rows every object per row counts.)
        self._time_of: dict[int, datetime] = {}
        # id -> lines, for entries of more than one line only: counted once, when the row
        # arrives, never on a repaint; one-line entries (nearly all) cost nothing here.
        self._lines: dict[int, int] = {}
        self._earliest_known: datetime | None = None  # the incident's start, rows or not
        self._dates_shown = False
        self._has_older = False
        self._latest_version = 0
        self._local_time = False
        self.total_count = 0  # entries in the incident
        self.shown_count = 0  # entries the filter lets through (fetched or not)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == TIME:
                return "Time (local)" if self._local_time else "Time (UTC)"
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each repaint: the roles
        # that mean nothing here are answered first, and cheaply.
        if role not in _ROLES_ANSWERED or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        entry = self._rows[row]
        if role == _DISPLAY:
            column = index.column()
            if column == TIME:
                return format_clock(entry.occurred_at, self._local_time, self._dates_shown)
            if column == AUTHOR:
                return entry.author
            if column == KIND:
                # Words, not an hourglass: the glyph is missing from common Linux fonts.
                mark = "waiting · " if waiting(entry) else ""
                return mark + ("★ " if entry.pinned else "") + entry.kind
            return _cell_text(entry, self._lines.get(entry.id, 1))
        if role == _FONT:
            return self._struck if entry.deleted_at is not None else None
        if role == _FOREGROUND:
            return self._greyed if entry.deleted_at is not None or waiting(entry) else None
        if role == _DECORATION:
            return self._kind_colours.get(entry.kind) if index.column() == KIND else None
        if role == _TOOLTIP:
            if index.column() == TIME:
                return format_clock(entry.occurred_at, self._local_time, with_date=True)
            if waiting(entry):
                return WAITING_TIP
            if index.column() == TEXT:
                return _tooltip(entry, self._lines.get(entry.id, 1))
            return None
        return entry  # EntryRole

    # -- loading ------------------------------------------------------------------------
    def set_entries(self, entries: list[EntryView] | tuple[EntryView, ...]) -> None:
        """Show exactly these entries: the whole timeline, nothing left to fetch."""
        rows = sorted(entries, key=_key)
        self._reset(rows, has_older=False, latest=max((r.version for r in rows), default=0))
        self.total_count = self.shown_count = len(rows)

    def set_page(self, page: TimelinePage) -> None:
        """Show the newest page of a (maybe filtered) timeline; older pages come later."""
        self._reset(list(page.entries), has_older=page.has_older, latest=page.latest_version)
        if page.counts is not None:
            self.set_counts(page.counts.total, page.counts.shown)

    def _reset(self, rows: list[EntryView], *, has_older: bool, latest: int) -> None:
        self.beginResetModel()
        self._rows = rows
        self._time_of = {row.id: row.occurred_at for row in rows}
        self._lines = {}
        self._count_lines(rows)
        self._has_older = has_older
        self._latest_version = max(latest, max((r.version for r in rows), default=0))
        self.endResetModel()
        self._update_dates_shown()

    def set_counts(self, total: int, shown: int) -> None:
        self.total_count, self.shown_count = total, shown

    def has_older(self) -> bool:
        return self._has_older

    def oldest_key(self) -> _Key | None:
        """Where the next older page starts (exclusive)."""
        return _key(self._rows[0]) if self._rows else None

    def prepend_older(self, entries: tuple[EntryView, ...], has_older: bool) -> int:
        """Put an older page above the rows held; returns how many rows were added."""
        boundary = self.oldest_key()
        fresh = [
            e
            for e in entries
            if e.id not in self._time_of and (boundary is None or _key(e) < boundary)
        ]
        self._has_older = has_older
        if not fresh:
            return 0
        fresh.sort(key=_key)
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._rows[0:0] = fresh
        self._time_of.update((e.id, e.occurred_at) for e in fresh)
        self._count_lines(fresh)
        self._latest_version = max(self._latest_version, max(e.version for e in fresh))
        self.endInsertRows()
        self._update_dates_shown()
        return len(fresh)

    # -- live changes ---------------------------------------------------------------------
    def add_entry(self, entry: EntryView) -> int:
        """Insert where it belongs in time (a backdated entry lands mid-list).

        An entry already shown (our own write echoed back by the feed) is
        replaced, and moves if its time changed. Returns its row, or -1 when it
        belongs to the older part not fetched yet.
        """
        self._latest_version = max(self._latest_version, entry.version)
        row = self.row_of(entry.id)
        if row >= 0:
            if self._rows[row].occurred_at == entry.occurred_at:
                self._rows[row] = entry
                self._lines.pop(entry.id, None)
                self._count_lines((entry,))
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return row
            self._remove_row(row)  # its time was corrected: it moves
        key = _key(entry)
        if self._has_older and self._rows and key < _key(self._rows[0]):
            return -1
        position = bisect.bisect_right(self._rows, key, key=_key)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, entry)
        self._time_of[entry.id] = entry.occurred_at
        self._count_lines((entry,))
        self.endInsertRows()
        self._update_dates_shown()
        return position

    def apply_changes(
        self, entries: list[EntryView], matching: frozenset[int] | None = None
    ) -> None:
        """Merge entries written, edited, deleted or restored elsewhere (or echoed back).

        With ``matching`` (a filter is on), entries not in it leave the view.
        """
        for entry in entries:
            if matching is not None and entry.id not in matching:
                self.remove_entry(entry.id)
                self._latest_version = max(self._latest_version, entry.version)
            else:
                self.add_entry(entry)

    def set_waiting(self, entries: list[EntryView]) -> None:
        """Show exactly these journaled entries as waiting (the previous ones go)."""
        for entry in [row for row in self._rows if waiting(row)]:
            self.remove_entry(entry.id)
        for entry in entries:
            self.add_entry(entry)

    def remove_entry(self, entry_id: int) -> None:
        row = self.row_of(entry_id)
        if row >= 0:
            self._remove_row(row)

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        removed = self._rows.pop(row).id
        del self._time_of[removed]
        self._lines.pop(removed, None)
        self.endRemoveRows()
        self._update_dates_shown()

    def _count_lines(self, entries: list[EntryView] | tuple[EntryView, ...]) -> None:
        for entry in entries:
            if "\n" in entry.text:
                self._lines[entry.id] = line_count(entry.text)

    def lines_of(self, entry: EntryView) -> int:
        return self._lines.get(entry.id, 1)

    def shows_whole(self, entry: EntryView) -> bool:
        """Whether its cell holds all of it: one line, not cut."""
        return entry.id not in self._lines and len(entry.text) <= _CELL_LIMIT

    # -- dates ----------------------------------------------------------------------------
    def set_earliest_known(self, moment: datetime | None) -> None:
        """When the incident began (declared), so dates show while its first day's
        entries are still in a page not fetched yet."""
        self._earliest_known = moment
        self._update_dates_shown()

    @property
    def dates_shown(self) -> bool:
        return self._dates_shown

    def _update_dates_shown(self) -> None:
        """Dates join the times once the rows span more than one day on the clock shown:
        the first and the last row (rows are in time order) say it, whatever their count."""
        first = self._rows[0].occurred_at if self._rows else None
        if self._earliest_known is not None and (first is None or self._earliest_known < first):
            first = self._earliest_known
        last = self._rows[-1].occurred_at if self._rows else None
        shown = first is not None and last is not None and self._day(first) != self._day(last)
        if shown == self._dates_shown:
            return
        self._dates_shown = shown
        if self._rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self._rows) - 1, TIME))
        self.dates_shown_changed.emit(shown)

    def _day(self, moment: datetime) -> date:
        return moment.astimezone(local_zone() if self._local_time else UTC).date()

    # -- lookups --------------------------------------------------------------------------
    def row_of(self, entry_id: int) -> int:
        occurred_at = self._time_of.get(entry_id)
        if occurred_at is None:
            return -1
        return bisect.bisect_left(self._rows, (occurred_at, entry_id), key=_key)

    def latest_version(self) -> int:
        return self._latest_version

    @property
    def local_time(self) -> bool:
        return self._local_time

    def set_local_time(self, local: bool) -> None:
        self._local_time = local
        if self._rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self._rows) - 1, TIME))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, TIME, TIME)
        self._update_dates_shown()  # midnight falls elsewhere on another clock

    def entry_at(self, row: int) -> EntryView:
        return self._rows[row]
